//! Issue 11, item 13: the report says when the body is not covered by the signature
//! (TC3 and Huawei `UNSIGNED-PAYLOAD`, an Alibaba ROA body without `Content-MD5`), and
//! names every official SDK known to sign an empty ROA query value as `name=`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::fs::File;
use std::io::BufReader;

use cloudsig_verify::capture::jsonl::JsonLinesReader;
use cloudsig_verify::capture::{Item, Limits, http::HttpReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{Options, Report, Session, Verdict, Verifier};

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures");

const NOT_COVERED: &str = "the body is not covered by the signature";

/// The one report on the capture `file` under `vectors/captures/dir`, verified at `now`
/// with `dir`'s keys; it must be valid.
fn report(dir: &str, file: &str, now: i64) -> Report {
    let keys = KeyRing::from_file(format!("{CAPTURES}/{dir}/keys.txt").as_ref()).unwrap();
    let reader = BufReader::new(File::open(format!("{CAPTURES}/{dir}/{file}")).unwrap());
    let items: Vec<Item> = if file.ends_with(".jsonl") {
        JsonLinesReader::new(reader, Limits::default()).collect()
    } else {
        HttpReader::new(reader, Limits::default()).collect()
    };
    assert_eq!(items.len(), 1, "{file}");
    let mut session = Session::new(Verifier::new(keys, Options::at(now)));
    let r = session.verify_item(&items[0]);
    assert_eq!(r.verdict, Verdict::Valid, "{file}: {r}\n{:?}", r.notes);
    r
}

fn body_note(r: &Report) -> Option<&str> {
    r.notes
        .iter()
        .find(|n| n.starts_with(NOT_COVERED))
        .map(String::as_str)
}

#[test]
fn an_unsigned_payload_is_noted() {
    for (dir, file, now, why) in [
        (
            "tencent",
            "valid/tc3-unsigned-payload.http",
            1_551_113_065,
            "(X-TC-Content-SHA256: UNSIGNED-PAYLOAD)",
        ),
        (
            "huawei",
            "valid/unsigned-payload.jsonl",
            1_763_194_150,
            "(X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD)",
        ),
    ] {
        let r = report(dir, file, now);
        let note = body_note(&r).unwrap_or_else(|| panic!("{file}: {:?}", r.notes));
        assert_eq!(
            note,
            format!(
                "{NOT_COVERED} {why}: anyone on the path could change it and the request would still verify"
            )
        );
    }
}

#[test]
fn a_roa_body_without_content_md5_is_noted() {
    // tea-openapi's ROA sends no Content-MD5 (vectors/oracle/README.md); the generated
    // capture is the documented ES UpgradeEngineVersion call, a JSON body without it.
    let r = report(
        "alibaba",
        "valid/roa-es-upgrade-version.http",
        1_698_315_752,
    );
    assert_eq!(
        body_note(&r),
        Some(
            "the body is not covered by the signature (ROA signs Content-MD5 in place of the body, and the request has no Content-MD5): anyone on the path could change it and the request would still verify"
        ),
        "{:?}",
        r.notes
    );
    let r = report(
        "sdk/alibaba",
        "tea-openapi/roa-es-upgrade-version.http",
        sdk_time("tea-openapi/roa-es-upgrade-version"),
    );
    assert!(body_note(&r).is_some(), "{:?}", r.notes);
}

#[test]
fn a_signed_body_is_not_noted() {
    for (dir, file, now) in [
        ("tencent", "valid/tc3-post-json.http", 1_551_113_065),
        (
            "huawei",
            "valid/ecs-create-server-sdk-hmac-sha256.jsonl",
            1_763_194_150,
        ),
        // aliyun-python-sdk-core sends Content-MD5 with every ROA body.
        (
            "sdk/alibaba",
            "core/core-roa-es-upgrade-version.http",
            sdk_time("core/core-roa-es-upgrade-version"),
        ),
        (
            "alibaba",
            "valid/acs3-doc-run-instances.http",
            1_698_315_752,
        ),
    ] {
        let r = report(dir, file, now);
        assert_eq!(body_note(&r), None, "{file}: {:?}", r.notes);
    }
}

#[test]
fn the_empty_roa_query_value_note_names_every_sdk_that_signs_name_equals() {
    let r = report(
        "alibaba",
        "valid/roa-empty-value-with-equals.http",
        1_698_315_752,
    );
    assert!(
        r.notes.iter().any(|n| n
            == "an empty query value was signed as `name=` in the resource, as aliyun-python-sdk-core, @alicloud/openapi-client and @alicloud/pop-core do"),
        "{:?}",
        r.notes
    );
}

/// The time an official SDK's capture was made (its record's `timestamp`).
fn sdk_time(case: &str) -> i64 {
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{CAPTURES}/sdk/alibaba/{case}.json")).unwrap(),
    )
    .unwrap();
    record["timestamp"].as_i64().unwrap()
}
