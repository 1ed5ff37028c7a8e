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

use std::collections::BTreeMap;
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

/// The parameters of a query, decoded.
fn query_params(target: &str) -> BTreeMap<String, String> {
    let d = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .to_string()
    };
    target
        .split_once('?')
        .map_or("", |(_, q)| q)
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (d(k), d(v)))
        .collect()
}

/// The mock STS (the case's `sts`), as `vectors/oracle/credentials.py` runs it: the
/// AssumeRole request verified (here with cloudsig-verify) against the case's keys
/// (400 SignatureDoesNotMatch if it does not verify), then the answer for its RoleArn
/// (404 without one); the record keeps the parameters but the volatile ones.
fn sts_answer(sts: &Value, target: &str, headers: &[(String, String)]) -> (Value, u16, String) {
    let params = query_params(target);
    let keys: String = sts["keys"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(id, v)| format!("{id} {}\n", v.as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    let cap = cloudsig_verify::capture::Captured {
        location: cloudsig_verify::capture::Location {
            index: 0,
            offset: 0,
            line: None,
        },
        method: "GET".into(),
        target: target.into(),
        headers: headers.to_vec(),
        body: Vec::new(),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ring = cloudsig_verify::keys::KeyRing::parse(&keys, "case keys").unwrap();
    let valid = cloudsig_verify::Verifier::new(ring, cloudsig_verify::Options::at(now))
        .check(&cap, &mut Default::default())
        .verdict
        == cloudsig_verify::Verdict::Valid;
    let mut kept: Vec<String> = params
        .iter()
        .filter(|(k, _)| !["Signature", "SignatureNonce", "Timestamp"].contains(&k.as_str()))
        .map(|(k, v)| {
            let default_name = v
                .strip_prefix("credentials-python-")
                .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()));
            if k == "RoleSessionName" && default_name {
                format!("{k}=credentials-python-<time>")
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    kept.push(
        if valid {
            "signature valid"
        } else {
            "signature invalid"
        }
        .to_string(),
    );
    let action = params.get("Action").cloned().unwrap_or_default();
    let record = json!(["GET", format!("/?{action}"), kept]);
    if !valid {
        return (
            record,
            400,
            r#"{"Code": "SignatureDoesNotMatch", "RequestId": "r"}"#.into(),
        );
    }
    match params
        .get("RoleArn")
        .and_then(|r| sts["answers"].get(r.as_str()))
    {
        Some(a) => (
            record,
            a["status"].as_u64().unwrap() as u16,
            a["body"].as_str().unwrap().to_string(),
        ),
        None => (record, 404, String::new()),
    }
}

/// The mock metadata service: the case's routes, 404 otherwise, and at `/?` the mock
/// STS; records what it got.
async fn metadata(routes: Vec<Value>, sts: Value) -> (String, Arc<Mutex<Vec<Value>>>) {
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
            let all: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .collect();
            let (status, body) = if path.starts_with("/?") {
                let (record, status, body) = sts_answer(&sts, &path, &all);
                log.lock().unwrap().push(record);
                (status, body)
            } else {
                let mut headers: Vec<String> = all
                    .iter()
                    .map(|(n, v)| (n.to_ascii_lowercase(), v))
                    .filter(|(n, _)| TOKEN_HEADERS.contains(&n.as_str()))
                    .map(|(n, v)| format!("{n}: {v}"))
                    .collect();
                headers.sort();
                log.lock().unwrap().push(json!([method, path, headers]));
                let route = routes
                    .iter()
                    .find(|r| r["method"] == method.as_str() && r["path"] == path.as_str());
                match route {
                    Some(r) => (
                        r["status"].as_u64().unwrap() as u16,
                        r["body"].as_str().unwrap().to_string(),
                    ),
                    None => (404, String::new()),
                }
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
        cases.len() >= 21,
        "the case table shrank to {}",
        cases.len()
    );
    let mut disagreements = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let want = results["results"]
            .get(name)
            .unwrap_or_else(|| panic!("{name}: no SDK result; run vectors/oracle/credentials.py"));
        let (base, seen) = metadata(
            case["metadata"].as_array().unwrap().clone(),
            case.get("sts").cloned().unwrap_or(Value::Null),
        )
        .await;
        let (_root, env) = setup(case);
        let chain = match case["cloud"].as_str().unwrap() {
            "tencent" => DefaultChain::tencent(env),
            "alibaba" => DefaultChain::alibaba(env),
            "huawei" => DefaultChain::huawei(env),
            other => panic!("unknown cloud {other}"),
        }
        .with_metadata(base.clone())
        .with_sts(base);
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
