//! Property tests of robustness and of the capture formats.
//!
//! - Every capture reader, the format detector, the Authorization and form parsers, and
//!   the verifier (with its diagnosis and renderers) finish without panicking on any
//!   input: arbitrary bytes, soups of format tokens, mutations of the real captures
//!   under `vectors/captures/` written in each of the four formats, arbitrary requests;
//!   readers always end (each item consumes input), with default and tiny limits.
//! - The parallel pipelines report exactly what the sequential readers and verifier do.
//! - Where a parser has an inverse it gives back what was written: `parse_tc3` of a
//!   rendered Authorization, `decode_form` of an encoded form, each reader of requests
//!   written in its format (raw HTTP with CRLF or LF, Content-Length or chunked; curl
//!   with every bash quoting; JSON lines; HAR), at the offsets and lines written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use cloudsig_canonical::encode::query_string;
use cloudsig_canonical::tc3::HeaderValueCase;
use cloudsig_verify::auth::{AuthForm, parse_tc3};
use cloudsig_verify::capture::curl::CurlReader;
use cloudsig_verify::capture::detect::{Format, detect};
use cloudsig_verify::capture::har::HarReader;
use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::capture::jsonl::{JsonLinesReader, write_record};
use cloudsig_verify::capture::{Captured, Item, Limits, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::params::decode_form;
use cloudsig_verify::{KeyCache, Options, Report, Session, Verdict, Verifier, pipeline, render};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};

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

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/captures");
/// The time of the documentation's example, which most captures were made at.
const NOW: i64 = 1_551_113_065;

fn keys() -> &'static KeyRing {
    static KEYS: OnceLock<KeyRing> = OnceLock::new();
    KEYS.get_or_init(|| {
        KeyRing::from_file(Path::new(&format!("{CAPTURES}/tencent/keys.txt"))).unwrap()
    })
}

// ---------------------------------------------------------------------------------
// The corpus: every capture, in every format
// ---------------------------------------------------------------------------------

fn http_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            http_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "http") {
            out.push(path);
        }
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn absolute_url(c: &Captured) -> String {
    if c.target.starts_with('/') {
        format!("https://{}{}", c.host().unwrap_or("h"), c.target)
    } else {
        c.target.clone()
    }
}

/// A captured request as a curl command, written here (not by the code under test).
fn to_curl(c: &Captured) -> String {
    let mut out = format!("curl -X {} {}", c.method, shell_quote(&absolute_url(c)));
    for (n, v) in &c.headers {
        out.push_str(&format!(" \\\n  -H {}", shell_quote(&format!("{n}: {v}"))));
    }
    if !c.body.is_empty() {
        let body = String::from_utf8_lossy(&c.body);
        out.push_str(&format!(" \\\n  --data-raw {}", shell_quote(&body)));
    }
    out.push('\n');
    out
}

/// Captured requests as a HAR 1.2 file.
fn to_har(requests: &[Captured]) -> String {
    let entries: Vec<serde_json::Value> = requests
        .iter()
        .map(|c| {
            let headers: Vec<serde_json::Value> = c
                .headers
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
                .collect();
            let post = match std::str::from_utf8(&c.body) {
                Ok(text) => serde_json::json!({"mimeType": c.header("content-type").unwrap_or(""), "text": text}),
                Err(_) => serde_json::json!({
                    "mimeType": "application/octet-stream",
                    "text": base64::engine::general_purpose::STANDARD.encode(&c.body),
                    "encoding": "base64",
                }),
            };
            serde_json::json!({
                "startedDateTime": "2019-02-25T16:44:25Z",
                "request": {"method": c.method, "url": absolute_url(c), "httpVersion": "HTTP/1.1",
                            "headers": headers, "queryString": [], "cookies": [],
                            "headersSize": -1, "bodySize": c.body.len(), "postData": post},
                "response": {"status": 200},
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "log": {"version": "1.2", "creator": {"name": "cloudsig-tests", "version": "1"},
                "entries": entries}
    }))
    .unwrap()
}

/// Every capture file as raw HTTP, and its requests as curl commands, JSON lines and a
/// HAR file.
fn corpus() -> &'static [(Format, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(Format, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files = Vec::new();
        http_files(Path::new(CAPTURES), &mut files);
        files.sort();
        let mut out = Vec::new();
        for file in files {
            let http = std::fs::read(&file).unwrap();
            let requests: Vec<Captured> = HttpReader::new(&http[..], Limits::default())
                .filter_map(Result::ok)
                .collect();
            out.push((Format::Http, http));
            if requests.is_empty() {
                continue;
            }
            let mut curl = String::new();
            let mut jsonl = Vec::new();
            for c in &requests {
                curl.push_str(&to_curl(c));
                write_record(c, &mut jsonl).unwrap();
            }
            out.push((Format::Curl, curl.into_bytes()));
            out.push((Format::JsonLines, jsonl));
            out.push((Format::Har, to_har(&requests).into_bytes()));
        }
        assert!(out.len() > 300, "only {} seeds", out.len());
        out
    })
}

