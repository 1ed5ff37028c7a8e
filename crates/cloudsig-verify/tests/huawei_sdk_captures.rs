//! Conformance against the official Huawei Cloud SDKs: every request the Python core
//! (huaweicloudsdkcore) and the Node core (@huaweicloud/huaweicloud-sdk-core) sent,
//! captured offline by `vectors/oracle/huawei/` (raw bytes in
//! `vectors/captures/sdk/huawei/<sdk>/*.http`, signatures recomputed independently by
//! `vectors/oracle/huawei/check.py`), must
//! 1. read with the raw-HTTP reader and verify as valid with `huawei/keys.txt` at the
//!    capture's time, and
//! 2. fail with API Gateway's code after any single-byte change to a part it signs (a
//!    signed header value, the path, the query, the body), while a change to a part it
//!    does not sign (an unsigned header, the body under UNSIGNED-PAYLOAD) leaves it valid.
//!
//! Captures that must NOT verify are listed in `NOT_VALID` with the reason; the test
//! asserts they are rejected, so it fails when that changes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use cloudsig_verify::capture::Captured;
use cloudsig_verify::huawei::INCORRECT_IAM_AUTH;
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Scheme, Verdict, Verifier};
use common::{
    SdkCase as Case, body_changed, check, header_changed, positions, signed_header_names,
    target_changed,
};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/sdk/huawei"
);

/// Captures that do not verify, with the reason. Each is asserted to be rejected with
/// `APIGW.0301`, so the test fails (and the entry must go) when that changes.
/// - SDK bugs (vectors/oracle/README.md, "What the Huawei SDKs do"): the SDK signed
///   something the request as sent does not carry; rejecting is right.
/// - cloudsig defects: `vectors/oracle/huawei/check.py` reproduces the SDK's signature
///   by the documented rules, cloudsig's verifier does not; to be fixed in the verifier.
const NOT_VALID: &[(&str, &str)] = &[
    (
        "node/sha256-path-encoding",
        "SDK bug (Node core): it signs url.parse(url).pathname re-encoded without decoding \
         (space -> %2520, ' -> %2527) while the request carries %20 and '; check.py \
         reproduces it by no reading",
    ),
    (
        "node/sha256-headers",
        "SDK quirk (Node core): canonical headers ordered by localeCompare (x_under_score \
         before x-custom) while SignedHeaders is in code-unit order (x-custom first); \
         check.py reproduces it only with that order, the verifier uses SignedHeaders order",
    ),
];

fn cases() -> Vec<Case> {
    common::sdk_cases(DIR, &["python", "node"], Some("huawei"))
}

fn verifier(now: i64) -> Verifier {
    common::verifier(DIR, now)
}

fn not_valid(name: &str) -> Option<&'static str> {
    NOT_VALID
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

fn scheme(record: &Value) -> Scheme {
    match record["scheme"].as_str().unwrap() {
        "SDK-HMAC-SHA256" => Scheme::HuaweiSdkHmacSha256,
        "SDK-HMAC-SM3" => Scheme::HuaweiSdkHmacSm3,
        "V11-HMAC-SHA256" => Scheme::HuaweiV11HmacSha256,
        other => panic!("unknown scheme {other}"),
    }
}

#[test]
fn there_are_captures_from_both_sdks_and_all_three_schemes() {
    let cases = cases();
    let python = cases
        .iter()
        .filter(|c| c.name.starts_with("python/"))
        .count();
    let node = cases.iter().filter(|c| c.name.starts_with("node/")).count();
    assert!(python >= 12 && node >= 6, "python {python}, node {node}");
    for s in ["SDK-HMAC-SHA256", "SDK-HMAC-SM3", "V11-HMAC-SHA256"] {
        assert!(
            cases.iter().any(|c| c.record["scheme"] == s),
            "no {s} capture"
        );
    }
    for (name, _) in NOT_VALID {
        assert!(
            cases.iter().any(|c| c.name == *name),
            "{name} is not a capture"
        );
    }
}

