//! `SignedRequest::to_curl` read back by the curl reader: URLs curl would glob and bodies
//! that are not UTF-8 text arrive as signed, and verify.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};
use cloudsig_verify::capture::Limits;
use cloudsig_verify::capture::curl::CurlReader;
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn round_trip(call: &Tc3Call) {
    let creds = Credentials::new(ID, KEY).unwrap();
    let signed = sign_tc3(&creds, call, &FixedClock(1_551_113_065)).unwrap();
    let curl = signed.to_curl();
    let items: Vec<_> = CurlReader::new(curl.as_bytes(), Limits::default()).collect();
    assert_eq!(items.len(), 1, "{curl}");
    let cap = items.into_iter().next().unwrap().unwrap();
    assert_eq!(cap.body, signed.body(), "{curl}");
    let keys = KeyRing::parse(&format!("{ID} {KEY}"), "test").unwrap();
    let report =
        Verifier::new(keys, Options::at(1_551_113_065)).check(&cap, &mut KeyCache::default());
    assert_eq!(report.verdict, Verdict::Valid, "{curl}\n{report:?}");
}

#[test]
fn a_query_with_brackets_and_braces() {
    round_trip(
        &Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .method("GET")
            .raw_query("Filters.0.Name=a[1]&X={b,c}"),
    );
}

#[test]
fn a_binary_body() {
    let body: Vec<u8> = (1..=255u8).chain(*b"\\'\"$`!").collect();
    round_trip(
        &Tc3Call::new("cvm", "UploadThing", "2017-03-12")
            .content_type("application/octet-stream")
            .body(body),
    );
}

#[test]
fn a_text_body_with_quotes_and_line_breaks() {
    round_trip(
        &Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .body("{\"a\": \"it's\\n\",\r\n \"b\": \"\u{e9}\u{1F600}\"}\n"),
    );
}
