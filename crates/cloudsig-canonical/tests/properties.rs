//! Property tests of the canonical builders: the TC3 canonical request against the
//! documented format, its invariance under header order and name case, its hash, its
//! refusal of values that would forge lines; the v1 string to sign; RFC 3986 encoding;
//! and the high-level signer never sending a header that breaks a line.
//!
//! Expected values come from the documented formats written out here (a few lines of
//! string building), from SHA-256 of the rendered text, or from comparing two
//! signatures of requests that must sign alike; never from the builder under test
//! alone.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::BTreeSet;

use cloudsig_canonical::encode::{query_string, rfc3986};
use cloudsig_canonical::tc3::{
    self, CanonicalRequest, CredentialScope, HeaderValueCase, Settings, SignedHeaders,
};
use cloudsig_canonical::tencent::{self, Credentials, FixedClock, Stages, Tc3Call, V1Call};
use cloudsig_canonical::v1::{self, NameRule, Params};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{MAX_TIMESTAMP, MIN_TIMESTAMP, SecretKey, UtcDate, sha256_hex};
use percent_encoding::percent_decode_str;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

/// `cases` per property, or `PROPTEST_CASES` when set (for a longer search).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        // Failures are kept as unit tests beside the code they found a bug in, not as
        // seed files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------

/// An HTTP token (a header name), any case.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}"
}

/// A header value that may be signed: anything but CR, LF and NUL (non-ASCII, tabs,
/// other controls and surrounding blanks included).
fn safe_value() -> impl Strategy<Value = String> {
    prop_oneof![
        r"[^\r\n\x00]{0,16}",
        r"[ \t]{0,2}[A-Za-z0-9;=/ ,.-]{0,16}[ \t]{0,2}",
    ]
}

/// Any text at all, line breaks included.
fn wild_value() -> impl Strategy<Value = String> {
    r"(?s).{0,16}"
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![Just("/".to_string()), r"/[^\x00-\x20\x7f?#]{0,16}"]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), r"[^\x00-\x20\x7f#]{0,24}"]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        "[A-Z]{1,7}"
    ]
}

/// Any timestamp whose UTC date the date type accepts, with the edges and the present
/// era more likely.
fn timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![
        MIN_TIMESTAMP..=MAX_TIMESTAMP,
        1_400_000_000i64..2_100_000_000,
        Just(MIN_TIMESTAMP),
        Just(MAX_TIMESTAMP),
    ]
}

fn service() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,20}"
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 1..=128)
}

fn settings() -> impl Strategy<Value = Settings> {
    prop_oneof![
        Just(Settings::default()),
        Just(Settings::default().with_header_value_case(HeaderValueCase::AsSent)),
    ]
}

#[derive(Debug, Clone, Copy)]
enum PayloadKind {
    Bytes,
    Unsigned,
    Sha256Hex,
}

fn payload_kind() -> impl Strategy<Value = PayloadKind> {
    prop_oneof![
        3 => Just(PayloadKind::Bytes),
        1 => Just(PayloadKind::Unsigned),
        1 => Just(PayloadKind::Sha256Hex),
    ]
}

/// A request: signed headers with unique lower-case names, unsigned headers (any
/// value, line breaks included, names that may repeat among themselves), a payload.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: String,
    /// Lower-case name, value.
    signed: Vec<(String, String)>,
    unsigned: Vec<(String, String)>,
    body: Vec<u8>,
    payload: PayloadKind,
    body_hash: String,
}

fn req() -> impl Strategy<Value = Req> {
    (
        method(),
        path(),
        query(),
        btree_map(
            token().prop_map(|n| n.to_ascii_lowercase()),
            safe_value(),
            1..6,
        ),
        vec((token(), wild_value()), 0..4),
        vec(any::<u8>(), 0..64),
        payload_kind(),
    )
        .prop_map(|(method, path, query, signed, unsigned, body, payload)| {
            let unsigned = unsigned
                .into_iter()
                .filter(|(n, _)| !signed.contains_key(&n.to_ascii_lowercase()))
                .collect();
            let body_hash = sha256_hex(&body).to_string();
            Req {
                method,
                path,
                query,
                signed: signed.into_iter().collect(),
                unsigned,
                body,
                payload,
                body_hash,
            }
        })
}

