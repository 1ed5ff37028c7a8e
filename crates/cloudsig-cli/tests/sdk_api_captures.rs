//! Issue 13, "Tested against": the requests the official SDKs' typed clients make for the seed actions
//! (tencentcloud-sdk-python-es, alibabacloud-elasticsearch20170613, huaweicloudsdkkafka, huaweicloudsdkecs),
//! captured offline by `vectors/oracle/api/capture.py` into `vectors/captures/sdk/api/`, are valid for
//! `cloudsig verify`: the signature (with `--no-api-check`) and the API checks (by default).
//!
//! The one disagreement between a typed client and the seed definition is recorded in the Alibaba definition's
//! notes (`specs/tools/resolutions.json`) and held here finding by finding, so that neither a fix of the SDK nor a
//! weakened check goes unnoticed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::{ROOT, cloudsig};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const DIR: &str = "vectors/captures/sdk/api";
const KEYS: &str = "vectors/captures/sdk/api/keys.txt";
const NOW: &str = "1551113065";

/// (capture, [(code, path)]): the API findings a typed client's request is expected to get.
const KNOWN_DISAGREEMENTS: &[(&str, &[(&str, &str)])] = &[(
    "alibaba/es-upgrade-engine-version.http",
    &[
        ("InvalidParameter", "dryRun"),
        ("UnknownParameter", "plugins"),
    ],
)];

/// Every capture, relative to the repository root, with the description the harness wrote beside it.
fn captures() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for cloud in ["tencent", "alibaba", "huawei"] {
        let dir = Path::new(ROOT).join(DIR).join(cloud);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".http"))
            .collect();
        names.sort();
        for name in names {
            let meta = dir.join(name.replace(".http", ".json"));
            let meta: Value = serde_json::from_slice(&std::fs::read(meta).unwrap()).unwrap();
            out.push((format!("{DIR}/{cloud}/{name}"), meta));
        }
    }
    out
}

/// `cloudsig verify --format json` over every capture: file -> report.
fn verify(extra: &[&str]) -> BTreeMap<String, Value> {
    let files: Vec<String> = captures().into_iter().map(|(f, _)| f).collect();
    let o = cloudsig()
        .args([
            "verify",
            "--format",
            "json",
            "--key-file",
            KEYS,
            "--now",
            NOW,
        ])
        .args(extra)
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8(o.stdout).unwrap();
    let reports: BTreeMap<String, Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|r| (r["file"].as_str().unwrap().to_owned(), r))
        .collect();
    assert_eq!(
        reports.len(),
        files.len(),
        "one report per capture:\n{stdout}"
    );
    reports
}

#[test]
fn the_typed_clients_cover_every_seed_product() {
    let caps = captures();
    let count = |cloud: &str| caps.iter().filter(|(f, _)| f.contains(cloud)).count();
    // Tencent: one capture per non-contradicting Input Example of the 21 actions (CreateIndex's and
    // DeleteIndex's examples contradict their own tables); Alibaba: both operations; Huawei: Kafka's one
    // example and the five ECS examples.
    assert_eq!(count("/tencent/"), 24);
    assert_eq!(count("/alibaba/"), 2);
    assert_eq!(count("/huawei/"), 6);
    for (file, meta) in &caps {
        assert_eq!(meta["schema"], "cloudsig-sdk-capture/1", "{file}");
        assert!(meta["typed_call"].is_string(), "{file}: not a typed call");
    }
}

#[test]
fn every_typed_client_request_is_signed_right() {
    for (file, r) in verify(&["--no-api-check"]) {
        assert_eq!(r["verdict"], "valid", "{file}: {r}");
        assert_eq!(
            r["api"],
            Value::Null,
            "{file}: checked despite --no-api-check: {r}"
        );
    }
}

#[test]
fn every_typed_client_request_passes_the_api_checks_but_the_recorded_ones() {
    let reports = verify(&[]);
    for (file, meta) in captures() {
        let r = &reports[&file];
        let api = &r["api"];
        assert_eq!(api["checked"], true, "{file}: not checked: {r}");
        if meta["cloud"] != "huawei" {
            assert_eq!(api["action"], meta["action"], "{file}: {r}");
        }
        let expected = KNOWN_DISAGREEMENTS
            .iter()
            .find(|(f, _)| file.ends_with(f))
            .map_or(&[][..], |(_, e)| *e);
        let got: Vec<(String, String)> = api["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_owned();
                (s("code"), s("path"))
            })
            .collect();
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect();
        assert_eq!(got, want, "{file}: {r}");
        assert_eq!(api["valid"], expected.is_empty(), "{file}: {r}");
        let verdict = if expected.is_empty() {
            "valid"
        } else {
            "invalid"
        };
        assert_eq!(r["verdict"], verdict, "{file}: {r}");
    }
}
