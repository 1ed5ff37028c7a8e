//! Property tests of signing and verification together.
//!
//! - Round trips: a request signed by cloudsig (high-level `sign_tc3` / `sign_v1`, or the
//!   low-level TC3 builder) and captured as it would be sent verifies as valid — held
//!   in memory, and through each wire format cloudsig writes (raw HTTP, curl, JSON
//!   lines) and its reader. The verifier recomputes the signature from its own reading
//!   of what was sent (its own header lookup, target parsing, form decoding), so the
//!   round trip is not the signer compared with itself.
//! - Mutations: any change to a part that is signed (a byte of the body, a signed header
//!   value, the query, the path, the method, the timestamp, the credential service or
//!   date, the SecretId, a v1 parameter or host) makes the verdict invalid with a
//!   signature finding; a change to a part that is not signed (an unsigned header's
//!   value, a header added, removed or repeated, the order and case of header names,
//!   the body under UNSIGNED-PAYLOAD, the Authorization separators, the target form, an
//!   equivalent v1 percent-encoding or parameter order) leaves it valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::encode::query_string;
use cloudsig_canonical::tc3::{self, CredentialScope, HeaderValueCase, Settings, SignedHeaders};
use cloudsig_canonical::tencent::{self, Credentials, FixedClock, SignedRequest, Tc3Call, V1Call};
use cloudsig_canonical::v1::{NameRule, Params};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{MAX_TIMESTAMP, MIN_TIMESTAMP, SecretKey, UtcDate, sha256_hex};
use cloudsig_verify::capture::curl::CurlReader;
use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::capture::jsonl::{JsonLinesReader, write_record};
use cloudsig_verify::capture::{Captured, Limits, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Scheme, Verdict, Verifier, codes};
use std::collections::{BTreeMap, VecDeque};

use percent_encoding::percent_decode_str;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::Index;

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
// Generators shared by TC3 and v1
// ---------------------------------------------------------------------------------

/// Header names the verifier reads for itself; custom headers never take them.
const SPECIAL: &[&str] = &[
    "authorization",
    "content-type",
    "host",
    "x-tc-action",
    "x-tc-version",
    "x-tc-timestamp",
    "x-tc-token",
    "x-tc-content-sha256",
    "x-tc-region",
    "x-tc-language",
];

/// A custom header name, lower case (sent in any case).
fn custom_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}"
        .prop_map(|n| n.to_ascii_lowercase())
        .prop_filter("a header the verifier reads", |n| {
            !SPECIAL.contains(&n.as_str())
        })
}

/// A value a signed header may hold: anything but CR, LF and NUL.
fn safe_value() -> impl Strategy<Value = String> {
    prop_oneof![
        r"[^\r\n\x00]{0,16}",
        r"[ \t]{0,2}[A-Za-z0-9;=/ ,.-]{0,16}[ \t]{0,2}",
    ]
}

/// A value that survives every wire format: no control character but tab (RFC 9110
/// field values), blanks around it allowed.
fn wire_value() -> impl Strategy<Value = String> {
    prop_oneof![
        r"[ \t]{0,2}[!-~\u{a0}-\u{10ffff}]{0,12}[ \t]{0,2}",
        r"[ \t!-~]{0,16}",
        Just(String::new()),
    ]
}

/// Any text, line breaks included: what an unsigned header may hold as far as the
/// verifier is concerned.
fn wild_value() -> impl Strategy<Value = String> {
    r"(?s).{0,16}"
}

fn secret_id() -> impl Strategy<Value = String> {
    "AKID[!-~]{0,24}".prop_map(|s| s.replace(['/', ',', ';', '='], "_"))
}

fn secret_key() -> impl Strategy<Value = String> {
    "[!-~]{1,40}"
}

fn token_value() -> impl Strategy<Value = String> {
    "[!-~]{1,32}"
}

fn tc3_timestamp() -> impl Strategy<Value = i64> {
    prop_oneof![
        MIN_TIMESTAMP..=MAX_TIMESTAMP,
        1_400_000_000i64..2_100_000_000,
        Just(MIN_TIMESTAMP),
        Just(MAX_TIMESTAMP),
    ]
}

fn service() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{2,8}", "[A-Za-z0-9_-]{1,20}"]
}

/// `<service>.<domain>[:port]`: the first label names the service.
fn host_of(service: String) -> impl Strategy<Value = String> {
    (
        "[a-z0-9-]{1,10}",
        "[a-z]{2,4}",
        proptest::option::of(0u16..),
    )
        .prop_map(move |(d, tld, port)| match port {
            Some(p) => format!("{service}.{d}.{tld}:{p}"),
            None => format!("{service}.{d}.{tld}"),
        })
}

fn case() -> impl Strategy<Value = HeaderValueCase> {
    prop_oneof![
        Just(HeaderValueCase::Lowercase),
        Just(HeaderValueCase::AsSent)
    ]
}

/// A query as sent, verbatim (raw non-ASCII included); `wire` leaves out the C1
/// controls, which no wire format carries.
fn raw_query(wire: bool) -> BoxedStrategy<String> {
    if wire {
        prop_oneof![
            Just(String::new()),
            r#"[!-"$-~]{0,24}"#,
            r"[^\x00-\x20\x7f-\u{9f}#]{0,24}"
        ]
        .boxed()
    } else {
        prop_oneof![Just(String::new()), r"[^\x00-\x20\x7f#]{0,24}"].boxed()
    }
}

