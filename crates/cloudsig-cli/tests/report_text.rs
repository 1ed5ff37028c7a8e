//! Issue 11, item 12: text reports play no terminal escape sequence of the request, and
//! an unreadable request is located by byte offset and line as the README says.
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

/// A v1 request whose unsigned-for parameter decodes to ESC ] … BEL and a C1 CSI (it
/// reaches the string to sign decoded), and a TC3 request whose signed Content-Type
/// carries a C1 CSI and DEL (obs-text, which HTTP allows in a header value).
fn evil_requests() -> Vec<u8> {
    let mut input = b"GET /?Action=DescribeInstances&Version=2017-03-12&Timestamp=1551113065&Nonce=1&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&X=%1B%5D0%3Bpwned%07%C2%9B31m%7F&Signature=AAAA HTTP/1.1\r\nHost: cvm.tencentcloudapi.com\r\n\r\n".to_vec();
    input.extend_from_slice(b"POST /x HTTP/1.1\r\nAuthorization: TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=0000\r\nContent-Type: application/json\xc2\x9b31m\r\nHost: cvm.tencentcloudapi.com\r\nX-TC-Action: DescribeInstances\r\nX-TC-Timestamp: 1551113065\r\nX-TC-Version: 2017-03-12\r\nContent-Length: 2\r\n\r\n{}");
    input
}

/// Whether `text` holds a C0 control other than the line feed, DEL or a C1 control.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c != '\n' && matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'))
}

#[test]
fn control_characters_of_the_request_are_escaped_in_every_output() {
    let input = evil_requests();
    for format in [
        &["--format", "text"][..],
        &["--explain"],
        &["--explain", "--reveal-expected-signature"],
        &["--format", "json", "--explain"],
    ] {
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
                .args(format),
            &input,
        );
        assert_eq!(o.status.code(), Some(1));
        let out = String::from_utf8(o.stdout).unwrap();
        assert_eq!(
            out.lines().filter(|l| l.starts_with('#')).count(),
            if format[0] == "--format" && format[1] == "json" {
                0
            } else {
                2
            },
            "{out}"
        );
        assert!(!has_control(&out), "{format:?}: {out:?}");
        assert!(!has_control(&String::from_utf8_lossy(&o.stderr)));
        if format == ["--explain"] {
            // The string to sign shows the decoded value, escaped.
            assert!(
                out.contains("&X=\\x1b]0;pwned\\x07\\u{9b}31m\\x7f\n"),
                "{out}"
            );
            assert!(
                out.contains("content-type:application/json\\u{9b}31m\n"),
                "{out}"
            );
        }
    }
}

#[test]
fn an_unreadable_request_is_located_by_byte_offset_and_line_in_text() {
    let valid_http = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let cases: [(&str, String, &str); 4] = [
        (
            "http",
            format!("{valid_http}GARBAGE\u{1} / HTTP/1.1\r\n\r\n"),
            "#2 unreadable unknown (byte 27, line 4) Unreadable: ",
        ),
        (
            "jsonl",
            "{\"method\":\"GET\",\"url\":\"/\",\"headers\":[[\"Host\",\"a\"]]}\n\n{bad\n".into(),
            "#2 unreadable unknown (byte 53, line 3) Unreadable: ",
        ),
        (
            "curl",
            "curl https://a/\ncurl https://b/ -H \"x\ncurl https://c/\n".into(),
            "#2 unreadable unknown (byte 16, line 2) Unreadable: ",
        ),
        (
            "har",
            "{\"log\": {\"version\": \"1.2\", \"entries\": [\n {\"request\": {\"method\": \"GET\", \"url\": \"https://a/\", \"headers\": []}},\n {\"request\": {\"method\": 5}}\n]}}\n".into(),
            "#2 unreadable unknown (byte 110, line 3) Unreadable: ",
        ),
    ];
    for (input, text, want) in &cases {
        for forced in [*input, "auto"] {
            let o = run_with_stdin(
                cloudsig().args([
                    "verify",
                    "--input",
                    forced,
                    "--key-file",
                    KEYS,
                    "--now",
                    NOW,
                ]),
                text.as_bytes(),
            );
            let out = String::from_utf8(o.stdout).unwrap();
            let line = out
                .lines()
                .find(|l| l.starts_with("#2 "))
                .unwrap_or_default();
            assert!(line.starts_with(want), "{input} ({forced}): {out}");
            // The JSON report locates it the same way.
            let o = run_with_stdin(
                cloudsig().args([
                    "verify",
                    "--input",
                    forced,
                    "--format",
                    "json",
                    "--key-file",
                    KEYS,
                    "--now",
                    NOW,
                ]),
                text.as_bytes(),
            );
            let json = String::from_utf8(o.stdout).unwrap();
            let second: serde_json::Value =
                serde_json::from_str(json.lines().nth(1).unwrap()).unwrap();
            assert_eq!(second["verdict"], "unreadable", "{json}");
            let (byte, line) = want["#2 unreadable unknown (byte ".len()..]
                .split_once(", line ")
                .unwrap();
            assert_eq!(second["offset"].to_string(), byte, "{json}");
            assert_eq!(
                second["line"].to_string(),
                line.split(')').next().unwrap(),
                "{json}"
            );
        }
    }
}
