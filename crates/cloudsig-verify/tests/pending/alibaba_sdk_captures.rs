// PENDING: not compiled (cargo builds only tests/*.rs). The official-SDK captures it reads
// (vectors/captures/sdk/alibaba/, branch issue6-oracle) were not on main by 11:40. It passed
// (4 tests) against a local copy of that branch's 21 captures. After merging them, move this file
// to crates/cloudsig-verify/tests/alibaba_sdk_captures.rs.
//! Conformance against the official Alibaba Cloud SDKs: every request that
//! alibabacloud-tea-openapi and aliyun-python-sdk-core sent (captured offline by
//! `vectors/oracle/`, under `vectors/captures/sdk/alibaba/<sdk>/`) must
//! 1. verify as valid with the keys of `keys.txt`,
//! 2. be reproduced by cloudsig's signer: the ACS3, ROA and RPC builders over the
//!    request the SDK sent, and for ACS3 captures that sign what cloudsig signs (host,
//!    content-type, x-acs-*) the high-level `sign_acs3` from the capture's JSON record,
//! 3. fail verification, with an Alibaba code, after any single-byte change to a part it
//!    signs, while a change to a header it does not sign leaves it valid.
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

use cloudsig_canonical::Request;
use cloudsig_canonical::alibaba::{
    Acs3Call, Body, Credentials, FixedClock, acs3, query::PlusIs, query::decode_pairs, roa, rpc,
    sign_acs3,
};
use cloudsig_core::alibaba::Algorithm;
use cloudsig_verify::alibaba::codes;
use cloudsig_verify::capture::{Captured, Limits, http::HttpReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier};
use serde_json::Value;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../vectors/captures/sdk/alibaba"
);

struct Case {
    name: String,
    record: Value,
    capture: Captured,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut sdks: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    sdks.sort();
    for dir in sdks {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
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
            out.push(Case {
                name: format!(
                    "{}/{}",
                    dir.file_name().unwrap().to_string_lossy(),
                    http.file_stem().unwrap().to_string_lossy()
                ),
                record,
                capture: items.into_iter().next().unwrap().unwrap(),
            });
        }
    }
    out
}

fn keys() -> KeyRing {
    KeyRing::from_file(format!("{DIR}/keys.txt").as_ref()).unwrap()
}

fn check(keys: &KeyRing, rec: &Value, cap: &Captured) -> Report {
    let now = rec["timestamp"].as_i64().unwrap();
    Verifier::new(keys.clone(), Options::at(now).diagnose(false))
        .check(cap, &mut KeyCache::default())
}

fn scheme(rec: &Value) -> &str {
    rec["scheme"].as_str().unwrap()
}

fn request_of(cap: &Captured) -> Request<'_> {
    let mut req = Request::new(&cap.method, cap.path())
        .query(cap.query())
        .body(&cap.body);
    for (n, v) in &cap.headers {
        req.push_header(n, v);
    }
    req
}

#[test]
fn there_are_enough_captures_from_two_sdks() {
    let cases = cases();
    let sdks: std::collections::BTreeSet<&str> = cases
        .iter()
        .map(|c| c.name.split('/').next().unwrap())
        .collect();
    assert!(
        cases.len() >= 10 && sdks.len() >= 2,
        "{} captures from {sdks:?}",
        cases.len()
    );
    for s in [
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SM3",
        "ROA-HMAC-SHA1",
        "RPC-HMAC-SHA1",
    ] {
        assert!(
            cases.iter().any(|c| scheme(&c.record) == s),
            "no {s} capture"
        );
    }
}

#[test]
fn every_sdk_capture_verifies() {
    let keys = keys();
    for c in cases() {
        let r = check(&keys, &c.record, &c.capture);
        assert_eq!(r.verdict, Verdict::Valid, "{}: {r:#?}", c.name);
        assert_eq!(r.scheme.name(), scheme(&c.record), "{}", c.name);
    }
}

