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
use std::process::{Output, Stdio};

mod common;
use common::{ROOT, cloudsig, run_with_stdin};

use serde_json::Value;

const KEYS: &str = "vectors/captures/tencent/keys.txt";
const SECRET: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

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

const VALID: &str = "vectors/captures/tencent/valid/tc3-post-json.http";
const INVALID: &str = "vectors/captures/tencent/mistakes/charset-added-after-signing.http";

/// A fresh directory of this test's own under the temporary directory.
fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cloudsig-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One JSON-lines record signed by `cloudsig sign` (valid at the tests' `--now`).
fn jsonl_record() -> String {
    let j: Value = serde_json::from_slice(&signed("json")).unwrap();
    serde_json::json!({"method": j["method"], "url": j["url"], "headers": j["headers"], "body": j["body"]})
        .to_string()
}

#[test]
fn a_missing_or_unreadable_file_is_reported_and_the_others_still_verified() {
    let o = cloudsig()
        .args(["verify", "--key-file", KEYS, "--now", "1551113065"])
        .args([VALID, "/nonexistent/capture", "vectors", INVALID])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    // Both readable files were verified, in order, each under its header.
    assert_eq!(out.matches("== ").count(), 2, "{out}");
    assert!(out.contains(&format!("== {INVALID}\n#1 invalid")), "{out}");
    assert!(
        err.contains("cloudsig: error: /nonexistent/capture: "),
        "{err}"
    );
    assert!(err.contains("cloudsig: error: vectors: "), "{err}");
    assert!(
        err.contains("2 requests: 1 valid, 0 unsigned, 1 invalid, 0 unreadable"),
        "{err}"
    );
    assert!(err.contains("2 of 4 inputs could not be read"), "{err}");
    // A read error is an input error whichever reader met it.
    for input in ["auto", "http", "curl", "har", "jsonl"] {
        let o = cloudsig()
            .args(["verify", "--key-file", KEYS, "--input", input, "vectors"])
            .output()
            .unwrap();
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(2), "{input}: {err}");
        assert!(err.contains("cloudsig: error: vectors: "), "{input}: {err}");
    }
}

