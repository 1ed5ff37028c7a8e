//! Every capture of `vectors/captures/huawei/` through the JSON-lines reader and the
//! verifier, against the verdict, code, first rule and client mistake its manifest
//! expects. The captures and the manifest are made by
//! `vectors/tools/make_huawei_captures.py`, which computes every signature (each client
//! mistake applied in Python) independently of this code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::io::BufReader;

use cloudsig_verify::capture::{Captured, Limits, jsonl::JsonLinesReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{Options, Report, Scheme, Session, Verdict, Verifier};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures/huawei");

fn manifest() -> (Value, KeyRing) {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/manifest.json")).unwrap())
            .unwrap();
    let keys =
        KeyRing::from_file(format!("{DIR}/{}", m["keys"].as_str().unwrap()).as_ref()).unwrap();
    (m, keys)
}

fn captured(file: &str) -> Captured {
    let f = std::fs::File::open(format!("{DIR}/{file}")).unwrap();
    let mut items: Vec<_> = JsonLinesReader::new(BufReader::new(f), Limits::default()).collect();
    assert_eq!(items.len(), 1, "{file}");
    items.remove(0).unwrap()
}

fn verify(cap: &Captured, keys: &KeyRing, now: i64) -> Report {
    Session::new(Verifier::new(keys.clone(), Options::at(now))).verify(cap)
}

#[test]
fn every_capture_gets_the_expected_verdict_code_rule_and_mistake() {
    let (m, keys) = manifest();
    let now = m["now"].as_i64().unwrap();
    let cases = m["captures"].as_array().unwrap();
    assert!(cases.len() >= 25, "{}", cases.len());
    let mut mistakes = 0;
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let report = verify(&captured(file), &keys, now);
        // The manifest's cases carry their expectation as fields of their own.
        common::check_expectation(file, &report, case);
        let ctx = format!("{file}: {report}\n{report:#?}");
        if case["mistake"].is_string() {
            mistakes += 1;
            // The one-line report names the cause.
            assert!(report.to_string().contains("; cause: "), "{ctx}");
        }
        assert!(matches!(
            report.scheme,
            Scheme::HuaweiSdkHmacSha256 | Scheme::HuaweiSdkHmacSm3 | Scheme::HuaweiV11HmacSha256
        ));
    }
    assert_eq!(mistakes, 11);
}

/// Every single-byte change to a signed part of a valid capture (the path, query, a
/// signed header value, the body, the signature) makes it invalid with APIGW.0301.
#[test]
fn single_byte_changes_to_signed_parts_fail_with_apigw_0301() {
    let (m, keys) = manifest();
    let now = m["now"].as_i64().unwrap();
    let mut checked = 0;
    for case in m["captures"].as_array().unwrap() {
        if case["verdict"] != "valid" {
            continue;
        }
        let cap = captured(case["file"].as_str().unwrap());
        assert_eq!(verify(&cap, &keys, now).verdict, Verdict::Valid);
        // The body: flip each byte (when it is signed).
        let unsigned = cap
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("x-sdk-content-sha256"));
        for i in 0..cap.body.len() {
            let mut c = cap.clone();
            c.body[i] ^= 0x01;
            let r = verify(&c, &keys, now);
            if unsigned {
                assert_eq!(r.verdict, Verdict::Valid);
            } else {
                assert_eq!(r.code(), Some("APIGW.0301"), "body byte {i}: {r}");
            }
            checked += 1;
        }
        // Signed header values (not the date, whose change may also move the window,
        // still 0301), and the Authorization's signature.
        for (h, (name, value)) in cap.headers.iter().enumerate() {
            // Of the Authorization, the signature (its other parts are not signed: a
            // change there is a malformed header or another AK, tested elsewhere).
            let from = if name.eq_ignore_ascii_case("authorization") {
                value.find("Signature=").unwrap() + "Signature=".len()
            } else {
                0
            };
            for i in from..value.len() {
                let mut c = cap.clone();
                let mut bytes = value.clone().into_bytes();
                bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
                let Ok(v) = String::from_utf8(bytes) else {
                    continue;
                };
                if v == *value {
                    continue;
                }
                c.headers[h].1 = v;
                let r = verify(&c, &keys, now);
                assert_eq!(r.code(), Some("APIGW.0301"), "{name} byte {i}: {r}");
                checked += 1;
            }
        }
        // The path and query of the target.
        let start = cap.target.find("://").map_or(0, |p| p + 3);
        let path_at = cap.target[start..].find('/').unwrap() + start;
        for i in path_at + 1..cap.target.len() {
            let mut bytes = cap.target.clone().into_bytes();
            if !bytes[i].is_ascii_alphanumeric() {
                continue;
            }
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let mut c = cap.clone();
            c.target = String::from_utf8(bytes).unwrap();
            if c.target == cap.target {
                continue;
            }
            let r = verify(&c, &keys, now);
            assert_eq!(r.code(), Some("APIGW.0301"), "target byte {i}: {r}");
            checked += 1;
        }
    }
    assert!(checked > 3000, "{checked}");
}
