//! Every stage of every vector in vectors/huawei/sdk_hmac.json (the documented one of
//! the documents cited in vectors/huawei/sdk_hmac.json, and the ones computed by vectors/tools/recompute_huawei.py).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::encode::rfc3986;
use cloudsig_canonical::huawei::{self, Call, Credentials, SignedHeaders, sign_request};
use cloudsig_canonical::tencent::FixedClock;
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::SecretKey;
use cloudsig_core::huawei::{Algorithm, DerivedKey, Scope, SdkDate};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../vectors/huawei/sdk_hmac.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["vectors"].as_array().unwrap().clone()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// The query as a client would send it: each pair encoded, in the vector's (unsorted) order.
fn raw_query(input: &Value) -> String {
    input["query"]
        .as_array()
        .map(|pairs| {
            pairs
                .iter()
                .map(|p| format!("{}={}", rfc3986(s(&p[0])), rfc3986(s(&p[1]))))
                .collect::<Vec<_>>()
                .join("&")
        })
        .unwrap_or_default()
}

#[test]
fn every_vector_reproduces_at_every_stage() {
    let vectors = vectors();
    assert!(vectors.len() >= 10);
    let mut documented = 0;
    for v in &vectors {
        let id = s(&v["id"]);
        let input = &v["input"];
        let want = &v["expected"];
        let alg = Algorithm::from_name(s(&input["algorithm"])).unwrap();
        let query = raw_query(input);
        let body = s(&input["body"]).as_bytes().to_vec();
        let mut req = Request::new(s(&input["method"]), s(&input["path"]))
            .query(&query)
            .with_payload(Payload::Bytes(&body));
        for h in input["headers"].as_array().unwrap() {
            req.push_header(s(&h[0]), s(&h[1]));
        }
        let signed_headers = SignedHeaders::new(
            input["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| s(&h[0]).to_owned()),
        )
        .unwrap();
        let date = SdkDate::parse(req.header_value("X-Sdk-Date").unwrap()).unwrap();
        let scope = alg
            .uses_scope()
            .then(|| Scope::new(&date, s(&input["region"]), s(&input["service"])).unwrap());
        let sk = SecretKey::new(s(&input["sk"]).as_bytes()).unwrap();
        let signed = huawei::sign(
            &req,
            alg,
            &signed_headers,
            &Default::default(),
            date,
            scope,
            s(&input["ak"]),
            &sk,
        )
        .unwrap();
        let cr = signed.canonical_request();
        assert_eq!(cr.to_string(), s(&want["canonical_request"]), "{id}");
        assert_eq!(cr.payload_hash(), s(&want["payload_hash"]), "{id}");
        assert_eq!(
            cr.signed_headers().to_string(),
            s(&want["signed_headers"]),
            "{id}"
        );
        assert_eq!(
            signed.hashed_canonical_request().as_str(),
            s(&want["hashed_canonical_request"]),
            "{id}"
        );
        assert_eq!(
            signed.string_to_sign().to_string(),
            s(&want["string_to_sign"]),
            "{id}"
        );
        assert_eq!(signed.signature().as_str(), s(&want["signature"]), "{id}");
        assert_eq!(
            signed.authorization(s(&input["ak"])).to_string(),
            s(&want["authorization"]),
            "{id}"
        );
        if let Some(scope) = scope {
            assert_eq!(scope.to_string(), s(&want["credential_scope"]), "{id}");
            let key = DerivedKey::derive(s(&input["ak"]), &sk, &scope).unwrap();
            assert_eq!(key.expose_hex(), s(&want["derived_key"]), "{id}");
        }
        if !v["provenance"]["documented"].as_array().unwrap().is_empty() {
            documented += 1;
        }
    }
    assert_eq!(documented, 1, "the VECTORS.md vector is in the file");
}

#[test]
fn the_documented_vector_carries_the_documented_values() {
    // Guards the JSON against drift: these literals are the documented example's (vectors/huawei/sdk_hmac.json, provenance).
    let v = vectors()
        .into_iter()
        .find(|v| v["id"] == "sdk-hmac-sha256-vpcs-documented")
        .unwrap();
    assert_eq!(
        s(&v["expected"]["hashed_canonical_request"]),
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    assert_eq!(
        s(&v["expected"]["authorization"]),
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
}

/// The high-level API adds exactly the headers of the vectors (Host, Content-Type,
/// X-Project-Id, X-Sdk-Date), so its Authorization must equal theirs.
#[test]
fn high_level_api_reproduces_the_seed_and_documented_vectors() {
    let mut checked = 0;
    for v in vectors() {
        let input = &v["input"];
        let headers = input["headers"].as_array().unwrap();
        let names: Vec<String> = headers
            .iter()
            .map(|h| s(&h[0]).to_ascii_lowercase())
            .collect();
        if names.iter().any(|n| n == "x-sdk-content-sha256") {
            continue;
        }
        let header = |n: &str| {
            headers
                .iter()
                .find(|h| s(&h[0]).eq_ignore_ascii_case(n))
                .map(|h| s(&h[1]).to_owned())
        };
        let alg = Algorithm::from_name(s(&input["algorithm"])).unwrap();
        let mut call = Call::new(s(&input["method"]), s(&input["host"]), s(&input["path"]))
            .algorithm(alg)
            .body(s(&input["body"]).as_bytes().to_vec());
        if let Some(ct) = header("content-type") {
            call = call.content_type(ct);
        }
        if let Some(p) = header("x-project-id") {
            call = call.project_id(p);
        }
        for p in input["query"].as_array().unwrap() {
            call = call.query_param(s(&p[0]), s(&p[1]));
        }
        if alg.uses_scope() {
            call = call
                .region(s(&input["region"]))
                .service(s(&input["service"]));
        }
        let now = SdkDate::parse(&header("x-sdk-date").unwrap())
            .unwrap()
            .to_unix();
        let creds = Credentials::new(s(&input["ak"]), s(&input["sk"])).unwrap();
        let signed = sign_request(&creds, &call, &FixedClock(now)).unwrap();
        assert_eq!(
            signed.header("Authorization"),
            Some(s(&v["expected"]["authorization"])),
            "{}",
            v["id"]
        );
        assert_eq!(
            signed.stages().canonical_request,
            s(&v["expected"]["canonical_request"])
        );
        checked += 1;
    }
    assert!(checked >= 9, "{checked}");
}

#[test]
fn unsigned_payload_and_token_are_sent_and_signed() {
    let creds = Credentials::new("AK", "SK")
        .unwrap()
        .with_security_token("TOKEN")
        .unwrap();
    let call = Call::new("PUT", "obs.example.com", "/a%20b")
        .body(b"body".to_vec())
        .unsigned_payload(true);
    let signed = sign_request(&creds, &call, &FixedClock(0)).unwrap();
    assert_eq!(
        signed.header("X-Sdk-Content-Sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(signed.header("X-Security-Token"), Some("TOKEN"));
    assert!(
        signed
            .stages()
            .canonical_request
            .ends_with("host;x-sdk-content-sha256;x-sdk-date;x-security-token\nUNSIGNED-PAYLOAD")
    );
    assert!(
        signed
            .stages()
            .canonical_request
            .starts_with("PUT\n/a%20b/\n")
    );
    let http = String::from_utf8(signed.to_http()).unwrap();
    assert!(
        http.starts_with("PUT /a%20b HTTP/1.1\r\nHost: obs.example.com\r\n"),
        "{http}"
    );
    assert!(http.contains("\r\nAuthorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-content-sha256;x-sdk-date;x-security-token, Signature="), "{http}");
}

#[test]
fn sm3_unsigned_payload_uses_the_sm3_header() {
    // huaweicloudsdkcore 3.1.219 sends `X-Sdk-Content-Sm3: UNSIGNED-PAYLOAD` with
    // SDK-HMAC-SM3 (vectors/captures/sdk/huawei/python/sm3-octet-stream.http).
    let creds = Credentials::new("AK", "SK").unwrap();
    let call = Call::new("PUT", "obs.example.com", "/f")
        .algorithm(Algorithm::SdkHmacSm3)
        .body(b"body".to_vec())
        .unsigned_payload(true);
    let signed = sign_request(&creds, &call, &FixedClock(0)).unwrap();
    assert_eq!(signed.header("X-Sdk-Content-Sm3"), Some("UNSIGNED-PAYLOAD"));
    assert_eq!(signed.header("X-Sdk-Content-Sha256"), None);
    assert!(
        signed
            .stages()
            .canonical_request
            .ends_with("host;x-sdk-content-sm3;x-sdk-date\nUNSIGNED-PAYLOAD"),
        "{}",
        signed.stages().canonical_request
    );
}

#[test]
fn v11_without_region_is_an_error_naming_it() {
    let creds = Credentials::new("AK", "SK").unwrap();
    let call = Call::new("GET", "h", "/")
        .algorithm(Algorithm::V11HmacSha256)
        .service("s");
    let err = sign_request(&creds, &call, &FixedClock(0)).unwrap_err();
    assert_eq!(err.field(), "region");
}
