//! `--profile` with an Alibaba profile that assumes a role: the CLI fetches the role's
//! credentials as credentials-python does (STS `AssumeRole`, signed with the profile's
//! AccessKey; for a `ChainableRamRoleArn` over an `EcsRamRole` profile, the instance
//! role's credentials from the metadata service first) and signs with them. STS and the
//! metadata service are a mock on 127.0.0.1 (cloudsig-credentials' test helper, at most
//! 64 requests) that verifies each `AssumeRole` with cloudsig-verify, reached through
//! `CLOUDSIG_STS_ENDPOINT` and `CLOUDSIG_METADATA_ENDPOINT`. The signed request the CLI
//! prints is then verified with the role's credentials.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
#[path = "../../cloudsig-credentials/tests/common/mock.rs"]
mod mock;

use std::sync::{Arc, Mutex};

use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};
use common::cloudsig;

const CONFIG: &str = r#"{"current": "role", "profiles": [
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIcliSigner",
     "access_key_secret": "cliSignerSecret", "ram_role_arn": "acs:ram::1:role/cli",
     "ram_session_name": "cli"},
    {"name": "badkey", "mode": "RamRoleArn", "access_key_id": "LTAIcliSigner",
     "access_key_secret": "notTheSecret", "ram_role_arn": "acs:ram::1:role/cli"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "instanceRole"},
    {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "ecs",
     "ram_role_arn": "acs:ram::1:role/second", "ram_session_name": "two"}]}"#;

/// The keys STS knows: the profile's AccessKey and the instance role's credentials.
const STS_KEYS: &str = "LTAIcliSigner cliSignerSecret\nSTS.ecs ecsSecret ecsToken";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn captured(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Captured {
    Captured {
        location: Location {
            index: 0,
            offset: 0,
            line: None,
        },
        method: method.into(),
        target: target.into(),
        headers: headers.to_vec(),
        body: body.to_vec(),
    }
}

fn verdict(keys: &str, cap: &Captured) -> Verdict {
    let ring = KeyRing::parse(keys, "test").unwrap();
    Verifier::new(ring, Options::at(now()))
        .check(cap, &mut KeyCache::default())
        .verdict
}

fn param<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    target
        .split_once('?')?
        .1
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// Runs `cloudsig sign rpc --profile PROFILE ... --format json` with HOME holding
/// [`CONFIG`] and STS and the metadata service at `mock`.
async fn sign(home: &std::path::Path, mock: &str, profile: &str) -> std::process::Output {
    let mut cmd = cloudsig();
    cmd.env("HOME", home)
        .env("CLOUDSIG_STS_ENDPOINT", mock)
        .env("CLOUDSIG_METADATA_ENDPOINT", mock)
        .args([
            "sign",
            "rpc",
            "--profile",
            profile,
            "--host",
            "ecs.cn-hangzhou.aliyuncs.com",
            "--action",
            "DescribeRegions",
            "--version",
            "2014-05-26",
            "--format",
            "json",
        ]);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// The request the CLI printed, verified with `keys`; and its AccessKeyId and token.
fn printed(out: &std::process::Output, keys: &str) -> (Verdict, String, String) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let url = json["url"].as_str().unwrap();
    let target = &url[url.find("/?").unwrap()..];
    let headers: Vec<(String, String)> = json["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
        .collect();
    let cap = captured(
        json["method"].as_str().unwrap(),
        target,
        &headers,
        json["body"].as_str().unwrap_or_default().as_bytes(),
    );
    let id = param(target, "AccessKeyId").unwrap_or_default().to_string();
    let token = param(target, "SecurityToken")
        .unwrap_or_default()
        .to_string();
    (verdict(keys, &cap), id, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_assumes_ram_roles_with_sts_and_signs_with_the_roles_credentials() {
    let dir = tempfile_dir();
    std::fs::create_dir_all(dir.join(".aliyun")).unwrap();
    std::fs::write(dir.join(".aliyun/config.json"), CONFIG).unwrap();
    let calls: Arc<Mutex<Vec<(String, Verdict)>>> = Arc::default();
    let log = calls.clone();
    let (mock, _) = mock::serve(move |method, target, headers, body| {
        if let Some(query) = target.strip_prefix("/?") {
            let v = verdict(STS_KEYS, &captured(method, target, headers, body));
            log.lock().unwrap().push((query.to_string(), v));
            if v != Verdict::Valid {
                return (400, r#"{"Code":"SignatureDoesNotMatch"}"#.into());
            }
            let role = if param(target, "RoleArn") == Some("acs%3Aram%3A%3A1%3Arole%2Fcli") {
                "cliRole"
            } else {
                "second"
            };
            return (
                200,
                format!(
                    r#"{{"RequestId":"r","Credentials":{{"AccessKeyId":"STS.{role}","AccessKeySecret":"{role}Secret","SecurityToken":"{role}Token","Expiration":"2099-01-01T00:00:00Z"}}}}"#
                ),
            );
        }
        match (method, target) {
            ("PUT", "/latest/api/token") => (200, "imdsToken".into()),
            ("GET", "/latest/meta-data/ram/security-credentials/instanceRole") => (
                200,
                r#"{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecsSecret","SecurityToken":"ecsToken","Expiration":"2099-01-01T00:00:00Z","Code":"Success"}"#.into(),
            ),
            _ => (404, String::new()),
        }
    })
    .await;

    // RamRoleArn: AssumeRole signed with the profile's AccessKey; the request signed as the role.
    let out = sign(&dir, &mock, "role").await;
    let (v, id, token) = printed(&out, "STS.cliRole cliRoleSecret cliRoleToken");
    assert_eq!(
        (v, id.as_str(), token.as_str()),
        (Verdict::Valid, "STS.cliRole", "cliRoleToken")
    );
    {
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].1, Verdict::Valid);
        assert_eq!(
            param(&format!("/?{}", calls[0].0), "AccessKeyId"),
            Some("LTAIcliSigner")
        );
        assert_eq!(
            param(&format!("/?{}", calls[0].0), "RoleSessionName"),
            Some("cli")
        );
    }

    // ChainableRamRoleArn over EcsRamRole: the instance role from the metadata service
    // signs AssumeRole (with its token).
    let out = sign(&dir, &mock, "chained").await;
    let (v, id, token) = printed(&out, "STS.second secondSecret secondToken");
    assert_eq!(
        (v, id.as_str(), token.as_str()),
        (Verdict::Valid, "STS.second", "secondToken")
    );
    {
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 2);
        let q = format!("/?{}", calls[1].0);
        assert_eq!(param(&q, "AccessKeyId"), Some("STS.ecs"));
        assert_eq!(param(&q, "SecurityToken"), Some("ecsToken"));
    }

    // STS refuses the signature: the CLI fails (usage error 2) naming the profile and
    // STS's code, and prints no secret.
    let out = sign(&dir, &mock, "badkey").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("--profile badkey"), "{stderr}");
    assert!(stderr.contains("SignatureDoesNotMatch"), "{stderr}");
    assert!(!stderr.contains("notTheSecret"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fresh directory for HOME.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cloudsig-profile-roles-{}-{}",
        std::process::id(),
        now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
