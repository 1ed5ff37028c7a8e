//! Every Tencent vector in `vectors/tencent/` through the public API, at every stage.
//!
//! Expected values come from the documents (and the independent Python oracle in
//! `vectors/tools/`), never from this code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::tencent::{self, Credentials, FixedClock, Tc3Call, V1Call};
use cloudsig_canonical::v1::{BoolText, NameRule, Params};
use cloudsig_canonical::{Payload, Request, tc3};
use cloudsig_core::{HexDigest, SecretKey, UtcDate, tc3::SigningKey, v1::Algorithm};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../vectors/tencent/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "cloudsig-vectors/1");
    let vectors = doc["vectors"].as_array().unwrap().clone();
    assert!(!vectors.is_empty());
    vectors
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn hex(bytes: &[u8; 32]) -> String {
    HexDigest::from_bytes(bytes).to_string()
}

#[test]
fn tc3_vectors_every_stage() {
    for v in load("tc3.json") {
        let id = s(&v["id"]);
        let input = &v["input"];
        let exp = &v["expected"];
        let r = &input["request"];
        let headers: Vec<(String, String)> = r["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (s(&h[0]).to_string(), s(&h[1]).to_string()))
            .collect();
        let unsigned = r["unsigned_payload"].as_bool().unwrap();
        let body = s(&r["body"]);
        let mut req = Request::new(s(&r["method"]), s(&r["path"])).query(s(&r["query"]));
        for (n, val) in &headers {
            req.push_header(n, val);
        }
        let req = req.with_payload(if unsigned {
            Payload::Unsigned
        } else {
            Payload::Bytes(body.as_bytes())
        });
        let signed_headers =
            tc3::SignedHeaders::new(input["signed_headers"].as_array().unwrap().iter().map(s))
                .unwrap();
        let settings =
            tc3::Settings::default().with_header_value_case(match s(&input["header_value_case"]) {
                "lowercase" => tc3::HeaderValueCase::Lowercase,
                "as-is" => tc3::HeaderValueCase::AsSent,
                other => panic!("{id}: unknown case {other}"),
            });
        let ts = input["timestamp"].as_i64().unwrap();
        let service = s(&input["service"]);
        let secret_id = s(&input["secret_id"]);
        let secret = SecretKey::new(s(&input["secret_key"]).as_bytes()).unwrap();

        // Stage by stage.
        let canonical = tc3::CanonicalRequest::new(&req, &signed_headers, &settings).unwrap();
        assert_eq!(
            canonical.hashed_payload().as_str(),
            s(&exp["hashed_payload"]),
            "{id}: hashed_payload"
        );
        assert_eq!(
            canonical.to_string(),
            s(&exp["canonical_request"]),
            "{id}: canonical_request"
        );
        assert_eq!(
            canonical.hashed().as_str(),
            s(&exp["hashed_canonical_request"]),
            "{id}: hashed_canonical_request"
        );
        let scope = tc3::CredentialScope::for_timestamp(ts, service).unwrap();
        assert_eq!(
            scope.to_string(),
            s(&exp["credential_scope"]),
            "{id}: credential_scope"
        );
        let (key, derived) =
            SigningKey::derive_with_stages(&secret, &scope.date(), service).unwrap();
        assert_eq!(
            hex(&derived.secret_date),
            s(&exp["secret_date"]),
            "{id}: secret_date"
        );
        assert_eq!(
            hex(&derived.secret_service),
            s(&exp["secret_service"]),
            "{id}: secret_service"
        );
        assert_eq!(
            hex(&derived.secret_signing),
            s(&exp["secret_signing"]),
            "{id}: secret_signing"
        );

        // Key derived per call.
        let per_call = tc3::sign(&req, &signed_headers, &settings, ts, scope, &secret).unwrap();
        assert_eq!(
            per_call.string_to_sign().to_string(),
            s(&exp["string_to_sign"]),
            "{id}: string_to_sign"
        );
        assert_eq!(
            per_call.signature().as_str(),
            s(&exp["signature"]),
            "{id}: signature"
        );
        assert_eq!(
            per_call.authorization(secret_id).to_string(),
            s(&exp["authorization"]),
            "{id}: authorization"
        );
        assert_eq!(
            key.sign(s(&exp["string_to_sign"]).as_bytes()).as_str(),
            s(&exp["signature"]),
            "{id}: sign(sts)"
        );

        // Cached keys: the keyed state, and one rebuilt from SecretSigning.
        let rebuilt = SigningKey::from_secret_signing(&derived.secret_signing);
        for k in [&key, &rebuilt] {
            let cached =
                tc3::sign_with_key(&req, &signed_headers, &settings, ts, scope, k).unwrap();
            assert_eq!(cached, per_call, "{id}: cached key");
            let mut out = [0u8; 64];
            assert_eq!(
                k.sign_into(s(&exp["string_to_sign"]).as_bytes(), &mut out),
                s(&exp["signature"])
            );
        }

        // The high-level API a service calls reproduces the same Authorization.
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let mut call = Tc3Call::new(
            service,
            header("X-TC-Action").unwrap(),
            header("X-TC-Version").unwrap(),
        )
        .method(s(&r["method"]))
        .host(header("Host").unwrap())
        .content_type(header("Content-Type").unwrap())
        .raw_query(s(&r["query"]))
        .body(body.as_bytes())
        .unsigned_payload(unsigned)
        .settings(settings);
        for n in signed_headers.names() {
            call = call.sign_header(n);
        }
        let creds = Credentials::new(secret_id, s(&input["secret_key"])).unwrap();
        let sent = tencent::sign_tc3(&creds, &call, &FixedClock(ts)).unwrap();
        assert_eq!(
            sent.header("Authorization"),
            Some(s(&exp["authorization"])),
            "{id}: high-level"
        );
        assert_eq!(sent.header("X-TC-Timestamp"), Some(ts.to_string().as_str()));
        if unsigned {
            assert_eq!(sent.header("X-TC-Content-SHA256"), Some("UNSIGNED-PAYLOAD"));
        }
    }
}

#[test]
fn v1_vectors_every_stage() {
    for v in load("v1.json") {
        let id = s(&v["id"]);
        let input = &v["input"];
        let exp = &v["expected"];
        let mut params = Params::new();
        for p in input["params"].as_array().unwrap() {
            params.push(s(&p[0]), s(&p[1]));
        }
        if let Some(json) = input.get("params_json") {
            let flat = Params::from_json(json, BoolText::Lowercase).unwrap();
            let mut got: Vec<_> = flat.iter().collect();
            let mut want: Vec<_> = params.iter().collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{id}: flattening");
        }
        let rule = match s(&input["name_rule"]) {
            "as-is" => NameRule::AsIs,
            "underscore-to-dot" => NameRule::UnderscoreToDot,
            other => panic!("{id}: unknown rule {other}"),
        };
        let algorithm = Algorithm::from_signature_method(Some(s(&input["signature_method"])));
        assert_eq!(
            params.algorithm(),
            algorithm,
            "{id}: SignatureMethod parameter"
        );
        let (method, host, path) = (s(&input["method"]), s(&input["host"]), s(&input["path"]));
        let secret = SecretKey::new(s(&input["secret_key"]).as_bytes()).unwrap();
        let signed =
            cloudsig_canonical::v1::sign(&params, method, host, path, rule, &secret).unwrap();
        assert_eq!(
            signed.string_to_sign().to_string(),
            s(&exp["string_to_sign"]),
            "{id}: string_to_sign"
        );
        assert_eq!(
            signed.signature().as_str(),
            s(&exp["signature"]),
            "{id}: signature"
        );
        assert_eq!(
            signed.signature_urlencoded(),
            s(&exp["signature_urlencoded"]),
            "{id}: urlencoded"
        );
        let core_sig =
            cloudsig_core::v1::sign(&secret, algorithm, s(&exp["string_to_sign"]).as_bytes());
        assert_eq!(core_sig.as_str(), s(&exp["signature"]), "{id}: core");

        // The high-level API, given the common parameters as a service would.
        let common = [
            "Action",
            "Version",
            "Region",
            "Timestamp",
            "Nonce",
            "SecretId",
            "SignatureMethod",
        ];
        let mut api = Params::new();
        for (n, val) in params.iter().filter(|(n, _)| !common.contains(n)) {
            api.push(n, val);
        }
        let call = V1Call::new(
            host,
            params.get("Action").unwrap(),
            params.get("Version").unwrap(),
        )
        .method(method)
        .region(params.get("Region").unwrap())
        .nonce(params.get("Nonce").unwrap().parse().unwrap())
        .algorithm(algorithm)
        .name_rule(rule)
        .params(api);
        let creds =
            Credentials::new(params.get("SecretId").unwrap(), s(&input["secret_key"])).unwrap();
        let ts = params.get("Timestamp").unwrap().parse().unwrap();
        let sent = tencent::sign_v1(&creds, &call, &FixedClock(ts)).unwrap();
        let wire = if method == "GET" {
            sent.query().to_string()
        } else {
            String::from_utf8(sent.body().to_vec()).unwrap()
        };
        let want = format!("Signature={}", s(&exp["signature_urlencoded"]));
        assert!(
            wire.split('&').any(|kv| kv == want),
            "{id}: high-level sent {wire}"
        );
    }
}

#[test]
fn utc_plus_8_date_would_differ() {
    // The seed's warning: 1551113065 is 2019-02-26 in UTC+8 but the scope uses UTC.
    assert_eq!(
        UtcDate::from_unix(1_551_113_065).unwrap().to_string(),
        "2019-02-25"
    );
    assert_eq!(
        UtcDate::from_unix(1_551_113_065 + 8 * 3600)
            .unwrap()
            .to_string(),
        "2019-02-26"
    );
}
