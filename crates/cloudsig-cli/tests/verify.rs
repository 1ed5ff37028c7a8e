//! `cloudsig verify` end to end: verdicts and exit statuses, every input format (fed
//! by `cloudsig sign`), JSON output, explanations, and no key in any output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const KEYS: &str = "vectors/captures/tencent/keys.txt";
const SECRET: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn cloudsig() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudsig"));
    c.current_dir(ROOT)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY");
    c
}

fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A request signed by `cloudsig sign` with the captures' key, in `format`.
fn signed(format: &str) -> Vec<u8> {
    let o = cloudsig()
        .args([
            "sign",
            "tc3",
            "--key-file",
            KEYS,
            "--secret-id",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        ])
        .args([
            "--service",
            "cvm",
            "--action",
            "DescribeInstances",
            "--version",
            "2017-03-12",
        ])
        .args([
            "--region",
            "ap-guangzhou",
            "--timestamp",
            "1551113065",
            "--data",
            r#"{"Limit": 1, "Name": "a b's"}"#,
        ])
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o).1);
    o.stdout
}

fn verify(input: &[u8], extra: &[&str]) -> Output {
    run_with_stdin(
        cloudsig()
            .args(["verify", "--key-file", KEYS, "--now", "1551113065"])
            .args(extra),
        input,
    )
}

