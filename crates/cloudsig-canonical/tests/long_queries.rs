//! The query check and the canonical query of ACS3 and SDK-HMAC on long queries
//! (hundreds of bytes to several KB), against a reference written here byte by byte
//! from the documented rules, for every builder that takes a query: the staged
//! `CanonicalRequest`, `sign` (whose hot path borrows an already canonical query) and
//! `RequestTemplate`.
//!
//! The rules (vectors/README.md, the `acs3` and `huawei::sdk_hmac` module docs):
//! - a query with a space, a control character, DEL or `#` is refused (it must be sent
//!   encoded);
//! - otherwise it is split at `&`, empty pieces skipped, each piece split at its first
//!   `=` (no `=`: an empty value), names and values percent-decoded (`%XX` with two hex
//!   digits is a byte, any other `%` is kept; `+` is a space for ACS3 and itself for
//!   SDK-HMAC), invalid UTF-8 replaced by U+FFFD, then each RFC 3986-encoded (the
//!   unreserved `A-Z a-z 0-9 - . _ ~` kept, every other byte `%XX` in upper-case hex),
//!   written `name=value` (the `=` always), and joined by `&`;
//! - ACS3 sorts the pairs by the encoded name, then the encoded value; SDK-HMAC sorts
//!   them by the decoded name, then the decoded value (byte order both).
//!
//! The checks run a word (eight bytes) at a time, so a bad byte is put at every
//! position modulo 8 and 16 from the start and from the end of each query.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_canonical::alibaba::acs3;
use cloudsig_canonical::huawei;
use cloudsig_canonical::{ErrorKind, Payload, Request};
use cloudsig_core::SecretKey;
use proptest::collection::vec;
use proptest::prelude::*;
use sha2::{Digest as _, Sha256};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- The reference, byte by byte ----

