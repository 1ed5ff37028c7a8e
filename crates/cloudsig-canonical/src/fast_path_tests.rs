//! Property tests of the ACS3 and SDK-HMAC hot paths (issue 17 item 1, session 24).
//!
//! Over generated requests (header names in several cases, repeated and missing signed
//! headers, values with blanks, CR, LF, NUL and non-ASCII spaces, queries already
//! canonical or not, invalid methods and paths):
//!
//! - the one-pass header values (`few_values`) equal the general builder's
//!   (`all_values`) wherever the hot path answers;
//! - `sign_with_key` gives the signature, canonical text and error kind of an
//!   independent rendering written here from the documented rules, hashed and keyed
//!   with the `sha2` and `hmac` crates.

extern crate std;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use alloc::{format, vec};

use hmac::{KeyInit, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use crate::ErrorKind;
use crate::request::Request;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac_hex(key: &[u8], message: &str) -> String {
    let mut m = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(message.as_bytes());
    hex(&m.finalize().into_bytes())
}

/// Header names: signed and unsigned ones, in several cases.
const NAMES: [&str; 14] = [
    "host",
    "Host",
    "HOST",
    "x-acs-date",
    "X-Acs-Date",
    "x-acs-action",
    "content-type",
    "Content-Type",
    "x-sdk-date",
    "X-Sdk-Date",
    "x-a",
    "X-A",
    "x-unsigned",
    "X-Sdk-Content-Sha256",
];

/// Lower-case names a signer may list.
const SIGNABLE: [&str; 8] = [
    "content-type",
    "host",
    "x-a",
    "x-acs-action",
    "x-acs-date",
    "x-sdk-date",
    "x-sdk-content-sha256",
    "x-zz",
];

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[ \t]{0,2}[a-zA-Z0-9 ,;:=/.\t-]{0,12}[ \t]{0,2}",
        1 => "[a-z]{0,3}[\r\n\u{0}][a-z]{0,3}",
        1 => "[\u{a0}\u{3000} a-z]{0,6}",
    ]
}

#[derive(Debug, Clone)]
struct Case {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    signed: Vec<String>,
    body: Vec<u8>,
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop::sample::select(vec!["GET", "POST", "PUT", "get"]);
    let path = prop::sample::select(vec![
        "/",
        "/a/b",
        "/v1/x~y.z",
        "/v1/x/",
        "/a b",
        "/a%20b",
        "/a*b",
        "x",
    ]);
    let query = prop_oneof![
        prop::sample::select(vec![
            "",
            "a=1",
            "a=1&b=2",
            "b=2&a=1",
            "a=&b=",
            "a",
            "a=x%20y",
            "a=1&a-b=2",
            "k=\u{e9}",
            "a=1&&b=2",
        ])
        .prop_map(String::from),
        "[a-c=&%0-9A-F~.-]{0,12}",
    ];
    let headers = prop::collection::vec(
        (
            prop::sample::select(NAMES.to_vec()).prop_map(String::from),
            value(),
        ),
        0..8,
    );
    let signed = prop::sample::subsequence(SIGNABLE.to_vec(), 1..6)
        .prop_map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
    let body = prop::collection::vec(any::<u8>(), 0..90);
    (method, path, query, headers, signed, body).prop_map(
        |(method, path, query, headers, signed, body)| Case {
            method: method.into(),
            path: path.into(),
            query,
            headers,
            signed,
            body,
        },
    )
}

impl Case {
    fn request(&self) -> (Vec<(&str, &str)>, Request<'_>) {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let req = Request::new(&self.method, &self.path)
            .query(&self.query)
            .body(&self.body);
        (headers, req)
    }

    /// The values of the headers named `lower`, in request order.
    fn values(&self, lower: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(lower))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether the method, path and query are what every scheme accepts.
    fn target_ok(&self) -> bool {
        !self.method.is_empty()
            && self.method.bytes().all(|b| b.is_ascii_uppercase())
            && self.path.starts_with('/')
            && !self
                .path
                .bytes()
                .any(|b| b <= b' ' || b == 0x7f || b == b'?' || b == b'#')
            && !self
                .query
                .bytes()
                .any(|b| b <= b' ' || b == 0x7f || b == b'#')
    }
}

fn bad_value(v: &str) -> bool {
    v.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0))
}

