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

mod common;

use cloudsig_verify::keys::KeyRing;
use common::{assert_no_key_printed, http_reports, manifest, named_mistakes};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/alibaba"
);

#[test]
fn every_capture_gets_the_expected_verdict() {
    common::every_capture_gets_what_its_manifest_expects(DIR, 25);
}

#[test]
fn every_alibaba_mistake_is_exercised_and_named() {
    let (cases, _) = manifest(DIR);
    let named = named_mistakes(&cases);
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
    let (cases, keys) = manifest(DIR);
    // The same key ids with other secrets: every valid capture must now fail.
    let wrong = KeyRing::parse(
        "YourAccessKeyId YourAccessKeySecreT\ntestid testsecreT\nLTAI5tStsExample0000 StsSecretExample0000000000000y STS.rightToken\n",
        "wrong",
    )
    .unwrap();
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let now = case["now"].as_i64().unwrap();
        for r in http_reports(DIR, file, &keys, now) {
            assert_no_key_printed(&keys, &r, file);
        }
        if file.starts_with("valid/") {
            for r in http_reports(DIR, file, &wrong, now) {
                assert_eq!(r.code(), Some("SignatureDoesNotMatch"), "{file}: {r}");
            }
        }
    }
}
