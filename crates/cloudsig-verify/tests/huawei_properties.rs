//! Property tests of Huawei signing and verification together: a request signed by
//! `huawei::sign_request` (any algorithm, path, query, extra headers, body) and read
//! back from its raw HTTP form verifies as valid; a change to a signed part (a body
//! byte, a query value, a signed header value, a path segment, the method) makes it
//! invalid with APIGW.0301's signature finding, and the unsigned body under
//! UNSIGNED-PAYLOAD may change freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::encode::rfc3986;
use cloudsig_canonical::huawei::{Call, Credentials, SignedRequest, sign_request};
use cloudsig_canonical::tencent::FixedClock;
use cloudsig_core::huawei::Algorithm;
use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::capture::{Captured, Limits};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier};
use proptest::collection::vec;
use proptest::prelude::*;

const AK: &str = "HPUAEXAMPLEAK0000001";
const SK: &str = "cloudsigExampleHuaweiSecretKey0000000001";
const NOW: i64 = 1_763_194_150;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(64),
        ..ProptestConfig::default()
    }
}

#[derive(Debug, Clone)]
struct Spec {
    algorithm: Algorithm,
    method: &'static str,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    unsigned: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(Algorithm::ALL.to_vec()),
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        vec("[a-zA-Z0-9 ._~*%+-]{1,8}", 0..4),
        vec(("[a-z_]{1,6}", "[a-zA-Z0-9 ._~*+/=-]{0,8}"), 0..4),
        vec(("x-[a-z]{1,6}", "[!-~]([ !-~]{0,10}[!-~])?"), 0..3),
        vec(any::<u8>(), 0..64),
        any::<bool>(),
    )
        .prop_map(
            |(algorithm, method, segments, query, headers, body, unsigned)| Spec {
                algorithm,
                method,
                segments,
                query,
                headers,
                body,
                unsigned,
            },
        )
}

fn signed(s: &Spec) -> SignedRequest {
    let path = format!(
        "/v1/{}",
        s.segments
            .iter()
            .map(|x| rfc3986(x))
            .collect::<Vec<_>>()
            .join("/")
    );
    let mut call = Call::new(s.method, "ecs.cn-north-4.myhuaweicloud.com", path)
        .algorithm(s.algorithm)
        .region("cn-north-4")
        .service("ecs")
        .content_type("application/octet-stream")
        .body(s.body.clone())
        .unsigned_payload(s.unsigned);
    for (k, v) in &s.query {
        call = call.query_param(k, v);
    }
    let mut seen = std::collections::BTreeSet::new();
    for (n, v) in &s.headers {
        if seen.insert(n.clone()) {
            call = call.header(n, v);
        }
    }
    let creds = Credentials::new(AK, SK).unwrap();
    sign_request(&creds, &call, &FixedClock(NOW)).unwrap()
}

fn read(http: &[u8]) -> Captured {
    let mut items: Vec<_> = HttpReader::new(http, Limits::default()).collect();
    assert_eq!(items.len(), 1);
    items.remove(0).unwrap()
}

fn verify(cap: &Captured) -> Report {
    let keys = KeyRing::parse(&format!("{AK} {SK}\n"), "test").unwrap();
    Verifier::new(keys, Options::at(NOW)).check(cap, &mut KeyCache::default())
}

fn assert_signature_failure(r: &Report) {
    assert_eq!(r.verdict, Verdict::Invalid, "{r}");
    assert_eq!(r.code(), Some("APIGW.0301"), "{r}");
    assert!(r.findings.iter().any(|f| f.rule == "signature"), "{r:#?}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn signed_requests_verify_through_raw_http(s in spec()) {
        let signed = signed(&s);
        let report = verify(&read(&signed.to_http()));
        prop_assert_eq!(report.verdict, Verdict::Valid, "{}\n{:#?}", report, signed);
    }

    #[test]
    fn a_changed_body_byte_is_caught_unless_unsigned(s in spec(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        prop_assume!(!s.body.is_empty());
        let mut cap = read(&signed(&s).to_http());
        let i = at.index(cap.body.len());
        cap.body[i] ^= 1 << bit;
        let r = verify(&cap);
        if s.unsigned {
            prop_assert_eq!(r.verdict, Verdict::Valid, "{}", r);
        } else {
            assert_signature_failure(&r);
        }
    }

    #[test]
    fn a_changed_query_value_or_path_or_method_is_caught(s in spec(), which in 0u8..3) {
        let mut cap = read(&signed(&s).to_http());
        match which {
            0 if !s.query.is_empty() => cap.target.push('Z'),
            1 => cap.target = cap.target.replacen("/v1/", "/v2/", 1),
            _ => cap.method = if cap.method == "GET" { "HEAD".into() } else { "GET".into() },
        }
        if which == 0 && s.query.is_empty() {
            cap.target = cap.target.replacen("/v1/", "/v1x/", 1);
        }
        assert_signature_failure(&verify(&cap));
    }

    #[test]
    fn a_changed_signed_header_value_is_caught(s in spec(), at in any::<prop::sample::Index>()) {
        let mut cap = read(&signed(&s).to_http());
        // Every header but Authorization and X-Sdk-Date (whose change is a date change).
        let idx: Vec<usize> = cap.headers.iter().enumerate()
            .filter(|(_, (n, _))| !n.eq_ignore_ascii_case("authorization")
                && !n.eq_ignore_ascii_case("x-sdk-date")
                && !n.eq_ignore_ascii_case("content-length"))
            .map(|(i, _)| i).collect();
        let h = idx[at.index(idx.len())];
        cap.headers[h].1.insert(0, 'q');
        assert_signature_failure(&verify(&cap));
    }
}
