//! Every capture of `vectors/captures/tencent/` through the raw HTTP reader and the
//! verifier, against the verdict, code, rule and mistake its manifest expects.
//!
//! The captures and the manifest are made by `vectors/tools/make_captures.py`, which
//! computes every signature (including each client mistake) independently of this code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::{assert_no_key_printed, http_reports, manifest, named_mistakes};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/tencent"
);

#[test]
fn every_capture_gets_the_expected_verdict() {
    common::every_capture_gets_what_its_manifest_expects(DIR, 40);
}

#[test]
fn every_documented_mistake_is_named_by_some_capture() {
    let (cases, _) = manifest(DIR);
    let named = named_mistakes(&cases);
    for id in [
        "uppercase-hex",
        "header-values-not-lowercased",
        "charset-added-after-signing",
        "charset-removed-after-signing",
        "host-port",
        "query-reencoded",
        "json-reserialised",
        "local-date",
        "key-whitespace",
        "timestamp-mismatch",
        "unsigned-payload-undeclared",
        "empty-payload-hashed",
        "canonical-uri",
        "signature-double-encoded",
        "values-urlencoded",
        "signature-method",
        "method",
        "empty-values-skipped",
    ] {
        assert!(named.contains(&id), "no capture exercises {id}");
    }
}

#[test]
fn no_key_appears_in_any_report() {
    let (cases, keys) = manifest(DIR);
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        for r in http_reports(DIR, file, &keys, case["now"].as_i64().unwrap()) {
            assert_no_key_printed(&keys, &r, file);
        }
    }
}
