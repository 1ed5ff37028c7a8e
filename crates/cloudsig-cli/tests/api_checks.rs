//! Issue 13, items 5, 6 and 4: `cloudsig verify` runs the API checks by default
//! (`--no-api-check` turns them off, `--spec` adds definitions), and `cloudsig sign`
//! refuses a request its definition rejects with the same code and message
//! (`--no-api-check` signs anyway). Codes as the Tencent ES document gives them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::{cloudsig, run_with_stdin};

const KEYS: &str = "vectors/captures/tencent/keys.txt";
const NOW: &str = "1551113065";

fn sign(action: &str, region: &str, body: &str, extra: &[&str]) -> std::process::Output {
    cloudsig()
        .args([
            "sign",
            "tc3",
            "--key-file",
            KEYS,
            "--secret-id",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "--timestamp",
            NOW,
            "--format",
            "http",
            "--service",
            "es",
            "--api-version",
            "2018-04-16",
            "--action",
            action,
            "--region",
            region,
            "-d",
            body,
        ])
        .args(extra)
        .output()
        .unwrap()
}

fn verify(input: &[u8], extra: &[&str]) -> (Option<i32>, String) {
    let o = run_with_stdin(
        cloudsig()
            .args([
                "verify",
                "--input",
                "http",
                "--key-file",
                KEYS,
                "--now",
                NOW,
            ])
            .args(extra),
        input,
    );
    (o.status.code(), String::from_utf8(o.stdout).unwrap())
}

#[test]
fn sign_refuses_what_verify_would_report_and_signs_it_with_no_api_check() {
    let refused = sign("RestartKibana", "ap-guangzhou", "{}", &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty());
    let err = String::from_utf8(refused.stderr).unwrap();
    let line = "MissingParameter: InstanceId (required): The request is missing a required parameter `InstanceId`.";
    assert!(err.contains(line), "{err}");

    let forced = sign("RestartKibana", "ap-guangzhou", "{}", &["--no-api-check"]);
    assert_eq!(forced.status.code(), Some(0));
    // The request signed anyway verifies at the signature level and fails with the same
    // code and message at the API level.
    let (code, out) = verify(&forced.stdout, &["--explain"]);
    assert_eq!(code, Some(1));
    assert!(out.contains(line), "{out}");
    let (code, out) = verify(&forced.stdout, &["--no-api-check"]);
    assert_eq!(code, Some(0), "{out}");

    let region = sign(
        "RestartKibana",
        "ap-nowhere",
        r#"{"InstanceId":"es-1"}"#,
        &[],
    );
    assert_eq!(region.status.code(), Some(2));
    assert!(
        String::from_utf8(region.stderr)
            .unwrap()
            .contains("UnsupportedRegion")
    );

    let ok = sign(
        "RestartKibana",
        "ap-guangzhou",
        r#"{"InstanceId":"es-1"}"#,
        &[],
    );
    assert_eq!(ok.status.code(), Some(0));
    let (code, out) = verify(&ok.stdout, &["--format", "json"]);
    assert_eq!(code, Some(0), "{out}");
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["api"]["checked"], true);
    assert_eq!(v["api"]["action"], "RestartKibana");
}

#[test]
fn verify_takes_definitions_from_spec_files() {
    // A definition of an action the seed document does not have: with --spec the request
    // is checked against it (and its missing parameter named), without it the action is
    // unknown to the built-in definition.
    let dir = std::env::temp_dir().join(format!("cloudsig-spec-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("es/v20180416")).unwrap();
    let api = r#"{"metadata": {"serviceShortName": "es", "apiVersion": "2018-04-16"},
      "actions": {"DescribeRegions": {"input": "DescribeRegionsRequest"},
                  "RestartKibana": {"input": "RestartKibanaRequest"}},
      "objects": {"DescribeRegionsRequest": {"type": "object", "members": [
          {"name": "Zone", "type": "string", "member": "string", "required": true}]},
        "RestartKibanaRequest": {"type": "object", "members": [
          {"name": "InstanceId", "type": "string", "member": "string", "required": true}]}}}"#;
    std::fs::write(dir.join("es/v20180416/api.json"), api).unwrap();
    std::fs::write(dir.join("es/v20180416/examples.json"), "{}").unwrap();
    let req = sign("DescribeRegions", "ap-guangzhou", "{}", &["--no-api-check"]).stdout;

    let (code, out) = verify(&req, &["--format", "json"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("\"code\":\"InvalidAction\""), "{out}");

    for spec in [dir.clone(), dir.join("es/v20180416/api.json")] {
        let (code, out) = verify(
            &req,
            &["--format", "json", "--spec", spec.to_str().unwrap()],
        );
        assert_eq!(code, Some(1), "{out}");
        let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
        assert_eq!(v["api"]["findings"][0]["code"], "MissingParameter", "{out}");
        assert_eq!(v["api"]["findings"][0]["path"], "Zone");
    }
    let bad = dir.join("not-a-definition.json");
    std::fs::write(&bad, "{\"a\": 1}").unwrap();
    let (code, _) = verify(&req, &["--spec", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}
