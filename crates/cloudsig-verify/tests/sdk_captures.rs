//! Conformance against the official SDKs: every request the Python and Node SDKs sent
//! (captured offline by `vectors/oracle/run.sh`) must
//! 1. be reproduced by cloudsig's signer from the same inputs,
//! 2. verify as valid (or unsigned, for skip-sign), and
//! 3. fail verification after any single-byte change to a part it signs, while a change
//!    to a part it does not sign leaves it valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use cloudsig_canonical::tencent::{self, Credentials, FixedClock, Tc3Call};
use cloudsig_canonical::v1::{self, BoolText, NameRule, Params};
use cloudsig_verify::capture::Captured;
use cloudsig_verify::params::decode_form;
use cloudsig_verify::{Verdict, Verifier, codes};
use common::{
    SdkCase as Case, body_changed, check, header_changed, positions, signed_header_names,
    target_changed,
};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures/sdk");

fn cases() -> Vec<Case> {
    common::sdk_cases(DIR, &["python", "node"], None)
}

fn verifier(now: i64) -> Verifier {
    common::verifier(DIR, now)
}

#[test]
fn there_are_enough_captures_from_two_sdks() {
    let cases = cases();
    let python = cases
        .iter()
        .filter(|c| c.name.starts_with("python/"))
        .count();
    let node = cases.iter().filter(|c| c.name.starts_with("node/")).count();
    assert!(
        python >= 10 && node >= 10 && python + node >= 30,
        "python {python}, node {node}"
    );
}

#[test]
fn every_sdk_capture_verifies() {
    for c in cases() {
        let r = check(
            &verifier(c.record["timestamp"].as_i64().unwrap()),
            &c.capture,
        );
        let want = if c.record["scheme"] == "SKIP" {
            Verdict::Unsigned
        } else {
            Verdict::Valid
        };
        assert_eq!(r.verdict, want, "{}: {r}", c.name);
    }
}

#[test]
fn cloudsig_signs_what_the_sdks_signed() {
    for c in cases() {
        let rec = &c.record;
        let creds = {
            let cr = &rec["credentials"];
            let base = Credentials::new(
                cr["secret_id"].as_str().unwrap(),
                cr["secret_key"].as_str().unwrap(),
            )
            .unwrap();
            match cr["token"].as_str() {
                Some(t) => base.with_token(t).unwrap(),
                None => base,
            }
        };
        let cap = &c.capture;
        let ts = rec["timestamp"].as_i64().unwrap();
        match rec["scheme"].as_str().unwrap() {
            "TC3-HMAC-SHA256" => {
                let unsigned = cap.header("x-tc-content-sha256") == Some("UNSIGNED-PAYLOAD");
                let call = Tc3Call::new(
                    rec["service"].as_str().unwrap(),
                    cap.header("x-tc-action").unwrap(),
                    cap.header("x-tc-version").unwrap(),
                )
                .host(cap.host().unwrap())
                .method(cap.method.clone())
                .raw_query(cap.query())
                .content_type(cap.header("content-type").unwrap())
                .body(cap.body.clone())
                .unsigned_payload(unsigned);
                let signed = tencent::sign_tc3(&creds, &call, &FixedClock(ts)).unwrap();
                assert_eq!(
                    signed.header("Authorization"),
                    cap.header("authorization"),
                    "{}",
                    c.name
                );
            }
            "HmacSHA1" | "HmacSHA256" => {
                let wire = if cap.method == "GET" {
                    cap.query().to_string()
                } else {
                    String::from_utf8(cap.body.clone()).unwrap()
                };
                let received = decode_form(&wire).unwrap();
                // The SDK's parameters, flattened by cloudsig as the SDK flattens them,
                // are exactly the API parameters that went out.
                let bools = if c.name.starts_with("python/") {
                    BoolText::Capitalized
                } else {
                    BoolText::Lowercase
                };
                let flat = Params::from_json(&rec["params"], bools).unwrap();
                for (n, v) in flat.iter() {
                    assert_eq!(received.get(n), Some(v), "{}: parameter {n}", c.name);
                }
                // Python and Java sign names with `_` replaced by `.`; Node does not.
                let rule = if c.name.starts_with("python/") {
                    NameRule::UnderscoreToDot
                } else {
                    NameRule::AsIs
                };
                let signed = v1::sign(
                    &received,
                    &cap.method,
                    cap.host().unwrap(),
                    cap.path(),
                    rule,
                    creds.secret_key(),
                )
                .unwrap();
                assert_eq!(
                    Some(signed.signature().as_str()),
                    received.get("Signature"),
                    "{}",
                    c.name
                );
            }
            _ => assert_eq!(cap.header("authorization"), Some("SKIP"), "{}", c.name),
        }
    }
}