impl Req {
    fn payload(&self) -> Payload<'_> {
        match self.payload {
            PayloadKind::Bytes => Payload::Bytes(&self.body),
            PayloadKind::Unsigned => Payload::Unsigned,
            PayloadKind::Sha256Hex => Payload::Sha256Hex(&self.body_hash),
        }
    }

    /// The request with its headers as given: signed ones first, then unsigned ones.
    fn request<'a>(&'a self, headers: &'a [(String, String)]) -> Request<'a> {
        let mut r = Request::new(&self.method, &self.path).query(&self.query);
        for (n, v) in headers {
            r.push_header(n, v);
        }
        r.with_payload(self.payload())
    }

    fn headers(&self) -> Vec<(String, String)> {
        self.signed.iter().chain(&self.unsigned).cloned().collect()
    }

    fn signed_headers(&self) -> SignedHeaders {
        SignedHeaders::new(self.signed.iter().map(|(n, _)| n)).unwrap()
    }

    /// The documented canonical request, built here from the parts.
    fn expected_canonical(&self, case: HeaderValueCase) -> String {
        let mut signed = self.signed.clone();
        signed.sort();
        let mut text = format!("{}\n{}\n{}\n", self.method, self.path, self.query);
        for (n, v) in &signed {
            let v = v.trim_matches([' ', '\t']);
            let v = match case {
                HeaderValueCase::AsSent => v.to_string(),
                _ => v.to_ascii_lowercase(),
            };
            text.push_str(&format!("{n}:{v}\n"));
        }
        let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
        let payload = match self.payload {
            PayloadKind::Bytes | PayloadKind::Sha256Hex => self.body_hash.clone(),
            PayloadKind::Unsigned => sha256_hex(b"UNSIGNED-PAYLOAD").to_string(),
        };
        text.push_str(&format!("\n{}\n{payload}", names.join(";")));
        text
    }
}

/// A permutation of `items` drawn from `seed` (splitmix64 + Fisher-Yates).
fn permute<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let j = usize::try_from(z % (i as u64 + 1)).unwrap();
        items.swap(i, j);
    }
}

