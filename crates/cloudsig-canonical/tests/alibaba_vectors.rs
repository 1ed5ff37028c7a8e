//! Every Alibaba vector in `vectors/alibaba/` through the public API, at every stage:
//! the builders over the request as sent, and the high-level API from the call's inputs.
//!
//! Expected values come from the documents cited in vectors/alibaba/*.json and the independent Python oracle
//! `vectors/tools/recompute_alibaba.py`, never from this code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::Request;
use cloudsig_canonical::alibaba::query::{PlusIs, decode_pairs};
use cloudsig_canonical::alibaba::{
    Acs3Call, Body, Credentials, FixedClock, RoaCall, RpcCall, Stages, acs3, roa, rpc, sign_acs3,
    sign_roa, sign_rpc, time,
};
use cloudsig_core::SecretKey;
use cloudsig_core::alibaba::Algorithm;
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../vectors/alibaba/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "cloudsig-vectors/1");
    let vectors = doc["vectors"].as_array().unwrap().clone();
    assert!(!vectors.is_empty());
    for v in &vectors {
        // Every expected field is in exactly one provenance list.
        let prov = &v["provenance"];
        let mut listed: Vec<&str> = prov["documented"]
            .as_array()
            .unwrap()
            .iter()
            .chain(prov["computed"].as_array().unwrap())
            .map(|f| f.as_str().unwrap())
            .collect();
        listed.sort_unstable();
        let mut fields: Vec<&str> = v["expected"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(listed, fields, "{}", v["id"]);
    }
    vectors
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn headers(r: &Value) -> Vec<(String, String)> {
    r["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (s(&h[0]).to_string(), s(&h[1]).to_string()))
        .collect()
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn request<'a>(r: &'a Value, h: &'a [(String, String)]) -> Request<'a> {
    let mut req = Request::new(s(&r["method"]), s(&r["path"]))
        .query(s(&r["query"]))
        .body(s(&r["body"]).as_bytes());
    for (n, v) in h {
        req.push_header(n, v);
    }
    req
}

fn body_of(h: &[(String, String)], body: &str) -> Body {
    if body.is_empty() {
        Body::Empty
    } else {
        assert_eq!(
            header(h, "content-type"),
            Some(cloudsig_canonical::alibaba::JSON)
        );
        Body::Json(body.into())
    }
}

#[test]
fn acs3_vectors_every_stage() {
    let vectors = load("acs3.json");
    assert!(
        vectors
            .iter()
            .any(|v| v["id"] == "acs3-doc-ecs-run-instances")
    );
    for v in vectors {
        let id = s(&v["id"]);
        let (input, exp) = (&v["input"], &v["expected"]);
        let r = &input["request"];
        let h = headers(r);
        let req = request(r, &h);
        let algorithm = Algorithm::from_name(s(&input["algorithm"])).unwrap();
        let secret = SecretKey::new(s(&input["access_key_secret"]).as_bytes()).unwrap();

        // The signer's choice of headers is the vector's list.
        let chosen = acs3::signed_headers_of(&req).unwrap();
        assert_eq!(chosen.to_string(), s(&input["signed_headers"]), "{id}");
        let signed_headers = acs3::SignedHeaders::parse(s(&input["signed_headers"])).unwrap();
        let signed = acs3::sign(
            &req,
            &signed_headers,
            algorithm,
            &Default::default(),
            &secret,
        )
        .unwrap();
        let cr = signed.canonical_request();
        assert_eq!(
            cr.hashed_payload().as_str(),
            s(&exp["hashed_payload"]),
            "{id}"
        );
        assert_eq!(cr.canonical_query(), s(&exp["canonical_query"]), "{id}");
        assert_eq!(cr.to_string(), s(&exp["canonical_request"]), "{id}");
        assert_eq!(
            signed.hashed_canonical_request().as_str(),
            s(&exp["hashed_canonical_request"]),
            "{id}"
        );
        assert_eq!(cr.hashed(), *signed.hashed_canonical_request(), "{id}");
        assert_eq!(
            signed.string_to_sign().to_string(),
            s(&exp["string_to_sign"]),
            "{id}"
        );
        assert_eq!(signed.signature().as_str(), s(&exp["signature"]), "{id}");
        let ak = s(&input["access_key_id"]);
        assert_eq!(
            signed.authorization(ak).to_string(),
            s(&exp["authorization"]),
            "{id}"
        );
        // The core signs the documented string to sign to the same signature.
        assert_eq!(
            cloudsig_core::alibaba::sign_acs3(
                &secret,
                algorithm,
                s(&exp["string_to_sign"]).as_bytes()
            )
            .as_str(),
            s(&exp["signature"]),
            "{id}"
        );

        // The high-level API, from the call's inputs, sends the same signature.
        let mut creds = Credentials::new(ak, s(&input["access_key_secret"])).unwrap();
        if let Some(t) = header(&h, "x-acs-security-token") {
            creds = creds.with_token(t).unwrap();
        }
        let mut call = Acs3Call::new(
            header(&h, "host").unwrap(),
            header(&h, "x-acs-action").unwrap(),
            header(&h, "x-acs-version").unwrap(),
        )
        .algorithm(algorithm)
        .method(s(&r["method"]))
        .path(s(&r["path"]))
        .nonce(header(&h, "x-acs-signature-nonce").unwrap())
        .body(body_of(&h, s(&r["body"])));
        for (n, val) in decode_pairs(s(&r["query"]), PlusIs::Space) {
            call = call.query_param(n, val);
        }
        let ts = time::parse_iso8601(header(&h, "x-acs-date").unwrap()).unwrap();
        let out = sign_acs3(&creds, &call, &FixedClock(ts)).unwrap();
        assert_eq!(
            out.header("Authorization"),
            Some(s(&exp["authorization"])),
            "{id}"
        );
        let Stages::Acs3 {
            canonical_request, ..
        } = out.stages()
        else {
            panic!("{id}: not ACS3 stages")
        };
        assert_eq!(canonical_request, s(&exp["canonical_request"]), "{id}");
    }
}

#[test]
fn roa_vectors_every_stage() {
    for v in load("roa.json") {
        let id = s(&v["id"]);
        let (input, exp) = (&v["input"], &v["expected"]);
        let r = &input["request"];
        let h = headers(r);
        let req = request(r, &h);
        let secret = SecretKey::new(s(&input["access_key_secret"]).as_bytes()).unwrap();
        let sts = roa::StringToSign::new(&req, &Default::default()).unwrap();
        assert_eq!(sts.to_string(), s(&exp["string_to_sign"]), "{id}");
        let sig = roa::sign(&sts, &secret);
        assert_eq!(sig.as_str(), s(&exp["signature"]), "{id}");
        let ak = s(&input["access_key_id"]);
        assert_eq!(
            roa::authorization(ak, &sig),
            s(&exp["authorization"]),
            "{id}"
        );

        let mut creds = Credentials::new(ak, s(&input["access_key_secret"])).unwrap();
        if let Some(t) = header(&h, "x-acs-security-token") {
            creds = creds.with_token(t).unwrap();
        }
        let mut call = RoaCall::new(
            header(&h, "host").unwrap(),
            header(&h, "x-acs-version").unwrap(),
            s(&r["path"]),
        )
        .action(header(&h, "x-acs-action").unwrap())
        .method(s(&r["method"]))
        .nonce(header(&h, "x-acs-signature-nonce").unwrap())
        .body(body_of(&h, s(&r["body"])));
        for (n, val) in decode_pairs(s(&r["query"]), PlusIs::Space) {
            call = call.query_param(n, val);
        }
        let ts = time::parse_rfc1123(header(&h, "date").unwrap()).unwrap();
        let out = sign_roa(&creds, &call, &FixedClock(ts)).unwrap();
        assert_eq!(
            out.header("Authorization"),
            Some(s(&exp["authorization"])),
            "{id}"
        );
        assert_eq!(out.header("Date"), header(&h, "date"), "{id}");
    }
}

#[test]
fn rpc_vectors_every_stage() {
    let vectors = load("rpc.json");
    assert!(
        vectors
            .iter()
            .any(|v| v["id"] == "rpc-doc-describe-dedicated-hosts")
    );
    for v in vectors {
        let id = s(&v["id"]);
        let (input, exp) = (&v["input"], &v["expected"]);
        let params: Vec<(String, String)> = input["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (s(&p[0]).to_string(), s(&p[1]).to_string()))
            .collect();
        let method = s(&input["method"]);
        let sts = rpc::StringToSign::new(
            method,
            params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(sts.canonical_query(), s(&exp["canonical_query"]), "{id}");
        assert_eq!(sts.to_string(), s(&exp["string_to_sign"]), "{id}");
        let secret = SecretKey::new(s(&input["access_key_secret"]).as_bytes()).unwrap();
        let sig = rpc::sign(&sts, &secret, rpc::Key::SecretAndAmpersand);
        assert_eq!(sig.as_str(), s(&exp["signature"]), "{id}");

        // The high-level API adds the common parameters itself.
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        let common = [
            "AccessKeyId",
            "Action",
            "Format",
            "Version",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp",
            "SecurityToken",
        ];
        let mut creds =
            Credentials::new(get("AccessKeyId"), s(&input["access_key_secret"])).unwrap();
        if params.iter().any(|(n, _)| n == "SecurityToken") {
            creds = creds.with_token(get("SecurityToken")).unwrap();
        }
        let mut call = RpcCall::new("ecs.aliyuncs.com", get("Action"), get("Version"))
            .method(method)
            .nonce(get("SignatureNonce"));
        for (n, val) in params.iter().filter(|(n, _)| !common.contains(&n.as_str())) {
            call = call.param(n, val);
        }
        let ts = time::parse_iso8601(get("Timestamp")).unwrap();
        let out = sign_rpc(&creds, &call, &FixedClock(ts)).unwrap();
        let sent = if method == "GET" {
            out.query().to_string()
        } else {
            String::from_utf8(out.body().to_vec()).unwrap()
        };
        let want = format!("&Signature={}", s(&exp["signature_urlencoded"]));
        assert!(sent.ends_with(&want), "{id}: {sent}");
        let Stages::Rpc { string_to_sign, .. } = out.stages() else {
            panic!("{id}: not RPC stages")
        };
        assert_eq!(string_to_sign, s(&exp["string_to_sign"]), "{id}");
    }
}

#[test]
fn a_changed_stage_input_changes_the_result() {
    // Control: the comparisons above can fail. One byte of the documented request changed.
    let v = &load("acs3.json")[0];
    let r = &v["input"]["request"];
    let mut h = headers(r);
    h[1].1 = "RunInstancez".into();
    let req = request(r, &h);
    let sh = acs3::SignedHeaders::parse(s(&v["input"]["signed_headers"])).unwrap();
    let secret = SecretKey::new(b"YourAccessKeySecret").unwrap();
    let signed = acs3::sign(
        &req,
        &sh,
        Algorithm::HmacSha256,
        &Default::default(),
        &secret,
    )
    .unwrap();
    assert_ne!(
        signed.hashed_canonical_request().as_str(),
        s(&v["expected"]["hashed_canonical_request"])
    );
}
