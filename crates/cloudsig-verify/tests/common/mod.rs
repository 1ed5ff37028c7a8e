//! What the capture tests of every cloud share: reading the official SDKs' captures
//! (`<dir>/<sdk>/<case>.http` with its `.json` record), reading a manifest of generated
//! captures and checking each report against what it expects, and the single-byte changes
//! of the mutation tests.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use cloudsig_verify::capture::{Captured, Limits, http::HttpReader};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Session, Verifier};
use serde_json::Value;

/// One request an official SDK sent, with the record of what it was asked to do.
pub struct SdkCase {
    /// `<sdk>/<case>`, e.g. `python/tc3-post-json`.
    pub name: String,
    /// The `.json` record beside the capture (schema `cloudsig-sdk-capture/1`).
    pub record: Value,
    /// The `.http` capture, read by the raw HTTP reader.
    pub capture: Captured,
}

/// Every capture under `dir/<sdk>/` for each of `sdks` (a folder that is missing is
/// skipped: the tests count the captures per SDK), in file-name order. Each record must
/// have the capture schema and, when `cloud` is given, that cloud; each file must hold
/// exactly one request.
pub fn sdk_cases(dir: &str, sdks: &[&str], cloud: Option<&str>) -> Vec<SdkCase> {
    let mut out = Vec::new();
    for sdk in sdks {
        let Ok(entries) = std::fs::read_dir(PathBuf::from(dir).join(sdk)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "http"))
            .collect();
        files.sort();
        for http in files {
            let record: Value = serde_json::from_str(
                &std::fs::read_to_string(http.with_extension("json")).unwrap(),
            )
            .unwrap();
            assert_eq!(record["schema"], "cloudsig-sdk-capture/1");
            if let Some(cloud) = cloud {
                assert_eq!(record["cloud"], cloud, "{}", http.display());
            }
            let items: Vec<_> = HttpReader::new(
                BufReader::new(File::open(&http).unwrap()),
                Limits::default(),
            )
            .collect();
            assert_eq!(items.len(), 1, "{}", http.display());
            let capture = items.into_iter().next().unwrap().unwrap();
            out.push(SdkCase {
                name: format!("{sdk}/{}", http.file_stem().unwrap().to_string_lossy()),
                record,
                capture,
            });
        }
    }
    out
}

/// A verifier at `now` with the keys of `dir/keys.txt`, without diagnosis (the mutation
/// tests check thousands of requests).
pub fn verifier(dir: &str, now: i64) -> Verifier {
    verifier_with(dir, Options::at(now).diagnose(false))
}

/// A verifier with the keys of `dir/keys.txt` and these options.
pub fn verifier_with(dir: &str, options: Options) -> Verifier {
    let keys = KeyRing::from_file(format!("{dir}/keys.txt").as_ref()).unwrap();
    Verifier::new(keys, options)
}

/// One request through `v`.
pub fn check(v: &Verifier, cap: &Captured) -> Report {
    v.check(cap, &mut KeyCache::default())
}

/// A byte other than `b` (ASCII, so text stays text).
pub fn other(b: u8) -> u8 {
    if b == b'x' { b'y' } else { b'x' }
}

/// Positions to change in a part of `len` bytes: all of the first 512, then every 7th.
pub fn positions(len: usize) -> impl Iterator<Item = usize> {
    (0..len).filter(|i| *i < 512 || i % 7 == 0)
}

/// `cap` with byte `i` of its body changed.
pub fn body_changed(cap: &Captured, i: usize) -> Captured {
    let mut m = cap.clone();
    m.body[i] = other(m.body[i]);
    m
}

/// `cap` with byte `i` of its request target changed.
pub fn target_changed(cap: &Captured, i: usize) -> Captured {
    let mut m = cap.clone();
    let mut bytes = m.target.into_bytes();
    bytes[i] = other(bytes[i]);
    m.target = String::from_utf8(bytes).unwrap();
    m
}