/// `name` with the case of its ASCII letters flipped where `bits` says.
fn recase(name: &str, bits: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if bits >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The canonical request's lines are exactly: method, path, query, one per signed
/// header (`name:` then a value with no CR), a blank line, SignedHeaders, the hash.
fn assert_line_structure(text: &str, signed: &SignedHeaders) -> Result<(), TestCaseError> {
    prop_assert!(!text.contains('\r'), "CR in {text:?}");
    let lines: Vec<&str> = text.split('\n').collect();
    let names: Vec<&str> = signed.names().collect();
    prop_assert_eq!(lines.len(), 6 + names.len(), "lines of {:?}", text);
    for (line, name) in lines[3..3 + names.len()].iter().zip(&names) {
        prop_assert!(line.starts_with(&format!("{name}:")), "{line:?}");
    }
    prop_assert_eq!(lines[3 + names.len()], "");
    prop_assert_eq!(lines[4 + names.len()], signed.to_string());
    prop_assert_eq!(lines[5 + names.len()].len(), 64);
    Ok(())
}

// ---------------------------------------------------------------------------------
// TC3 canonical request
// ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1024))]

    /// Reordering the headers, changing the case of their names and of the names given
    /// to SignedHeaders, and signing with a cached key change nothing.
    #[test]
    fn header_order_and_name_case_do_not_change_the_signature(
        r in req(),
        name_bits in vec(any::<u64>(), 10),
        order_seed in any::<u64>(),
        signed_order_seed in any::<u64>(),
        ts in timestamp(),
        service in service(),
        key in secret(),
        settings in settings(),
    ) {
        let secret = SecretKey::new(&key).unwrap();
        let scope = CredentialScope::for_timestamp(ts, &service).unwrap();
        let sh = r.signed_headers();
        let headers = r.headers();
        let a = tc3::sign(&r.request(&headers), &sh, &settings, ts, scope, &secret).unwrap();

        let mut shuffled: Vec<(String, String)> = headers
            .iter()
            .enumerate()
            .map(|(i, (n, v))| (recase(n, name_bits[i % name_bits.len()]), v.clone()))
            .collect();
        permute(&mut shuffled, order_seed);
        let mut names: Vec<String> = r
            .signed
            .iter()
            .enumerate()
            .map(|(i, (n, _))| recase(n, name_bits[(i + 3) % name_bits.len()].rotate_left(7)))
            .collect();
        permute(&mut names, signed_order_seed);
        let sh2 = SignedHeaders::new(&names).unwrap();
        prop_assert_eq!(&sh2, &sh);
        let key = SigningKey::derive(&secret, &scope.date(), &service).unwrap();
        let b = tc3::sign_with_key(&r.request(&shuffled), &sh2, &settings, ts, scope, &key)
            .unwrap();
        prop_assert_eq!(a.canonical_request().to_string(), b.canonical_request().to_string());
        prop_assert_eq!(a.signature(), b.signature());
    }

    /// The canonical request is the documented text; `hashed()` (fed piecewise) is the
    /// SHA-256 of its `Display`; the string to sign carries that hash.
    #[test]
    fn canonical_request_is_the_documented_text_and_hashed_is_its_sha256(
        r in req(),
        settings in settings(),
        ts in timestamp(),
        service in service(),
    ) {
        let sh = r.signed_headers();
        let headers = r.headers();
        let req = r.request(&headers);
        let c = CanonicalRequest::new(&req, &sh, &settings).unwrap();
        let text = c.to_string();
        prop_assert_eq!(&text, &r.expected_canonical(settings.header_value_case));
        prop_assert_eq!(c.hashed(), sha256_hex(text.as_bytes()));
        // Line structure: no value brought a line break in (unsigned ones may hold any).
        assert_line_structure(&text, &sh)?;

        let scope = CredentialScope::for_timestamp(ts, &service).unwrap();
        let signed = tc3::sign(&req, &sh, &settings, ts, scope, &SecretKey::new(b"k").unwrap())
            .unwrap();
        prop_assert_eq!(signed.hashed_canonical_request(), &sha256_hex(text.as_bytes()));
        prop_assert_eq!(
            signed.string_to_sign().to_string(),
            format!(
                "TC3-HMAC-SHA256\n{ts}\n{}/{service}/tc3_request\n{}",
                UtcDate::from_unix(ts).unwrap(),
                sha256_hex(text.as_bytes())
            )
        );
    }

    /// A CR, LF or NUL in a signed header value, the path, the query or the method never
    /// reaches the canonical request as a line of its own: building fails, naming the
    /// field, or (were it ever accepted) the text still has exactly its lines.
    #[test]
    fn no_raw_line_break_from_a_value_reaches_the_canonical_request(
        r in req(),
        target in 0usize..4,
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        bad in prop_oneof![Just("\r"), Just("\n"), Just("\r\n"), Just("\0"), Just("\n\n")],
        settings in settings(),
    ) {
        let mut r = r;
        let inject = |s: &mut String| {
            let bounds: Vec<usize> = (0..=s.len()).filter(|i| s.is_char_boundary(*i)).collect();
            let i = bounds[at.index(bounds.len())];
            s.insert_str(i, bad);
        };
        let field = match target {
            0 => {
                let i = which.index(r.signed.len());
                inject(&mut r.signed[i].1);
                format!("header `{}`", r.signed[i].0)
            }
            1 => {
                // After the leading `/`, which must stay first.
                let mut rest = r.path.split_off(1);
                inject(&mut rest);
                r.path.push_str(&rest);
                "path".to_string()
            }
            2 => {
                inject(&mut r.query);
                "query".to_string()
            }
            _ => {
                inject(&mut r.method);
                "method".to_string()
            }
        };
        let sh = r.signed_headers();
        let headers = r.headers();
        let req = r.request(&headers);
        match CanonicalRequest::new(&req, &sh, &settings) {
            Err(e) => prop_assert_eq!(e.field(), field.as_str(), "{}", e),
            Ok(c) => assert_line_structure(&c.to_string(), &sh)?,
        }
    }
}

