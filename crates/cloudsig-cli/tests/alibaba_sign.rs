//! `cloudsig sign acs3 | roa | rpc` end to end: the documented vectors and the seed calls
//! shipped in `examples/`, checked against `vectors/alibaba/` (the independent oracle's
//! values), credentials from a key file or the SDKs' environment variables, and no secret
//! in any output.
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

fn vector(file: &str, id: &str) -> Value {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/vectors/alibaba/{file}")).unwrap(),
    )
    .unwrap();
    doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
        .clone()
}

fn run_json(cmd: &mut Command) -> (Value, String) {
    let o: Output = cmd.args(["--format", "json"]).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    for secret in ["YourAccessKeySecret", "testsecret"] {
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "secret printed"
        );
    }
    (serde_json::from_str(&out).unwrap(), err)
}

fn header(json: &Value, name: &str) -> String {
    json["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
        .map(|h| h[1].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no header {name}"))
}

const DOC_QUERY: [&str; 4] = [
    "-q",
    "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
    "-q",
    "RegionId=cn-shanghai",
];

#[test]
fn acs3_documented_vector_and_sm3_from_the_command_line() {
    for (id, alg) in [
        ("acs3-doc-ecs-run-instances", "ACS3-HMAC-SHA256"),
        ("acs3-sm3-ecs-run-instances", "sm3"),
    ] {
        let v = vector("acs3.json", id);
        let (json, err) = run_json(
            cloudsig()
                .args(["sign", "acs3", "--key-file", "examples/alibaba-doc.keys"])
                .args([
                    "--host",
                    "ecs.cn-shanghai.aliyuncs.com",
                    "--action",
                    "RunInstances",
                ])
                .args(["--api-version", "2014-05-26", "--algorithm", alg])
                .args(DOC_QUERY)
                .args(["--timestamp", "1698315752", "--show-stages"])
                .args(["--nonce", "3156853299f313e23d1673dc12e1703d"]),
        );
        assert_eq!(
            header(&json, "Authorization"),
            v["expected"]["authorization"].as_str().unwrap(),
            "{id}"
        );
        assert_eq!(
            json["stages"]["canonical_request"], v["expected"]["canonical_request"],
            "{id}"
        );
        // --show-stages prints the same canonical request on stderr.
        assert!(
            err.contains(v["expected"]["canonical_request"].as_str().unwrap()),
            "{err}"
        );
    }
}

#[test]
fn seed_calls_shipped_as_examples_sign_to_the_oracle_values() {
    // createInstance, ACS3, key file.
    let v = vector("acs3.json", "acs3-seed-es-create-instance");
    let (json, _) = run_json(
        cloudsig()
            .args(["sign", "acs3", "--key-file", "examples/alibaba-doc.keys"])
            .args(["--host", "elasticsearch.cn-hangzhou.aliyuncs.com"])
            .args(["--action", "createInstance", "--api-version", "2017-06-13"])
            .args(["--path", "/openapi/instances"])
            .args(["-q", "clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF****"])
            .args(["--json", "@examples/alibaba-es-create-instance.json"])
            .args(["--timestamp", "1698315752"])
            .args(["--nonce", "3156853299f313e23d1673dc12e1703d"]),
    );
    assert_eq!(
        header(&json, "Authorization"),
        v["expected"]["authorization"].as_str().unwrap()
    );
    assert_eq!(json["body"], v["input"]["request"]["body"]);

    // UpgradeEngineVersion, ACS3, credentials and STS token from the environment.
    let v = vector("acs3.json", "acs3-seed-es-upgrade-version");
    let (json, _) = run_json(
        cloudsig()
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "YourAccessKeyId")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "YourAccessKeySecret")
            .env("ALIBABA_CLOUD_SECURITY_TOKEN", "STS.exampleToken")
            .args([
                "sign",
                "acs3",
                "--host",
                "elasticsearch.cn-hangzhou.aliyuncs.com",
            ])
            .args([
                "--action",
                "UpgradeEngineVersion",
                "--api-version",
                "2017-06-13",
            ])
            .args([
                "--path",
                "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/actions/upgrade-version",
            ])
            .args([
                "-q",
                "dryRun=false",
                "-q",
                "clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF****",
            ])
            .args(["--json", "@examples/alibaba-es-upgrade-version.json"])
            .args(["--timestamp", "1698315752"])
            .args(["--nonce", "3156853299f313e23d1673dc12e1703d"]),
    );
    assert_eq!(
        header(&json, "Authorization"),
        v["expected"]["authorization"].as_str().unwrap()
    );
    assert_eq!(header(&json, "x-acs-security-token"), "STS.exampleToken");

    // Both as ROA V2.
    for (id, path, query, body, action) in [
        (
            "roa-seed-es-create-instance",
            "/openapi/instances",
            vec!["clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF****"],
            "@examples/alibaba-es-create-instance.json",
            "createInstance",
        ),
        (
            "roa-seed-es-upgrade-version",
            "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/actions/upgrade-version",
            vec![
                "dryRun=false",
                "clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF****",
            ],
            "@examples/alibaba-es-upgrade-version.json",
            "UpgradeEngineVersion",
        ),
    ] {
        let v = vector("roa.json", id);
        let mut cmd = cloudsig();
        let keys = if id.contains("upgrade") {
            "examples/alibaba-sts.keys"
        } else {
            "examples/alibaba-rpc-doc.keys"
        };
        cmd.args(["sign", "roa", "--key-file", keys])
            .args(["--host", "elasticsearch.cn-hangzhou.aliyuncs.com"])
            .args([
                "--api-version",
                "2017-06-13",
                "--path",
                path,
                "--action",
                action,
            ])
            .args(["--json", body, "--timestamp", "1698315752"])
            .args(["--nonce", "3156853299f313e23d1673dc12e1703d"]);
        for q in query {
            cmd.args(["-q", q]);
        }
        let (json, _) = run_json(&mut cmd);
        assert_eq!(
            header(&json, "Authorization"),
            v["expected"]["authorization"].as_str().unwrap(),
            "{id}"
        );
        assert_eq!(
            json["stages"]["string_to_sign"], v["expected"]["string_to_sign"],
            "{id}"
        );
    }
}

