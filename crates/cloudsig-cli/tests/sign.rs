//! `cloudsig sign` end to end: the documented vectors from the command line, bad input,
//! and no secret in any output.
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

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn v1_demo_signature_from_the_seed() {
    let o = cloudsig()
        .args([
            "sign",
            "v1",
            "--key-file",
            "examples/seed-v1.keys",
            "--host",
            "cvm.tencentcloudapi.com",
        ])
        .args([
            "--action",
            "DescribeInstances",
            "--version",
            "2017-03-12",
            "--region",
            "ap-guangzhou",
        ])
        .args([
            "-p",
            "InstanceIds.0=ins-09dx96dg",
            "-p",
            "Limit=20",
            "-p",
            "Offset=0",
        ])
        .args(["--nonce", "11886", "--timestamp", "1465185768"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    // The seed's demo URL ends its signature with exactly this encoding.
    assert!(
        out.contains("&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"),
        "{out}"
    );
}

#[test]
fn tc3_vectors_from_the_command_line() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/vectors/tencent/tc3.json")).unwrap(),
    )
    .unwrap();
    for v in doc["vectors"].as_array().unwrap() {
        let input = &v["input"];
        let r = &input["request"];
        let header = |name: &str| {
            r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
                .map(|h| h[1].as_str().unwrap().to_string())
                .unwrap()
        };
        let mut cmd = cloudsig();
        cmd.env(
            "TENCENTCLOUD_SECRET_ID",
            input["secret_id"].as_str().unwrap(),
        )
        .env(
            "TENCENTCLOUD_SECRET_KEY",
            input["secret_key"].as_str().unwrap(),
        )
        .args([
            "sign",
            "tc3",
            "--format",
            "json",
            "--service",
            input["service"].as_str().unwrap(),
        ])
        .args([
            "--host",
            &header("Host"),
            "--action",
            &header("X-TC-Action"),
        ])
        .args([
            "--version",
            &header("X-TC-Version"),
            "--region",
            &header("X-TC-Region"),
        ])
        .args([
            "--content-type",
            &header("Content-Type"),
            "--method",
            r["method"].as_str().unwrap(),
        ])
        .args(["--timestamp", &input["timestamp"].to_string()]);
        if !r["query"].as_str().unwrap().is_empty() {
            cmd.args(["--query", r["query"].as_str().unwrap()]);
        }
        if !r["body"].as_str().unwrap().is_empty() {
            cmd.args(["--data", r["body"].as_str().unwrap()]);
        }
        if r["unsigned_payload"].as_bool().unwrap() {
            cmd.arg("--unsigned-payload");
        }
        for n in input["signed_headers"].as_array().unwrap() {
            cmd.args(["--sign-header", n.as_str().unwrap()]);
        }
        let o = cmd.output().unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{}: {err}", v["id"]);
        let got: Value = serde_json::from_str(&out).unwrap();
        let auth = got["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "Authorization")
            .unwrap();
        assert_eq!(auth[1], v["expected"]["authorization"], "{}", v["id"]);
        assert_eq!(
            got["stages"]["canonical_request"], v["expected"]["canonical_request"],
            "{}",
            v["id"]
        );
        assert_eq!(
            got["stages"]["string_to_sign"], v["expected"]["string_to_sign"],
            "{}",
            v["id"]
        );
    }
}

#[test]
fn readme_example_and_http_format() {
    let o = cloudsig()
        .args([
            "sign",
            "tc3",
            "--key-file",
            "examples/seed-tc3.keys",
            "--host",
            "cvm.tencentcloudapi.com",
        ])
        .args([
            "--action",
            "DescribeInstances",
            "--version",
            "2017-03-12",
            "--region",
            "ap-guangzhou",
        ])
        .args([
            "--timestamp",
            "1551113065",
            "--content-type",
            "application/json; charset=utf-8",
        ])
        .args([
            "--data",
            "@examples/describe-instances.json",
            "--format",
            "http",
        ])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.starts_with("POST / HTTP/1.1\r\nAuthorization: TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2\r\n"), "{out}");
    assert!(
        out.contains("\r\nContent-Length: 75\r\n\r\n{\"Limit\": 1,"),
        "{out}"
    );
}