proptest! {
    #![proptest_config(config(2048))]

    /// SignedHeaders::new lower-cases, sorts by bytes and de-duplicates; its text parses
    /// back to the same list; a parsed list keeps the order given.
    #[test]
    fn signed_headers_are_lower_case_sorted_and_unique(names in vec(token(), 1..8)) {
        let sh = SignedHeaders::new(&names).unwrap();
        let expected: BTreeSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        prop_assert_eq!(sh.names().collect::<Vec<_>>(), expected.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert!(sh.is_sorted());
        prop_assert_eq!(SignedHeaders::parse(&sh.to_string()).unwrap(), sh.clone());
        let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let parsed = SignedHeaders::parse(&lower.join(";")).unwrap();
        prop_assert_eq!(parsed.to_string(), lower.join(";"));
    }

    /// RFC 3986 encoding leaves only unreserved characters and upper-case `%XX`, and
    /// decodes back to the text; a query string of pairs splits back into the pairs.
    #[test]
    fn rfc3986_encoding_round_trips(
        text in r"(?s).{0,24}",
        pairs in vec((r"(?s).{0,8}", r"(?s).{0,8}"), 0..5),
    ) {
        let encoded = rfc3986(&text);
        let bytes = encoded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                prop_assert!(bytes.len() > i + 2, "{encoded}");
                for h in &bytes[i + 1..i + 3] {
                    prop_assert!(matches!(h, b'0'..=b'9' | b'A'..=b'F'), "{encoded}");
                }
                i += 3;
            } else {
                prop_assert!(bytes[i].is_ascii_alphanumeric() || b"-_.~".contains(&bytes[i]), "{encoded}");
                i += 1;
            }
        }
        prop_assert_eq!(percent_decode_str(&encoded).decode_utf8().unwrap(), text.as_str());

        let q = query_string(pairs.iter().map(|(n, v)| (n, v)));
        let back: Vec<(String, String)> = if q.is_empty() {
            Vec::new()
        } else {
            q.split('&')
                .map(|p| {
                    let (n, v) = p.split_once('=').unwrap();
                    (
                        percent_decode_str(n).decode_utf8().unwrap().into_owned(),
                        percent_decode_str(v).decode_utf8().unwrap().into_owned(),
                    )
                })
                .collect()
        };
        // A single empty pair encodes as `=`, which is not empty.
        prop_assert_eq!(back, pairs);
    }
}

// ---------------------------------------------------------------------------------
// v1 string to sign
// ---------------------------------------------------------------------------------

fn v1_text() -> impl Strategy<Value = String> {
    prop_oneof![
        r"(?s).{0,10}",
        r"[A-Za-z0-9_.&=+%/ ]{0,10}",
        "[a-zA-Z._]{1,8}",
    ]
}

proptest! {
    #![proptest_config(config(1024))]

    /// The v1 string to sign is METHOD host path `?` the pairs sorted by name bytes (after
    /// the name rule), raw, `Signature` left out; the order of distinct names given does
    /// not change it or the signature.
    #[test]
    fn v1_string_to_sign_is_sorted_raw_pairs_whatever_the_order(
        params in btree_map(v1_text(), v1_text(), 0..8),
        signature in proptest::option::of("[A-Za-z0-9+/=]{28}"),
        order_seed in any::<u64>(),
        get in any::<bool>(),
        host in r"[^\x00-\x20\x7f/?]{1,20}",
        path in r"/[^\x00-\x20\x7f?]{0,10}",
        dotted in any::<bool>(),
        sha256 in any::<bool>(),
        key in secret(),
    ) {
        let method = if get { "GET" } else { "POST" };
        let rule = if dotted { NameRule::UnderscoreToDot } else { NameRule::AsIs };
        let mut pairs: Vec<(String, String)> = params.into_iter().collect();
        if let Some(s) = &signature {
            pairs.push(("Signature".into(), s.clone()));
        }
        if sha256 {
            pairs.retain(|(n, _)| n != "SignatureMethod");
            pairs.push(("SignatureMethod".into(), "HmacSHA256".into()));
        }
        let build = |pairs: &[(String, String)]| {
            let mut p = Params::new();
            for (n, v) in pairs {
                p.push(n.clone(), v.clone());
            }
            p
        };
        let a = build(&pairs);
        let mut shuffled = pairs.clone();
        permute(&mut shuffled, order_seed);
        let b = build(&shuffled);
        let secret = SecretKey::new(&key).unwrap();
        let sa = v1::sign(&a, method, &host, &path, rule, &secret).unwrap();
        let sb = v1::sign(&b, method, &host, &path, rule, &secret).unwrap();

        let mut expected: Vec<(String, &str)> = pairs
            .iter()
            .filter(|(n, _)| n != "Signature")
            .map(|(n, v)| (if dotted { n.replace('_', ".") } else { n.clone() }, v.as_str()))
            .collect();
        // A stable sort: equal names (possible after the rule) keep the order given.
        expected.sort_by(|x, y| x.0.as_bytes().cmp(y.0.as_bytes()));
        let joined: Vec<String> = expected.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let text = format!("{method}{host}{path}?{}", joined.join("&"));
        prop_assert_eq!(sa.string_to_sign().to_string(), text);
        prop_assert_eq!(
            sa.algorithm(),
            if sha256 { Algorithm::HmacSha256 } else { Algorithm::HmacSha1 }
        );
        if !dotted || !pairs.iter().any(|(n, _)| n.contains('_')) {
            // Without renaming, names are unique, so any order gives the same text.
            prop_assert_eq!(sb.string_to_sign().to_string(), sa.string_to_sign().to_string());
            prop_assert_eq!(sb.signature(), sa.signature());
        }
    }
}