/// Text for v1 parameter names and values: anything, with `&=+%/ ` and `_` likely.
fn v1_text() -> impl Strategy<Value = String> {
    prop_oneof![
        r"(?s).{0,10}",
        r"[A-Za-z0-9_.&=+%/ ~*']{0,10}",
        "[A-Z][a-zA-Z._]{0,8}",
    ]
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

/// `name` with the case of its ASCII letters set by `bits`.
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

/// Sends the headers in another order and with other name cases.
fn shuffle_headers(headers: &mut [(String, String)], order: u64, bits: u64) {
    permute(headers, order);
    for (i, (n, _)) in headers.iter_mut().enumerate() {
        *n = recase(n, bits.rotate_left(u32::try_from(i).unwrap() * 5));
    }
}

fn header_index(cap: &Captured, name: &str) -> Option<usize> {
    cap.headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
}

fn set_header(cap: &mut Captured, name: &str, value: String) {
    let i = header_index(cap, name).unwrap();
    cap.headers[i].1 = value;
}

fn verify(keys: &KeyRing, cap: &Captured, now: i64, case: HeaderValueCase) -> Report {
    let mut options = Options::at(now);
    options.header_value_case = case;
    Verifier::new(keys.clone(), options).check(cap, &mut KeyCache::default())
}

fn ctx(report: &Report, cap: &Captured) -> String {
    format!(
        "{report}\n{}\n{cap:#?}",
        cloudsig_verify::render::explain(
            report,
            cloudsig_verify::render::Reveal::ExpectedSignature
        )
    )
}

fn assert_valid(report: &Report, cap: &Captured) -> Result<(), TestCaseError> {
    prop_assert_eq!(report.verdict, Verdict::Valid, "{}", ctx(report, cap));
    prop_assert!(report.findings.is_empty(), "{}", ctx(report, cap));
    Ok(())
}

/// Valid; or, for a GET that got a body (a TC3 GET sends none, whatever is signed), invalid
/// by that rule (`get-body`) alone.
fn assert_valid_but_a_get_body(report: &Report, cap: &Captured) -> Result<(), TestCaseError> {
    if cap.method == "GET" && !cap.body.is_empty() {
        prop_assert_eq!(report.verdict, Verdict::Invalid, "{}", ctx(report, cap));
        prop_assert!(
            report.findings.iter().all(|f| f.rule == "get-body"),
            "{}",
            ctx(report, cap)
        );
        return Ok(());
    }
    assert_valid(report, cap)
}

/// Invalid, and (when `signature`) the signature itself fails to match.
fn assert_invalid(report: &Report, cap: &Captured, signature: bool) -> Result<(), TestCaseError> {
    prop_assert_eq!(report.verdict, Verdict::Invalid, "{}", ctx(report, cap));
    prop_assert!(report.code().is_some());
    if signature {
        prop_assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == "signature" && f.code == codes::SIGNATURE_FAILURE),
            "no signature finding: {}",
            ctx(report, cap)
        );
    }
    Ok(())
}

/// The request read back from each wire format cloudsig writes, by cloudsig's readers.
fn over_the_wire(signed: &SignedRequest, cap: &Captured) -> Vec<(&'static str, Captured)> {
    let mut out = Vec::new();
    let http = signed.to_http();
    let items: Vec<_> = HttpReader::new(&http[..], Limits::default()).collect();
    assert_eq!(items.len(), 1, "{:?}", String::from_utf8_lossy(&http));
    let item = items.into_iter().next().unwrap();
    out.push((
        "http",
        item.unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&http))),
    ));
    let curl = signed.to_curl();
    let items: Vec<_> = CurlReader::new(curl.as_bytes(), Limits::default()).collect();
    assert_eq!(items.len(), 1, "{curl}");
    out.push((
        "curl",
        items
            .into_iter()
            .next()
            .unwrap()
            .unwrap_or_else(|e| panic!("{e}: {curl}")),
    ));
    let mut jsonl = Vec::new();
    write_record(cap, &mut jsonl).unwrap();
    let items: Vec<_> = JsonLinesReader::new(&jsonl[..], Limits::default()).collect();
    assert_eq!(items.len(), 1);
    out.push((
        "jsonl",
        items
            .into_iter()
            .next()
            .unwrap()
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&jsonl))),
    ));
    out
}

/// The request as sent: method, origin- or absolute-form target, headers, body.
fn captured_of(signed: &SignedRequest, absolute: bool) -> Captured {
    let target = if absolute {
        signed.url()
    } else if signed.query().is_empty() {
        signed.path().to_string()
    } else {
        format!("{}?{}", signed.path(), signed.query())
    };
    Captured {
        location: Location::default(),
        method: signed.method().to_string(),
        target,
        headers: signed.headers().to_vec(),
        body: signed.body().to_vec(),
    }
}

// ---------------------------------------------------------------------------------
// TC3 through the high-level signer
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Query {
    Raw(String),
    Params(Vec<(String, String)>),
}

#[derive(Debug, Clone)]
struct Tc3Input {
    id: String,
    key: String,
    token: Option<String>,
    service: String,
    host: Option<String>,
    get: bool,
    query: Query,
    content_type: Option<String>,
    body: Vec<u8>,
    action: String,
    version: String,
    region: Option<String>,
    language: Option<String>,
    unsigned: bool,
    skip: bool,
    /// Which of the standard headers to sign too (bits), names sent in random case.
    sign_std: u8,
    /// Custom headers: lower-case name, value, signed.
    extras: Vec<(String, String, bool)>,
    case: HeaderValueCase,
    ts: i64,
    order: u64,
    name_bits: u64,
    absolute: bool,
}

fn post_content_type() -> impl Strategy<Value = Option<String>> {
    (
        prop_oneof![
            Just(None),
            Just(Some("application/json")),
            Just(Some("application/json; charset=utf-8")),
            Just(Some("multipart/form-data; boundary=----cloudsig")),
            Just(Some("application/octet-stream")),
        ],
        any::<u64>(),
    )
        .prop_map(|(ct, bits)| ct.map(|ct| recase(ct, bits)))
}

fn get_content_type() -> impl Strategy<Value = Option<String>> {
    (
        prop_oneof![
            Just(None),
            Just(Some("application/x-www-form-urlencoded")),
            Just(Some("application/x-www-form-urlencoded; charset=utf-8")),
        ],
        any::<u64>(),
    )
        .prop_map(|(ct, bits)| ct.map(|ct| recase(ct, bits)))
}