#[test]
fn cloudsig_signs_what_the_sdks_signed() {
    let mut high_level = 0;
    for c in cases() {
        let rec = &c.record;
        let cap = &c.capture;
        let cr = &rec["credentials"];
        let (id, secret) = (
            cr["access_key_id"].as_str().unwrap(),
            cr["access_key_secret"].as_str().unwrap(),
        );
        let mut creds = Credentials::new(id, secret).unwrap();
        if let Some(t) = cr["security_token"].as_str() {
            creds = creds.with_token(t).unwrap();
        }
        let auth = cap.header("authorization");
        match scheme(rec) {
            s @ ("ACS3-HMAC-SHA256" | "ACS3-HMAC-SM3") => {
                let algorithm = Algorithm::from_name(s).unwrap();
                let auth = auth.unwrap();
                let listed = auth
                    .split("SignedHeaders=")
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap();
                let sh = acs3::SignedHeaders::parse(listed).unwrap();
                let req = request_of(cap);
                let signed = acs3::sign(
                    &req,
                    &sh,
                    algorithm,
                    &Default::default(),
                    creds.secret_key(),
                )
                .unwrap();
                assert_eq!(signed.authorization(id).to_string(), auth, "{}", c.name);
                // The high-level API from the record, told to sign the other headers the
                // SDK signed (tea-openapi signs accept and user-agent too).
                {
                    let mut call = Acs3Call::new(
                        rec["host"].as_str().unwrap(),
                        rec["action"].as_str().unwrap(),
                        rec["version"].as_str().unwrap(),
                    )
                    .algorithm(algorithm)
                    .method(rec["method"].as_str().unwrap())
                    .path(cap.path())
                    .nonce(rec["nonce"].as_str().unwrap());
                    let ours = [
                        "host",
                        "content-type",
                        "x-acs-action",
                        "x-acs-version",
                        "x-acs-date",
                        "x-acs-signature-nonce",
                        "x-acs-content-sha256",
                        "x-acs-security-token",
                    ];
                    for name in sh.names().filter(|n| !ours.contains(n)) {
                        call = call
                            .extra_header(name, cap.header(name).unwrap())
                            .sign_header(name);
                    }
                    for (n, v) in decode_pairs(cap.query(), PlusIs::Space) {
                        call = call.query_param(n, v);
                    }
                    if !cap.body.is_empty() {
                        call = call.body(Body::Raw {
                            content_type: cap.header("content-type").unwrap().into(),
                            bytes: cap.body.clone(),
                        });
                    }
                    let out = sign_acs3(
                        &creds,
                        &call,
                        &FixedClock(rec["timestamp"].as_i64().unwrap()),
                    )
                    .unwrap();
                    assert_eq!(out.header("Authorization"), Some(auth), "{}", c.name);
                    high_level += 1;
                }
            }
            "ROA-HMAC-SHA1" => {
                let req = request_of(cap);
                let sts = roa::StringToSign::new(&req, &Default::default()).unwrap();
                let mut sig = roa::sign(&sts, creds.secret_key());
                if Some(roa::authorization(id, &sig).as_str()) != auth {
                    // aliyun-python-sdk-core writes an empty value as `name=`.
                    let alt = roa::Settings::default().with_empty_with_equals(true);
                    sig = roa::sign(
                        &roa::StringToSign::new(&req, &alt).unwrap(),
                        creds.secret_key(),
                    );
                }
                assert_eq!(
                    Some(roa::authorization(id, &sig).as_str()),
                    auth,
                    "{}",
                    c.name
                );
            }
            "RPC-HMAC-SHA1" => {
                let mut params = decode_pairs(cap.query(), PlusIs::Space);
                if cap.method == "POST" {
                    params.extend(decode_pairs(
                        std::str::from_utf8(&cap.body).unwrap(),
                        PlusIs::Space,
                    ));
                }
                let sts = rpc::StringToSign::new(
                    &cap.method,
                    params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
                    &Default::default(),
                )
                .unwrap();
                let sig = rpc::sign(&sts, creds.secret_key(), rpc::Key::SecretAndAmpersand);
                let sent = params
                    .iter()
                    .find(|(n, _)| n == "Signature")
                    .map(|(_, v)| v.as_str());
                assert_eq!(Some(sig.as_str()), sent, "{}", c.name);
                // The record's API parameters are what went out.
                for list in [&rec["query"], &rec["body"]] {
                    if let Some(pairs) = list.as_array() {
                        for p in pairs {
                            let (n, v) = (p[0].as_str().unwrap(), p[1].as_str().unwrap());
                            assert!(
                                params.iter().any(|(pn, pv)| pn == n && pv == v),
                                "{}: parameter {n}",
                                c.name
                            );
                        }
                    }
                }
            }
            other => panic!("{}: unknown scheme {other}", c.name),
        }
    }
    assert!(high_level > 0, "no ACS3 capture reproduced by sign_acs3");
}

