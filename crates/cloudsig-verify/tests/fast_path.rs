//! The report-free path (`Verifier::certainly_valid`, and the JSON-lines pipeline that
//! counts what it confirms, `pipeline::verify_jsonl_valid_counted`) against the full
//! verifier, differentially: on generated TC3 requests, valid ones and single mutations of
//! them (a header changed or removed, the signature broken, the timestamp outside the
//! window, a header sent twice, obs-text, the content type, the Authorization's form, the
//! credential scope, the token, the host, an API parameter, region or action wrong), under
//! several verifier settings (with and without the built-in API catalog, a window, the
//! host rule), the fast path never says valid where the full verifier does not; it does
//! confirm the plain valid requests (else it would be of no use, and this test vacuous);
//! and the pipeline gives the same summary and the same reports of the requests it keeps,
//! replayed v1 nonces included. Nothing here is timed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;

use cloudsig_api::Catalog;
use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, V1Call, sign_tc3, sign_v1};
use cloudsig_canonical::v1::Params;
use cloudsig_verify::capture::jsonl::write_record;
use cloudsig_verify::capture::{Captured, Limits, Location};
use cloudsig_verify::conformance::ReplayGuard;
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::pipeline::{self, Summary};
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier};

const NOW: i64 = 1_700_000_000;
const IDS: [(&str, &str, Option<&str>); 3] = [
    ("AKIDfastPath0EXAMPLE", "fastPathSecret0", None),
    ("AKIDfastPath1EXAMPLE", "fastPathSecret1", None),
    (
        "AKIDfastToken0EXAMPLE",
        "fastPathSecret2",
        Some("tokenOfTheKeyFile"),
    ),
];

fn keys() -> KeyRing {
    let text: String = IDS
        .iter()
        .map(|(id, secret, token)| format!("{id} {secret} {}\n", token.unwrap_or_default()))
        .collect();
    KeyRing::parse(&text, "test").unwrap()
}

