//! Conflicting duplicates of the headers that decide the verdict, and parameters sent in
//! both the query and the form body with different values: valid captures of every
//! cloud (vectors/captures/*/valid) with a header added or a query given, each reported
//! with its cloud's code and the rule `duplicate-header` or `conflicting-parameter`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::fs::File;
use std::io::BufReader;

use cloudsig_verify::capture::jsonl::JsonLinesReader;
use cloudsig_verify::capture::{Captured, Limits, http::HttpReader};
use cloudsig_verify::{Report, Verdict};

const TENCENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/tencent"
);
const ALIBABA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/alibaba"
);
const HUAWEI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures/huawei");

/// The one request of the valid capture `dir/file` and the verification time its
/// manifest gives.
fn capture(dir: &str, file: &str) -> (Captured, i64) {
    let now = if dir == HUAWEI {
        // Huawei's manifest (vectors/tools/make_huawei_captures.py) has one time for all.
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap())
                .unwrap();
        m["now"].as_i64().unwrap()
    } else {
        let (cases, _) = common::manifest(dir);
        let case = cases.iter().find(|c| c["file"] == file).unwrap();
        case["now"].as_i64().unwrap()
    };
    let f = BufReader::new(File::open(format!("{dir}/{file}")).unwrap());
    let item = if file.ends_with(".jsonl") {
        JsonLinesReader::new(f, Limits::default()).next()
    } else {
        HttpReader::new(f, Limits::default()).next()
    };
    (item.unwrap().unwrap(), now)
}

fn verify(dir: &str, cap: &Captured, now: i64) -> Report {
    common::check(&common::verifier(dir, now), cap)
}

/// `cap` verifies; with `change` applied it is invalid with `code`, its first finding
/// has `rule` and names `needle`, and no value of the request appears in it.
fn rejected(
    dir: &str,
    file: &str,
    change: impl Fn(&mut Captured),
    code: &str,
    rule: &str,
    needle: &str,
) {
    let (mut cap, now) = capture(dir, file);
    let before = verify(dir, &cap, now);
    assert_eq!(before.verdict, Verdict::Valid, "{file}: {before}");
    change(&mut cap);
    let r = verify(dir, &cap, now);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{file}: no {rule} finding: {r}"));
    assert_eq!(r.verdict, Verdict::Invalid, "{file}: {r}");
    assert_eq!(f.code, code, "{file}: {r}");
    assert!(f.message.contains(needle), "{file}: {}", f.message);
    for (name, value) in &cap.headers {
        if value.len() > 8 && name != "Host" {
            assert!(!f.message.contains(value.as_str()), "{file}: {}", f.message);
        }
    }
}

fn add(name: &'static str, value: &'static str) -> impl Fn(&mut Captured) {
    move |c: &mut Captured| c.headers.push((name.into(), value.into()))
}

#[test]
fn a_second_authorization_after_a_valid_one_is_rejected_in_every_cloud() {
    for (dir, file, code) in [
        (
            TENCENT,
            "valid/tc3-post-json.http",
            "AuthFailure.InvalidAuthorization",
        ),
        (
            TENCENT,
            "valid/skip.http",
            "AuthFailure.InvalidAuthorization",
        ),
        (
            ALIBABA,
            "valid/acs3-doc-run-instances.http",
            "IncompleteSignature",
        ),
        (
            ALIBABA,
            "valid/roa-es-create-instance.http",
            "IncompleteSignature",
        ),
        (HUAWEI, "valid/get-with-query.jsonl", "APIGW.0301"),
    ] {
        if file == "valid/skip.http" {
            // SKIP is `unsigned`, not valid: a bogus second Authorization still fails.
            let (mut cap, now) = capture(dir, file);
            assert_eq!(verify(dir, &cap, now).verdict, Verdict::Unsigned);
            cap.headers.push(("Authorization".into(), "bogus".into()));
            let r = verify(dir, &cap, now);
            assert_eq!(r.code(), Some(code), "{r}");
            assert_eq!(r.findings[0].rule, "duplicate-header", "{r}");
            continue;
        }
        rejected(
            dir,
            file,
            add("Authorization", "SKIP"),
            code,
            "duplicate-header",
            "Authorization",
        );
    }
}

#[test]
fn tc3_common_headers_sent_twice_with_different_values_are_rejected() {
    let file = "valid/tc3-post-json.http";
    for name in [
        "X-TC-Timestamp",
        "X-TC-Action",
        "x-tc-version",
        "Content-Type",
    ] {
        rejected(
            TENCENT,
            file,
            add(name, "9999999999"),
            "InvalidParameter",
            "duplicate-header",
            "#",
        );
    }
    // A second Host, even the same one, is refused (RFC 9112 §3.2).
    let (mut cap, now) = capture(TENCENT, file);
    let host = cap
        .headers
        .iter()
        .find(|(n, _)| n == "Host")
        .unwrap()
        .clone();
    cap.headers.push(host);
    let r = verify(TENCENT, &cap, now);
    assert_eq!(
        (r.code(), r.findings[0].rule),
        (Some("InvalidParameter"), "duplicate-header"),
        "{r}"
    );
}

#[test]
fn an_identical_duplicate_passes_with_a_note() {
    let (mut cap, now) = capture(TENCENT, "valid/tc3-post-json.http");
    let action = cap
        .headers
        .iter()
        .find(|(n, _)| n == "X-TC-Action")
        .unwrap()
        .clone();
    cap.headers.push(action);
    let r = verify(TENCENT, &cap, now);
    assert_eq!(r.verdict, Verdict::Valid, "{r}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("X-TC-Action") && n.contains("same value")),
        "{r}"
    );
}

#[test]
fn alibaba_and_huawei_common_headers_sent_twice_are_rejected() {
    rejected(
        ALIBABA,
        "valid/acs3-doc-run-instances.http",
        add("x-acs-date", "2030-01-01T00:00:00Z"),
        "IncompleteSignature",
        "duplicate-header",
        "x-acs-date",
    );
    rejected(
        ALIBABA,
        "valid/roa-es-create-instance.http",
        add("Date", "Thu, 01 Jan 2030 00:00:00 GMT"),
        "IncompleteSignature",
        "duplicate-header",
        "Date",
    );
    rejected(
        HUAWEI,
        "valid/get-with-query.jsonl",
        add("X-Sdk-Date", "20300101T000000Z"),
        "APIGW.0301",
        "duplicate-header",
        "X-Sdk-Date",
    );
    rejected(
        HUAWEI,
        "valid/get-with-query.jsonl",
        add("x-project-id", "0000"),
        "APIGW.0301",
        "duplicate-header",
        "X-Project-Id",
    );
}

#[test]
fn a_v1_post_with_another_unsigned_action_in_the_query_is_rejected() {
    let file = "valid/v1-post-form.http";
    rejected(
        TENCENT,
        file,
        |c| c.target = "/?Action=TerminateInstances".into(),
        "InvalidParameter",
        "conflicting-parameter",
        "Action",
    );
    // The same value in the query changes nothing.
    let (mut cap, now) = capture(TENCENT, file);
    cap.target = "/?Action=DescribeInstances&Other=1".into();
    let r = verify(TENCENT, &cap, now);
    assert_eq!(r.verdict, Verdict::Valid, "{r}");
}

#[test]
fn an_rpc_post_with_another_action_in_the_query_is_rejected() {
    rejected(
        ALIBABA,
        "valid/rpc-post-form.http",
        |c| c.target = "/?Action=DeleteInstance".into(),
        "IncompleteSignature",
        "conflicting-parameter",
        "Action",
    );
}