#[test]
fn every_huawei_sdk_capture_verifies() {
    for c in cases() {
        let r = check(
            &verifier(c.record["timestamp"].as_i64().unwrap()),
            &c.capture,
        );
        assert_eq!(r.scheme, scheme(&c.record), "{}: {r}", c.name);
        match not_valid(&c.name) {
            None => assert_eq!(r.verdict, Verdict::Valid, "{}: {r}", c.name),
            Some(why) => {
                assert_eq!(r.verdict, Verdict::Invalid, "{} ({why}): {r}", c.name);
                assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{}: {r}", c.name);
            }
        }
    }
}

#[test]
fn the_captures_do_not_verify_at_another_time_or_with_another_key() {
    for c in cases() {
        if not_valid(&c.name).is_some() {
            continue;
        }
        let ts = c.record["timestamp"].as_i64().unwrap();
        // 15 minutes and one second later: outside API Gateway's window.
        let r = check(&verifier(ts + 15 * 60 + 1), &c.capture);
        assert_eq!(r.verdict, Verdict::Invalid, "{}: {r}", c.name);
        assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{}: {r}", c.name);
        // The right AK with another secret key.
        let ak = c.record["credentials"]["ak"].as_str().unwrap();
        let wrong = KeyRing::parse(
            &format!("{ak} HuaweiOtherSecretKeyEXAMPLE0000000000000\n"),
            "other key",
        )
        .unwrap();
        let r = Verifier::new(wrong, Options::at(ts).diagnose(false))
            .check(&c.capture, &mut KeyCache::default());
        assert_eq!(r.verdict, Verdict::Invalid, "{}: {r}", c.name);
        assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{}: {r}", c.name);
    }
}

/// The byte range of the path in the request target (origin- or absolute-form), without
/// its leading `/`.
fn path_range(target: &str) -> (usize, usize) {
    let start = if let Some(rest) = target.find("://").map(|i| i + 3) {
        rest + target[rest..].find('/').unwrap()
    } else {
        0
    };
    let end = target.find('?').unwrap_or(target.len());
    (start + 1, end)
}

#[test]
fn any_change_to_a_signed_part_fails_and_to_an_unsigned_part_does_not() {
    let mut tried = 0usize;
    for c in cases() {
        if not_valid(&c.name).is_some() {
            continue;
        }
        let v = verifier(c.record["timestamp"].as_i64().unwrap());
        let cap = &c.capture;
        let fails = |m: &Captured, what: &str| {
            let r = check(&v, m);
            assert_eq!(
                r.verdict,
                Verdict::Invalid,
                "{}: {what} changed, still {r}",
                c.name
            );
            assert_eq!(
                r.code(),
                Some(INCORRECT_IAM_AUTH),
                "{}: {what}: {r}",
                c.name
            );
        };
        let signed = signed_header_names(cap.header("authorization").unwrap());
        // The body: signed unless the SDK declared UNSIGNED-PAYLOAD.
        let unsigned_payload = ["x-sdk-content-sha256", "x-sdk-content-sm3"]
            .iter()
            .any(|h| cap.header(h) == Some("UNSIGNED-PAYLOAD"));
        for i in positions(cap.body.len()) {
            let m = body_changed(cap, i);
            tried += 1;
            if unsigned_payload {
                let r = check(&v, &m);
                assert!(r.is_ok(), "{}: unsigned body byte {i}: {r}", c.name);
            } else {
                fails(&m, &format!("body byte {i}"));
            }
        }
        // The path (after its leading '/') and the query: always signed.
        let (p0, p1) = path_range(&cap.target);
        for i in p0..p1 {
            tried += 1;
            fails(&target_changed(cap, i), &format!("path byte {}", i - p0));
        }
        if let Some(q) = cap.target.find('?') {
            for i in positions(cap.target.len() - q - 1) {
                tried += 1;
                fails(&target_changed(cap, q + 1 + i), &format!("query byte {i}"));
            }
        }
        // Header values: a signed one fails, an unsigned one does not matter. Only ASCII
        // bytes are changed (a header value is text).
        for (h, (name, value)) in cap.headers.iter().enumerate() {
            let lname = name.to_ascii_lowercase();
            if lname == "authorization" || lname == "content-length" {
                continue;
            }
            for i in positions(value.len()).filter(|i| value.as_bytes()[*i].is_ascii()) {
                let m = header_changed(cap, h, i);
                tried += 1;
                if signed.contains(&lname) {
                    fails(&m, &format!("header {name} byte {i}"));
                } else {
                    let r = check(&v, &m);
                    assert!(
                        r.is_ok(),
                        "{}: unsigned header {name} byte {i}: {r}",
                        c.name
                    );
                }
            }
        }
    }
    assert!(tried > 5_000, "only {tried} changes tried");
}