#[test]
fn skip_sign() {
    let o = cloudsig()
        .args([
            "sign",
            "tc3",
            "--skip-sign",
            "--key-file",
            "examples/seed-tc3.keys",
            "--service",
            "cvm",
        ])
        .args([
            "--action",
            "DescribeRegions",
            "--version",
            "2017-03-12",
            "--timestamp",
            "1551113065",
        ])
        .output()
        .unwrap();
    let (out, _) = text(&o);
    assert!(out.contains("-H 'Authorization: SKIP'"), "{out}");
}

/// Runs a failing command: exit 2, a message naming `field`, and never the secret.
fn fails(cmd: &mut Command, field: &str, secret: &str) {
    let o = cmd.output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains(field), "expected {field:?} in {err}");
    assert!(
        !out.contains(secret) && !err.contains(secret),
        "secret printed: {out}{err}"
    );
}

#[test]
fn bad_input_is_named_and_never_echoes_the_secret() {
    let tc3 = |env_id: &str, env_key: &str| {
        let mut c = cloudsig();
        c.env("TENCENTCLOUD_SECRET_ID", env_id)
            .env("TENCENTCLOUD_SECRET_KEY", env_key);
        c.args([
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "2017-03-12",
        ]);
        c
    };
    let key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    fails(&mut tc3("", key), "secret id", key);
    fails(&mut tc3("AKID\u{e9}", key), "secret id", key);
    fails(&mut tc3("AKID", &format!("{key}\n")), "secret key", key);
    fails(&mut tc3("AKID", &format!("{key}\u{e9}")), "secret key", key);
    fails(
        tc3("AKID", key).args(["--timestamp", "99999999999999"]),
        "timestamp",
        key,
    );
    fails(
        tc3("AKID", key).args(["-H", "X-Evil: a\r\nHost: b"]),
        "header `X-Evil`",
        key,
    );
    fails(tc3("AKID", key).args(["--service", "c/vm"]), "service", key);
    fails(
        tc3("AKID", key).args(["--method", "GET", "--data", "x"]),
        "body",
        key,
    );
    fails(
        tc3("AKID", key).args(["--data", "@/nonexistent/file"]),
        "/nonexistent/file",
        key,
    );
    fails(
        cloudsig().args([
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "v",
        ]),
        "TENCENTCLOUD_SECRET_ID",
        key,
    );
    fails(
        cloudsig().env("TENCENTCLOUD_SECRET_ID", "AKID").args([
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "v",
        ]),
        "TENCENTCLOUD_SECRET_KEY",
        key,
    );
}

#[test]
fn stages_and_json_never_show_the_secret() {
    let key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    for format in ["curl", "http", "json"] {
        let o = cloudsig()
            .env("TENCENTCLOUD_SECRET_ID", "AKIDexample")
            .env("TENCENTCLOUD_SECRET_KEY", key)
            .args([
                "sign",
                "tc3",
                "--service",
                "cvm",
                "--action",
                "A",
                "--version",
                "v",
                "--show-stages",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{err}");
        assert!(!out.contains(key) && !err.contains(key));
        assert!(err.contains("--- string to sign"));
    }
}

#[test]
fn a_body_with_a_nul_byte_cannot_be_a_curl_command() {
    let dir = std::env::temp_dir().join(format!("cloudsig-nul-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.bin");
    std::fs::write(&body, b"ab\0cd").unwrap();
    let data = format!("@{}", body.display());
    let base = [
        "sign",
        "tc3",
        "--key-file",
        "examples/seed-tc3.keys",
        "--service",
        "cvm",
        "--action",
        "UploadThing",
        "--version",
        "2017-03-12",
        "--timestamp",
        "1551113065",
        "--content-type",
        "application/octet-stream",
        "--data",
    ];
    let o = cloudsig().args(base).arg(&data).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("NUL byte") && err.contains("--format http"),
        "{err}"
    );
    let o = cloudsig()
        .args(base)
        .arg(&data)
        .args(["--format", "http"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(o.stdout.ends_with(b"\r\n\r\nab\0cd"));
    std::fs::remove_dir_all(&dir).unwrap();
}