/// A small deterministic generator (the cases are reproducible without a seed file).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The ES actions of the built-in catalog with a valid body, and bodies it refuses.
const ES_VALID: [(&str, &str); 3] = [
    ("RestartKibana", r#"{"InstanceId": "es-12345678"}"#),
    (
        "DescribeInstances",
        r#"{"Zone": "ap-guangzhou-3", "Limit": 10, "Offset": 0}"#,
    ),
    (
        "UpdateInstance",
        r#"{"InstanceId": "es-12345678", "InstanceName": "name-1"}"#,
    ),
];
const ES_BAD_BODIES: [&str; 4] = [
    r#"{"InstanceId": 7}"#,
    r#"{"InstanceId": "es-1", "NoSuchParameter": 1}"#,
    "not json",
    r#"{}"#,
];

/// A signed TC3 request, plain (valid under the default settings at `NOW`) or varied
/// by `g` in what it is signed with.
fn tc3_request(g: &mut Gen, plain: bool) -> Captured {
    let (id, secret, token) = *g.pick(&IDS);
    let mut creds = Credentials::new(id, secret).unwrap();
    let es = plain || g.below(3) > 0;
    let mut call = if es {
        let (action, body) = *g.pick(&ES_VALID);
        let body = if !plain && g.below(6) == 0 {
            *g.pick(&ES_BAD_BODIES)
        } else {
            body
        };
        let action = if !plain && g.below(12) == 0 {
            "NoSuchAction"
        } else {
            action
        };
        let version = if !plain && g.below(12) == 0 {
            "2099-01-01"
        } else {
            "2018-04-16"
        };
        Tc3Call::new("es", action, version).body(body)
    } else {
        Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .body(r#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#)
    };
    let region = if plain {
        "ap-guangzhou"
    } else {
        *g.pick(&["ap-guangzhou", "ap-shanghai", "xx-nowhere-1", ""])
    };
    if !region.is_empty() {
        call = call.region(region);
    }
    if let Some(t) = token
        && (plain || g.below(4) > 0)
    {
        let sent = if !plain && g.below(3) == 0 {
            "anotherToken"
        } else {
            t
        };
        creds = creds.with_token(sent).unwrap();
    }
    if !plain {
        call = match g.below(14) {
            0 => call.content_type("application/json; charset=utf-8"),
            1 => call.content_type("Application/JSON"),
            2 => call.content_type("text/plain"),
            3 => call.content_type("application/x-www-form-urlencoded"),
            4 => call.content_type("multipart/form-data"),
            5 => call.language("en-US"),
            6 => call.sign_header("x-tc-action"),
            7 => call.unsigned_payload(true),
            8 => call.host("127.0.0.1:8080"),
            9 => call.host("es.ap-guangzhou.tencentcloudapi.com"),
            10 => call.extra_header("X-Trace", "caf\u{e9}"),
            11 => call
                .method("GET")
                .content_type("application/x-www-form-urlencoded")
                .body(""),
            12 => call.method("GET").body(""),
            _ => call,
        };
    }
    let ts = if plain {
        NOW - 10
    } else {
        NOW + *g.pick(&[-7200i64, -301, -300, -10, 0, 299, 300, 301, 4000])
    };
    let signed = sign_tc3(&creds, &call, &FixedClock(ts)).unwrap();
    Captured {
        location: Location::default(),
        method: signed.method().into(),
        target: signed.path().into(),
        headers: signed.headers().to_vec(),
        body: signed.body().to_vec(),
    }
}

fn position(cap: &Captured, name: &str) -> Option<usize> {
    cap.headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// `cap` with one change (`kind` of 18), some of which leave it valid.
fn mutated(g: &mut Gen, cap: &Captured, kind: usize) -> Captured {
    let mut c = cap.clone();
    let n = c.headers.len();
    let auth = position(&c, "Authorization").unwrap();
    match kind {
        // a header's value changed (signed or not)
        0 => {
            let h = g.below(n);
            c.headers[h].1.push('x');
        }
        // a header removed
        1 => {
            c.headers.remove(g.below(n));
        }
        // the signature broken: one hex digit changed
        2 => {
            let v = &mut c.headers[auth].1;
            let i = v.len() - 1 - g.below(64);
            let b = v.as_bytes()[i];
            let other = if b == b'0' { "1" } else { "0" };
            v.replace_range(i..=i, other);
        }
        // a header sent twice: the same value, another value, or the name in another case
        3..=5 => {
            let h = g.below(n);
            let (name, value) = c.headers[h].clone();
            let name = if kind == 5 {
                name.to_ascii_uppercase()
            } else {
                name
            };
            let value = if kind == 4 {
                format!("{value}0")
            } else {
                value
            };
            let at = g.below(n + 1);
            c.headers.insert(at, (name, value));
        }
        // obs-text in a header value (an unsigned one here: the verdict may stay valid)
        6 => c
            .headers
            .push(("X-Note".into(), "d\u{e9}j\u{e0} vu \u{80}".into())),
        // the content type changed after signing
        7 => {
            if let Some(h) = position(&c, "Content-Type") {
                c.headers[h].1 = (*g.pick(&[
                    "application/json",
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    " application/json",
                ]))
                .into();
            }
        }
        // the timestamp header rewritten (blanks around it, another value, not a number)
        8 => {
            if let Some(h) = position(&c, "X-TC-Timestamp") {
                let v = c.headers[h].1.clone();
                c.headers[h].1 = match g.below(4) {
                    0 => format!(" {v} "),
                    1 => format!("{}", v.parse::<i64>().unwrap() + 1000),
                    2 => "soon".into(),
                    _ => format!("+{v}"),
                };
            }
        }
        // the Authorization's form: compact, irregular, a leading blank, lower case
        9 => {
            let v = c.headers[auth].1.clone();
            c.headers[auth].1 = match g.below(4) {
                0 => v.replace(", ", ","),
                1 => v.replace(", ", " ,  "),
                2 => format!(" {v}"),
                _ => v.to_ascii_lowercase(),
            };
        }
        // the credential scope: date, service, terminator, SecretId
        10 => {
            let v = c.headers[auth].1.clone();
            c.headers[auth].1 = match g.below(5) {
                0 => v.replace("/2023-11-14/", "/2023-11-15/"),
                1 => v.replace("/es/", "/cvm/").replace("/cvm/tc3", "/es/tc3"),
                2 => v.replace("tc3_request", "tc3_requesT"),
                3 => v.replace("AKIDfastPath0", "AKIDfastPathX"),
                _ => v.replace("content-type;host", "content-type"),
            };
        }
        // the method
        11 => c.method = (*g.pick(&["post", "PUT", "GET"])).into(),
        // an API parameter, the region or the action wrong, after signing
        12 => {
            if let Some(h) = position(&c, "X-TC-Region") {
                c.headers[h].1 = (*g.pick(&["xx-nowhere-1", " ap-guangzhou ", ""])).into();
            }
        }
        13 => {
            if let Some(h) = position(&c, "X-TC-Action") {
                c.headers[h].1 =
                    (*g.pick(&["NoSuchAction", " RestartKibana", "restartkibana"])).into();
            }
        }
        14 => c.body = br#"{"InstanceId": 7}"#.to_vec(),
        // the token sent, another one, or none
        15 => match position(&c, "X-TC-Token") {
            Some(h) if g.below(2) == 0 => {
                c.headers.remove(h);
            }
            Some(h) => c.headers[h].1 = "anotherToken".into(),
            None => c.headers.push(("X-TC-Token".into(), "aToken".into())),
        },
        // the host: another service's, a port, none (the target's authority then)
        16 => {
            if let Some(h) = position(&c, "Host") {
                match g.below(3) {
                    0 => c.headers[h].1 = "cvm.tencentcloudapi.com".into(),
                    1 => c.headers[h].1.push_str(":443"),
                    _ => {
                        c.headers.remove(h);
                    }
                }
            }
        }
        // X-TC-Content-SHA256 added
        _ => c
            .headers
            .push(("X-TC-Content-SHA256".into(), "UNSIGNED-PAYLOAD".into())),
    }
    c
}

/// The verifiers the cases are checked under.
fn verifiers() -> Vec<(&'static str, Verifier)> {
    let catalog = Arc::new(Catalog::builtin().unwrap());
    let base = Options::at(NOW).diagnose(false);
    vec![
        ("default", Verifier::new(keys(), base)),
        (
            "catalog",
            Verifier::new(keys(), base).with_api_catalog(Arc::clone(&catalog)),
        ),
        (
            "catalog, window 3600, host not naming the service",
            Verifier::new(keys(), base.window(3600).host_names_service(false))
                .with_api_catalog(catalog),
        ),
        ("window 60", Verifier::new(keys(), base.window(60))),
    ]
}

/// Asserts the fast path's answer agrees with the full verifier's verdict on `cap`;
/// returns (fast said valid, full said valid).
fn agree(label: &str, v: &Verifier, cap: &Captured, cache: &mut KeyCache) -> (bool, bool) {
    let full = v.check(cap, &mut KeyCache::default());
    let fast = v.certainly_valid(&cap.view(), cache);
    assert!(
        !fast || full.verdict == Verdict::Valid,
        "{label}: the fast path says valid, the full verifier {full}\n{cap:#?}"
    );
    (fast, full.verdict == Verdict::Valid)
}

#[test]
fn plain_valid_requests_are_confirmed_by_the_fast_path() {
    let mut g = Gen(1);
    for (label, v) in verifiers() {
        let mut cache = KeyCache::default();
        for _ in 0..200 {
            let cap = tc3_request(&mut g, true);
            let (fast, full) = agree(label, &v, &cap, &mut cache);
            assert!(
                full && fast,
                "{label}: a plain request not confirmed\n{cap:#?}"
            );
        }
    }
}

#[test]
fn the_fast_path_never_says_valid_where_the_full_verifier_does_not() {
    let mut g = Gen(2);
    let verifiers = verifiers();
    let (mut confirmed, mut full_valid, mut cases) = (0usize, 0usize, 0usize);
    let mut caches: Vec<KeyCache> = verifiers.iter().map(|_| KeyCache::default()).collect();
    for round in 0..1500 {
        let plain = round % 3 == 0;
        let base = tc3_request(&mut g, plain);
        let mut variants = vec![base.clone()];
        for kind in 0..18 {
            variants.push(mutated(&mut g, &base, kind));
        }
        for cap in &variants {
            for ((label, v), cache) in verifiers.iter().zip(caches.iter_mut()) {
                let (fast, full) = agree(label, v, cap, cache);
                cases += 1;
                confirmed += usize::from(fast);
                full_valid += usize::from(full);
            }
        }
    }
    // The fast path is not vacuous: it confirms most of what the full verifier calls
    // valid (it leaves the unusual valid requests, with notes, to the full verifier).
    assert!(
        confirmed * 10 >= full_valid * 6,
        "{confirmed} confirmed of {full_valid} valid in {cases} cases"
    );
    assert!(
        full_valid * 4 < cases,
        "{full_valid} valid of {cases}: too few mutations fail"
    );
}

/// A v1 GET with `nonce`: the replay rule's requests (a TC3 request carries no nonce).
fn v1_request(nonce: u64, ts: i64) -> Captured {
    let (id, secret, _) = IDS[0];
    let creds = Credentials::new(id, secret).unwrap();
    let mut params = Params::new();
    params.push("InstanceId", "es-12345678");
    let call = V1Call::new("es.tencentcloudapi.com", "RestartKibana", "2018-04-16")
        .region("ap-guangzhou")
        .params(params)
        .nonce(nonce);
    let signed = sign_v1(&creds, &call, &FixedClock(ts)).unwrap();
    Captured {
        location: Location::default(),
        method: signed.method().into(),
        // the parameters are in the query
        target: signed.url(),
        headers: signed.headers().to_vec(),
        body: signed.body().to_vec(),
    }
}

fn described(r: &Report) -> String {
    format!("{} {:?} {:?}", r, r.location, r.findings)
}

#[test]
fn the_pipeline_counting_valid_requests_agrees_with_the_full_pipeline() {
    let mut g = Gen(3);
    let mut input = Vec::new();
    for round in 0..600 {
        let base = tc3_request(&mut g, round % 2 == 0);
        let cap = if round % 4 == 1 {
            let kind = g.below(18);
            mutated(&mut g, &base, kind)
        } else {
            base
        };
        write_record(&cap, &mut input).unwrap();
        if round % 50 == 0 {
            input.extend_from_slice(b"not a record\n");
        }
        if round % 40 == 0 {
            // the same nonce twice: the second is a replay
            let v1 = v1_request(round as u64 + 1, NOW - 5);
            write_record(&v1, &mut input).unwrap();
            write_record(&v1, &mut input).unwrap();
        }
    }
    let keep = |r: &Report| r.verdict != Verdict::Valid;
    for (label, v) in verifiers() {
        for threads in [1, 2] {
            let run = |fast: bool| -> (Summary, Vec<String>) {
                let mut replay = ReplayGuard::new(v.options().replay_window());
                let mut kept = Vec::new();
                let sink = |r: Report| {
                    kept.push(described(&r));
                    Ok(())
                };
                let summary = if fast {
                    pipeline::verify_jsonl_valid_counted(
                        input.as_slice(),
                        &v,
                        Limits::default(),
                        threads,
                        &mut replay,
                        keep,
                        sink,
                    )
                } else {
                    pipeline::verify_jsonl_where_with_replay(
                        input.as_slice(),
                        &v,
                        Limits::default(),
                        threads,
                        &mut replay,
                        keep,
                        sink,
                    )
                }
                .unwrap();
                (summary, kept)
            };
            let (full, full_kept) = run(false);
            let (fast, fast_kept) = run(true);
            assert_eq!(fast, full, "{label}, {threads} threads");
            assert_eq!(fast_kept, full_kept, "{label}, {threads} threads");
            assert!(full.valid > 200 && full.invalid > 50, "{label}: {full}");
            assert!(
                full_kept.iter().any(|r| r.contains("nonce-replay")),
                "{label}: no replay among {full_kept:#?}"
            );
        }
    }
}

/// What a rewritten body escape makes of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escaped {
    /// The same body bytes, written with other escapes: valid as the record it came from.
    Same,
    /// Other body bytes: the signature does not match.
    Other,
    /// Not JSON (a bad escape): unreadable.
    Bad,
}

/// The record `line` (as `write_record` writes it, body last) with its body's JSON
/// text rewritten by `f`.
fn with_body_text(line: &str, f: impl FnOnce(&str) -> String) -> String {
    let start = line.find(",\"body\":\"").unwrap() + 9;
    let end = line.len() - 2;
    assert_eq!(&line[end..], "\"}");
    format!("{}{}{}", &line[..start], f(&line[start..end]), &line[end..])
}

/// `text` with its `k`-th `from` (counted from 0, cyclically) replaced by `to`.
fn replace_nth(text: &str, from: &str, to: &str, k: usize) -> String {
    let at: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
    assert!(!at.is_empty(), "no {from} in {text}");
    let i = at[k % at.len()];
    format!("{}{to}{}", &text[..i], &text[i + from.len()..])
}

/// The JSON-lines pipeline's report-free path reads a body's escapes as the full parser
/// does (it hashes the body's unescaped bytes without unescaping them, and unescapes
/// them only for the API check): records whose body text is rewritten with other
/// escapes for the same bytes (`\u0022` for `\"`, `\/` for `/`, `\u00e9` for `é`, a
/// surrogate pair for an emoji, `\u005c` for `\\`) stay valid; a rewrite that changes a
/// byte (`\/` or `\u0027` for a `\"`, `\r` for `\n`) is invalid; a bad escape (`\x`,
/// `\u00zz`, a lone surrogate, `\'`) is unreadable. The counts are those of the
/// rewrites made, and the fast and full pipelines give the same summary and reports.
#[test]
fn body_escapes_are_read_alike_by_the_fast_and_full_pipelines() {
    let mut g = Gen(5);
    let (id, secret, _) = IDS[0];
    let creds = Credentials::new(id, secret).unwrap();
    let mut input = String::new();
    let mut want = Summary::default();
    for i in 0..150usize {
        // CVM (no API definition) with a body of every kind of escape; ES (API checked)
        // with a catalog-valid body of quotes only.
        let (call, es) = if i % 3 == 0 {
            let (action, body) = *g.pick(&ES_VALID);
            (Tc3Call::new("es", action, "2018-04-16").body(body), true)
        } else {
            let body = format!(
                "{{\"I\": {i}, \"Path\": \"a/b\\\\c{}\", \"Note\": \"l1\nl2\t\u{e9} \u{1F600}\"}}",
                " ".repeat(i % 9)
            );
            (
                Tc3Call::new("cvm", "DescribeInstances", "2017-03-12").body(body),
                false,
            )
        };
        let call = call.region("ap-guangzhou");
        let signed = sign_tc3(&creds, &call, &FixedClock(NOW - 10)).unwrap();
        let cap = Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        };
        let mut out = Vec::new();
        write_record(&cap, &mut out).unwrap();
        let line = String::from_utf8(out).unwrap().trim_end().to_string();
        let k = g.below(64);
        let mut cases: Vec<(Escaped, String)> = vec![
            (Escaped::Same, line.clone()),
            (
                Escaped::Same,
                with_body_text(&line, |t| t.replace("\\\"", "\\u0022")),
            ),
            (
                Escaped::Same,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\u0022", k)),
            ),
            (
                Escaped::Other,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\/", k)),
            ),
            (
                Escaped::Other,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\u0027", k)),
            ),
            (
                Escaped::Bad,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\x", k)),
            ),
            (
                Escaped::Bad,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\u00zz", k)),
            ),
            (
                Escaped::Bad,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\ud800", k)),
            ),
            (
                Escaped::Bad,
                with_body_text(&line, |t| replace_nth(t, "\\\"", "\\'", k)),
            ),
        ];
        if !es {
            cases.extend([
                (
                    Escaped::Same,
                    with_body_text(&line, |t| t.replace('/', "\\/")),
                ),
                (
                    Escaped::Same,
                    with_body_text(&line, |t| t.replace('\u{e9}', "\\u00e9")),
                ),
                (
                    Escaped::Same,
                    with_body_text(&line, |t| t.replace('\u{1F600}', "\\ud83d\\ude00")),
                ),
                (
                    Escaped::Same,
                    with_body_text(&line, |t| t.replace("\\\\", "\\u005c")),
                ),
                (
                    Escaped::Same,
                    with_body_text(&line, |t| t.replace("\\n", "\\u000a")),
                ),
                (
                    Escaped::Other,
                    with_body_text(&line, |t| t.replace("\\n", "\\r")),
                ),
                (
                    Escaped::Other,
                    with_body_text(&line, |t| t.replace("\\\\", "\\/")),
                ),
                (
                    Escaped::Other,
                    with_body_text(&line, |t| t.replace('\u{e9}', "\\u00e8")),
                ),
            ]);
        }
        for (what, line) in cases {
            want.total += 1;
            match what {
                Escaped::Same => want.valid += 1,
                Escaped::Other => want.invalid += 1,
                Escaped::Bad => want.unreadable += 1,
            }
            input.push_str(&line);
            input.push('\n');
        }
    }
    let keep = |r: &Report| r.verdict != Verdict::Valid;
    for (label, v) in verifiers() {
        let run = |fast: bool| -> (Summary, Vec<String>) {
            let mut replay = ReplayGuard::new(v.options().replay_window());
            let mut kept = Vec::new();
            let sink = |r: Report| {
                kept.push(described(&r));
                Ok(())
            };
            let summary = if fast {
                pipeline::verify_jsonl_valid_counted(
                    input.as_bytes(),
                    &v,
                    Limits::default(),
                    1,
                    &mut replay,
                    keep,
                    sink,
                )
            } else {
                pipeline::verify_jsonl_where_with_replay(
                    input.as_bytes(),
                    &v,
                    Limits::default(),
                    1,
                    &mut replay,
                    keep,
                    sink,
                )
            }
            .unwrap();
            (summary, kept)
        };
        let (full, full_kept) = run(false);
        let (fast, fast_kept) = run(true);
        assert_eq!(full, want, "{label}: the full pipeline\n{full_kept:#?}");
        assert_eq!(fast, want, "{label}: the fast pipeline\n{fast_kept:#?}");
        assert_eq!(fast_kept, full_kept, "{label}");
    }
}