/// The code a change to a signed part may legitimately produce: the signature fails,
/// or an earlier rule that reads the changed value fails first.
fn allowed(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            codes::SIGNATURE_FAILURE
                | codes::SIGNATURE_EXPIRE
                | codes::INVALID_PARAMETER_VALUE
                | codes::MISSING_PARAMETER
                | codes::SECRET_ID_NOT_FOUND
                | codes::TOKEN_FAILURE
                | codes::INVALID_PARAMETER
        )
    )
}

#[test]
fn any_change_to_a_signed_part_fails_and_to_an_unsigned_part_does_not() {
    let mut tried = 0usize;
    for c in cases() {
        let scheme = c.record["scheme"].as_str().unwrap();
        if scheme == "SKIP" {
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
            assert!(allowed(r.code()), "{}: {what}: {r}", c.name);
        };
        let tc3 = scheme == "TC3-HMAC-SHA256";
        let unsigned_payload = cap.header("x-tc-content-sha256") == Some("UNSIGNED-PAYLOAD");
        // The body: signed by TC3 unless UNSIGNED-PAYLOAD; for v1 POST it holds the parameters.
        let body_signed = if tc3 {
            !unsigned_payload
        } else {
            cap.method == "POST"
        };
        for i in positions(cap.body.len()) {
            let m = body_changed(cap, i);
            tried += 1;
            if body_signed {
                fails(&m, &format!("body byte {i}"));
            } else if tc3 {
                assert!(check(&v, &m).is_ok(), "{}: unsigned body byte {i}", c.name);
            }
        }
        // The query (always signed: TC3 canonical query, or the v1 parameters of a GET).
        let q_start = cap.target.find('?').map(|i| i + 1);
        if let Some(start) = q_start {
            for i in positions(cap.target.len() - start) {
                let m = target_changed(cap, start + i);
                tried += 1;
                if tc3 || cap.method == "GET" {
                    fails(&m, &format!("query byte {i}"));
                }
            }
        }
        // Headers: the signed ones (and X-TC-Timestamp, which is in the string to sign)
        // fail; the others do not.
        let signed: Vec<String> = if tc3 {
            // X-TC-Timestamp is in the string to sign; X-TC-Content-SHA256 chooses the
            // payload line.
            signed_header_names(cap.header("authorization").unwrap())
                .into_iter()
                .chain(["x-tc-timestamp".into(), "x-tc-content-sha256".into()])
                .collect()
        } else {
            Vec::new()
        };
        for (h, (name, value)) in cap.headers.iter().enumerate() {
            let lname = name.to_ascii_lowercase();
            if lname == "authorization" || lname == "content-length" {
                continue;
            }
            for i in positions(value.len()) {
                let m = header_changed(cap, h, i);
                tried += 1;
                if signed.contains(&lname) {
                    fails(&m, &format!("header {name} byte {i}"));
                } else if lname != "x-tc-token" && lname != "content-type" && lname != "host" {
                    assert!(
                        check(&v, &m).is_ok(),
                        "{}: unsigned header {name} byte {i}: {}",
                        c.name,
                        check(&v, &m)
                    );
                }
            }
        }
    }
    assert!(tried > 10_000, "only {tried} changes tried");
}