#[test]
fn a_closed_standard_output_does_not_change_the_exit_status() {
    // Far more reports than a pipe holds, then an invalid request: the reader is gone
    // before the reports are written, so writing them fails with a broken pipe.
    let record = jsonl_record();
    let mut input = format!("{record}\n").repeat(5000);
    let forged = record.replacen("Signature=", "Signature=0", 1);
    assert_ne!(forged, record);
    input.push_str(&forged);
    input.push('\n');
    for extra in [&[][..], &["--only-invalid"][..], &["--format", "json"][..]] {
        let mut child = cloudsig()
            .args(["verify", "--key-file", KEYS, "--now", "1551113065"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {err}");
        assert!(
            err.contains("5001 requests: 5000 valid, 0 unsigned, 1 invalid, 0 unreadable"),
            "{extra:?}: {err}"
        );
        assert!(!err.contains("error"), "{extra:?}: {err}");
    }
}

#[test]
fn no_request_at_all_exits_2_unless_allowed() {
    let o = verify(b"", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("0 requests") && err.contains("no request in the input (pass --allow-empty"),
        "{err}"
    );
    let o = verify(b"", &["--allow-empty"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    // An empty file among others is fine: the run as a whole saw requests.
    let dir = temp_dir("empty");
    let empty = dir.join("empty.http");
    std::fs::write(&empty, b"").unwrap();
    let o = cloudsig()
        .args(["verify", "--key-file", KEYS, "--now", "1551113065", VALID])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unreadable_request_exits_1_whether_the_format_is_named_or_detected() {
    let garbage = b"\x00\x01\x02 this is not a capture of any kind\n";
    for input in ["auto", "http", "curl", "har", "jsonl"] {
        let o = verify(garbage, &["--input", input]);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{input}: {out}{err}");
        assert!(out.starts_with("#1 unreadable"), "{input}: {out}");
        assert!(
            err.contains("1 requests: 0 valid, 0 unsigned, 0 invalid, 1 unreadable"),
            "{input}: {err}"
        );
    }
    let o = verify(garbage, &[]);
    assert!(text(&o).0.contains("cannot tell the capture format"));
}

#[test]
fn the_exit_statuses_are_the_same_in_help_and_readme() {
    let o = cloudsig().args(["verify", "--help"]).output().unwrap();
    let help = text(&o).0;
    let table = &help[help.find("Exit status:").expect("an exit status table")..];
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let rows: Vec<&str> = table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(rows.len() >= 4, "{table}");
    for row in rows {
        assert!(readme.contains(row), "README lacks `{row}`");
    }
}

#[test]
fn threads_and_window_are_bounded() {
    for threads in ["0", "257", "1000000000", "4611686018427387904", "-1"] {
        let o = cloudsig()
            .args([
                "verify",
                "--key-file",
                KEYS,
                &format!("--threads={threads}"),
                VALID,
            ])
            .output()
            .unwrap();
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(2), "{threads}: {err}");
        assert!(
            err.contains("--threads") && err.contains("1..=256"),
            "{threads}: {err}"
        );
    }
    for threads in ["1", "256"] {
        let o = cloudsig()
            .args(["verify", "--key-file", KEYS, "--now", "1551113065"])
            .args(["--threads", threads, VALID])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{threads}: {}", text(&o).1);
    }
    let o = cloudsig()
        .args(["verify", "--key-file", KEYS, "--window=-1", VALID])
        .output()
        .unwrap();
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--window") && err.contains("must not be negative"),
        "{err}"
    );
}

#[test]
fn only_invalid_prints_a_file_header_only_before_a_shown_report() {
    let o = cloudsig()
        .args([
            "verify",
            "--key-file",
            KEYS,
            "--now",
            "1551113065",
            "--only-invalid",
        ])
        .args([VALID, INVALID, VALID])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], format!("== {INVALID}"));
    assert!(lines[1].starts_with("#1 invalid"), "{out}");
}

#[cfg(unix)]
#[test]
fn key_files_others_may_read_are_warned_about_and_large_ones_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("keyfiles");
    let open = dir.join("open.keys");
    let body = std::fs::read_to_string(format!("{ROOT}/{KEYS}")).unwrap();
    let unmarked: String = body
        .lines()
        .filter(|l| !l.starts_with("# cloudsig:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&open, &unmarked).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = cloudsig()
        .args(["verify", "--now", "1551113065", "--key-file"])
        .args([open.as_os_str(), VALID.as_ref()])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        err.contains(&format!(
            "cloudsig: warning: key file {} may be read by other users (mode 0644)",
            open.display()
        )),
        "{err}"
    );
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = cloudsig()
        .args(["verify", "--now", "1551113065", "--key-file"])
        .args([open.as_os_str(), VALID.as_ref()])
        .output()
        .unwrap();
    assert!(!text(&o).1.contains("warning"), "{}", text(&o).1);
    // The repository's example key files are marked, so the README's runs stay quiet.
    let o = cloudsig()
        .args(["verify", "--now", "1551113065", "--key-file", KEYS, VALID])
        .output()
        .unwrap();
    assert!(!text(&o).1.contains("warning"), "{}", text(&o).1);

    let big = dir.join("big.keys");
    let mut text_big = "# padding\n".repeat(210_000);
    text_big.push_str(&unmarked);
    std::fs::write(&big, &text_big).unwrap();
    std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
    for args in [
        &["verify", "--now", "1551113065", VALID][..],
        &[
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "1",
            "--secret-id",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        ][..],
    ] {
        let o = cloudsig()
            .args(args)
            .arg("--key-file")
            .arg(&big)
            .output()
            .unwrap();
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("larger than 1024 KiB"), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_key_replaced_by_a_later_source_is_warned_about() {
    let o = cloudsig()
        .env(
            "TENCENTCLOUD_SECRET_ID",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        )
        .env("TENCENTCLOUD_SECRET_KEY", "NotTheRightKeyEXAMPLE")
        .args(["verify", "--now", "1551113065", "--key-file", KEYS, VALID])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    // The key file comes after the environment, and wins.
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        err.contains(&format!(
            "cloudsig: warning: key id AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE is in TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY and in key file {KEYS} with different keys: the one from key file {KEYS} is used"
        )),
        "{err}"
    );
    assert!(
        !err.contains("NotTheRightKey") && !err.contains(SECRET),
        "{err}"
    );
    // The same key twice is no conflict.
    let o = cloudsig()
        .env(
            "TENCENTCLOUD_SECRET_ID",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        )
        .env("TENCENTCLOUD_SECRET_KEY", SECRET)
        .args([
            "verify",
            "--now",
            "1551113065",
            "--key-file",
            KEYS,
            "--key-file",
            KEYS,
            VALID,
        ])
        .output()
        .unwrap();
    assert!(!text(&o).1.contains("warning"), "{}", text(&o).1);
}

#[cfg(unix)]
#[test]
fn a_key_variable_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"Gu5t9x\xffEXAMPLE");
    for args in [
        &["verify", VALID][..],
        &[
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "1",
        ][..],
    ] {
        let o = cloudsig()
            .env(
                "TENCENTCLOUD_SECRET_ID",
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            )
            .env("TENCENTCLOUD_SECRET_KEY", bad)
            .args(args)
            .output()
            .unwrap();
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cloudsig: error: TENCENTCLOUD_SECRET_KEY is not valid UTF-8"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("Gu5t9x"), "{err}");
    }
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
