//! Diagnoses of client behaviour seen in the official SDKs' captures that the
//! generated captures do not cover: a Host replaced after signing (the Python SDK's
//! `apigw_endpoint`) and an Authorization replaced by an HTTP library (`~/.netrc`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};
use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier, codes};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// A request signed for `cvm.tencentcloudapi.com` (by the signer the vectors test).
fn signed() -> Captured {
    let creds = Credentials::new(ID, KEY).unwrap();
    let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
        .region("ap-guangzhou")
        .body(r#"{"Limit": 1}"#);
    let s = sign_tc3(&creds, &call, &FixedClock(1_551_113_065)).unwrap();
    Captured {
        location: Location::default(),
        method: s.method().into(),
        target: "/".into(),
        headers: s.headers().to_vec(),
        body: s.body().to_vec(),
    }
}

fn check(cap: &Captured) -> cloudsig_verify::Report {
    let keys = KeyRing::parse(&format!("{ID} {KEY}"), "test").unwrap();
    Verifier::new(keys, Options::at(1_551_113_065)).check(cap, &mut KeyCache::default())
}

#[test]
fn the_signed_request_is_valid() {
    assert_eq!(check(&signed()).verdict, Verdict::Valid);
}

#[test]
fn a_host_replaced_after_signing_is_named() {
    let mut cap = signed();
    for (n, v) in &mut cap.headers {
        if n == "Host" {
            *v = "apigw.example.com".into();
        }
    }
    let r = check(&cap);
    assert_eq!(r.verdict, Verdict::Invalid);
    let mistake = r
        .diagnosis
        .as_ref()
        .and_then(|d| d.mistake.as_ref())
        .unwrap();
    assert_eq!(mistake.id, "host-replaced", "{r}");
    assert!(
        mistake.description.contains("`cvm.tencentcloudapi.com`"),
        "{r}"
    );
}

#[test]
fn basic_authentication_in_place_of_the_signature_is_explained() {
    let mut cap = signed();
    for (n, v) in &mut cap.headers {
        if n == "Authorization" {
            *v = "Basic dXNlcjpwYXNz".into();
        }
    }
    let r = check(&cap);
    assert_eq!(r.code(), Some(codes::INVALID_AUTHORIZATION));
    assert!(r.findings[0].message.contains(".netrc"), "{r}");
}