#[test]
fn rpc_documented_vector_from_the_command_line() {
    let v = vector("rpc.json", "rpc-doc-describe-dedicated-hosts");
    let (json, _) = run_json(
        cloudsig()
            .args(["sign", "rpc", "--key-file", "examples/alibaba-rpc-doc.keys"])
            .args(["--host", "ecs.cn-beijing.aliyuncs.com"])
            .args([
                "--action",
                "DescribeDedicatedHosts",
                "--api-version",
                "2014-05-26",
            ])
            .args(["-p", "RegionId=cn-beijing", "--timestamp", "1678696470"])
            .args(["--nonce", "edb2b34af0af9a6d14deaf7c1a5315eb"]),
    );
    let url = json["url"].as_str().unwrap();
    let want = format!(
        "&Signature={}",
        v["expected"]["signature_urlencoded"].as_str().unwrap()
    );
    assert!(url.ends_with(&want), "{url}");
    assert_eq!(
        json["stages"]["string_to_sign"],
        v["expected"]["string_to_sign"]
    );
}

#[test]
fn missing_or_partial_credentials_are_usage_errors_without_secrets() {
    let o = cloudsig()
        .args(["sign", "acs3", "--host", "h.example", "--action", "A"])
        .args(["--api-version", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{err}");

    let o = cloudsig()
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sekrit-value")
        .args(["sign", "rpc", "--host", "h.example", "--action", "A"])
        .args(["--api-version", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("set both"), "{err}");
    assert!(!err.contains("sekrit"), "{err}");
}

#[test]
fn acs3_signs_a_named_extra_header() {
    let (json, _) = run_json(
        cloudsig()
            .args(["sign", "acs3", "--key-file", "examples/alibaba-doc.keys"])
            .args([
                "--host",
                "ecs.cn-shanghai.aliyuncs.com",
                "--action",
                "RunInstances",
            ])
            .args([
                "--api-version",
                "2014-05-26",
                "-H",
                "Accept: application/json",
            ])
            .args([
                "--sign-header",
                "accept",
                "--timestamp",
                "1698315752",
                "--nonce",
                "n",
            ]),
    );
    let auth = header(&json, "Authorization");
    assert!(auth.contains("SignedHeaders=accept;host;"), "{auth}");
    assert!(
        json["stages"]["canonical_request"]
            .as_str()
            .unwrap()
            .contains("\naccept:application/json\n")
    );
}

#[test]
fn an_empty_security_token_variable_means_no_token() {
    for (scheme, path) in [("acs3", None), ("roa", Some("/regions")), ("rpc", None)] {
        let mut cmd = cloudsig();
        cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
            .env("ALIBABA_CLOUD_SECURITY_TOKEN", "")
            .args(["sign", scheme, "--host", "ecs.cn-beijing.aliyuncs.com"])
            .args(["--action", "DescribeRegions", "--api-version", "2014-05-26"])
            .args(["--timestamp", "1700000000"]);
        if let Some(p) = path {
            cmd.args(["--path", p]);
        }
        let (json, _) = run_json(&mut cmd);
        let text = json.to_string();
        assert!(
            !text.contains("SecurityToken") && !text.contains("security-token"),
            "{scheme}: {text}"
        );
    }
}