/// The ACS3 canonical request by the documented rules, or the error kind expected.
fn acs3_oracle(c: &Case, names: &[String]) -> Result<String, ErrorKind> {
    if !c.target_ok() {
        return Err(ErrorKind::InvalidMethod);
    }
    let query = crate::alibaba::acs3::canonical_query(
        &c.query,
        crate::alibaba::acs3::QueryForm::Rfc3986,
        Default::default(),
    );
    let mut text = format!("{}\n{}\n{}\n", c.method, c.path, query);
    for name in names {
        let values = c.values(name);
        if values.iter().any(|v| bad_value(v)) {
            return Err(ErrorKind::InvalidHeaderValue);
        }
        if values.is_empty() {
            return Err(ErrorKind::MissingSignedHeader);
        }
        let mut values: Vec<&str> = values.iter().map(|v| v.trim_matches([' ', '\t'])).collect();
        values.sort_unstable();
        text.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    text.push_str(&format!(
        "\n{}\n{}",
        names.join(";"),
        hex(&Sha256::digest(&c.body))
    ));
    Ok(text)
}

/// The SDK-HMAC-SHA256 canonical request by the SDKs' rules, or the error kind expected.
fn sdk_hmac_oracle(c: &Case, names: &[String]) -> Result<String, ErrorKind> {
    if !c.target_ok() {
        return Err(ErrorKind::InvalidMethod);
    }
    if c.headers.iter().any(|(_, v)| bad_value(v)) {
        return Err(ErrorKind::InvalidHeaderValue);
    }
    let uri = crate::huawei::canonical_uri(&c.path, crate::huawei::UriForm::Sdk);
    let query = crate::huawei::canonical_query(&c.query, crate::huawei::QueryForm::Sorted);
    let mut text = format!("{}\n{uri}\n{query}\n", c.method);
    for name in names {
        let Some(last) = c.values(name).last().copied() else {
            return Err(ErrorKind::MissingSignedHeader);
        };
        text.push_str(&format!("{name}:{}\n", last.trim()));
    }
    let payload = match c.values("x-sdk-content-sha256").first() {
        Some(v) => v.to_string(),
        None => hex(&Sha256::digest(&c.body)),
    };
    text.push_str(&format!("\n{}\n{payload}", names.join(";")));
    Ok(text)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn acs3_hot_path_equals_the_staged_path_and_the_documented_rules(c in case()) {
        use crate::alibaba::acs3;
        use cloudsig_core::alibaba::{Algorithm, SigningKey};
        let (headers, req) = c.request();
        let req = req.with_headers(&headers);
        let sh = acs3::SignedHeaders::new(c.signed.iter().map(String::as_str)).unwrap();
        let names: Vec<String> = sh.names().map(String::from).collect();
        let settings = acs3::Settings::default();
        if let Some(fast) = acs3::few_values(&req, &sh, &settings) {
            let staged = acs3::all_values(&req, &sh, &settings).unwrap();
            prop_assert_eq!(fast, staged);
        }
        let secret = b"YourAccessKeySecret";
        let key = SigningKey::new(&cloudsig_core::SecretKey::new(secret).unwrap(), Algorithm::HmacSha256);
        let got = acs3::sign_with_key(&req, &sh, &settings, &key);
        if let Some(fast) = acs3::sign_one_pass(&req, &sh, &settings, &key) {
            prop_assert_eq!(fast, acs3::sign_staged(&req, &sh, &settings, &key).unwrap());
        }
        match acs3_oracle(&c, &names) {
            Ok(text) => {
                let signed = got.unwrap();
                prop_assert_eq!(signed.canonical_request().to_string(), text.clone());
                let hashed = hex(&Sha256::digest(text.as_bytes()));
                let got_hashed = signed.hashed_canonical_request();
                prop_assert_eq!(got_hashed.as_str(), hashed.as_str());
                let expected = hmac_hex(secret, &format!("ACS3-HMAC-SHA256\n{hashed}"));
                let got_signature = signed.signature();
                prop_assert_eq!(got_signature.as_str(), expected.as_str());
            }
            Err(ErrorKind::InvalidMethod) => prop_assert!(got.is_err()),
            Err(kind) => prop_assert_eq!(got.unwrap_err().kind(), kind),
        }
    }

    #[test]
    fn sdk_hmac_hot_path_equals_the_staged_path_and_the_sdk_rules(c in case()) {
        use crate::huawei;
        use cloudsig_core::huawei::{Algorithm, SdkDate, SigningKey};
        let (headers, req) = c.request();
        let req = req.with_headers(&headers);
        let sh = huawei::SignedHeaders::new(c.signed.iter().map(String::as_str)).unwrap();
        let names: Vec<String> = sh.names().map(String::from).collect();
        let settings = huawei::Settings::default();
        if let Some(fast) = crate::huawei::sdk_hmac::few_values(&req, &sh, &settings) {
            let staged = crate::huawei::sdk_hmac::all_values(&req, &sh, &settings).unwrap();
            prop_assert_eq!(fast, staged);
        }
        let sk = b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
        let key = SigningKey::new(
            Algorithm::SdkHmacSha256,
            "AK",
            &cloudsig_core::SecretKey::new(sk).unwrap(),
            None,
        )
        .unwrap();
        let date = SdkDate::parse("20191115T033655Z").unwrap();
        let got = huawei::sign_with_key(&req, &key, &sh, &settings, date, None);
        if let Some(fast) = huawei::sdk_hmac::sign_one_pass(&req, &key, &sh, &settings, date) {
            let staged = huawei::sdk_hmac::sign_staged(&req, &key, &sh, &settings, date, None);
            prop_assert_eq!(fast, staged.unwrap());
        }
        match sdk_hmac_oracle(&c, &names) {
            Ok(text) => {
                let signed = got.unwrap();
                prop_assert_eq!(signed.canonical_request().to_string(), text.clone());
                let hashed = hex(&Sha256::digest(text.as_bytes()));
                let expected = hmac_hex(sk, &format!("SDK-HMAC-SHA256\n20191115T033655Z\n{hashed}"));
                let got_signature = signed.signature();
                prop_assert_eq!(got_signature.as_str(), expected.as_str());
            }
            Err(ErrorKind::InvalidMethod) => prop_assert!(got.is_err()),
            Err(kind) => prop_assert_eq!(got.unwrap_err().kind(), kind),
        }
    }
}

/// Canonical requests around the one-pass buffer's 759 bytes and far past it (hashed by
/// the streaming fallback) sign as the documented rules say.
#[test]
fn texts_longer_than_the_block_buffer_take_the_streamed_path() {
    use crate::alibaba::acs3;
    use cloudsig_core::alibaba::{Algorithm, SigningKey};
    let secret = b"YourAccessKeySecret";
    let key = SigningKey::new(
        &cloudsig_core::SecretKey::new(secret).unwrap(),
        Algorithm::HmacSha256,
    );
    let mut seen = Vec::new();
    for len in (640..700).chain([1000, 5000]) {
        let c = Case {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: vec![("x-a".into(), "v".repeat(len)), ("host".into(), "h".into())],
            signed: vec!["host".into(), "x-a".into()],
            body: Vec::new(),
        };
        let (headers, req) = c.request();
        let req = req.with_headers(&headers);
        let sh = acs3::SignedHeaders::new(["host", "x-a"]).unwrap();
        let names = ["host".to_string(), "x-a".to_string()];
        let text = acs3_oracle(&c, &names).unwrap();
        let signed = acs3::sign_with_key(&req, &sh, &Default::default(), &key).unwrap();
        let hashed = hex(&Sha256::digest(text.as_bytes()));
        assert_eq!(signed.hashed_canonical_request().as_str(), hashed, "{len}");
        let expected = hmac_hex(secret, &format!("ACS3-HMAC-SHA256\n{hashed}"));
        assert_eq!(signed.signature().as_str(), expected, "{len}");
        seen.push(text.len());
    }
    // Texts that fill the buffer to within its padding, exactly, and past it.
    assert!(seen.contains(&759) && seen.contains(&760) && seen.iter().any(|n| *n > 768));
}

/// The documented examples of both schemes take the one-pass paths (session 26), so
/// that the property tests above compare something: `sign_one_pass` answers for them,
/// and the same requests with a query out of order (which the hot paths leave to the
/// staged path) do not.
#[test]
fn the_documented_examples_take_the_one_pass_paths() {
    use crate::alibaba::acs3;
    use crate::huawei;
    let empty = hex(&Sha256::digest(b""));
    let headers = [
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        ("x-acs-version", "2014-05-26"),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        ("x-acs-content-sha256", empty.as_str()),
    ];
    let secret = cloudsig_core::SecretKey::new(b"YourAccessKeySecret").unwrap();
    let key = cloudsig_core::alibaba::SigningKey::new(
        &secret,
        cloudsig_core::alibaba::Algorithm::HmacSha256,
    );
    for (query, one_pass) in [
        (
            "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
            true,
        ),
        (
            "RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            false,
        ),
    ] {
        let req = Request::new("POST", "/")
            .query(query)
            .with_headers(&headers);
        let sh = acs3::signed_headers_of(&req).unwrap();
        let fast = acs3::sign_one_pass(&req, &sh, &Default::default(), &key);
        assert_eq!(fast.is_some(), one_pass, "{query}");
        let signed = acs3::sign_with_key(&req, &sh, &Default::default(), &key).unwrap();
        assert_eq!(
            signed.signature().as_str(),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }
    let headers = [
        ("Content-Type", "application/json"),
        ("Host", "service.region.example.com"),
        ("X-Sdk-Date", "20191115T033655Z"),
    ];
    let sk = cloudsig_core::SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc").unwrap();
    let key = cloudsig_core::huawei::SigningKey::new(
        cloudsig_core::huawei::Algorithm::SdkHmacSha256,
        "QTWAOYTTINDUT2QVKYUC",
        &sk,
        None,
    )
    .unwrap();
    let date = cloudsig_core::huawei::SdkDate::parse("20191115T033655Z").unwrap();
    let sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"]).unwrap();
    for (query, one_pass) in [
        ("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", true),
        ("marker=13551d6b-755d-4757-b956-536f674975c0&limit=2", false),
    ] {
        let req = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
            .query(query)
            .with_headers(&headers);
        let fast = huawei::sdk_hmac::sign_one_pass(&req, &key, &sh, &Default::default(), date);
        assert_eq!(fast.is_some(), one_pass, "{query}");
        let signed =
            huawei::sign_with_key(&req, &key, &sh, &Default::default(), date, None).unwrap();
        assert_eq!(
            signed.signature().as_str(),
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        );
    }
}