/// Refused: a byte up to the space, DEL or `#`.
fn refused(q: &str) -> bool {
    let mut bad = false;
    for &b in q.as_bytes() {
        if b <= b' ' || b == 0x7f || b == b'#' {
            bad = true;
        }
    }
    bad
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes one name or value; `+` is a space when `plus_space`.
fn decode(s: &[u8], plus_space: bool) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if let (b'%', Some(h), Some(l)) = (
            b,
            s.get(i + 1).copied().and_then(hex_digit),
            s.get(i + 2).copied().and_then(hex_digit),
        ) {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        if b == b'+' && plus_space {
            out.push(b' ');
        } else {
            out.push(b);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986: unreserved bytes kept, every other byte `%XX`, upper-case hex.
fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::new();
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' || b == b'~' {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// The pieces of a query: split at `&`, empty ones skipped, each split at its first `=`.
fn pieces(q: &str) -> Vec<(&[u8], &[u8])> {
    let bytes = q.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=bytes.len() {
        if i == bytes.len() || bytes[i] == b'&' {
            let piece = &bytes[start..i];
            if !piece.is_empty() {
                let mut eq = piece.len();
                for (j, &b) in piece.iter().enumerate() {
                    if b == b'=' {
                        eq = j;
                        break;
                    }
                }
                let name = &piece[..eq];
                let value = if eq < piece.len() {
                    &piece[eq + 1..]
                } else {
                    &piece[piece.len()..]
                };
                out.push((name, value));
            }
            start = i + 1;
        }
    }
    out
}

fn join(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (n, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(n);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// ACS3 (the default settings): `+` is a space, sorted by the encoded text.
fn acs3_reference(q: &str) -> String {
    let mut pairs: Vec<(String, String)> = pieces(q)
        .into_iter()
        .map(|(n, v)| (encode(&decode(n, true)), encode(&decode(v, true))))
        .collect();
    pairs.sort();
    join(&pairs)
}

/// SDK-HMAC (the default settings): `+` is itself, sorted by the decoded text.
fn huawei_reference(q: &str) -> String {
    let mut pairs: Vec<(String, String)> = pieces(q)
        .into_iter()
        .map(|(n, v)| (decode(n, false), decode(v, false)))
        .collect();
    pairs.sort();
    let encoded: Vec<(String, String)> =
        pairs.iter().map(|(n, v)| (encode(n), encode(v))).collect();
    join(&encoded)
}

// ---- The builders ----

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each ACS3 builder's answer on `q`: the canonical query, or the error's kind.
fn acs3_answers(q: &str) -> Vec<(&'static str, Result<String, ErrorKind>)> {
    let req = Request::new("GET", "/")
        .query(q)
        .header("host", "ecs.cn-shanghai.aliyuncs.com")
        .header("x-acs-action", "DescribeInstances")
        .header("x-acs-content-sha256", EMPTY_SHA256)
        .header("x-acs-date", "2023-10-26T10:22:32Z")
        .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
        .header("x-acs-version", "2014-05-26");
    let signed_headers = acs3::signed_headers_of(&req).unwrap();
    let settings = acs3::Settings::default();
    let secret = SecretKey::new(b"YourAccessKeySecret").unwrap();
    let algorithm = cloudsig_core::alibaba::Algorithm::HmacSha256;
    let staged = acs3::CanonicalRequest::new(&req, &signed_headers, algorithm, &settings)
        .map(|c| c.canonical_query().to_string())
        .map_err(|e| e.kind());
    let signed = acs3::sign(&req, &signed_headers, algorithm, &settings, &secret)
        .map(|s| {
            let text = s.canonical_request().to_string();
            // What was signed is the text shown.
            assert_eq!(s.hashed_canonical_request().as_str(), sha256_hex(&text));
            s.canonical_request().canonical_query().to_string()
        })
        .map_err(|e| e.kind());
    let template = acs3::RequestTemplate::new(&req, &signed_headers, &settings)
        .and_then(|t| {
            let call = acs3::PerCall::new(
                "2023-10-26T10:22:32Z",
                "3156853299f313e23d1673dc12e1703d",
                EMPTY_SHA256,
            );
            let s = t.sign(call, Payload::Bytes(b""), algorithm, &secret)?;
            let text = s.canonical_request().to_string();
            assert_eq!(s.hashed_canonical_request().as_str(), sha256_hex(&text));
            Ok(s.canonical_request().canonical_query().to_string())
        })
        .map_err(|e| e.kind());
    vec![
        ("acs3::CanonicalRequest", staged),
        ("acs3::sign", signed),
        ("acs3::RequestTemplate", template),
    ]
}

/// The third line of a canonical request: its query.
fn query_line(text: &str) -> String {
    text.split('\n').nth(2).unwrap().to_string()
}

/// Each SDK-HMAC builder's answer on `q`.
fn huawei_answers(q: &str) -> Vec<(&'static str, Result<String, ErrorKind>)> {
    use cloudsig_core::huawei::{Algorithm, SdkDate};
    let req = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
        .query(q)
        .header("Host", "vpc.cn-north-4.myhuaweicloud.com")
        .header("X-Sdk-Date", "20191115T033655Z");
    let signed_headers = huawei::SignedHeaders::new(["host", "x-sdk-date"]).unwrap();
    let settings = huawei::Settings::default();
    let secret = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc").unwrap();
    let date = SdkDate::parse("20191115T033655Z").unwrap();
    let algorithm = Algorithm::SdkHmacSha256;
    let staged = huawei::CanonicalRequest::new(&req, algorithm, &signed_headers, &settings)
        .map(|c| c.query().to_string())
        .map_err(|e| e.kind());
    let signed = huawei::sign(
        &req,
        algorithm,
        &signed_headers,
        &settings,
        date,
        None,
        "QTWAOYTTINDUT2QVKYUC",
        &secret,
    )
    .map(|s| {
        let text = s.canonical_request().to_string();
        assert_eq!(s.hashed_canonical_request().as_str(), sha256_hex(&text));
        assert_eq!(query_line(&text), s.canonical_request().query());
        s.canonical_request().query().to_string()
    })
    .map_err(|e| e.kind());
    let template = huawei::RequestTemplate::new(&req, &signed_headers, &settings)
        .and_then(|t| {
            let s = t.sign(
                algorithm,
                "QTWAOYTTINDUT2QVKYUC",
                &secret,
                &date,
                None,
                Payload::Bytes(b""),
            )?;
            let text = s.canonical_request().to_string();
            assert_eq!(s.hashed_canonical_request().as_str(), sha256_hex(&text));
            Ok(query_line(&text))
        })
        .map_err(|e| e.kind());
    vec![
        ("huawei::CanonicalRequest", staged),
        ("huawei::sign", signed),
        ("huawei::RequestTemplate", template),
    ]
}

/// Every builder of both schemes gives the reference's answer on `q`.
fn check(q: &str) -> Result<(), TestCaseError> {
    let bad = refused(q);
    for (want, answers) in [
        (acs3_reference(q), acs3_answers(q)),
        (huawei_reference(q), huawei_answers(q)),
    ] {
        for (builder, got) in answers {
            match got {
                Ok(text) => {
                    prop_assert!(!bad, "{} accepted a refused query {:?}", builder, q);
                    prop_assert_eq!(&text, &want, "{} on {:?}", builder, q);
                }
                Err(kind) => {
                    prop_assert!(bad, "{} refused ({:?}) a good query {:?}", builder, kind, q);
                    prop_assert_eq!(kind, ErrorKind::InvalidQuery, "{} on {:?}", builder, q);
                }
            }
        }
    }
    // The free functions build any text, refused or not.
    prop_assert_eq!(
        acs3::canonical_query(q, acs3::QueryForm::Rfc3986, Default::default()),
        acs3_reference(q),
        "acs3::canonical_query on {:?}",
        q
    );
    prop_assert_eq!(
        huawei::canonical_query(q, huawei::QueryForm::Sorted),
        huawei_reference(q),
        "huawei::canonical_query on {:?}",
        q
    );
    Ok(())
}

// ---- The queries ----

/// One token of a name or value: unreserved runs, reserved bytes, escapes (valid, lower
/// case, broken, invalid UTF-8), `+`, non-ASCII letters.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[A-Za-z0-9._~-]{1,10}",
        2 => "[!$'()*,/:;=?@+%\\[\\]]",
        1 => prop::sample::select(vec![
            "%2A", "%2a", "%20", "%7E", "%E4%B8%AD", "%e4%b8%ad", "%FF", "%C3", "%", "%4",
            "%G1", "%%", "%2", "\u{e9}", "\u{4e2d}", "=", "%3D", "%26", "+",
        ])
        .prop_map(String::from),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    vec(atom(), 0..max).prop_map(|atoms| atoms.concat())
}

/// A piece of a query: `name=value` (names often repeated), a name alone, or empty.
fn piece() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        3 => prop::sample::select(vec!["a", "Action", "RegionId", "a-b", "A", "x.y"])
            .prop_map(String::from),
        3 => "[A-Za-z0-9._~-]{1,12}",
        1 => text(4),
    ];
    prop_oneof![
        8 => (name.clone(), text(8)).prop_map(|(n, v)| format!("{n}={v}")),
        1 => name.clone().prop_map(|n| format!("{n}=")),
        1 => name,
        1 => Just(String::new()),
    ]
}

/// A long query: pieces of every kind, or (half the time) sorted unreserved
/// `name=value` pairs with names often repeated, which the signers borrow as they are
/// when they are in order, with (half of those times) two neighbouring pairs swapped.
fn long_query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        prop::sample::select(vec!["a", "a-b", "A", "Action", "x.y"]).prop_map(String::from),
        "[A-Za-z0-9._~-]{1,12}",
    ];
    prop_oneof![
        vec(piece(), 20..300).prop_map(|p| p.join("&")),
        (
            vec((name, "[A-Za-z0-9._~-]{0,24}"), 20..300),
            any::<bool>(),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(mut p, swap, at)| {
                p.sort_by(|a, b| {
                    (a.0.as_bytes(), a.1.as_bytes()).cmp(&(b.0.as_bytes(), b.1.as_bytes()))
                });
                if swap {
                    let i = at.index(p.len() - 1);
                    p.swap(i, i + 1);
                }
                p.iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            }),
    ]
}

