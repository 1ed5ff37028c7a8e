//! The documented and computed vectors of `vectors/alibaba/` as captured requests: each
//! verifies as valid, and every single-byte change to a part it signs makes it invalid
//! with `SignatureDoesNotMatch` (ACS3 and ROA header values, the path, the query, the
//! ACS3 body; RPC parameter values), while a change to an unsigned header does not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::encode::rfc3986;
use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../vectors/alibaba/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn verify(keys: &KeyRing, cap: &Captured, now: i64) -> Report {
    Verifier::new(keys.clone(), Options::at(now)).check(cap, &mut KeyCache::default())
}

/// A different byte that keeps the text meaningful: letters and digits rotate within
/// their class, anything else becomes `x`.
fn other(b: u8) -> u8 {
    match b {
        b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => b + 1,
        b'z' => b'a',
        b'Z' => b'A',
        b'9' => b'0',
        _ => b'x',
    }
}

fn mutations(text: &str, skip_escapes: bool) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if skip_escapes && bytes[i] == b'%' {
            i += 3;
            continue;
        }
        // Separators of the query change its structure, not a value: skip them.
        if skip_escapes && matches!(bytes[i], b'&' | b'=') {
            i += 1;
            continue;
        }
        if bytes[i].is_ascii() {
            let mut m = bytes.to_vec();
            m[i] = other(bytes[i]);
            out.push(String::from_utf8(m).unwrap());
        }
        i += 1;
    }
    out
}

fn request(input: &Value, authorization: &str) -> Captured {
    let r = &input["request"];
    let query = s(&r["query"]);
    let mut headers = vec![("Authorization".to_string(), authorization.to_string())];
    for h in r["headers"].as_array().unwrap() {
        headers.push((s(&h[0]).to_string(), s(&h[1]).to_string()));
    }
    Captured {
        location: Location::default(),
        method: s(&r["method"]).into(),
        target: if query.is_empty() {
            s(&r["path"]).to_string()
        } else {
            format!("{}?{query}", s(&r["path"]))
        },
        headers,
        body: s(&r["body"]).as_bytes().to_vec(),
    }
}

fn assert_mismatch(r: &Report, what: &str) {
    assert_eq!(r.verdict, Verdict::Invalid, "{what}: {r}");
    assert_eq!(r.code(), Some("SignatureDoesNotMatch"), "{what}: {r}");
}

fn header_time(cap: &Captured) -> i64 {
    match cap.header("x-acs-date") {
        Some(d) => cloudsig_canonical::alibaba::time::parse_iso8601(d).unwrap(),
        None => {
            cloudsig_canonical::alibaba::time::parse_rfc1123(cap.header("date").unwrap()).unwrap()
        }
    }
}

fn check_header_mutations(
    keys: &KeyRing,
    cap: &Captured,
    signed: impl Fn(&str) -> bool,
    now: i64,
) -> usize {
    let mut n = 0;
    for (i, (name, value)) in cap.headers.iter().enumerate().skip(1) {
        let lower = name.to_ascii_lowercase();
        // Dates and the nonce are checked by rules of their own first (format, window).
        if !signed(&lower) || lower == "x-acs-date" || lower == "date" {
            continue;
        }
        for m in mutations(value, false) {
            let mut c = cap.clone();
            c.headers[i].1 = m;
            assert_mismatch(&verify(keys, &c, now), &format!("header {name}"));
            n += 1;
        }
    }
    n
}

fn check_target_mutations(keys: &KeyRing, cap: &Captured, now: i64) -> usize {
    let mut n = 0;
    let (path, query) = cap.target.split_once('?').unwrap_or((&cap.target, ""));
    for m in mutations(path, true)
        .into_iter()
        .filter(|m| m.starts_with('/'))
    {
        let mut c = cap.clone();
        c.target = if query.is_empty() {
            m
        } else {
            format!("{m}?{query}")
        };
        assert_mismatch(&verify(keys, &c, now), "path");
        n += 1;
    }
    for m in mutations(query, true) {
        let mut c = cap.clone();
        c.target = format!("{path}?{m}");
        assert_mismatch(&verify(keys, &c, now), &format!("query {m}"));
        n += 1;
    }
    n
}