#[test]
fn the_node_path_bug_is_diagnosed_on_the_real_capture() {
    let c = cases()
        .into_iter()
        .find(|c| c.name == "node/sha256-path-encoding")
        .unwrap();
    let keys = KeyRing::from_file(format!("{DIR}/keys.txt").as_ref()).unwrap();
    let ts = c.record["timestamp"].as_i64().unwrap();
    let r = Verifier::new(keys, Options::at(ts)).check(&c.capture, &mut KeyCache::default());
    assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{r}");
    let mistake = r
        .diagnosis
        .as_ref()
        .and_then(|d| d.mistake.as_ref())
        .map(|m| m.id);
    assert_eq!(mistake, Some("path-double-encoded"), "{r}");
}

/// A valid capture of the Python SDK core.
fn a_valid_python_capture() -> Case {
    cases()
        .into_iter()
        .find(|c| c.name.starts_with("python/") && not_valid(&c.name).is_none())
        .unwrap()
}

/// Verifies `cap` at `now`, with the window given or the default one.
fn check_at(cap: &Captured, now: i64, window: Option<i64>) -> Report {
    let mut options = Options::at(now).diagnose(false);
    if let Some(w) = window {
        options = options.window(w);
    }
    check(&common::verifier_with(DIR, options), cap)
}

#[test]
fn a_window_given_in_the_options_replaces_api_gateways_15_minutes() {
    let c = a_valid_python_capture();
    let ts = c.record["timestamp"].as_i64().unwrap();
    let at = |now: i64, window: Option<i64>| check_at(&c.capture, now, window);
    // The default: API Gateway's 15 minutes, either side.
    assert!(at(ts + 15 * 60, None).is_ok(), "{}", c.name);
    assert!(at(ts - 15 * 60, None).is_ok(), "{}", c.name);
    // A wider window accepts what 15 minutes does not.
    assert!(!at(ts + 16 * 60, None).is_ok(), "{}", c.name);
    assert!(at(ts + 16 * 60, Some(20 * 60)).is_ok(), "{}", c.name);
    // A narrower one rejects what 15 minutes accepts, and says by how much.
    assert!(at(ts + 120, Some(120)).is_ok(), "{}", c.name);
    let r = at(ts + 121, Some(120));
    assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{r}");
    assert_eq!(r.findings[0].rule, "x-sdk-date-window", "{r}");
    assert!(
        r.findings[0].message.contains("more than 120 s apart"),
        "{r}"
    );
}

#[test]
fn a_date_before_1970_against_the_last_second_is_expired_not_a_panic() {
    let mut cap = a_valid_python_capture().capture;
    for (name, value) in &mut cap.headers {
        if name.eq_ignore_ascii_case("x-sdk-date") {
            *value = "19000101T000000Z".into();
        }
    }
    // The skew, 1900 minus i64::MAX seconds, is below i64::MIN.
    for window in [None, Some(120), Some(i64::MAX)] {
        let r = check_at(&cap, i64::MAX, window);
        assert_eq!(r.code(), Some(INCORRECT_IAM_AUTH), "{r}");
        // Expired (with an absurd window, the saturated skew may read as whole hours).
        assert!(
            ["x-sdk-date-window", "x-sdk-date-local-time"].contains(&r.findings[0].rule),
            "{window:?}: {r}"
        );
    }
}