/// A TC3 call; `wire` keeps every value to what HTTP, curl and JSON lines can carry.
fn tc3_call(wire: bool) -> BoxedStrategy<Tc3Input> {
    let value = move || -> BoxedStrategy<String> {
        if wire {
            wire_value().boxed()
        } else {
            safe_value().boxed()
        }
    };
    let nonempty = move || value().prop_filter("empty", |v| !v.is_empty());
    let service_host =
        service().prop_flat_map(|s| (Just(s.clone()), proptest::option::of(host_of(s))));
    let method = any::<bool>().prop_flat_map(move |get| {
        let ct = if get {
            get_content_type().boxed()
        } else {
            post_content_type().boxed()
        };
        let body = if get {
            Just(Vec::new()).boxed()
        } else if wire {
            // Text without NUL: what a curl argument can hold.
            r"[^\x00]{0,48}".prop_map(String::into_bytes).boxed()
        } else {
            prop_oneof![
                r"(?s).{0,48}".prop_map(String::into_bytes),
                vec(any::<u8>(), 0..64),
            ]
            .boxed()
        };
        let query = prop_oneof![
            raw_query(wire).prop_map(Query::Raw),
            vec((r"(?s).{0,8}", r"(?s).{0,8}"), 0..4).prop_map(Query::Params),
        ];
        (Just(get), ct, body, query)
    });
    (
        (
            secret_id(),
            secret_key(),
            proptest::option::of(token_value()),
        ),
        service_host,
        method,
        (
            nonempty(),
            nonempty(),
            proptest::option::of(value()),
            proptest::option::of(value()),
        ),
        (any::<bool>(), prop::bool::weighted(0.1), any::<u8>()),
        btree_map(custom_name(), (value(), any::<bool>()), 0..4),
        (
            case(),
            tc3_timestamp(),
            any::<u64>(),
            any::<u64>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (id, key, token),
                (service, host),
                (get, content_type, body, query),
                (action, version, region, language),
                (unsigned, skip, sign_std),
                extras,
                (case, ts, order, name_bits, absolute),
            )| {
                // A JSON or form body must be UTF-8 (the signer refuses others).
                let text = content_type.as_deref().is_none_or(|ct| {
                    let ct = ct.to_ascii_lowercase();
                    ct.starts_with("application/json") || ct.starts_with("application/x-www")
                });
                let body = if text {
                    String::from_utf8_lossy(&body).into_owned().into_bytes()
                } else {
                    body
                };
                Tc3Input {
                    id,
                    key,
                    token,
                    service,
                    host,
                    get,
                    query,
                    content_type,
                    body,
                    action,
                    version,
                    region,
                    language,
                    unsigned,
                    skip,
                    sign_std,
                    extras: extras.into_iter().map(|(n, (v, s))| (n, v, s)).collect(),
                    case,
                    ts,
                    order,
                    name_bits,
                    absolute,
                }
            },
        )
        .boxed()
}

impl Tc3Input {
    fn creds(&self) -> Credentials {
        let c = Credentials::new(self.id.clone(), &self.key).unwrap();
        match &self.token {
            Some(t) => c.with_token(t.clone()).unwrap(),
            None => c,
        }
    }

    fn keys(&self) -> KeyRing {
        let mut ring = KeyRing::default();
        ring.insert(self.creds());
        // Another client's key, which must not be the one used.
        ring.insert(Credentials::new(format!("{}-other", self.id), "another-key").unwrap());
        ring
    }

    fn call(&self) -> Tc3Call {
        let mut c = Tc3Call::new(&self.service, &self.action, &self.version)
            .method(if self.get { "GET" } else { "POST" })
            .body(self.body.clone())
            .unsigned_payload(self.unsigned)
            .skip_sign(self.skip)
            .settings(Settings::default().with_header_value_case(self.case));
        if let Some(h) = &self.host {
            c = c.host(h);
        }
        c = match &self.query {
            Query::Raw(q) => c.raw_query(q),
            Query::Params(pairs) => {
                let mut p = Params::new();
                for (n, v) in pairs {
                    p.push(n.clone(), v.clone());
                }
                c.query_params(&p)
            }
        };
        if let Some(ct) = &self.content_type {
            c = c.content_type(ct);
        }
        if let Some(r) = &self.region {
            c = c.region(r);
        }
        if let Some(l) = &self.language {
            c = c.language(l);
        }
        let std = [
            ("X-TC-Action", true),
            ("X-TC-Version", true),
            ("X-TC-Timestamp", true),
            ("X-TC-Region", self.region.is_some()),
            ("X-TC-Language", self.language.is_some()),
            ("X-TC-Token", self.token.is_some()),
            ("X-TC-Content-SHA256", self.unsigned),
        ];
        for (i, (name, present)) in std.into_iter().enumerate() {
            if present && self.sign_std >> i & 1 == 1 {
                c = c.sign_header(recase(name, self.name_bits >> i));
            }
        }
        for (n, v, signed) in &self.extras {
            c = c.extra_header(n, v);
            if *signed {
                c = c.sign_header(n);
            }
        }
        c
    }