#[test]
fn acs3_vectors_verify_and_every_signed_byte_matters() {
    let mut total = 0;
    for v in load("acs3.json") {
        let input = &v["input"];
        let keys = KeyRing::parse(
            &format!(
                "{} {}",
                s(&input["access_key_id"]),
                s(&input["access_key_secret"])
            ),
            "vector",
        )
        .unwrap();
        let cap = request(input, s(&v["expected"]["authorization"]));
        let now = header_time(&cap);
        let r = verify(&keys, &cap, now);
        assert!(r.is_ok(), "{}: {r:#?}", v["id"]);
        let signed: Vec<String> = s(&input["signed_headers"])
            .split(';')
            .map(String::from)
            .collect();
        total += check_header_mutations(&keys, &cap, |n| signed.iter().any(|s| s == n), now);
        total += check_target_mutations(&keys, &cap, now);
        for i in 0..cap.body.len() {
            let mut c = cap.clone();
            c.body[i] ^= 0x01;
            assert_mismatch(&verify(&keys, &c, now), "body");
            total += 1;
        }
        // The signature itself, and the unsigned header added.
        let mut c = cap.clone();
        c.headers[0].1 = c.headers[0]
            .1
            .replace("Signature=0", "Signature=1")
            .replace("Signature=", "Signature=0");
        assert_mismatch(&verify(&keys, &c, now), "signature");
        let mut c = cap.clone();
        c.headers.push(("User-Agent".into(), "changed/1.0".into()));
        assert!(verify(&keys, &c, now).is_ok());
    }
    assert!(total > 500, "only {total} mutations");
}

#[test]
fn roa_vectors_verify_and_every_signed_byte_matters() {
    for v in load("roa.json") {
        let input = &v["input"];
        let keys = KeyRing::parse(
            &format!(
                "{} {}",
                s(&input["access_key_id"]),
                s(&input["access_key_secret"])
            ),
            "vector",
        )
        .unwrap();
        let cap = request(input, s(&v["expected"]["authorization"]));
        let now = header_time(&cap);
        assert!(verify(&keys, &cap, now).is_ok(), "{}", v["id"]);
        // x-acs-signature-method has a rule of its own (IncompleteSignature).
        let signed = |n: &str| {
            n.starts_with("x-acs-") && n != "x-acs-signature-method"
                || ["accept", "content-type", "content-md5"].contains(&n)
        };
        check_header_mutations(&keys, &cap, signed, now);
        check_target_mutations(&keys, &cap, now);
        // Host is not part of the ROA string to sign.
        let mut c = cap.clone();
        let i = c.headers.iter().position(|(n, _)| n == "Host").unwrap();
        c.headers[i].1.push('x');
        assert!(verify(&keys, &c, now).is_ok());
    }
}

#[test]
fn rpc_vectors_verify_and_every_parameter_byte_matters() {
    for v in load("rpc.json") {
        let input = &v["input"];
        let params: Vec<(String, String)> = input["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (s(&p[0]).to_string(), s(&p[1]).to_string()))
            .collect();
        let id = params
            .iter()
            .find(|(n, _)| n == "AccessKeyId")
            .unwrap()
            .1
            .clone();
        let keys =
            KeyRing::parse(&format!("{id} {}", s(&input["access_key_secret"])), "v").unwrap();
        let ts = params
            .iter()
            .find(|(n, _)| n == "Timestamp")
            .unwrap()
            .1
            .clone();
        let now = cloudsig_canonical::alibaba::time::parse_iso8601(&ts).unwrap();
        let encode = |p: &[(String, String)]| {
            let mut q: Vec<String> = p
                .iter()
                .map(|(n, v)| format!("{}={}", rfc3986(n), rfc3986(v)))
                .collect();
            q.push(format!(
                "Signature={}",
                s(&v["expected"]["signature_urlencoded"])
            ));
            q.join("&")
        };
        let method = s(&input["method"]);
        let cap_of = |p: &[(String, String)]| Captured {
            location: Location::default(),
            method: method.into(),
            target: if method == "GET" {
                format!("/?{}", encode(p))
            } else {
                "/".into()
            },
            headers: if method == "GET" {
                vec![("Host".into(), "ecs.aliyuncs.com".into())]
            } else {
                vec![
                    ("Host".into(), "ecs.aliyuncs.com".into()),
                    (
                        "Content-Type".into(),
                        "application/x-www-form-urlencoded".into(),
                    ),
                ]
            },
            body: if method == "GET" {
                Vec::new()
            } else {
                encode(p).into_bytes()
            },
        };
        let r = verify(&keys, &cap_of(&params), now);
        assert!(r.is_ok(), "{}: {r:#?}", v["id"]);
        for (i, (name, value)) in params.iter().enumerate() {
            // The time, nonce, key id and method have rules of their own.
            if ["Timestamp", "AccessKeyId", "SignatureMethod"].contains(&name.as_str()) {
                continue;
            }
            for m in mutations(value, false) {
                let mut p = params.clone();
                p[i].1 = m;
                assert_mismatch(&verify(&keys, &cap_of(&p), now), name);
            }
        }
    }
}