#[test]
fn valid_capture_exits_0_and_a_failing_one_exits_1_with_its_cause() {
    let o = cloudsig()
        .args([
            "verify",
            "--key-file",
            KEYS,
            "--now",
            "1551113065",
            "vectors/captures/tencent/valid/tc3-post-json.http",
        ])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        out.starts_with("#1 valid TC3-HMAC-SHA256 AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
        "{out}"
    );
    assert!(err.contains("1 requests: 1 valid"), "{err}");

    let o = cloudsig()
        .args(["verify", "--key-file", KEYS, "--now", "1551113065"])
        .arg("vectors/captures/tencent/mistakes/charset-added-after-signing.http")
        .output()
        .unwrap();
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out.contains("AuthFailure.SignatureFailure")
            && out.contains("a charset was added after signing"),
        "{out}"
    );
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    let o = cloudsig()
        .args(["verify", "--key-file", KEYS, "/nonexistent/capture"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("/nonexistent/capture"));
    let o = verify(b"\x00\x01\x02 this is not a capture of any kind", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot tell the capture format"));
    let o = cloudsig()
        .args(["verify", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_input_format_round_trips_from_sign() {
    // curl and raw HTTP straight from `cloudsig sign`.
    for format in ["curl", "http"] {
        let o = verify(&signed(format), &[]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{format}: {out}{err}");
        assert!(
            out.starts_with("#1 valid TC3-HMAC-SHA256"),
            "{format}: {out}"
        );
    }
    // HAR and JSON lines built from the JSON form.
    let j: Value = serde_json::from_slice(&signed("json")).unwrap();
    let headers: Vec<Value> = j["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| serde_json::json!({"name": h[0], "value": h[1]}))
        .collect();
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {"request": {"method": j["method"], "url": j["url"], "httpVersion": "HTTP/1.1", "headers": headers,
                     "postData": {"mimeType": "application/json", "text": j["body"]}}, "response": {}}]}});
    let jsonl = serde_json::json!({"method": j["method"], "url": j["url"], "headers": j["headers"], "body": j["body"]});
    for (name, input) in [("har", har.to_string()), ("jsonl", format!("{jsonl}\n"))] {
        let o = verify(input.as_bytes(), &[]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{name}: {out}{err}");
        assert!(out.starts_with("#1 valid TC3-HMAC-SHA256"), "{name}: {out}");
    }
}

#[test]
fn json_output_and_explanations() {
    let capture = std::fs::read(format!(
        "{ROOT}/vectors/captures/tencent/mistakes/json-reserialised.http"
    ))
    .unwrap();
    let o = verify(&capture, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let (out, _) = text(&o);
    let r: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(r["code"], "AuthFailure.SignatureFailure");
    assert_eq!(r["diagnosis"]["mistake"]["id"], "json-reserialised");
    assert!(
        r["diagnosis"]["canonical_request"]
            .as_str()
            .unwrap()
            .starts_with("POST\n/\n\ncontent-type:")
    );
    let o = verify(&capture, &["--explain"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("computed canonical request:") && out.contains("computed string to sign:"),
        "{out}"
    );
    assert!(out.contains("diagnosis (json-reserialised)"), "{out}");
    assert!(!out.contains(SECRET));
}

#[test]
fn a_bad_request_among_good_ones_is_named_and_the_rest_verified() {
    let mut input = signed("http");
    input.extend_from_slice(b"\x00\xffgarbage that is no request\r\n\r\n");
    input.extend_from_slice(&signed("http"));
    let o = verify(&input, &["--input", "http"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("#1 valid") && lines[2].starts_with("#3 valid"),
        "{out}"
    );
    assert!(lines[1].starts_with("#2 unreadable"), "{out}");
    assert!(
        err.contains("3 requests: 2 valid, 0 unsigned, 0 invalid, 1 unreadable"),
        "{err}"
    );
}

#[test]
fn keys_from_the_environment_and_no_key_in_any_output() {
    let capture = std::fs::read(format!(
        "{ROOT}/vectors/captures/tencent/mistakes/key-whitespace.http"
    ))
    .unwrap();
    let o = run_with_stdin(
        cloudsig()
            .env(
                "TENCENTCLOUD_SECRET_ID",
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            )
            .env("TENCENTCLOUD_SECRET_KEY", SECRET)
            .args(["verify", "--now", "1551113065", "--explain"]),
        &capture,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("the SecretKey was used with a trailing newline"),
        "{out}"
    );
    assert!(!out.contains(SECRET) && !err.contains(SECRET));
}

/// The JSON-lines record of a request signed by `cloudsig sign`, on one line.
fn signed_record(note: Option<&str>) -> String {
    let j: Value = serde_json::from_slice(&signed("json")).unwrap();
    let mut record = serde_json::json!({"method": j["method"], "url": j["url"], "headers": j["headers"], "body": j["body"]});
    if let Some(note) = note {
        record["note"] = Value::from(note);
    }
    format!("{record}\n")
}

/// Issue 11, item 5 (b-d): a JSON-lines capture is recognised past a metadata first
/// line, a broken first record, or one mentioning `"log"`, and when its first record is
/// larger than the first read (256 KiB); the good records are all verified.
#[test]
fn json_lines_are_recognised_whatever_their_first_line() {
    let record = signed_record(None);
    let cases = [
        (
            "metadata",
            format!("{{\"note\":\"capture 1\"}}\n{record}"),
            1,
            0,
        ),
        (
            "broken record",
            format!("{{\"method\":\"POST\",\"url\": oops}}\n{record}"),
            1,
            1,
        ),
        (
            "bad line and \"log\"",
            format!("{{oops \"log\": {{\n{record}{record}"),
            2,
            1,
        ),
        (
            "first record of 300 KiB",
            format!("{}{record}", signed_record(Some(&"x".repeat(300 * 1024)))),
            2,
            0,
        ),
    ];
    for (name, input, valid, unreadable) in cases {
        let o = verify(input.as_bytes(), &[]);
        let (out, err) = text(&o);
        assert!(
            err.contains(&format!("{} requests: {valid} valid", valid + unreadable))
                && err.contains(&format!("{unreadable} unreadable")),
            "{name}: {out}{err}"
        );
        if unreadable == 0 {
            assert_eq!(o.status.code(), Some(0), "{name}: {out}{err}");
        }
    }
}

/// Issue 11, items 7 and 8: a curl command without `-H Host` (as browsers' "Copy as
/// cURL" writes it) is verified with the host curl sends, taken from the URL; userinfo
/// in the URL is not part of that host and never printed.
#[test]
fn curl_without_a_host_header_and_with_userinfo() {
    let curl = String::from_utf8(signed("curl")).unwrap();
    let no_host: String = curl
        .lines()
        .filter(|l| !l.contains("'Host: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!no_host.contains("Host:"), "{no_host}");
    let with_user = no_host.replace("https://cvm", "https://user:s3cretPW@cvm");
    assert_ne!(with_user, no_host);
    for (name, input) in [("no Host", &no_host), ("userinfo", &with_user)] {
        let o = verify(input.as_bytes(), &["--explain"]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{name}: {out}{err}");
        assert!(out.starts_with("#1 valid TC3-HMAC-SHA256"), "{name}: {out}");
        assert!(!out.contains("s3cretPW") && !err.contains("s3cretPW"));
    }
    // A wrong service names the host without the userinfo.
    let wrong = with_user.replace("/cvm/tc3_request", "/cbs/tc3_request");
    let o = verify(wrong.as_bytes(), &["--explain", "--no-diagnose"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        !out.contains("s3cretPW") && !err.contains("s3cretPW"),
        "{out}{err}"
    );
}