    fn sign(&self) -> SignedRequest {
        tencent::sign_tc3(&self.creds(), &self.call(), &FixedClock(self.ts))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn expected(&self) -> Verdict {
        if self.skip {
            Verdict::Unsigned
        } else {
            Verdict::Valid
        }
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// sign_tc3 then verify, in memory: any method, query, body, content type, extra
    /// and standard headers signed or not, token, UNSIGNED-PAYLOAD, value case, time;
    /// headers in any order and name case; origin- or absolute-form target.
    #[test]
    fn tc3_signed_requests_verify(c in tc3_call(false)) {
        let signed = c.sign();
        let mut cap = captured_of(&signed, c.absolute);
        shuffle_headers(&mut cap.headers, c.order, c.name_bits);
        let report = verify(&c.keys(), &cap, c.ts, c.case);
        prop_assert_eq!(report.verdict, c.expected(), "{}", ctx(&report, &cap));
        prop_assert!(report.findings.is_empty(), "{}", ctx(&report, &cap));
        prop_assert_eq!(report.scheme, if c.skip { Scheme::Skip } else { Scheme::Tc3 });
        if !c.skip {
            prop_assert_eq!(report.secret_id.as_deref(), Some(c.id.as_str()));
            prop_assert_eq!(report.timestamp, Some(c.ts));
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// sign_tc3, written as raw HTTP, as a curl command and as a JSON-lines record, read
    /// back by the matching reader, verifies.
    #[test]
    fn tc3_signed_requests_verify_over_the_wire(c in tc3_call(true)) {
        let signed = c.sign();
        let cap = captured_of(&signed, c.absolute);
        for (format, read) in over_the_wire(&signed, &cap) {
            prop_assert_eq!(&read.method, &cap.method, "{}", format);
            prop_assert_eq!(&read.body, &cap.body, "{}", format);
            let report = verify(&c.keys(), &read, c.ts, c.case);
            prop_assert_eq!(report.verdict, c.expected(), "{}: {}", format, ctx(&report, &read));
        }
    }
}

// ---------------------------------------------------------------------------------
// TC3 through the low-level builder, and changes to what was sent
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PayloadKind {
    Bytes,
    Unsigned,
    Sha256Hex,
}

#[derive(Debug, Clone)]
struct Tc3Raw {
    id: String,
    key: String,
    token: Option<String>,
    service: String,
    host: String,
    get: bool,
    path: String,
    query: String,
    content_type: String,
    action: String,
    version: String,
    region: Option<String>,
    ts: i64,
    /// Blanks around the X-TC-Timestamp value.
    ts_blanks: bool,
    /// Bits: sign x-tc-action, -version, -timestamp, -region, -token, -content-sha256.
    sign_std: u8,
    /// Custom headers: lower-case name, value (any text when unsigned), signed.
    extras: Vec<(String, String, bool)>,
    body: Vec<u8>,
    payload: PayloadKind,
    unsigned_value: String,
    case: HeaderValueCase,
    /// Sign the headers in this shuffled order (SignedHeaders as the client sent it).
    unsorted: Option<u64>,
    cached_key: bool,
    /// Authorization separators: 0 `, ` (documented), 1 `,`, 2 `,  `.
    form: u8,
    order: u64,
    name_bits: u64,
    absolute: bool,
}

fn tc3_raw() -> BoxedStrategy<Tc3Raw> {
    let service_host = service().prop_flat_map(|s| (Just(s.clone()), host_of(s)));
    let method = any::<bool>().prop_flat_map(|get| {
        let ct = if get {
            get_content_type().boxed()
        } else {
            post_content_type().boxed()
        };
        let body = if get {
            Just(Vec::new()).boxed()
        } else {
            vec(any::<u8>(), 0..64).boxed()
        };
        (Just(get), ct, body)
    });
    (
        (
            secret_id(),
            secret_key(),
            proptest::option::of(token_value()),
        ),
        service_host,
        method,
        (
            prop_oneof![Just("/".to_string()), r"/[^\x00-\x20\x7f?#]{0,12}"],
            raw_query(false),
        ),
        (
            safe_value().prop_filter("empty", |v| !v.is_empty()),
            safe_value().prop_filter("empty", |v| !v.is_empty()),
            proptest::option::of(safe_value()),
        ),
        (tc3_timestamp(), any::<bool>(), any::<u8>()),
        btree_map(
            custom_name(),
            (safe_value(), wild_value(), any::<bool>()),
            0..5,
        ),
        (
            prop_oneof![
                3 => Just(PayloadKind::Bytes),
                2 => Just(PayloadKind::Unsigned),
                1 => Just(PayloadKind::Sha256Hex),
            ],
            (any::<u64>(), any::<bool>()),
        ),
        (
            case(),
            proptest::option::of(any::<u64>()),
            any::<bool>(),
            0u8..3,
        ),
        (any::<u64>(), any::<u64>(), any::<bool>()),
    )
        .prop_map(
            |(
                (id, key, token),
                (service, host),
                (get, content_type, body),
                (path, query),
                (action, version, region),
                (ts, ts_blanks, sign_std),
                extras,
                (payload, (unsigned_bits, unsigned_blanks)),
                (case, unsorted, cached_key, form),
                (order, name_bits, absolute),
            )| {
                let content_type = content_type.unwrap_or_else(|| {
                    if get {
                        "application/x-www-form-urlencoded".into()
                    } else {
                        "application/json".into()
                    }
                });
                let mut unsigned_value = recase("UNSIGNED-PAYLOAD", unsigned_bits);
                if unsigned_blanks {
                    unsigned_value = format!(" {unsigned_value}\t");
                }
                Tc3Raw {
                    id,
                    key,
                    token,
                    service,
                    host,
                    get,
                    path,
                    query,
                    content_type,
                    action,
                    version,
                    region,
                    ts,
                    ts_blanks,
                    sign_std,
                    extras: extras
                        .into_iter()
                        .map(|(n, (safe, wild, signed))| {
                            (n, if signed { safe } else { wild }, signed)
                        })
                        .collect(),
                    body,
                    payload,
                    unsigned_value,
                    case,
                    unsorted,
                    cached_key,
                    form,
                    order,
                    name_bits,
                    absolute,
                }
            },
        )
        .boxed()
}

/// A signed TC3 request as sent, with what is needed to change it.
#[derive(Debug, Clone)]
struct Tc3Sent {
    cap: Captured,
    keys: KeyRing,
    /// Lower-case names of the signed headers.
    signed: Vec<String>,
    /// Lower-case names of the unsigned headers whose value the verifier ignores.
    free: Vec<String>,
    auth: AuthParts,
}

#[derive(Debug, Clone)]
struct AuthParts {
    id: String,
    date: String,
    service: String,
    signed_headers: String,
    signature: String,
    form: u8,
}

impl AuthParts {
    fn render(&self) -> String {
        let sep = match self.form {
            0 => ", ",
            1 => ",",
            _ => ",  ",
        };
        format!(
            "TC3-HMAC-SHA256 Credential={}/{}/{}/tc3_request{sep}SignedHeaders={}{sep}Signature={}",
            self.id, self.date, self.service, self.signed_headers, self.signature
        )
    }
}

fn target(absolute: bool, host: &str, path: &str, query: &str) -> String {
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    if absolute {
        format!("https://{host}{path}{q}")
    } else {
        format!("{path}{q}")
    }
}

impl Tc3Raw {
    fn sent(&self) -> Tc3Sent {
        let mut headers: Vec<(String, String)> = vec![
            ("Content-Type".into(), self.content_type.clone()),
            ("Host".into(), self.host.clone()),
            ("X-TC-Action".into(), self.action.clone()),
            ("X-TC-Version".into(), self.version.clone()),
            (
                "X-TC-Timestamp".into(),
                if self.ts_blanks {
                    format!(" {}\t", self.ts)
                } else {
                    self.ts.to_string()
                },
            ),
        ];
        let mut signed = vec!["content-type".to_string(), "host".to_string()];
        let mut free = Vec::new();
        let mut optional = |name: &str, bit: u8| {
            if self.sign_std >> bit & 1 == 1 {
                signed.push(name.to_ascii_lowercase());
            } else if matches!(bit, 0 | 1 | 3) {
                free.push(name.to_ascii_lowercase());
            }
        };
        optional("X-TC-Action", 0);
        optional("X-TC-Version", 1);
        optional("X-TC-Timestamp", 2);
        if let Some(r) = &self.region {
            headers.push(("X-TC-Region".into(), r.clone()));
            optional("X-TC-Region", 3);
        }
        if let Some(t) = &self.token {
            headers.push(("X-TC-Token".into(), t.clone()));
            optional("X-TC-Token", 4);
        }
        if self.payload == PayloadKind::Unsigned {
            headers.push(("X-TC-Content-SHA256".into(), self.unsigned_value.clone()));
            optional("X-TC-Content-SHA256", 5);
        }
        for (n, v, s) in &self.extras {
            headers.push((n.clone(), v.clone()));
            if *s {
                signed.push(n.clone());
            } else {
                free.push(n.clone());
            }
        }

        let body_hash = sha256_hex(&self.body).to_string();
        let payload = match self.payload {
            PayloadKind::Bytes => Payload::Bytes(&self.body),
            PayloadKind::Unsigned => Payload::Unsigned,
            PayloadKind::Sha256Hex => Payload::Sha256Hex(&body_hash),
        };
        let method = if self.get { "GET" } else { "POST" };
        let mut req = Request::new(method, &self.path).query(&self.query);
        for (n, v) in &headers {
            req.push_header(n, v);
        }
        let req = req.with_payload(payload);
        let sh = match self.unsorted {
            Some(seed) => {
                let mut names = signed.clone();
                permute(&mut names, seed);
                SignedHeaders::parse(&names.join(";")).unwrap()
            }
            None => SignedHeaders::new(&signed).unwrap(),
        };
        let settings = Settings::default().with_header_value_case(self.case);
        let scope = CredentialScope::for_timestamp(self.ts, &self.service).unwrap();
        let secret = SecretKey::new(self.key.as_bytes()).unwrap();
        let result = if self.cached_key {
            let key = SigningKey::derive(&secret, &scope.date(), &self.service).unwrap();
            tc3::sign_with_key(&req, &sh, &settings, self.ts, scope, &key)
        } else {
            tc3::sign(&req, &sh, &settings, self.ts, scope, &secret)
        };
        let signature = result
            .unwrap_or_else(|e| panic!("{e}"))
            .signature()
            .to_string();
        let auth = AuthParts {
            id: self.id.clone(),
            date: scope.date().to_string(),
            service: self.service.clone(),
            signed_headers: sh.to_string(),
            signature,
            form: self.form,
        };
        headers.push(("Authorization".into(), auth.render()));
        shuffle_headers(&mut headers, self.order, self.name_bits);

        let mut keys = KeyRing::default();
        let creds = Credentials::new(self.id.clone(), &self.key).unwrap();
        keys.insert(match &self.token {
            Some(t) => creds.with_token(t.clone()).unwrap(),
            None => creds,
        });
        keys.insert(Credentials::new(format!("{}-other", self.id), "another-key").unwrap());
        Tc3Sent {
            cap: Captured {
                location: Location::default(),
                method: method.into(),
                target: target(self.absolute, &self.host, &self.path, &self.query),
                headers,
                body: self.body.clone(),
            },
            keys,
            signed,
            free,
            auth,
        }
    }

    fn verify(&self, sent: &Tc3Sent, cap: &Captured, now: i64) -> Report {
        verify(&sent.keys, cap, now, self.case)
    }
}

/// An edit of a text that certainly changes it: insert `ch` at `at`, or replace the
/// character there by `ch` when they differ (ignoring ASCII case if `fold`).
#[derive(Debug, Clone)]
struct Edit {
    at: Index,
    replace: bool,
    ch: char,
}

fn edit() -> impl Strategy<Value = Edit> {
    (any::<Index>(), any::<bool>(), "[!-~]").prop_map(|(at, replace, ch)| Edit {
        at,
        replace,
        ch: ch.chars().next().unwrap(),
    })
}

impl Edit {
    /// `allowed` maps a character the place cannot hold to one it can.
    fn apply(&self, text: &str, fold: bool, allowed: impl Fn(char) -> char) -> String {
        let ch = allowed(self.ch);
        let chars: Vec<char> = text.chars().collect();
        let same = |a: char, b: char| {
            if fold {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        if self.replace && !chars.is_empty() {
            let i = self.at.index(chars.len());
            if !same(chars[i], ch) {
                let mut out = chars.clone();
                out[i] = ch;
                return out.into_iter().collect();
            }
        }
        let i = self.at.index(chars.len() + 1);
        let mut out = chars;
        out.insert(i, ch);
        out.into_iter().collect()
    }
}

/// A signed header value as it enters the canonical request (the oracle for "changed").
fn canonical_value(v: &str, case: HeaderValueCase) -> String {
    let v = v.trim_matches([' ', '\t']);
    match case {
        HeaderValueCase::AsSent => v.to_string(),
        _ => v.to_ascii_lowercase(),
    }
}

#[derive(Debug, Clone)]
enum SignedChange {
    Body(Index, u8),
    HeaderValue(Index, Edit),
    Query(Edit),
    Path(Edit),
    Timestamp(i64),
    Service(String),
    Date(i64),
    Method,
    SecretId,
    Signature(Index),
}

fn signed_change() -> BoxedStrategy<SignedChange> {
    prop_oneof![
        2 => (any::<Index>(), 1u8..).prop_map(|(i, x)| SignedChange::Body(i, x)),
        4 => (any::<Index>(), edit()).prop_map(|(i, e)| SignedChange::HeaderValue(i, e)),
        2 => edit().prop_map(SignedChange::Query),
        1 => edit().prop_map(SignedChange::Path),
        2 => prop_oneof![1i64..=400, -400i64..=-1, 1i64..=150_000_000_000]
            .prop_map(SignedChange::Timestamp),
        1 => service().prop_map(SignedChange::Service),
        1 => prop_oneof![1i64..=3, -3i64..=-1, 1i64..=1_000_000].prop_map(SignedChange::Date),
        1 => Just(SignedChange::Method),
        1 => Just(SignedChange::SecretId),
        1 => any::<Index>().prop_map(SignedChange::Signature),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
enum UnsignedChange {
    HeaderValue(Index, String),
    Add(Index, String, String),
    Remove(Index),
    Repeat(Index, Index),
    Reorder(u64, u64),
    Body(Vec<u8>),
    Form(u8),
    TargetForm,
    TimestampBlanks,
}

fn unsigned_change() -> BoxedStrategy<UnsignedChange> {
    prop_oneof![
        3 => (any::<Index>(), wild_value()).prop_map(|(i, v)| UnsignedChange::HeaderValue(i, v)),
        3 => (any::<Index>(), custom_name(), wild_value())
            .prop_map(|(i, n, v)| UnsignedChange::Add(i, n, v)),
        1 => any::<Index>().prop_map(UnsignedChange::Remove),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| UnsignedChange::Repeat(i, j)),
        1 => (any::<u64>(), any::<u64>()).prop_map(|(o, b)| UnsignedChange::Reorder(o, b)),
        2 => vec(any::<u8>(), 0..64).prop_map(UnsignedChange::Body),
        1 => (0u8..3).prop_map(UnsignedChange::Form),
        1 => Just(UnsignedChange::TargetForm),
        1 => Just(UnsignedChange::TimestampBlanks),
    ]
    .boxed()
}

/// A timestamp `delta` away from `ts`, or `delta` the other way to stay in range.
fn shifted(ts: i64, delta: i64) -> i64 {
    let up = ts.saturating_add(delta);
    if (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&up) {
        up
    } else {
        ts - delta
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// The low-level builder's signature verifies: any path, query, header set and
    /// order, SignedHeaders in any order, payload signed, streamed (hash given) or
    /// unsigned, cached or derived key, any Authorization separators.
    #[test]
    fn tc3_low_level_signatures_verify(r in tc3_raw()) {
        let sent = r.sent();
        let report = r.verify(&sent, &sent.cap, r.ts);
        assert_valid(&report, &sent.cap)?;
        let notes = report.notes.join("\n");
        prop_assert_eq!(r.form != 0, notes.contains("Authorization parts are separated"), "{}", notes);
        prop_assert_eq!(
            SignedHeaders::parse(&sent.auth.signed_headers).unwrap().is_sorted(),
            !notes.contains("not sorted"),
            "{}", notes
        );
    }

    /// Any change to a signed part makes the request invalid, with a signature finding;
    /// a change to the body under UNSIGNED-PAYLOAD does not.
    #[test]
    fn tc3_changing_a_signed_part_is_invalid(r in tc3_raw(), change in signed_change()) {
        let sent = r.sent();
        let mut cap = sent.cap.clone();
        let mut now = r.ts;
        // Whether the signature is still computed (and so must fail) after the change.
        let mut signature = true;
        let fold = r.case == HeaderValueCase::Lowercase;
        match &change {
            SignedChange::Body(i, x) => {
                if cap.body.is_empty() {
                    cap.body.push(*x);
                } else {
                    let i = i.index(cap.body.len());
                    cap.body[i] ^= x;
                }
                if r.payload == PayloadKind::Unsigned {
                    let report = r.verify(&sent, &cap, now);
                    return assert_valid_but_a_get_body(&report, &cap);
                }
            }
            SignedChange::HeaderValue(i, e) => {
                let name = &sent.signed[i.index(sent.signed.len())];
                let h = header_index(&cap, name).unwrap();
                let old = cap.headers[h].1.clone();
                let new = e.apply(&old, fold, |c| c);
                prop_assert_ne!(canonical_value(&old, r.case), canonical_value(&new, r.case));
                cap.headers[h].1 = new;
                // A timestamp that no longer reads as a number stops verification early.
                signature = name != "x-tc-timestamp";
            }
            SignedChange::Query(e) => {
                let query = e.apply(&r.query, false, |c| if c == '#' { '%' } else { c });
                cap.target = target(r.absolute, &r.host, &r.path, &query);
            }
            SignedChange::Path(e) => {
                // After the leading `/`.
                let rest = e.apply(&r.path[1..], false, |c| if c == '?' || c == '#' { '!' } else { c });
                cap.target = target(r.absolute, &r.host, &format!("/{rest}"), &r.query);
            }
            SignedChange::Timestamp(delta) => {
                now = shifted(r.ts, *delta);
                set_header(&mut cap, "x-tc-timestamp", now.to_string());
            }
            SignedChange::Service(s) => {
                let mut auth = sent.auth.clone();
                auth.service = if *s == auth.service { format!("{s}x") } else { s.clone() };
                if auth.service.len() > 64 {
                    auth.service = "other".into();
                }
                set_header(&mut cap, "authorization", auth.render());
            }
            SignedChange::Date(days) => {
                let mut auth = sent.auth.clone();
                let other = shifted(r.ts, days.saturating_mul(86_400));
                auth.date = UtcDate::from_unix(other).unwrap().to_string();
                prop_assert_ne!(&auth.date, &sent.auth.date);
                set_header(&mut cap, "authorization", auth.render());
            }
            SignedChange::Method => {
                cap.method = if r.get { "POST".into() } else { "GET".into() };
            }
            SignedChange::SecretId => {
                let mut auth = sent.auth.clone();
                auth.id = format!("{}-other", auth.id);
                set_header(&mut cap, "authorization", auth.render());
            }
            SignedChange::Signature(i) => {
                let mut auth = sent.auth.clone();
                let mut sig: Vec<u8> = auth.signature.into_bytes();
                let i = i.index(sig.len());
                sig[i] = if sig[i] == b'0' { b'1' } else { b'0' };
                auth.signature = String::from_utf8(sig).unwrap();
                set_header(&mut cap, "authorization", auth.render());
            }
        }
        let report = r.verify(&sent, &cap, now);
        assert_invalid(&report, &cap, signature)?;
    }

    /// Changes to what is not signed leave the request valid: an unsigned header's value
    /// (any text), a header added, removed or repeated, the order and case of names,
    /// the body under UNSIGNED-PAYLOAD, the Authorization separators, the target form,
    /// blanks around an unsigned X-TC-Timestamp.
    #[test]
    fn tc3_changing_an_unsigned_part_keeps_it_valid(r in tc3_raw(), change in unsigned_change()) {
        let sent = r.sent();
        let mut cap = sent.cap.clone();
        let custom: Vec<&String> = sent
            .free
            .iter()
            .filter(|n| !SPECIAL.contains(&n.as_str()))
            .collect();
        match change {
            UnsignedChange::HeaderValue(i, v) => {
                if !sent.free.is_empty() {
                    let name = &sent.free[i.index(sent.free.len())];
                    set_header(&mut cap, name, v);
                }
            }
            UnsignedChange::Add(at, name, v) => {
                if header_index(&cap, &name).is_none() {
                    let at = at.index(cap.headers.len() + 1);
                    cap.headers.insert(at, (name, v));
                }
            }
            UnsignedChange::Remove(i) => {
                if !custom.is_empty() {
                    let h = header_index(&cap, custom[i.index(custom.len())]).unwrap();
                    cap.headers.remove(h);
                }
            }
            UnsignedChange::Repeat(i, at) => {
                if !custom.is_empty() {
                    let h = header_index(&cap, custom[i.index(custom.len())]).unwrap();
                    let header = cap.headers[h].clone();
                    let at = at.index(cap.headers.len() + 1);
                    cap.headers.insert(at, header);
                }
            }
            UnsignedChange::Reorder(order, bits) => shuffle_headers(&mut cap.headers, order, bits),
            UnsignedChange::Body(body) => {
                if r.payload == PayloadKind::Unsigned {
                    cap.body = body;
                }
            }
            UnsignedChange::Form(form) => {
                let mut auth = sent.auth.clone();
                auth.form = form;
                set_header(&mut cap, "authorization", auth.render());
            }
            UnsignedChange::TargetForm => {
                cap.target = target(!r.absolute, &r.host, &r.path, &r.query);
            }
            UnsignedChange::TimestampBlanks => {
                if !sent.signed.iter().any(|n| n == "x-tc-timestamp") {
                    set_header(&mut cap, "x-tc-timestamp", format!("\t {} ", r.ts));
                }
            }
        }
        let report = r.verify(&sent, &cap, r.ts);
        assert_valid_but_a_get_body(&report, &cap)?;
    }
}

// ---------------------------------------------------------------------------------
// v1
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct V1Case {
    id: String,
    key: String,
    token: Option<String>,
    host: String,
    get: bool,
    params: Vec<(String, String)>,
    action: String,
    version: String,
    region: Option<String>,
    sha256: bool,
    dotted: bool,
    nonce: Option<u64>,
    ts: i64,
}

/// A v1 call; `wire` keeps the host to what a URL authority holds.
fn v1_case(wire: bool) -> BoxedStrategy<V1Case> {
    let host = if wire {
        r"[a-z0-9.-]{1,20}(:[0-9]{1,5})?".boxed()
    } else {
        r"[^\x00-\x20\x7f/?]{1,20}".boxed()
    };
    (
        (
            secret_id(),
            secret_key(),
            proptest::option::of(token_value()),
        ),
        (host, any::<bool>()),
        vec((v1_text(), v1_text()), 0..8),
        (v1_text(), v1_text(), proptest::option::of(v1_text())),
        (any::<bool>(), any::<bool>()),
        (proptest::option::of(1u64..), any::<i64>()),
    )
        .prop_map(
            |(
                (id, key, token),
                (host, get),
                params,
                (action, version, region),
                (sha256, dotted),
                (nonce, ts),
            )| V1Case {
                id,
                key,
                token,
                host,
                get,
                params,
                action,
                version,
                region,
                sha256,
                dotted,
                nonce,
                ts,
            },
        )
        .boxed()
}

impl V1Case {
    fn keys(&self) -> KeyRing {
        let mut ring = KeyRing::default();
        ring.insert(self.creds());
        ring.insert(Credentials::new(format!("{}-other", self.id), "another-key").unwrap());
        ring
    }

    fn creds(&self) -> Credentials {
        let c = Credentials::new(self.id.clone(), &self.key).unwrap();
        match &self.token {
            Some(t) => c.with_token(t.clone()).unwrap(),
            None => c,
        }
    }

    fn sign(&self) -> SignedRequest {
        let mut p = Params::new();
        for (n, v) in &self.params {
            p.push(n.clone(), v.clone());
        }
        let mut call = V1Call::new(&self.host, &self.action, &self.version)
            .method(if self.get { "GET" } else { "POST" })
            .params(p)
            .algorithm(if self.sha256 {
                Algorithm::HmacSha256
            } else {
                Algorithm::HmacSha1
            })
            .name_rule(if self.dotted {
                NameRule::UnderscoreToDot
            } else {
                NameRule::AsIs
            });
        if let Some(r) = &self.region {
            call = call.region(r);
        }
        if let Some(n) = self.nonce {
            call = call.nonce(n);
        }
        tencent::sign_v1(&self.creds(), &call, &FixedClock(self.ts))
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// The parameters as sent (RFC 3986 encoded), decoded here.
fn decode_sent(text: &str) -> Vec<(String, String)> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split('&')
        .map(|pair| {
            let (n, v) = pair.split_once('=').unwrap();
            (
                percent_decode_str(n).decode_utf8().unwrap().into_owned(),
                percent_decode_str(v).decode_utf8().unwrap().into_owned(),
            )
        })
        .collect()
}

/// `cap` with its v1 parameters replaced by `encoded`, sent as `get` says.
fn with_params(cap: &Captured, encoded: String, get: bool) -> Captured {
    let mut out = cap.clone();
    out.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
    if get {
        out.method = "GET".into();
        out.target = format!("{}?{encoded}", cap.path());
        out.body = Vec::new();
    } else {
        out.method = "POST".into();
        out.target = cap.path().to_string();
        out.headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        out.body = encoded.into_bytes();
    }
    out
}

fn sent_params(cap: &Captured) -> Vec<(String, String)> {
    if cap.method == "GET" {
        decode_sent(cap.query())
    } else {
        decode_sent(std::str::from_utf8(&cap.body).unwrap())
    }
}

/// One pair encoded in one of the ways a client may: RFC 3986, `+` for spaces,
/// lower-case hex, or every byte escaped.
fn encode_as(text: &str, style: u8) -> String {
    let rfc = query_string([("", text)]);
    let rfc = rfc.strip_prefix('=').unwrap().to_string();
    match style % 4 {
        0 => rfc,
        1 => rfc.replace("%20", "+"),
        2 => {
            let mut out = String::new();
            let mut chars = rfc.chars().peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                if c == '%' {
                    for _ in 0..2 {
                        out.push(chars.next().unwrap().to_ascii_lowercase());
                    }
                }
            }
            out
        }
        _ => text.bytes().map(|b| format!("%{b:02X}")).collect(),
    }
}

#[derive(Debug, Clone)]
enum V1SignedChange {
    Value(Index, String),
    Add(String, String),
    Remove(Index),
    Host(Edit),
    Method,
    Path(String),
}

fn v1_signed_change() -> BoxedStrategy<V1SignedChange> {
    prop_oneof![
        4 => (any::<Index>(), v1_text()).prop_map(|(i, v)| V1SignedChange::Value(i, v)),
        2 => (v1_text(), v1_text()).prop_map(|(n, v)| V1SignedChange::Add(n, v)),
        2 => any::<Index>().prop_map(V1SignedChange::Remove),
        1 => edit().prop_map(V1SignedChange::Host),
        1 => Just(V1SignedChange::Method),
        1 => r"/[!-~&&[^?#]]{1,8}".prop_map(V1SignedChange::Path),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(config(1024))]

    /// sign_v1 then verify: any parameter names and values (non-ASCII, `&=+%/ `, line
    /// breaks, empty), GET or POST, HmacSHA1 or HmacSHA256, either name rule, token,
    /// any timestamp and nonce; plus equivalent re-encodings and orders of the
    /// parameters and added headers.
    #[test]
    fn v1_signed_requests_verify(
        c in v1_case(false),
        styles in vec(any::<u8>(), 16),
        order in any::<u64>(),
        extra in proptest::option::of((custom_name(), wild_value())),
    ) {
        let signed = c.sign();
        let cap = captured_of(&signed, false);
        let report = verify(&c.keys(), &cap, c.ts, HeaderValueCase::Lowercase);
        assert_valid(&report, &cap)?;
        if c.sha256 {
            prop_assert_eq!(report.scheme, Scheme::V1HmacSha256);
        }
        prop_assert_eq!(report.secret_id.as_deref(), Some(c.id.as_str()));

        // Parameters are signed decoded and sorted: another encoding or another order
        // of distinct names changes nothing; so does a header added. Names equal in the
        // string to sign (after the `_` rule: `A_b` and `A.b`) keep their order among
        // themselves, as the sort is stable and that order is signed.
        let original = sent_params(&cap);
        let mut order_of: Vec<usize> = (0..original.len()).collect();
        permute(&mut order_of, order);
        let signed_name = |n: &str| n.replace('_', ".");
        let mut queues: BTreeMap<String, VecDeque<usize>> = BTreeMap::new();
        for (i, (n, _)) in original.iter().enumerate() {
            queues.entry(signed_name(n)).or_default().push_back(i);
        }
        let reordered: Vec<&(String, String)> = order_of
            .iter()
            .map(|&i| {
                let queue = queues.get_mut(&signed_name(&original[i].0)).unwrap();
                &original[queue.pop_front().unwrap()]
            })
            .collect();
        let encoded: Vec<String> = reordered
            .iter()
            .enumerate()
            .map(|(i, (n, v))| {
                format!("{}={}", encode_as(n, styles[i % 16]), encode_as(v, styles[(i + 7) % 16]))
            })
            .collect();
        let mut again = with_params(&cap, encoded.join("&"), c.get);
        if let Some((n, v)) = extra {
            again.headers.push((n, v));
        }
        let report = verify(&c.keys(), &again, c.ts, HeaderValueCase::Lowercase);
        assert_valid(&report, &again)?;
    }

    /// Any change to a parameter (except the signature itself and the SecretId, which
    /// picks the key), to the host, the path or the method fails verification with a
    /// signature finding.
    #[test]
    fn v1_changing_a_signed_part_is_invalid(c in v1_case(false), change in v1_signed_change()) {
        let signed = c.sign();
        let cap = captured_of(&signed, false);
        let mut pairs = sent_params(&cap);
        let changeable: Vec<usize> = (0..pairs.len())
            .filter(|&i| pairs[i].0 != "Signature" && pairs[i].0 != "SecretId")
            .collect();
        let mut get = c.get;
        let mut params_changed = true;
        let mut changed = cap.clone();
        match change {
            V1SignedChange::Value(i, v) => {
                let i = changeable[i.index(changeable.len())];
                pairs[i].1 = if pairs[i].1 == v { format!("{v}x") } else { v };
            }
            V1SignedChange::Add(n, v) => {
                let n = if pairs.iter().any(|(m, _)| *m == n) || n == "Signature" {
                    format!("{n}\u{e9}")
                } else {
                    n
                };
                pairs.push((n, v));
            }
            V1SignedChange::Remove(i) => {
                pairs.remove(changeable[i.index(changeable.len())]);
            }
            V1SignedChange::Method => get = !get,
            V1SignedChange::Host(e) => {
                params_changed = false;
                let host = e.apply(&c.host, false, |ch| if ch == '/' || ch == '?' { '!' } else { ch });
                set_header(&mut changed, "host", host);
            }
            V1SignedChange::Path(p) => {
                params_changed = false;
                changed.target = changed.target.replacen('/', &p, 1);
            }
        }
        if params_changed {
            changed = with_params(&changed, query_string(pairs.iter().map(|(n, v)| (n, v))), get);
        }
        let report = verify(&c.keys(), &changed, c.ts, HeaderValueCase::Lowercase);
        assert_invalid(&report, &changed, true)?;
    }
}

/// Names the verifier reads for itself in a v1 request.
const V1_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
];

proptest! {
    #![proptest_config(config(512))]

    /// The low-level v1 signer's signature verifies for any host and path (which the
    /// high-level API fixes to `/`), with the parameters in the query or the form body.
    #[test]
    fn v1_low_level_signatures_verify(
        params in vec((v1_text(), v1_text()), 0..6),
        (id, key) in (secret_id(), secret_key()),
        host in r"[^\x00-\x20\x7f/?]{1,20}",
        path in prop_oneof![Just("/".to_string()), r"/[^\x00-\x20\x7f?#]{0,12}"],
        (get, sha256) in (any::<bool>(), any::<bool>()),
        (ts, nonce) in (any::<i64>(), 1u64..),
    ) {
        let mut p = Params::new();
        for (n, v) in params.iter().filter(|(n, _)| !V1_COMMON.contains(&n.as_str())) {
            p.push(n.clone(), v.clone());
        }
        for (n, v) in [
            ("Action", "DescribeInstances".to_string()),
            ("Version", "2017-03-12".to_string()),
            ("Timestamp", ts.to_string()),
            ("Nonce", nonce.to_string()),
            ("SecretId", id.clone()),
        ] {
            p.push(n, v);
        }
        if sha256 {
            p.push("SignatureMethod", "HmacSHA256");
        }
        let secret = SecretKey::new(key.as_bytes()).unwrap();
        let method = if get { "GET" } else { "POST" };
        let signature = cloudsig_canonical::v1::sign(&p, method, &host, &path, NameRule::AsIs, &secret)
            .unwrap()
            .signature()
            .to_string();
        p.push("Signature", signature);
        let encoded = p.encode();
        let mut cap = Captured {
            location: Location::default(),
            method: method.into(),
            target: path.clone(),
            headers: vec![("Host".into(), host.clone())],
            body: Vec::new(),
        };
        if get {
            cap.target = format!("{path}?{encoded}");
        } else {
            cap.headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
            cap.body = encoded.into_bytes();
        }
        let mut keys = KeyRing::default();
        keys.insert(Credentials::new(id, &key).unwrap());
        let report = verify(&keys, &cap, ts, HeaderValueCase::Lowercase);
        assert_valid(&report, &cap)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// sign_v1, written as raw HTTP, as a curl command and as a JSON-lines record, read
    /// back by the matching reader, verifies.
    #[test]
    fn v1_signed_requests_verify_over_the_wire(c in v1_case(true)) {
        let signed = c.sign();
        let cap = captured_of(&signed, false);
        for (format, read) in over_the_wire(&signed, &cap) {
            prop_assert_eq!(&read.body, &cap.body, "{}", format);
            let report = verify(&c.keys(), &read, c.ts, HeaderValueCase::Lowercase);
            prop_assert_eq!(report.verdict, Verdict::Valid, "{}: {}", format, ctx(&report, &read));
        }
    }
}
