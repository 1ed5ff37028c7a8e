//! Issue 11, item 6: `cloudsig verify` is no signing oracle. A request whose signature
//! was replaced must not get the signature that makes it verify in any output format,
//! unless `--reveal-expected-signature` asks for it.
//!
//! The expected signature is not computed by the code under test: each forged request is
//! a valid capture of `vectors/captures/` (made by the independent generators) with its
//! signature replaced, so the signature that makes it verify is the one the capture
//! carried.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::{ROOT, cloudsig, run_with_stdin};

/// A valid capture, the text just before its signature, and the time it verifies at.
struct Case {
    cloud: &'static str,
    file: &'static str,
    marker: &'static str,
    now: i64,
}

const CASES: [Case; 6] = [
    Case {
        cloud: "tencent",
        file: "valid/tc3-post-json.http",
        marker: "Signature=",
        now: 1_551_113_065,
    },
    Case {
        cloud: "tencent",
        file: "valid/v1-get-sha256.http",
        marker: "Signature=",
        now: 1_465_185_768,
    },
    Case {
        cloud: "alibaba",
        file: "valid/acs3-doc-run-instances.http",
        marker: "Signature=",
        now: 1_698_315_752,
    },
    Case {
        cloud: "alibaba",
        file: "valid/roa-es-upgrade-version.http",
        marker: "acs testid:",
        now: 1_698_315_752,
    },
    Case {
        cloud: "alibaba",
        file: "valid/rpc-doc-get.http",
        marker: "Signature=",
        now: 1_678_696_470,
    },
    Case {
        cloud: "huawei",
        file: "valid/get-with-query.jsonl",
        marker: "Signature=",
        now: 1_763_194_150,
    },
];

impl Case {
    /// The forged request (the signature replaced by `AAAA`) and the signature the
    /// capture carried, URL-decoded as the report would print it.
    fn forged(&self) -> (String, String) {
        let path = format!("{ROOT}/vectors/captures/{}/{}", self.cloud, self.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find(self.marker).unwrap() + self.marker.len();
        let len = text[start..]
            .find([',', ' ', '&', '"', '\r', '\n'])
            .unwrap_or(text.len() - start);
        let sent = &text[start..start + len];
        assert!(sent.len() >= 20, "{path}: {sent}");
        let original = sent
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        let forged = format!("{}AAAA{}", &text[..start], &text[start + len..]);
        (forged, original)
    }

    /// Every output of `verify` on the forged request with `extra` options.
    fn outputs(&self, forged: &str, extra: &[&str]) -> Vec<String> {
        let keys = format!("vectors/captures/{}/keys.txt", self.cloud);
        let now = self.now.to_string();
        let mut out = Vec::new();
        for format in [
            &["--format", "text"][..],
            &["--explain"],
            &["--format", "json"],
            &["--format", "json", "--explain"],
        ] {
            let o = run_with_stdin(
                cloudsig()
                    .args(["verify", "--key-file", &keys, "--now", &now])
                    .args(format)
                    .args(extra),
                forged.as_bytes(),
            );
            let stdout = String::from_utf8(o.stdout).unwrap();
            assert_eq!(o.status.code(), Some(1), "{}: {stdout}", self.file);
            assert!(stdout.contains("invalid"), "{}: {stdout}", self.file);
            out.push(format!("{stdout}{}", String::from_utf8_lossy(&o.stderr)));
        }
        out
    }
}

#[test]
fn the_expected_signature_of_a_forged_request_is_never_printed_by_default() {
    for case in &CASES {
        let (forged, original) = case.forged();
        let outputs = case.outputs(&forged, &[]);
        for out in &outputs {
            assert!(!out.contains(&original), "{}: {out}", case.file);
        }
        // Where the stages diverge is said instead.
        assert!(
            outputs[1].contains("\n    diverges at: signature"),
            "{}: {}",
            case.file,
            outputs[1]
        );
        let json: serde_json::Value = serde_json::from_str(outputs[2].lines().next().unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}: {}", case.file, outputs[2]));
        assert_eq!(json["diagnosis"]["diverges_at"], "signature", "{json}");
        assert_eq!(json["diagnosis"]["received_signature"], "AAAA", "{json}");
        assert!(
            json["diagnosis"].get("expected_signature").is_none(),
            "{json}"
        );
    }
}

#[test]
fn the_expected_signature_is_printed_when_asked_for() {
    for case in &CASES {
        let (forged, original) = case.forged();
        let outputs = case.outputs(&forged, &["--reveal-expected-signature"]);
        // The one-line text report carries no stages; --explain and JSON do.
        assert!(!outputs[0].contains(&original), "{}", outputs[0]);
        assert!(
            outputs[1].contains(&format!("\n    expected signature: {original}\n")),
            "{}: {}",
            case.file,
            outputs[1]
        );
        for json in &outputs[2..] {
            let json: serde_json::Value = serde_json::from_str(json.lines().next().unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}: {json}", case.file));
            assert_eq!(
                json["diagnosis"]["expected_signature"], original,
                "{}",
                case.file
            );
        }
    }
}

#[test]
fn the_help_says_what_revealing_does() {
    let o = cloudsig().args(["verify", "--help"]).output().unwrap();
    let help = String::from_utf8(o.stdout).unwrap();
    // The flag's own entry: a line that starts with it (after the indentation), not a
    // mention in another option's help.
    let flag = help
        .split('\n')
        .skip_while(|l| !l.trim_start().starts_with("--reveal-expected-signature"))
        .take_while(|l| !l.trim_start().starts_with("--only-invalid"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!flag.is_empty(), "the flag is documented: {help}");
    let text: String = flag.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("the signature that would make the request verify"),
        "{text}"
    );
    assert!(text.contains("requests you signed yourself"), "{text}");
    assert!(text.contains("logs or tickets"), "{text}");
}