fn allowed(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            codes::SIGNATURE_DOES_NOT_MATCH
                | codes::TIMESTAMP_FORMAT
                | codes::TIMESTAMP_EXPIRED
                | codes::MISSING_PARAMETER
                | codes::INCOMPLETE_SIGNATURE
                | codes::ACCESS_KEY_NOT_FOUND
                | codes::TOKEN_MISMATCH
        )
    )
}

fn other(b: u8) -> u8 {
    if b == b'x' { b'y' } else { b'x' }
}

#[test]
fn any_change_to_a_signed_part_fails_and_to_an_unsigned_header_does_not() {
    let keys = keys();
    let mut tried = 0usize;
    for c in cases() {
        let rec = &c.record;
        let cap = &c.capture;
        let s = scheme(rec);
        let fails = |m: &Captured, what: &str| {
            let r = check(&keys, rec, m);
            assert_eq!(
                r.verdict,
                Verdict::Invalid,
                "{}: {what} changed, still {r}",
                c.name
            );
            assert!(allowed(r.code()), "{}: {what}: {r}", c.name);
        };
        let acs3 = s.starts_with("ACS3-");
        // The body: signed by ACS3 (x-acs-content-sha256), and by RPC as form parameters.
        let body_signed = acs3 || (s == "RPC-HMAC-SHA1" && cap.method == "POST");
        for i in 0..cap.body.len() {
            let mut m = cap.clone();
            m.body[i] = other(m.body[i]);
            tried += 1;
            if body_signed {
                fails(&m, &format!("body byte {i}"));
            }
        }
        // The path and the query, wherever the target starts them.
        let tail = cap.path().len()
            + if cap.query().is_empty() {
                0
            } else {
                cap.query().len() + 1
            };
        let start = cap.target.len() - tail;
        for i in start..cap.target.len() {
            // The `?`, and the path's first `/` (in an absolute-form target, changing it
            // moves the path into the authority: the path read is then `/` again).
            if cap.target.as_bytes()[i] == b'?' || i == start {
                continue;
            }
            let mut m = cap.clone();
            let mut bytes = m.target.into_bytes();
            bytes[i] = other(bytes[i]);
            m.target = String::from_utf8(bytes).unwrap();
            tried += 1;
            // RPC signs the parameters, not the path.
            if s != "RPC-HMAC-SHA1" || i > start + cap.path().len() {
                fails(&m, &format!("target byte {i}"));
            }
        }
        // Headers.
        let signed: Vec<String> = match s {
            _ if acs3 => cap
                .header("authorization")
                .unwrap()
                .split("SignedHeaders=")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .split(';')
                .map(str::to_string)
                .collect(),
            "ROA-HMAC-SHA1" => cap
                .headers
                .iter()
                .map(|(n, _)| n.to_ascii_lowercase())
                .filter(|n| {
                    n.starts_with("x-acs-")
                        || ["accept", "content-md5", "content-type", "date"].contains(&n.as_str())
                })
                .collect(),
            _ => Vec::new(),
        };
        for (h, (name, value)) in cap.headers.iter().enumerate() {
            let lname = name.to_ascii_lowercase();
            if ["authorization", "content-length"].contains(&lname.as_str()) {
                continue;
            }
            for i in 0..value.len() {
                let mut m = cap.clone();
                let mut bytes = m.headers[h].1.clone().into_bytes();
                bytes[i] = other(bytes[i]);
                let Ok(text) = String::from_utf8(bytes) else {
                    continue;
                };
                m.headers[h].1 = text;
                tried += 1;
                if signed.contains(&lname) {
                    fails(&m, &format!("header {name} byte {i}"));
                } else if !["content-type", "x-acs-security-token", "host"]
                    .contains(&lname.as_str())
                {
                    let r = check(&keys, rec, &m);
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
