//! Property tests of Alibaba signing and verification together.
//!
//! - Round trips: a request signed by the high-level `sign_acs3` / `sign_roa` /
//!   `sign_rpc` for arbitrary parameters, bodies, keys, times and nonces verifies as
//!   valid, in memory and through raw HTTP, curl and JSON lines and their readers.
//! - Mutations: a change to a signed part (a query or RPC parameter value, a signed
//!   header value, an ACS3 body byte, the method, the path) makes the verdict invalid with
//!   `SignatureDoesNotMatch`; an unsigned header added leaves it valid, and so does a ROA
//!   body change (ROA V2 does not sign the body unless Content-MD5 is sent).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::alibaba::{
    Acs3Call, Body, Credentials, FixedClock, RoaCall, RpcCall, SignedRequest, sign_acs3, sign_roa,
    sign_rpc,
};
use cloudsig_core::alibaba::Algorithm;
use cloudsig_verify::capture::curl::CurlReader;
use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::capture::jsonl::{JsonLinesReader, write_record};
use cloudsig_verify::capture::{Captured, Limits, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Scheme, Verdict, Verifier};
use proptest::collection::vec;
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9._~-]{0,8}"
}

/// Parameter values: any printable text, spaces, `+`, `*`, `~`, `&`, `=`, `%`, non-ASCII.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![r"[ -~]{0,12}", r"\PC{0,8}", Just(String::new())]
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((name(), value()), 0..5).prop_map(|mut p| {
        // One value per name: a repeated name has no single value to mutate.
        p.sort_by(|a, b| a.0.cmp(&b.0));
        p.dedup_by(|a, b| a.0 == b.0);
        p
    })
}

fn key() -> impl Strategy<Value = (String, String)> {
    ("LTAI[A-Za-z0-9]{4,20}", "[!-~]{1,40}")
}

fn nonce() -> impl Strategy<Value = String> {
    "[A-Za-z0-9-]{1,32}"
}

fn path() -> impl Strategy<Value = String> {
    vec("[A-Za-z0-9._~-]{1,8}|%2A%2A", 0..4).prop_map(|s| format!("/{}", s.join("/")))
}

const TS: i64 = 1_698_315_752;

fn capture(s: &SignedRequest) -> Captured {
    let mut target = s.path().to_string();
    if !s.query().is_empty() {
        target.push('?');
        target.push_str(s.query());
    }
    Captured {
        location: Location::default(),
        method: s.method().into(),
        target,
        headers: s.headers().to_vec(),
        body: s.body().to_vec(),
    }
}

fn verify(keys: &KeyRing, cap: &Captured, now: i64) -> Report {
    Verifier::new(keys.clone(), Options::at(now)).check(cap, &mut KeyCache::default())
}

/// The request written as raw HTTP, a curl command and a JSON-lines record, read back by
/// cloudsig's readers and verified: every report.
fn via_wire(keys: &KeyRing, s: &SignedRequest, now: i64) -> Vec<Report> {
    let bytes = s.to_http();
    let mut items = HttpReader::new(&bytes[..], Limits::default());
    let http = items.next().unwrap().unwrap();
    assert!(items.next().is_none());
    let curl = s.to_curl();
    let mut items = CurlReader::new(curl.as_bytes(), Limits::default());
    let from_curl = items
        .next()
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}: {curl}"));
    let mut jsonl = Vec::new();
    write_record(&capture(s), &mut jsonl).unwrap();
    let mut items = JsonLinesReader::new(&jsonl[..], Limits::default());
    let from_jsonl = items.next().unwrap().unwrap();
    [http, from_curl, from_jsonl]
        .iter()
        .map(|c| verify(keys, c, now))
        .collect()
}

fn via_http(keys: &KeyRing, s: &SignedRequest, now: i64) -> Report {
    via_wire(keys, s, now).swap_remove(0)
}

fn ring(id: &str, secret: &str) -> KeyRing {
    KeyRing::parse(&format!("{id} {secret}"), "test").unwrap()
}

fn assert_mismatch(r: &Report, what: &str) {
    assert_eq!(r.verdict, Verdict::Invalid, "{what}: {r}");
    assert_eq!(r.code(), Some("SignatureDoesNotMatch"), "{what}: {r:#?}");
}

