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
#[path = "../../cloudsig-credentials/tests/common/sts.rs"]
mod sts;

use std::sync::{Arc, Mutex};

use cloudsig_verify::Verdict;
use common::cloudsig;
use sts::{Call, assumed, metadata, params, system_now, verify};

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
    let verdict = verify(
        keys,
        system_now(),
        json["method"].as_str().unwrap(),
        target,
        &headers,
        json["body"].as_str().unwrap_or_default().as_bytes(),
    );
    let p = params(target);
    let id = p.get("AccessKeyId").cloned().unwrap_or_default();
    let token = p.get("SecurityToken").cloned().unwrap_or_default();
    (verdict, id, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_assumes_ram_roles_with_sts_and_signs_with_the_roles_credentials() {
    let dir = tempfile_dir();
    std::fs::create_dir_all(dir.join(".aliyun")).unwrap();
    std::fs::write(dir.join(".aliyun/config.json"), CONFIG).unwrap();
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let log = calls.clone();
    let (mock, _) = mock::serve(move |method, target, headers, body| {
        if target.starts_with("/?") {
            let v = verify(STS_KEYS, system_now(), method, target, headers, body);
            let p = params(target);
            let cli = p.get("RoleArn").map(String::as_str) == Some("acs:ram::1:role/cli");
            log.lock().unwrap().push((p, v));
            if v != Verdict::Valid {
                return (400, r#"{"Code":"SignatureDoesNotMatch"}"#.into());
            }
            let role = if cli { "cliRole" } else { "second" };
            return assumed(
                &format!("STS.{role}"),
                &format!("{role}Secret"),
                &format!("{role}Token"),
                "2099-01-01T00:00:00Z",
            );
        }
        metadata(
            method,
            target,
            "instanceRole",
            ["STS.ecs", "ecsSecret", "ecsToken"],
        )
        .unwrap_or((404, String::new()))
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
        assert_eq!(calls[0].0["AccessKeyId"], "LTAIcliSigner");
        assert_eq!(calls[0].0["RoleSessionName"], "cli");
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
        assert_eq!(calls[1].0["AccessKeyId"], "STS.ecs");
        assert_eq!(calls[1].0["SecurityToken"], "ecsToken");
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
        system_now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
