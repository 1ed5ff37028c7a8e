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

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use cloudsig_canonical::tencent::{self, Credentials, FixedClock, Tc3Call};
use cloudsig_canonical::v1::{self, BoolText, NameRule, Params};
use cloudsig_verify::capture::{Captured, Limits, http::HttpReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::params::decode_form;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier, codes};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures/sdk");

struct Case {
    name: String,
    record: Value,
    capture: Captured,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for sdk in ["python", "node"] {
        let dir = PathBuf::from(DIR).join(sdk);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "http"))
            .collect();
        files.sort();
        for http in files {
            let record: Value = serde_json::from_str(
                &std::fs::read_to_string(http.with_extension("json")).unwrap(),
            )
            .unwrap();
            assert_eq!(record["schema"], "cloudsig-sdk-capture/1");
            let items: Vec<_> = HttpReader::new(
                BufReader::new(File::open(&http).unwrap()),
                Limits::default(),
            )
            .collect();
            assert_eq!(items.len(), 1, "{}", http.display());
            let capture = items.into_iter().next().unwrap().unwrap();
            out.push(Case {
                name: format!("{sdk}/{}", http.file_stem().unwrap().to_string_lossy()),
                record,
                capture,
            });
        }
    }
    out
}

fn verifier(now: i64) -> Verifier {
    let keys = KeyRing::from_file(format!("{DIR}/keys.txt").as_ref()).unwrap();
    Verifier::new(keys, Options::at(now).diagnose(false))
}

fn check(v: &Verifier, cap: &Captured) -> Report {
    v.check(cap, &mut KeyCache::default())
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

fn other(b: u8) -> u8 {
    if b == b'x' { b'y' } else { b'x' }
}

/// Positions to change in a part of `len` bytes: all of the first 512, then every 7th.
fn positions(len: usize) -> impl Iterator<Item = usize> {
    (0..len).filter(|i| *i < 512 || i % 7 == 0)
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
            let mut m = cap.clone();
            m.body[i] = other(m.body[i]);
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
                let mut m = cap.clone();
                let mut bytes = m.target.into_bytes();
                bytes[start + i] = other(bytes[start + i]);
                m.target = String::from_utf8(bytes).unwrap();
                tried += 1;
                if tc3 || cap.method == "GET" {
                    fails(&m, &format!("query byte {i}"));
                }
            }
        }
        // Headers: the signed ones (and X-TC-Timestamp, which is in the string to sign)
        // fail; the others do not.
        let signed: Vec<String> = if tc3 {
            let auth = cap.header("authorization").unwrap();
            let sh = auth
                .split("SignedHeaders=")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap();
            // X-TC-Timestamp is in the string to sign; X-TC-Content-SHA256 chooses the
            // payload line.
            sh.split(';')
                .map(str::to_string)
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
                let mut m = cap.clone();
                let mut bytes = m.headers[h].1.clone().into_bytes();
                bytes[i] = other(bytes[i]);
                m.headers[h].1 = String::from_utf8(bytes).unwrap();
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