/// Replaces the first header named `name` (any case) with `value`.
fn set_header(cap: &mut Captured, name: &str, value: String) {
    let h = cap
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .unwrap();
    h.1 = value;
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn acs3_round_trip_and_mutations(
        (id, secret) in key(), q in params(), body in proptest::option::of(r"\PC{0,24}"),
        sm3 in any::<bool>(), get in any::<bool>(), n in nonce(), p in path(),
        skew in -600i64..600, extra in "[a-z]{1,6}",
    ) {
        let creds = Credentials::new(&id, &secret).unwrap();
        let keys = ring(&id, &secret);
        let mut call = Acs3Call::new("ecs.cn-hangzhou.aliyuncs.com", "DescribeInstances", "2014-05-26")
            .algorithm(if sm3 { Algorithm::HmacSm3 } else { Algorithm::HmacSha256 })
            .method(if get { "GET" } else { "POST" })
            .path(p.clone())
            .nonce(n);
        for (k, v) in &q {
            call = call.query_param(k, v);
        }
        if let Some(b) = &body {
            call = call.body(Body::Json(serde_json::json!({ "v": b }).to_string()));
        }
        let signed = sign_acs3(&creds, &call, &FixedClock(TS)).unwrap();
        let cap = capture(&signed);
        let now = TS + skew;
        let r = verify(&keys, &cap, now);
        prop_assert!(r.is_ok(), "{r:#?}\n{}", String::from_utf8_lossy(&signed.to_http()));
        prop_assert_eq!(r.scheme, if sm3 { Scheme::Acs3HmacSm3 } else { Scheme::Acs3HmacSha256 });
        for r in via_wire(&keys, &signed, now) {
            prop_assert!(r.is_ok(), "{r:#?}");
        }

        // An unsigned header added: still valid.
        let mut m = cap.clone();
        m.headers.push((format!("X-Unsigned-{extra}"), "anything".into()));
        prop_assert!(verify(&keys, &m, now).is_ok());

        // A signed header value changed.
        let mut m = cap.clone();
        set_header(&mut m, "x-acs-action", "DescribeInstancez".into());
        assert_mismatch(&verify(&keys, &m, now), "x-acs-action");

        // A body byte changed.
        if !cap.body.is_empty() {
            let mut m = cap.clone();
            let i = m.body.len() / 2;
            m.body[i] ^= 0x01;
            let r = verify(&keys, &m, now);
            assert_mismatch(&r, "body");
            prop_assert_eq!(r.findings[0].rule, "content-sha256");
        }
        // A query value changed (a parameter appended to the query is signed too).
        let mut m = cap.clone();
        m.target.push(if m.target.contains('?') { '&' } else { '?' });
        m.target.push_str("zz=1");
        assert_mismatch(&verify(&keys, &m, now), "query");
        // The method and the path.
        let mut m = cap.clone();
        m.method = if get { "POST" } else { "GET" }.into();
        assert_mismatch(&verify(&keys, &m, now), "method");
        let mut m = cap.clone();
        m.target.insert_str(0, "/x");
        assert_mismatch(&verify(&keys, &m, now), "path");
    }

    #[test]
    fn roa_round_trip_and_mutations(
        (id, secret) in key(), q in params(), body in proptest::option::of(r"\PC{0,24}"),
        n in nonce(), p in path(), skew in -600i64..600,
    ) {
        let creds = Credentials::new(&id, &secret).unwrap();
        let keys = ring(&id, &secret);
        let mut call = RoaCall::new("elasticsearch.cn-hangzhou.aliyuncs.com", "2017-06-13", p)
            .action("createInstance")
            .nonce(n);
        for (k, v) in &q {
            call = call.query_param(k, v);
        }
        if let Some(b) = &body {
            call = call.body(Body::Json(serde_json::json!({ "v": b }).to_string()));
        }
        let signed = sign_roa(&creds, &call, &FixedClock(TS)).unwrap();
        let cap = capture(&signed);
        let now = TS + skew;
        let r = verify(&keys, &cap, now);
        prop_assert!(r.is_ok(), "{r:#?}\n{}", String::from_utf8_lossy(&signed.to_http()));
        prop_assert_eq!(r.scheme, Scheme::RoaHmacSha1);
        prop_assert!(via_http(&keys, &signed, now).is_ok());

        let mut m = cap.clone();
        set_header(&mut m, "x-acs-version", "2017-06-14".into());
        assert_mismatch(&verify(&keys, &m, now), "x-acs-version");
        let mut m = cap.clone();
        set_header(&mut m, "Accept", "application/xml".into());
        assert_mismatch(&verify(&keys, &m, now), "accept");
        if let Some((k, v)) = q.first() {
            // The first parameter's value changed (it is decoded into the resource).
            let mut m = cap.clone();
            let (path, query) = m.target.split_once('?').unwrap();
            let changed = query.replacen(
                &format!("{}={}", cloudsig_canonical::encode::rfc3986(k), cloudsig_canonical::encode::rfc3986(v)),
                &format!("{}={}x", cloudsig_canonical::encode::rfc3986(k), cloudsig_canonical::encode::rfc3986(v)),
                1,
            );
            m.target = format!("{path}?{changed}");
            assert_mismatch(&verify(&keys, &m, now), "query");
        }
        // ROA V2 does not sign the body (no Content-MD5): a changed body stays valid.
        if !cap.body.is_empty() {
            let mut m = cap.clone();
            m.body.push(b' ');
            prop_assert!(verify(&keys, &m, now).is_ok());
        }
    }

    #[test]
    fn rpc_round_trip_and_mutations(
        (id, secret) in key(), p in params(), post in any::<bool>(), n in nonce(),
        skew in -600i64..600,
    ) {
        let p: Vec<(String, String)> = p
            .into_iter()
            .filter(|(k, _)| !["Signature", "AccessKeyId", "Action", "Format", "SignatureMethod",
                "SignatureNonce", "SignatureVersion", "Timestamp", "Version", "SecurityToken"]
                .contains(&k.as_str()))
            .collect();
        let creds = Credentials::new(&id, &secret).unwrap();
        let keys = ring(&id, &secret);
        let mut call = RpcCall::new("ecs.aliyuncs.com", "DescribeInstances", "2014-05-26")
            .method(if post { "POST" } else { "GET" })
            .nonce(n);
        for (k, v) in &p {
            call = call.param(k, v);
        }
        let signed = sign_rpc(&creds, &call, &FixedClock(TS)).unwrap();
        let cap = capture(&signed);
        let now = TS + skew;
        let r = verify(&keys, &cap, now);
        prop_assert!(r.is_ok(), "{r:#?}\n{}", String::from_utf8_lossy(&signed.to_http()));
        prop_assert_eq!(r.scheme, Scheme::RpcHmacSha1);
        prop_assert!(via_http(&keys, &signed, now).is_ok());

        // Action changed where the parameters travel.
        let mut m = cap.clone();
        if post {
            let body = String::from_utf8(m.body.clone()).unwrap();
            m.body = body.replacen("Action=DescribeInstances", "Action=DescribeInstancez", 1).into_bytes();
        } else {
            m.target = m.target.replacen("Action=DescribeInstances", "Action=DescribeInstancez", 1);
        }
        assert_mismatch(&verify(&keys, &m, now), "Action");
        // An extra parameter is signed too.
        let mut m = cap.clone();
        m.target.push_str(if m.target.contains('?') { "&Extra=1" } else { "?Extra=1" });
        assert_mismatch(&verify(&keys, &m, now), "extra parameter");
    }

    #[test]
    fn verifier_never_panics_on_mutated_alibaba_requests(
        (id, secret) in key(), q in params(), cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let creds = Credentials::new(&id, &secret).unwrap();
        let keys = ring(&id, &secret);
        let mut call = Acs3Call::new("ecs.aliyuncs.com", "A", "1").nonce("n");
        for (k, v) in &q {
            call = call.query_param(k, v);
        }
        let signed = sign_acs3(&creds, &call, &FixedClock(TS)).unwrap();
        // One byte of the Authorization header replaced by anything.
        let mut cap = capture(&signed);
        let auth = &mut cap.headers[0].1;
        let mut bytes = auth.clone().into_bytes();
        let i = cut.index(bytes.len());
        bytes[i] = byte;
        *auth = String::from_utf8_lossy(&bytes).into_owned();
        let r = verify(&keys, &cap, TS);
        if bytes[i] != signed.headers()[0].1.as_bytes()[i] {
            prop_assert!(!r.is_ok() || r.notes.iter().any(|n| n.contains("spaced")), "{r}");
        }
    }
}

#[test]
fn the_round_trip_can_fail() {
    // Control: a request signed with one key does not verify with another.
    let creds = Credentials::new("LTAIa", "secret-a").unwrap();
    let signed = sign_acs3(
        &creds,
        &Acs3Call::new("ecs.aliyuncs.com", "A", "1").nonce("n"),
        &FixedClock(TS),
    )
    .unwrap();
    let r = verify(&ring("LTAIa", "secret-b"), &capture(&signed), TS);
    assert_mismatch(&r, "other key");
}