// ---------------------------------------------------------------------------------
// High level: nothing sent breaks a line
// ---------------------------------------------------------------------------------

fn maybe_wild() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[A-Za-z0-9.-]{1,12}", 1 => wild_value()]
}

proptest! {
    #![proptest_config(config(1024))]

    /// Whatever the call holds (line breaks anywhere), sign_tc3 either refuses it or
    /// sends headers without CR, LF or NUL, and its canonical request has exactly its
    /// lines; sign_v1 either refuses it or sends a query and body with no raw line
    /// breaks or blanks (all encoded) and a Host header without them.
    #[test]
    fn signed_requests_never_carry_a_raw_line_break(
        service in prop_oneof!["[a-z]{1,8}", wild_value()],
        action in maybe_wild(),
        version in maybe_wild(),
        region in proptest::option::of(maybe_wild()),
        language in proptest::option::of(maybe_wild()),
        host in proptest::option::of(maybe_wild()),
        extra in vec((token(), maybe_wild(), any::<bool>()), 0..3),
        query in prop_oneof![query(), wild_value()],
        params in vec((wild_value(), wild_value()), 0..4),
        get in any::<bool>(),
        ts in timestamp(),
    ) {
        let creds = Credentials::new("AKIDexample", "secretkey").unwrap();
        let mut call = Tc3Call::new(service.clone(), action.clone(), version.clone())
            .method(if get { "GET" } else { "POST" })
            .raw_query(query);
        if let Some(r) = &region {
            call = call.region(r.clone());
        }
        if let Some(l) = &language {
            call = call.language(l.clone());
        }
        if let Some(h) = &host {
            call = call.host(h.clone());
        }
        for (n, v, signed) in &extra {
            call = call.extra_header(n.clone(), v.clone());
            if *signed {
                call = call.sign_header(n.clone());
            }
        }
        if let Ok(signed) = tencent::sign_tc3(&creds, &call, &FixedClock(ts)) {
            for (n, v) in signed.headers() {
                prop_assert!(!n.is_empty() && !n.contains(['\r', '\n', '\0', ':', ' ']), "{n:?}");
                prop_assert!(!v.contains(['\r', '\n', '\0']), "{n}: {v:?}");
            }
            let Stages::Tc3 { canonical_request, .. } = signed.stages() else {
                panic!("not TC3 stages");
            };
            let auth = signed.header("Authorization").unwrap();
            let sh = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
            assert_line_structure(canonical_request, &SignedHeaders::parse(sh).unwrap())?;
        }

        let mut p = Params::new();
        for (n, v) in &params {
            p.push(n.clone(), v.clone());
        }
        let call = V1Call::new(host.unwrap_or_else(|| "cvm.tencentcloudapi.com".into()), action, version)
            .method(if get { "GET" } else { "POST" })
            .params(p)
            .nonce(1);
        if let Ok(signed) = tencent::sign_v1(&creds, &call, &FixedClock(ts)) {
            for (n, v) in signed.headers() {
                prop_assert!(!v.contains(['\r', '\n', '\0']), "{n}: {v:?}");
            }
            let host = signed.header("Host").unwrap();
            prop_assert!(!host.is_empty() && !host.bytes().any(|b| b <= b' ' || b == 0x7f), "{host:?}");
            prop_assert!(!signed.query().bytes().any(|b| b <= b' ' || b == 0x7f));
            prop_assert!(!signed.body().iter().any(|&b| b <= b' ' || b == 0x7f));
        }
    }
}
