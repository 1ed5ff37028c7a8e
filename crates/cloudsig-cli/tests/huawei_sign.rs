//! `cloudsig sign huawei` end to end: the documented vector and the seed calls (whose
//! expected values come from vectors/huawei/sdk_hmac.json, made by
//! vectors/tools/recompute_huawei.py), credentials from the environment, bad input, and no
//! secret in any output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::{ROOT, cloudsig};

use std::process::{Command, Output};

use serde_json::Value;

const DOC_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
const SEED_SK: &str = "cloudsigExampleHuaweiSecretKey0000000001";

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn vector(id: &str) -> Value {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/vectors/huawei/sdk_hmac.json")).unwrap(),
    )
    .unwrap();
    doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap()
        .clone()
}

fn documented_args(c: &mut Command) -> &mut Command {
    c.args(["sign", "huawei", "--method", "GET"])
        .args(["--host", "service.region.example.com"])
        .args(["--path", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"])
        .args([
            "-q",
            "marker=13551d6b-755d-4757-b956-536f674975c0",
            "-q",
            "limit=2",
        ])
        .args([
            "--content-type",
            "application/json",
            "--timestamp",
            "1573789015",
        ])
}

#[test]
fn documented_vector_from_the_key_file_with_stages() {
    let o = documented_args(&mut cloudsig())
        .args([
            "--key-file",
            "examples/vectors-huawei.keys",
            "--show-stages",
        ])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    // shared/VECTORS.md, "Huawei Cloud SDK-HMAC-SHA256".
    assert!(out.contains(
        "-H 'Authorization: SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe'"
    ), "{out}");
    assert!(out.starts_with("curl -X GET 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0'"), "{out}");
    assert!(err.contains("b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"));
    let v = vector("sdk-hmac-sha256-vpcs-documented");
    assert!(
        err.contains(v["expected"]["canonical_request"].as_str().unwrap()),
        "{err}"
    );
    assert!(
        err.contains(v["expected"]["string_to_sign"].as_str().unwrap()),
        "{err}"
    );
    assert!(!out.contains(DOC_SK) && !err.contains(DOC_SK));
}

#[test]
fn credentials_from_the_sdk_environment_variables() {
    let o = documented_args(&mut cloudsig())
        .env("HUAWEICLOUD_SDK_AK", "QTWAOYTTINDUT2QVKYUC")
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        j["stages"]["signature"],
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert_eq!(j["stages"]["scheme"], "SDK-HMAC-SHA256");
    assert!(!out.contains(DOC_SK));
}

#[test]
fn security_token_from_the_environment_is_sent_and_signed() {
    let o = documented_args(&mut cloudsig())
        .env("HUAWEICLOUD_SDK_AK", "QTWAOYTTINDUT2QVKYUC")
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "TOKEN123")
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("-H 'X-Security-Token: TOKEN123'"), "{out}");
    assert!(out.contains("SignedHeaders=content-type;host;x-sdk-date;x-security-token, "));
}

/// The seed calls shipped under examples/, with each algorithm.
#[test]
fn seed_calls_reproduce_the_vectors() {
    let calls = [
        (
            "seed-dms-kafka-create-instance",
            "dms.cn-north-4.myhuaweicloud.com",
            "/v2/kafka/9c53a566cb3443ab910cf0daebca90c4/instances",
            "@examples/huawei-dms-kafka-create-instance.json",
            "dms",
        ),
        (
            "seed-ecs-create-server",
            "ecs.cn-north-4.myhuaweicloud.com",
            "/v2.1/9c53a566cb3443ab910cf0daebca90c4/servers",
            "@examples/huawei-ecs-create-server.json",
            "ecs",
        ),
    ];
    for (id, host, path, data, service) in calls {
        for (alg, flag) in [
            ("sdk-hmac-sha256", "sdk-hmac-sha256"),
            ("sdk-hmac-sm3", "sdk-hmac-sm3"),
            ("v11-hmac-sha256", "v11-hmac-sha256"),
        ] {
            let v = vector(&format!("{id}-{alg}"));
            let mut c = cloudsig();
            c.args([
                "sign",
                "huawei",
                "--algorithm",
                flag,
                "--host",
                host,
                "--path",
                path,
            ])
            .args([
                "--data",
                data,
                "--project-id",
                "9c53a566cb3443ab910cf0daebca90c4",
            ])
            .args(["--key-file", "examples/seed-huawei.keys"])
            .args(["--timestamp", "1763194150", "--format", "http"]);
            if flag.starts_with("v11") {
                c.args(["--region", "cn-north-4", "--service", service]);
            }
            let o = c.output().unwrap();
            let (out, err) = text(&o);
            assert!(o.status.success(), "{id} {alg}: {err}");
            let auth = format!(
                "\r\nAuthorization: {}\r\n",
                v["expected"]["authorization"].as_str().unwrap()
            );
            assert!(out.contains(&auth), "{id} {alg}: {out}");
            assert!(out.ends_with(v["input"]["body"].as_str().unwrap()));
            assert!(!out.contains(SEED_SK));
        }
    }
}