#[test]
fn the_corpus_is_read_back_and_detected() {
    for (format, bytes) in corpus() {
        assert_eq!(
            detect(bytes),
            Some(*format),
            "{}",
            String::from_utf8_lossy(bytes)
        );
        let items = read_all(*format, bytes, Limits::default());
        assert!(
            !items.is_empty() && items.iter().all(Result::is_ok),
            "{format}: {items:?}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Reading and verifying anything
// ---------------------------------------------------------------------------------

fn read_all(format: Format, input: &[u8], limits: Limits) -> Vec<Item> {
    // Each item consumes at least one byte of input: more would mean a reader that
    // never ends.
    let bound = input.len() + 2;
    let items: Vec<Item> = match format {
        Format::Http => HttpReader::new(input, limits).take(bound).collect(),
        Format::Curl => CurlReader::new(input, limits).take(bound).collect(),
        Format::Har => HarReader::new(input, limits).take(bound).collect(),
        _ => JsonLinesReader::new(input, limits).take(bound).collect(),
    };
    assert!(
        items.len() < bound,
        "{format} reader yields without end on {:?}",
        String::from_utf8_lossy(input)
    );
    items
}

fn tiny_limits() -> Limits {
    Limits {
        max_head: 96,
        max_body: 32,
        max_record: 160,
    }
}

/// The report is consistent with itself and renders.
fn check_report(r: &Report) -> Result<(), TestCaseError> {
    match r.verdict {
        Verdict::Valid | Verdict::Unsigned => prop_assert!(r.findings.is_empty(), "{r:#?}"),
        Verdict::Invalid | Verdict::Unreadable => prop_assert!(!r.findings.is_empty(), "{r:#?}"),
        _ => {}
    }
    prop_assert_eq!(r.code(), r.findings.first().map(|f| f.code));
    let _ = r.to_string();
    for reveal in [render::Reveal::Nothing, render::Reveal::ExpectedSignature] {
        let _ = render::explain(r, reveal);
        let _ = render::to_json(r, reveal);
    }
    Ok(())
}

/// The reports with the wording of unreadable findings left out.
fn same_words(mut reports: Vec<Report>) -> Vec<Report> {
    for r in &mut reports {
        if r.verdict == Verdict::Unreadable {
            for f in &mut r.findings {
                f.message.clear();
            }
        }
    }
    reports
}

/// Reads `input` in every format with both limits, verifies every request, and holds
/// the parallel pipelines to the sequential results.
fn read_and_verify_everything(input: &[u8]) -> Result<(), TestCaseError> {
    let _ = detect(input);
    let verifier = Verifier::new(keys().clone(), Options::at(NOW));
    for limits in [Limits::default(), tiny_limits()] {
        for format in [Format::Http, Format::Curl, Format::Har, Format::JsonLines] {
            let items = read_all(format, input, limits);
            // What the JSON-lines reader read, write_record writes as a record that reads
            // back the same (the other readers accept targets a record may not hold).
            if format == Format::JsonLines {
                for c in items.iter().flatten() {
                    let mut record = Vec::new();
                    write_record(c, &mut record).unwrap();
                    let back = read_all(Format::JsonLines, &record, Limits::default());
                    prop_assert!(
                        matches!(back.as_slice(), [Ok(b)] if parts(b) == parts(c)),
                        "{c:?} -> {back:?}"
                    );
                }
            }
            let mut session = Session::new(verifier.clone());
            let reports: Vec<Report> = items.iter().map(|i| session.verify_item(i)).collect();
            for r in &reports {
                check_report(r)?;
            }
            if format == Format::JsonLines {
                let mut parallel = Vec::new();
                pipeline::verify_jsonl(input, &verifier, limits, 1, |r| {
                    parallel.push(r);
                    Ok(())
                })
                .unwrap();
                // The two say "too long" in different words; all else is the same.
                prop_assert_eq!(&same_words(parallel), &same_words(reports.clone()));
            }
            if format == Format::Http && limits == Limits::default() {
                let mut parallel = Vec::new();
                let items = HttpReader::new(input, limits);
                pipeline::verify_items(items, &verifier, 2, |r| {
                    parallel.push(r);
                    Ok(())
                })
                .unwrap();
                prop_assert_eq!(&parallel, &reports);
            }
        }
    }
    Ok(())
}

/// Pieces of every format, to build inputs that reach deep into the parsers.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b" ",
    b"\t",
    b"\\\n",
    b"\"",
    b"\\",
    b"'",
    b"$'",
    b"\\x",
    b"\\u00",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"%",
    b"%2",
    b"&",
    b"=",
    b"+",
    b"#",
    b"@",
    b"-",
    b";",
    b"0",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xe4\xb8\xad",
    b"POST / HTTP/1.1\r\n",
    b"GET /?Action=A&Signature=x HTTP/1.1\n",
    b"GET http://h HTTP/1.0\r\n",
    b"Host: cvm.tencentcloudapi.com\r\n",
    b"Content-Length: 5\r\n",
    b"Content-Length: 99999999999999999999\r\n",
    b"Content-Length: -1\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"5\r\nhello\r\n",
    b"0\r\n\r\n",
    b"ffffffffffffffffff\r\n",
    b"Content-Type: application/json\r\n",
    b"X-TC-Timestamp: 1551113065\r\n",
    b"Authorization: TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=",
    b"Authorization: SKIP\r\n",
    b"curl ",
    b"curl -X POST https://cvm.tencentcloudapi.com/ ",
    b"-H ",
    b"-d ",
    b"--data-raw ",
    b"--data-urlencode ",
    b"--json ",
    b"-G ",
    b"-b ",
    b"--url ",
    b"-XPOST",
    b"{\"method\":\"POST\",\"url\":\"https://cvm.tencentcloudapi.com/\",",
    b"\"headers\":[[\"Host\",\"h\"]]",
    b"\"headers\":{\"Host\":\"h\"}",
    b"\"body\":\"",
    b"\"body_base64\":\"",
    b"{\"log\":{\"entries\":[",
    b"\"log\"",
    b"\"entries\"",
    b"{\"request\":{\"method\":\"GET\",\"url\":\"http://h/\",\"headers\":[{\"name\":\":authority\",\"value\":\"h\"}]",
    b"\"postData\":{\"params\":[{\"name\":\"a\",\"value\":\"b\"}]}",
    b"\"encoding\":\"base64\"",
    b"Signature=",
    b"SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
    b"Nonce=1&Timestamp=1551113065",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..512),
        vec(
            prop_oneof![
                4 => select(TOKENS).prop_map(<[u8]>::to_vec),
                1 => vec(any::<u8>(), 1..8),
                1 => "[ -~]{1,12}".prop_map(String::into_bytes),
            ],
            0..48,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Repeat(Index, usize),
    Truncate(Index),
    Move(Index, Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 1u8..).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (
            any::<Index>(),
            prop_oneof![
                select(TOKENS).prop_map(<[u8]>::to_vec),
                vec(any::<u8>(), 1..4)
            ]
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), 1usize..256).prop_map(|(i, n)| Mutation::Repeat(i, n)),
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), any::<Index>(), 1usize..32).prop_map(|(i, j, n)| Mutation::Move(i, j, n)),
    ]
}