/// Bytes the check refuses, and bytes it takes but that make a query not canonical.
const INSERTED: &[&str] = &[
    " ", "\t", "\r", "\n", "\0", "\u{1f}", "\u{7f}", "#", "%", "+", "*", "=", "&", "\u{e9}",
];

/// `q` with `ins` put so that it starts at `at` bytes from the start (or, with
/// `from_end`, ends `at` bytes before the end) of the result; `None` off a character
/// boundary or outside the text.
fn put(q: &str, ins: &str, at: usize, from_end: bool) -> Option<String> {
    let index = if from_end {
        q.len().checked_sub(at)?
    } else {
        at
    };
    if !q.is_char_boundary(index) {
        return None;
    }
    let mut out = String::with_capacity(q.len() + ins.len());
    out.push_str(&q[..index]);
    out.push_str(ins);
    out.push_str(&q[index..]);
    Some(out)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn long_queries_match_the_reference(
        q in long_query(),
        picks in vec(0..INSERTED.len(), 64),
        middle in 0usize..1 << 16,
    ) {
        check(&q)?;
        // A byte at every offset 0..16 from each end, and at 16m + r from each end for
        // a word m inside the text: every residue modulo 8 and 16 from either end.
        let words = (q.len() / 16).max(1);
        let m = middle % words;
        let mut k = 0;
        for r in 0..16 {
            for (at, from_end) in [(r, false), (r, true), (16 * m + r, false), (16 * m + r, true)] {
                let ins = INSERTED[picks[k % picks.len()]];
                k += 1;
                if let Some(q) = put(&q, ins, at, from_end) {
                    check(&q)?;
                }
            }
        }
    }
}

