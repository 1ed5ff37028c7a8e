//! The official SDKs' default chains with a metadata service, as the oracle for
//! [`DefaultChain`]: for every case of `vectors/credentials/fetch-cases.json`, a mock
//! metadata service on 127.0.0.1 gives the case's answers (404 otherwise) and cloudsig's
//! chain must pick what the SDK picked with the same answers, variables and files
//! (`vectors/credentials/sdk-results.json`, written by `vectors/oracle/credentials.py`),
//! having asked the mock for the same things (method, path, metadata-token headers;
//! compared as sets, since an SDK may ask for a session token more than once).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::{Arc, Mutex};

use cloudsig_credentials::fetch::DefaultChain;
use cloudsig_credentials::{ErrorKind, ProvideCredentials};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[path = "common/cases.rs"]
mod cases;

use cases::{load, setup};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN_HEADERS: [&str; 4] = [
    "x-aliyun-ecs-metadata-token",
    "x-aliyun-ecs-metadata-token-ttl-seconds",
    "x-metadata-token",
    "x-metadata-token-ttl-seconds",
];

/// The mock metadata service: the case's routes, 404 otherwise; records what it got.
async fn metadata(routes: Vec<Value>) -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        // Bounded: no case makes more than 32 requests.
        for _ in 0..32 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_string();
            let path = first.next().unwrap_or_default().to_string();
            let mut headers: Vec<String> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                .filter(|(n, _)| TOKEN_HEADERS.contains(&n.as_str()))
                .map(|(n, v)| format!("{n}: {v}"))
                .collect();
            headers.sort();
            log.lock().unwrap().push(json!([method, path, headers]));
            let route = routes
                .iter()
                .find(|r| r["method"] == method.as_str() && r["path"] == path.as_str());
            let (status, body) = match route {
                Some(r) => (r["status"].as_u64().unwrap(), r["body"].as_str().unwrap()),
                None => (404, ""),
            };
            let resp = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    (base, seen)
}

fn as_set(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|x| x.to_string());
    v.dedup();
    v
}

#[tokio::test]
async fn the_default_chains_pick_what_each_official_sdk_picks_with_a_metadata_service() {
    let cases = load("fetch-cases.json");
    let results = load("sdk-results.json");
    let cases = cases["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 14,
        "the case table shrank to {}",
        cases.len()
    );
    let mut disagreements = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = results["results"]
            .get(name)
            .unwrap_or_else(|| panic!("{name}: no SDK result; run vectors/oracle/credentials.py"));
        let (base, seen) = metadata(case["metadata"].as_array().unwrap().clone()).await;
        let (_root, env) = setup(case);
        let chain = match case["cloud"].as_str().unwrap() {
            "tencent" => DefaultChain::tencent(env),
            "alibaba" => DefaultChain::alibaba(env),
            "huawei" => DefaultChain::huawei(env),
            other => panic!("unknown cloud {other}"),
        }
        .with_metadata(base);
        let mut got = match chain.provide().await {
            Ok(c) => json!({
                "outcome": "credentials",
                "id": c.id(),
                "token": c.token(),
                "secret_sha256": base16ct::lower::encode_string(&Sha256::digest(c.secret().as_bytes())),
            }),
            Err(e) => match e.kind() {
                ErrorKind::NotFound => json!({"outcome": "none"}),
                ErrorKind::Invalid => json!({"outcome": "error"}),
                ErrorKind::Unsupported => json!({"outcome": "needs-network"}),
                other => json!({"outcome": format!("{other:?}")}),
            },
        };
        got["requests"] = Value::Array(as_set(seen.lock().unwrap().clone()));
        let mut want = want.clone();
        want["requests"] = Value::Array(as_set(
            want["requests"].as_array().cloned().unwrap_or_default(),
        ));
        if got != want {
            disagreements.push(format!(
                "{name}: the SDK: {} {} asking {}; cloudsig: {} {} asking {}",
                want["outcome"],
                want["id"],
                want["requests"],
                got["outcome"],
                got["id"],
                got["requests"]
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree with the official SDKs:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
