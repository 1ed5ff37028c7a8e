//! Every capture of `vectors/captures/alibaba/` through the raw HTTP reader and the
//! verifier, against the verdict, code, rule and mistake its manifest expects.
//!
//! The captures and the manifest are made by `vectors/tools/make_alibaba_captures.py`,
//! which computes every signature (including each client mistake) independently of this
//! code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::BufReader;

use cloudsig_verify::capture::{Limits, http::HttpReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{Options, Report, Session, Verifier};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/alibaba"
);

fn manifest() -> (Vec<Value>, KeyRing) {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["schema"], "cloudsig-captures/1");
    let keys =
        KeyRing::from_file(format!("{DIR}/{}", m["keys"].as_str().unwrap()).as_ref()).unwrap();
    (m["cases"].as_array().unwrap().clone(), keys)
}

fn reports(file: &str, keys: &KeyRing, now: i64) -> Vec<Report> {
    let f = std::fs::File::open(format!("{DIR}/{file}")).unwrap();
    let mut session = Session::new(Verifier::new(keys.clone(), Options::at(now)));
    HttpReader::new(BufReader::new(f), Limits::default())
        .map(|item| session.verify_item(&item))
        .collect()
}

fn check(file: &str, report: &Report, expect: &Value) {
    let ctx = format!("{file}: {report}\n{report:#?}");
    assert_eq!(
        report.verdict.name(),
        expect["verdict"].as_str().unwrap(),
        "{ctx}"
    );
    assert_eq!(report.code(), expect["code"].as_str(), "{ctx}");
    if let Some(rule) = expect["rule"].as_str() {
        assert_eq!(report.findings.first().map(|f| f.rule), Some(rule), "{ctx}");
    }
    if let Some(text) = expect["message_contains"].as_str() {
        assert!(report.findings[0].message.contains(text), "{ctx}");
    }
    let mistake = report
        .diagnosis
        .as_ref()
        .and_then(|d| d.mistake.as_ref())
        .map(|m| m.id);
    assert_eq!(mistake, expect["mistake"].as_str(), "{ctx}");
}

#[test]
fn every_capture_gets_the_expected_verdict() {
    let (cases, keys) = manifest();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let got = reports(file, &keys, case["now"].as_i64().unwrap());
        let expects: Vec<&Value> = match &case["expect"] {
            Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        assert_eq!(got.len(), expects.len(), "{file}: {got:#?}");
        for (report, expect) in got.iter().zip(expects) {
            check(file, report, expect);
        }
    }
}

#[test]
fn every_alibaba_mistake_is_exercised_and_named() {
    let (cases, _) = manifest();
    let named: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["expect"]["mistake"].as_str())
        .collect();
    for id in [
        "plus-for-space",
        "query-unsorted",
        "header-values-lowercased",
        "key-whitespace",
        "charset-added-after-signing",
        "roa-query-encoded",
        "roa-key-with-ampersand",
        "rpc-key-without-ampersand",
        "timestamp-encoded-once",
        "signature-double-encoded",
        "canonical-uri-encoded",
    ] {
        assert!(named.contains(&id), "no capture exercises {id}");
    }
    // Local time is not a signature mistake (the client signs what it sends): it is named
    // in the expiry finding.
    assert!(
        cases
            .iter()
            .any(|c| c["expect"]["message_contains"] == "UTC+8")
    );
}

#[test]
fn valid_captures_fail_with_another_key_and_no_key_is_printed() {
    let (cases, keys) = manifest();
    let secrets: Vec<String> = keys
        .iter()
        .map(|c| String::from_utf8(c.secret_key().expose_secret().to_vec()).unwrap())
        .collect();
    // The same key ids with other secrets: every valid capture must now fail.
    let wrong = KeyRing::parse(
        "YourAccessKeyId YourAccessKeySecreT\ntestid testsecreT\nLTAI5tStsExample0000 StsSecretExample0000000000000y STS.rightToken\n",
        "wrong",
    )
    .unwrap();
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let now = case["now"].as_i64().unwrap();
        for r in reports(file, &keys, now) {
            let text = format!(
                "{}{}",
                cloudsig_verify::render::explain(&r),
                cloudsig_verify::render::to_json(&r)
            );
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "{file}: key printed");
            }
        }
        if file.starts_with("valid/") {
            for r in reports(file, &wrong, now) {
                assert_eq!(r.code(), Some("SignatureDoesNotMatch"), "{file}: {r}");
            }
        }
    }
}