/// The reference itself against the documented examples (the module docs' and
/// vectors/README.md's), so that a wrong reference is not taken for a wrong builder.
#[test]
fn the_reference_gives_the_documented_examples() {
    assert_eq!(
        acs3_reference("b=x+y*~&a=&c=%E4%B8%AD"),
        "a=&b=x%20y%2A~&c=%E4%B8%AD"
    );
    assert_eq!(huawei_reference("b=2&a=x%20y&a=1&c"), "a=1&a=x%20y&b=2&c=");
    assert_eq!(huawei_reference("k=%7E+"), "k=~%2B");
    assert_eq!(
        acs3_reference(
            "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
        ),
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    );
    assert_eq!(acs3_reference("a=%FF%2"), "a=%EF%BF%BD%252");
    assert_eq!(acs3_reference("z=1&&a"), "a=&z=1");
    assert!(refused("a=1#") && refused("a=\u{7f}") && refused("a b") && !refused("a=\u{e9}*+%"));
}

/// A long query with a refused byte in its last, partial word: a check that skipped
/// the bytes after its last whole word would take it.
#[test]
fn a_bad_byte_in_the_last_partial_word_is_refused() {
    let clean: String = (0..40)
        .map(|i| format!("k{i:02}=v{i:03}&"))
        .collect::<String>()
        + "z=1";
    assert_eq!(clean.len() % 8, 3, "{}", clean.len());
    for tail in 1..=3 {
        for bad in ["\n", " ", "#", "\u{7f}"] {
            let q = put(&clean, bad, tail, true).unwrap();
            check(&q).unwrap();
        }
    }
}