#[test]
fn v11_without_region_is_bad_input() {
    let o = documented_args(&mut cloudsig())
        .args(["--key-file", "examples/vectors-huawei.keys"])
        .args(["--algorithm", "v11-hmac-sha256", "--service", "vpc"])
        .output()
        .unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("--region"), "{err}");
}

#[test]
fn no_credentials_names_the_variables() {
    let o = documented_args(&mut cloudsig()).output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("HUAWEICLOUD_SDK_AK"), "{err}");
}

/// `cloudsig verify` on the generator's captures: valid ones exit 0; a mistake is named
/// in the one-line report and in the JSON output.
#[test]
fn verify_reports_huawei_captures() {
    let o = cloudsig()
        .args([
            "verify",
            "--key-file",
            "vectors/captures/huawei/keys.txt",
            "--now",
            "1763194150",
        ])
        .args([
            "vectors/captures/huawei/valid/ecs-create-server-v11-hmac-sha256.jsonl",
            "vectors/captures/huawei/valid/dms-kafka-create-instance-sdk-hmac-sm3.jsonl",
        ])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("#1 valid V11-HMAC-SHA256 HPUAEXAMPLEAK0000001"),
        "{out}"
    );
    assert!(
        out.contains("#1 valid SDK-HMAC-SM3 HPUAEXAMPLEAK0000001"),
        "{out}"
    );

    let o = cloudsig()
        .args([
            "verify",
            "--key-file",
            "vectors/captures/huawei/keys.txt",
            "--now",
            "1763194150",
        ])
        .args([
            "--format",
            "json",
            "vectors/captures/huawei/mistakes/missing-trailing-slash.jsonl",
        ])
        .output()
        .unwrap();
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    let j: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(j["code"], "APIGW.0301");
    assert_eq!(j["scheme"], "SDK-HMAC-SHA256");
    assert_eq!(
        j["diagnosis"]["mistake"]["id"], "missing-trailing-slash",
        "{j}"
    );
    assert!(!out.contains(SEED_SK));
}

/// A request signed by `cloudsig sign huawei --format http` verifies with the same key
/// from the environment.
#[test]
fn signed_output_verifies() {
    let signed = cloudsig()
        .args([
            "sign",
            "huawei",
            "--algorithm",
            "v11-hmac-sha256",
            "--region",
            "cn-north-4",
        ])
        .args([
            "--service",
            "ecs",
            "--host",
            "ecs.cn-north-4.myhuaweicloud.com",
        ])
        .args(["--path", "/v2.1/9c53a566cb3443ab910cf0daebca90c4/servers"])
        .args([
            "--data",
            "@examples/huawei-ecs-create-server.json",
            "--format",
            "http",
        ])
        .args(["--timestamp", "1763194150"])
        .env("HUAWEICLOUD_SDK_AK", "HPUAEXAMPLEAK0000001")
        .env("HUAWEICLOUD_SDK_SK", SEED_SK)
        .output()
        .unwrap();
    assert!(signed.status.success());
    let dir = std::env::temp_dir().join(format!("cloudsig-huawei-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("signed.http");
    std::fs::write(&file, &signed.stdout).unwrap();
    let o = cloudsig()
        .args(["verify", "--now", "1763194150"])
        .arg(&file)
        .env("HUAWEICLOUD_SDK_AK", "HPUAEXAMPLEAK0000001")
        .env("HUAWEICLOUD_SDK_SK", SEED_SK)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    std::fs::remove_dir_all(&dir).ok();
    assert!(o.status.success(), "{out}{err}");
    assert!(out.contains("valid V11-HMAC-SHA256"), "{out}");
}

#[test]
fn a_body_with_a_nul_byte_cannot_be_a_curl_command() {
    let dir = std::env::temp_dir().join(format!("cloudsig-hw-nul-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.bin");
    std::fs::write(&body, b"ab\0cd").unwrap();
    let data = format!("@{}", body.display());
    let run = |format: &str| {
        cloudsig()
            .args(["sign", "huawei", "--key-file", "examples/seed-huawei.keys"])
            .args(["--method", "POST", "--host", "service.region.example.com"])
            .args(["--path", "/v1/upload", "--timestamp", "1700000000"])
            .args(["--content-type", "application/octet-stream", "--data"])
            .arg(&data)
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let o = run("curl");
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("NUL byte") && err.contains("--format http"),
        "{err}"
    );
    let o = run("http");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(o.stdout.ends_with(b"\r\n\r\nab\0cd"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_empty_security_token_variable_means_no_token() {
    let o = documented_args(&mut cloudsig())
        .env("HUAWEICLOUD_SDK_AK", "QTWAOYTTINDUT2QVKYUC")
        .env("HUAWEICLOUD_SDK_SK", DOC_SK)
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", "")
        .args(["--format", "json"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let j: Value = serde_json::from_str(&out).unwrap();
    // The documented vector's signature: no token was added.
    assert_eq!(
        j["stages"]["signature"],
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert!(
        !out.to_ascii_lowercase().contains("security-token"),
        "{out}"
    );
}