/// `cap` with byte `i` of the value of its header number `h` changed.
pub fn header_changed(cap: &Captured, h: usize, i: usize) -> Captured {
    let mut m = cap.clone();
    let mut bytes = m.headers[h].1.clone().into_bytes();
    bytes[i] = other(bytes[i]);
    m.headers[h].1 = String::from_utf8(bytes).unwrap();
    m
}

/// The names of the `SignedHeaders=` list of an Authorization value (TC3, ACS3 and
/// Huawei's SDK-HMAC-* all write it so).
pub fn signed_header_names(authorization: &str) -> Vec<String> {
    authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .split(';')
        .map(str::to_string)
        .collect()
}

/// The cases and keys of the manifest of generated captures in `dir`
/// (schema `cloudsig-captures/1`).
pub fn manifest(dir: &str) -> (Vec<Value>, KeyRing) {
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["schema"], "cloudsig-captures/1");
    let keys =
        KeyRing::from_file(format!("{dir}/{}", m["keys"].as_str().unwrap()).as_ref()).unwrap();
    (m["cases"].as_array().unwrap().clone(), keys)
}

/// Every request of the raw HTTP capture `dir/file`, verified in one session at `now`
/// (with diagnosis).
pub fn http_reports(dir: &str, file: &str, keys: &KeyRing, now: i64) -> Vec<Report> {
    let f = File::open(format!("{dir}/{file}")).unwrap();
    let mut session = Session::new(Verifier::new(keys.clone(), Options::at(now)));
    HttpReader::new(BufReader::new(f), Limits::default())
        .map(|item| session.verify_item(&item))
        .collect()
}

/// Checks a report against a manifest expectation: verdict, code, first rule, words of
/// the first finding's message, and the client mistake the diagnosis names (or none).
pub fn check_expectation(file: &str, report: &Report, expect: &Value) {
    let ctx = format!("{file}: {report}\n{report:#?}");
    assert_eq!(
        report.verdict.name(),
        expect["verdict"].as_str().unwrap(),
        "{ctx}"
    );
    assert_eq!(report.code(), expect["code"].as_str(), "{ctx}");
    if let Some(rule) = expect["rule"].as_str() {
        assert_eq!(report.findings.first().map(|f| f.rule), Some(rule), "{ctx}");
    }
    if let Some(text) = expect["message_contains"].as_str() {
        assert!(report.findings[0].message.contains(text), "{ctx}");
    }
    let mistake = report
        .diagnosis
        .as_ref()
        .and_then(|d| d.mistake.as_ref())
        .map(|m| m.id);
    assert_eq!(mistake, expect["mistake"].as_str(), "{ctx}");
}

/// Every case of the manifest in `dir` (at least `min_cases`) gets the reports it
/// expects: one expectation, or a list of them for a file of several requests.
pub fn every_capture_gets_what_its_manifest_expects(dir: &str, min_cases: usize) {
    let (cases, keys) = manifest(dir);
    assert!(cases.len() >= min_cases, "only {} cases", cases.len());
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let got = http_reports(dir, file, &keys, case["now"].as_i64().unwrap());
        let expects: Vec<&Value> = match &case["expect"] {
            Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        assert_eq!(got.len(), expects.len(), "{file}: {got:#?}");
        for (report, expect) in got.iter().zip(expects) {
            check_expectation(file, report, expect);
        }
    }
}

/// The client mistakes the manifest's cases expect the diagnosis to name.
pub fn named_mistakes(cases: &[Value]) -> Vec<&str> {
    cases
        .iter()
        .filter_map(|c| c["expect"]["mistake"].as_str())
        .collect()
}

/// Asserts that no secret key of `keys` appears in the explanation or the JSON of `r`,
/// even with the expected signature revealed.
pub fn assert_no_key_printed(keys: &KeyRing, r: &Report, file: &str) {
    use cloudsig_verify::render::{self, Reveal};
    let text = format!(
        "{}{}",
        render::explain(r, Reveal::ExpectedSignature),
        render::to_json(r, Reveal::ExpectedSignature)
    );
    for c in keys.iter() {
        let secret = String::from_utf8(c.secret_key().expose_secret().to_vec()).unwrap();
        assert!(!text.contains(secret.as_str()), "{file}: key printed");
    }
}
