//! The API-level checker on arbitrary requests: a first line naming the call
//! (`tencent ACTION REGION VERSION`, `alibaba METHOD PATH?QUERY`, `huawei HOST METHOD PATH`)
//! and an arbitrary JSON body. No panic; every finding names a code and never echoes the body.
//! For Tencent, the body is also checked from its bytes (`tencent::check_json`, whose fast
//! path may confirm it valid without building a `Value`): the verdict must be the one
//! `tencent::check` gives on the parsed body, so the fast path never calls an invalid body
//! valid (nor changes a finding).
#![no_main]

use std::sync::OnceLock;

use cloudsig_api::alibaba::{self, RoaCall};
use cloudsig_api::huawei::{self, RestCall};
use cloudsig_api::tencent::{self, TencentCall, TencentJsonCall};
use cloudsig_api::Catalog;
use libfuzzer_sys::fuzz_target;

static CATALOG: OnceLock<Catalog> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let catalog = CATALOG.get_or_init(|| Catalog::builtin().unwrap_or_default());
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (head, raw) = text.split_once('\n').unwrap_or((text, ""));
    let body: Option<serde_json::Value> = serde_json::from_str(raw).ok();
    let words: Vec<&str> = head.split(' ').collect();
    let verdict = match words.as_slice() {
        ["tencent", action, region, version, ..] => {
            let params = body.clone().unwrap_or_default();
            let verdict = tencent::check(catalog, &TencentCall { service: "es", action, version, region: Some(region), params: &params });
            // the bytes as sent: blank is `{}`, text that is not JSON is `null`
            let parsed = if raw.trim_ascii().is_empty() {
                serde_json::Value::Object(serde_json::Map::new())
            } else {
                body.clone().unwrap_or_default()
            };
            let from_bytes = tencent::check_json(catalog, &TencentJsonCall { service: "es", action, version, region: Some(region), body: raw.as_bytes() });
            let expected = tencent::check(catalog, &TencentCall { service: "es", action, version, region: Some(region), params: &parsed });
            assert_eq!(from_bytes, expected, "check_json and check disagree");
            verdict
        }
        ["alibaba", method, target, ..] => {
            let (path, q) = target.split_once('?').unwrap_or((target, ""));
            let query: Vec<(String, String)> = q
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            alibaba::check(catalog, &RoaCall { host: "elasticsearch.cn-hangzhou.aliyuncs.com", method, path, query: &query, body: body.as_ref() })
        }
        ["huawei", host, method, path, ..] => {
            huawei::check(catalog, &RestCall { host, method, path, body: body.as_ref() })
        }
        _ => return,
    };
    for f in verdict.findings() {
        assert!(!f.code.is_empty());
        let _ = f.to_string();
    }
});