fn mutate(input: &mut Vec<u8>, m: &Mutation) {
    let len = input.len();
    match m {
        Mutation::Flip(i, x) if len > 0 => input[i.index(len)] ^= x,
        Mutation::Insert(i, bytes) => {
            let at = i.index(len + 1);
            input.splice(at..at, bytes.iter().copied());
        }
        Mutation::Delete(i, n) if len > 0 => {
            let at = i.index(len);
            input.drain(at..(at + n).min(len));
        }
        Mutation::Repeat(i, n) if len > 0 => {
            let at = i.index(len);
            let piece = input[at..(at + n).min(len)].to_vec();
            input.splice(at..at, piece);
        }
        Mutation::Truncate(i) => input.truncate(i.index(len + 1)),
        Mutation::Move(i, j, n) if len > 0 => {
            let at = i.index(len);
            let piece: Vec<u8> = input.drain(at..(at + n).min(len)).collect();
            let to = j.index(input.len() + 1);
            input.splice(to..to, piece);
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// Arbitrary bytes and soups of format tokens: every reader (default and tiny
    /// limits) ends without panicking, every request it yields verifies without
    /// panicking, and the reports are consistent and render.
    #[test]
    fn readers_and_verifier_never_panic_on_any_bytes(input in soup()) {
        read_and_verify_everything(&input)?;
    }

    /// The same for the real captures in each format, mutated (bytes flipped, inserted,
    /// deleted, repeated, moved; truncated).
    #[test]
    fn readers_and_verifier_never_panic_on_mutated_captures(
        seed in any::<Index>(),
        mutations in vec(mutation(), 1..6),
    ) {
        let corpus = corpus();
        let mut input = corpus[seed.index(corpus.len())].1.clone();
        for m in &mutations {
            mutate(&mut input, m);
        }
        read_and_verify_everything(&input)?;
    }
}

// ---------------------------------------------------------------------------------
// The verifier on arbitrary requests
// ---------------------------------------------------------------------------------

fn wild() -> impl Strategy<Value = String> {
    r"(?s).{0,16}"
}

/// `good` most of the time, anything at all otherwise.
fn mostly(good: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        12 => select(good).prop_map(str::to_string),
        1 => wild(),
    ]
    .boxed()
}

/// An Authorization value near the TC3 form, mostly right, every part possibly wrong.
fn authorization() -> BoxedStrategy<String> {
    let id = mostly(&[
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "AKIDtemporaryEXAMPLE0000000000000000",
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "AKIDunknown",
    ]);
    let date = prop_oneof![
        8 => Just("2019-02-25".to_string()),
        1 => r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
        1 => wild(),
    ];
    let service = prop_oneof![4 => Just("cvm".to_string()), 1 => "[a-z_-]{1,8}", 1 => wild()];
    let terminator = mostly(&["tc3_request"]);
    let signed_headers = prop_oneof![
        4 => select(&["content-type;host", "content-type;host;x-tc-action", "host;content-type",
                      "content-type;host;x-tc-timestamp", "content-type;host;x-tc-content-sha256"][..])
            .prop_map(str::to_string),
        1 => r"[a-z-]{1,12}(;[a-z-]{0,12}){0,4}",
        1 => wild(),
    ];
    let signature = prop_oneof![8 => "[0-9a-f]{64}", 1 => "[0-9A-Fa-f]{0,70}", 1 => wild()];
    let sep = prop_oneof![
        8 => Just(", "),
        1 => select(&[",", " , ", ",\t", ",  ", ""][..]),
    ];
    (
        (id, date, service, terminator),
        (signed_headers, signature),
        (sep.clone(), sep),
        prop_oneof![
            8 => Just("TC3-HMAC-SHA256 "),
            1 => Just("TC3-HMAC-SHA256"),
            1 => Just("  TC3-HMAC-SHA256\t"),
        ],
    )
        .prop_map(|((id, date, service, term), (sh, sig), (s1, s2), alg)| {
            format!("{alg}Credential={id}/{date}/{service}/{term}{s1}SignedHeaders={sh}{s2}Signature={sig}")
        })
    .boxed()
}

/// A form or query near a v1 request: the common parameters mostly present and mostly
/// right, other parameters, in any order, encoded or not.
fn v1_form() -> BoxedStrategy<String> {
    let common = (
        proptest::option::weighted(0.9, mostly(&["DescribeInstances"])),
        proptest::option::weighted(0.9, mostly(&["2017-03-12"])),
        proptest::option::weighted(0.9, mostly(&["1551113065", "1551113000", "-1", "x"])),
        proptest::option::weighted(0.9, mostly(&["11886", "1", "0", "-5"])),
        proptest::option::weighted(
            0.9,
            mostly(&[
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                "AKIDtemporaryEXAMPLE0000000000000000",
            ]),
        ),
        proptest::option::weighted(
            0.9,
            prop_oneof!["[A-Za-z0-9+/]{27}=", "[A-Za-z0-9+/]{43}=", wild()],
        ),
        proptest::option::weighted(0.3, mostly(&["HmacSHA256", "HmacSHA1"])),
        proptest::option::weighted(0.2, mostly(&["tokenEXAMPLE123"])),
    );
    let extra = vec(
        (
            prop_oneof![
                select(
                    &[
                        "Region",
                        "A_b",
                        "InstanceIds.0",
                        "Limit",
                        "Nonce",
                        "Signature"
                    ][..]
                )
                .prop_map(str::to_string),
                wild()
            ],
            wild(),
        ),
        0..4,
    );
    (common, extra, any::<u64>(), vec(any::<bool>(), 12))
        .prop_map(
            |((action, version, ts, nonce, id, sig, method, token), extra, order, encode)| {
                let mut pairs: Vec<(String, String)> = [
                    ("Action", action),
                    ("Version", version),
                    ("Timestamp", ts),
                    ("Nonce", nonce),
                    ("SecretId", id),
                    ("Signature", sig),
                    ("SignatureMethod", method),
                    ("Token", token),
                ]
                .into_iter()
                .filter_map(|(n, v)| v.map(|v| (n.to_string(), v)))
                .chain(extra)
                .collect();
                permute(&mut pairs, order);
                pairs
                    .iter()
                    .zip(encode.iter().cycle())
                    .map(|((n, v), encode)| {
                        if *encode {
                            query_string([(n, v)])
                        } else {
                            format!("{n}={v}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("&")
            },
        )
        .boxed()
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

/// Any header: a name the verifier reads (again) or any name, with any value.
fn header() -> BoxedStrategy<(String, String)> {
    let name = prop_oneof![
        2 => select(
            &[
                "Authorization",
                "host",
                "content-type",
                "X-TC-Timestamp",
                "x-tc-token",
                "X-TC-Region",
                "X-Custom",
            ][..]
        )
        .prop_map(str::to_string),
        1 => wild(),
    ];
    let value = prop_oneof![
        1 => authorization(),
        1 => Just("SKIP".to_string()),
        3 => wild(),
    ];
    (name, value).boxed()
}

/// A request near a signed one: the headers the verifier reads mostly present with
/// plausible values, any of them wrong or missing, other headers, any order.
fn captured() -> BoxedStrategy<Captured> {
    let method = prop_oneof![
        8 => select(&["GET", "POST"][..]).prop_map(str::to_string),
        1 => select(&["PUT", "", "get", "HEAD"][..]).prop_map(str::to_string),
        1 => wild(),
    ];
    let target = prop_oneof![
        3 => Just("/".to_string()),
        3 => v1_form().prop_map(|q| format!("/?{q}")),
        1 => v1_form().prop_map(|q| format!("https://cvm.tencentcloudapi.com/?{q}")),
        1 => r"/[!-~]{0,20}",
        1 => r"https?://[!-~]{0,20}",
        1 => wild(),
    ];
    let known = (
        proptest::option::weighted(
            0.7,
            prop_oneof![8 => authorization(), 1 => Just("SKIP".to_string()), 1 => wild()],
        ),
        proptest::option::weighted(
            0.9,
            mostly(&[
                "cvm.tencentcloudapi.com",
                "cvm.tencentcloudapi.com",
                "cvm.tencentcloudapi.com",
                "cvm.tencentcloudapi.com:443",
                "cvm",
            ]),
        ),
        proptest::option::weighted(
            0.85,
            mostly(&[
                "application/json",
                "application/json",
                "application/json; charset=utf-8",
                "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
                "text/plain",
            ]),
        ),
        proptest::option::weighted(0.95, mostly(&["DescribeInstances", "describeinstances"])),
        proptest::option::weighted(0.95, mostly(&["2017-03-12"])),
        proptest::option::weighted(
            0.85,
            mostly(&[
                "1551113065",
                "1551113065",
                "1551113065",
                "1551113065",
                " 1551113065 ",
                "1551199465",
                "+1551113065",
                "-9223372036854775808",
                "99999999999999999999",
                "253402300800",
            ]),
        ),
        proptest::option::weighted(0.2, mostly(&["tokenEXAMPLE123", "other"])),
        proptest::option::weighted(0.2, mostly(&["UNSIGNED-PAYLOAD", "unsigned-payload "])),
    );
    let body = prop_oneof![
        2 => Just(b"{\"Limit\": 1, \"Filters\": [{\"Values\": [\"unnamed\"], \"Name\": \"instance-name\"}]}".to_vec()),
        2 => v1_form().prop_map(String::into_bytes),
        1 => Just(Vec::new()),
        1 => vec(any::<u8>(), 0..128),
    ];
    (
        method,
        target,
        known,
        vec(header(), 0..3),
        any::<u64>(),
        body,
    )
        .prop_map(
            |(
                method,
                target,
                (auth, host, ct, action, version, ts, token, sha),
                extra,
                order,
                body,
            )| {
                let mut headers: Vec<(String, String)> = [
                    ("Authorization", auth),
                    ("Host", host),
                    ("Content-Type", ct),
                    ("X-TC-Action", action),
                    ("X-TC-Version", version),
                    ("X-TC-Timestamp", ts),
                    ("X-TC-Token", token),
                    ("X-TC-Content-SHA256", sha),
                ]
                .into_iter()
                .filter_map(|(n, v)| v.map(|v| (n.to_string(), v)))
                .chain(extra)
                .collect();
                permute(&mut headers, order);
                Captured {
                    location: Location::default(),
                    method,
                    target,
                    headers,
                    body,
                }
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(config(1024))]

    /// The verifier (with or without diagnosis, any options) never panics on any
    /// request, and its report is consistent and renders.
    #[test]
    fn verifier_never_panics_on_any_request(
        cap in captured(),
        now in prop_oneof![Just(NOW), any::<i64>()],
        window in prop_oneof![Just(300i64), any::<i64>()],
        as_sent in any::<bool>(),
        diagnose in any::<bool>(),
    ) {
        let mut options = Options::at(now).window(window).diagnose(diagnose);
        if as_sent {
            options.header_value_case = HeaderValueCase::AsSent;
        }
        let verifier = Verifier::new(keys().clone(), options);
        let report = verifier.check(&cap, &mut KeyCache::default());
        check_report(&report)?;
        prop_assert_ne!(report.verdict, Verdict::Unreadable);
        let mut session = Session::new(verifier);
        let again = session.verify(&cap);
        prop_assert_eq!(again.verdict, report.verdict);
    }
}

// ---------------------------------------------------------------------------------
// The Authorization and form parsers
// ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2048))]

    /// parse_tc3 never panics, on anything.
    #[test]
    fn authorization_parser_never_panics(
        value in prop_oneof![wild(), authorization(), r"(?s).{0,200}"],
    ) {
        if let Ok(a) = parse_tc3(&value) {
            // What it returns is borrowed from the value and free of the separators.
            for part in [a.secret_id, a.date, a.service] {
                prop_assert!(!part.is_empty() && !part.contains('/') && value.contains(part));
            }
        }
    }

    /// An Authorization written from parts, in any order of the parts and with any
    /// separators, reads back as those parts, and its form is named correctly.
    #[test]
    fn authorization_parser_reads_back_what_was_written(
        id in "[A-Za-z0-9]{1,24}",
        date in "[0-9-]{1,10}",
        service in "[a-z0-9_-]{1,10}",
        terminator in "[a-z_]{1,12}",
        signed_headers in "[a-z;-]{1,24}",
        signature in "[0-9a-f]{0,64}",
        order in Just(vec![0usize, 1, 2]).prop_shuffle(),
        seps in vec(select(&[", ", ",", ",  ", ",\t", " ,", " , ", "\t, "][..]), 2),
        lead in select(&[" ", "  ", "\t", " \t"][..]),
    ) {
        let parts = [
            format!("Credential={id}/{date}/{service}/{terminator}"),
            format!("SignedHeaders={signed_headers}"),
            format!("Signature={signature}"),
        ];
        let value = format!(
            "TC3-HMAC-SHA256{lead}{}{}{}{}{}",
            parts[order[0]], seps[0], parts[order[1]], seps[1], parts[order[2]]
        );
        let a = parse_tc3(&value).unwrap();
        prop_assert_eq!(
            (a.secret_id, a.date, a.service, a.terminator, a.signed_headers, a.signature),
            (
                id.as_str(),
                date.as_str(),
                service.as_str(),
                terminator.as_str(),
                signed_headers.as_str(),
                signature.as_str()
            )
        );
        // Documented: one space after the algorithm and `, ` each time; compact: `,`
        // each time; else irregular (a tab or more than one blank after the algorithm,
        // mixed separators, or extra whitespace before or after a comma).
        let after: Vec<&str> = seps.iter().map(|s| &s[s.find(',').unwrap() + 1..]).collect();
        let expected = if lead != " " || seps.iter().any(|s| !s.starts_with(',')) {
            AuthForm::Irregular
        } else if after.iter().all(|s| *s == " ") {
            AuthForm::Documented
        } else if after.iter().all(|s| s.is_empty()) {
            AuthForm::Compact
        } else {
            AuthForm::Irregular
        };
        prop_assert_eq!(a.form, expected, "{}", value);
    }

    /// decode_form never panics; it inverts RFC 3986 encoding (and `+` for spaces)
    /// pair by pair.
    #[test]
    fn form_decoding_never_panics_and_inverts_encoding(
        text in prop_oneof![wild(), v1_form(), r"[%0-9A-Fa-f&=+]{0,24}"],
        pairs in vec((wild(), wild()), 0..6),
    ) {
        let _ = decode_form(&text);
        let encoded = query_string(pairs.iter().map(|(n, v)| (n, v)));
        let back = decode_form(&encoded).unwrap();
        prop_assert_eq!(back.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect::<Vec<_>>(), pairs.clone());
        let plus = decode_form(&encoded.replace("%20", "+")).unwrap();
        prop_assert_eq!(plus, back);
    }
}

// ---------------------------------------------------------------------------------
// Every reader reads back what a writer of its format wrote
// ---------------------------------------------------------------------------------

/// A request that every format can carry: a token method, an absolute URL, a Host
/// header among others whose values are trimmed and free of controls but tab, a body.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    host: String,
    path_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn wire_request() -> impl Strategy<Value = Wire> {
    let name = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}".prop_filter("framing or host", |n| {
        !["content-length", "transfer-encoding", "host"].contains(&n.to_ascii_lowercase().as_str())
    });
    let value = prop_oneof![
        Just(String::new()),
        r"[!-~\u{a0}-\u{10ffff}]([ \t!-~\u{a0}-\u{10ffff}]{0,14}[!-~\u{a0}-\u{10ffff}])?",
    ];
    (
        "[A-Z]{1,7}",
        r"[a-z0-9.-]{1,15}(:[0-9]{1,5})?",
        r"/[!-~&&[^?#]]{0,12}(\?[!-~&&[^#]]{0,16})?",
        vec((name, value), 0..5),
        any::<Index>(),
        prop_oneof![
            r"(?s)[^\x00]{0,40}".prop_map(String::into_bytes),
            vec(any::<u8>(), 0..40),
        ],
    )
        .prop_map(|(method, host, path_query, mut headers, at, body)| {
            let at = at.index(headers.len() + 1);
            headers.insert(at, ("Host".to_string(), host.clone()));
            Wire {
                method,
                host,
                path_query,
                headers,
                body,
            }
        })
}

/// A word for bash, quoted in one of four ways (or two concatenated), as `style` says.
fn shell_word(text: &[u8], style: u64) -> Vec<u8> {
    let single = |t: &[u8]| {
        let mut out = b"'".to_vec();
        for &b in t {
            if b == b'\'' {
                out.extend_from_slice(br"'\''");
            } else {
                out.push(b);
            }
        }
        out.push(b'\'');
        out
    };
    let double = |t: &[u8]| {
        let mut out = b"\"".to_vec();
        for &b in t {
            if matches!(b, b'\\' | b'"' | b'$' | b'`') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b'"');
        out
    };
    let ansi = |t: &[u8]| {
        let mut out = b"$'".to_vec();
        for &b in t {
            match b {
                b'\\' => out.extend_from_slice(br"\\"),
                b'\'' => out.extend_from_slice(br"\'"),
                b'\n' => out.extend_from_slice(br"\n"),
                b'\t' => out.extend_from_slice(br"\t"),
                b'\r' => out.extend_from_slice(br"\r"),
                0x20..=0x7e | 0x80.. => out.push(b),
                _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            }
        }
        out.push(b'\'');
        out
    };
    let bare = |t: &[u8]| {
        // Backslash escapes need a word with no line break and no blank at its end (a
        // `\ ` before a newline is read as a continuation, as in pasted documentation).
        if t.is_empty()
            || t.iter().any(|&b| b == b'\n' || b == b'\r')
            || t.last().is_some_and(|&b| b == b' ' || b == b'\t')
        {
            return single(t);
        }
        let mut out = Vec::new();
        for &b in t {
            if b" \t'\"\\$`|&;<>()#*?[]{}~!".contains(&b) {
                out.push(b'\\');
            }
            out.push(b);
        }
        out
    };
    let one = |t: &[u8], s: u64| match s % 4 {
        0 => single(t),
        1 => double(t),
        2 => ansi(t),
        _ => bare(t),
    };
    if style & 4 != 0 && text.len() > 1 {
        // Two quoted pieces side by side make one word.
        let cut = usize::try_from(style >> 8).unwrap() % text.len();
        let cut = (cut..text.len())
            .find(|&i| std::str::from_utf8(&text[..i]).is_ok() || i == 0)
            .unwrap_or(0);
        if cut > 0 {
            let mut out = one(&text[..cut], style);
            out.extend(one(&text[cut..], style >> 2));
            return out;
        }
    }
    one(text, style)
}

fn write_curl(w: &Wire, styles: &[u64]) -> Vec<u8> {
    let mut style = styles.iter().copied().cycle();
    let mut sep = styles.iter().copied().cycle().skip(3);
    let mut out = b"curl".to_vec();
    let mut word = |out: &mut Vec<u8>, text: &[u8]| {
        out.extend_from_slice(match sep.next().unwrap() % 3 {
            0 => &b" "[..],
            1 => &b" \\\n  "[..],
            _ => &b"\t\\\r\n"[..],
        });
        out.extend(shell_word(text, style.next().unwrap()));
    };
    word(&mut out, b"-X");
    word(&mut out, w.method.as_bytes());
    word(
        &mut out,
        format!("https://{}{}", w.host, w.path_query).as_bytes(),
    );
    for (n, v) in &w.headers {
        word(&mut out, b"-H");
        if v.is_empty() {
            word(&mut out, format!("{n};").as_bytes());
        } else {
            word(&mut out, format!("{n}: {v}").as_bytes());
        }
    }
    if !w.body.is_empty() {
        word(&mut out, b"--data-raw");
        word(&mut out, &w.body);
    }
    out.push(b'\n');
    out
}

fn write_http(w: &Wire, lf: bool, chunked: bool) -> (Vec<u8>, Vec<(String, String)>) {
    let eol = if lf { "\n" } else { "\r\n" };
    let mut headers = w.headers.clone();
    if chunked {
        headers.push(("Transfer-Encoding".into(), "chunked".into()));
    } else {
        headers.push(("Content-Length".into(), w.body.len().to_string()));
    }
    let mut out = format!("{} {} HTTP/1.1{eol}", w.method, w.path_query).into_bytes();
    for (n, v) in &headers {
        out.extend(format!("{n}: {v}{eol}").into_bytes());
    }
    out.extend(eol.as_bytes());
    if chunked {
        for piece in w.body.chunks(7) {
            out.extend(format!("{:x}{eol}", piece.len()).into_bytes());
            out.extend_from_slice(piece);
            out.extend(eol.as_bytes());
        }
        out.extend(format!("0{eol}{eol}").into_bytes());
    } else {
        out.extend_from_slice(&w.body);
    }
    (out, headers)
}

fn as_captured(w: &Wire) -> Captured {
    Captured {
        location: Location::default(),
        method: w.method.clone(),
        target: format!("https://{}{}", w.host, w.path_query),
        headers: w.headers.clone(),
        body: w.body.clone(),
    }
}

/// Method, target, headers and body of a read request, and of what was written.
type Parts = (String, String, Vec<(String, String)>, Vec<u8>);

fn parts(c: &Captured) -> Parts {
    (
        c.method.clone(),
        c.target.clone(),
        c.headers.clone(),
        c.body.clone(),
    )
}

proptest! {
    #![proptest_config(config(512))]

    /// Requests written one after another as raw HTTP (CRLF or LF, Content-Length or
    /// chunked), as curl commands (words quoted in every bash way, continuations), as
    /// JSON lines and as a HAR file are read back exactly, at the offsets and lines
    /// they were written at.
    #[test]
    fn every_reader_reads_back_what_was_written(
        requests in vec(wire_request(), 1..4),
        styles in vec(any::<u64>(), 1..16),
        (lf, chunked, gaps) in (any::<bool>(), any::<bool>(), vec(0usize..3, 4)),
    ) {
        // Raw HTTP, origin-form, with blank lines between requests.
        let mut http = Vec::new();
        let mut expected = Vec::new();
        for (i, w) in requests.iter().enumerate() {
            for _ in 0..gaps[i] {
                http.extend_from_slice(if lf { b"\n" } else { b"\r\n" });
            }
            let offset = http.len() as u64;
            let line = http.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let (bytes, headers) = write_http(w, lf, chunked);
            http.extend(bytes);
            expected.push(((w.method.clone(), w.path_query.clone(), headers, w.body.clone()), offset, line));
        }
        let read = read_all(Format::Http, &http, Limits::default());
        prop_assert_eq!(read.len(), expected.len(), "{:?}", read);
        for (i, (item, (want, offset, line))) in read.iter().zip(&expected).enumerate() {
            let got = item.as_ref().map_err(|e| TestCaseError::fail(format!("{e}: {:?}", String::from_utf8_lossy(&http))))?;
            prop_assert_eq!(&parts(got), want);
            prop_assert_eq!(got.location, Location { index: i, offset: *offset, line: Some(*line) });
        }

        let captured: Vec<Captured> = requests.iter().map(as_captured).collect();

        // JSON lines.
        let mut jsonl = Vec::new();
        let mut starts = Vec::new();
        for c in &captured {
            starts.push(jsonl.len() as u64);
            write_record(c, &mut jsonl).unwrap();
        }
        let read = read_all(Format::JsonLines, &jsonl, Limits::default());
        prop_assert_eq!(read.len(), captured.len());
        for (i, (item, c)) in read.iter().zip(&captured).enumerate() {
            let got = item.as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parts(got), parts(c));
            prop_assert_eq!(got.location, Location { index: i, offset: starts[i], line: Some(i as u64 + 1) });
        }

        // HAR.
        let har = to_har(&captured);
        let read = read_all(Format::Har, har.as_bytes(), Limits::default());
        prop_assert_eq!(read.len(), captured.len());
        for (item, c) in read.iter().zip(&captured) {
            let got = item.as_ref().map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parts(got), parts(c));
        }

        // curl: only text bodies without NUL, which is what a shell argument can be.
        if requests.iter().all(|w| std::str::from_utf8(&w.body).is_ok() && !w.body.contains(&0)) {
            let mut curl = Vec::new();
            let mut lines = Vec::new();
            for w in &requests {
                lines.push(curl.iter().filter(|&&b| b == b'\n').count() as u64 + 1);
                curl.extend(write_curl(w, &styles));
            }
            let read = read_all(Format::Curl, &curl, Limits::default());
            prop_assert_eq!(read.len(), captured.len(), "{}", String::from_utf8_lossy(&curl));
            for (i, (item, c)) in read.iter().zip(&captured).enumerate() {
                let got = item.as_ref().map_err(|e| {
                    TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&curl)))
                })?;
                let mut want = parts(c);
                // curl sends its default Content-Type with a body that has none.
                if !c.body.is_empty() && c.header("content-type").is_none() {
                    want.2.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
                }
                prop_assert_eq!(parts(got), want, "{}", String::from_utf8_lossy(&curl));
                prop_assert_eq!(got.location.line, Some(lines[i]));
            }
        }
    }
}
