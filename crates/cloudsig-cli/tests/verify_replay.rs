//! `cloudsig verify` and nonce replay (issue 11, defects 3 and 4): one replay store for
//! all the files of a run, whatever their formats, and a forged copy placed before the
//! genuine request does not make the genuine one a replay. Requests are signed by
//! `cloudsig sign` with the captures' keys.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::path::{Path, PathBuf};

mod common;
use common::{cloudsig, run_with_stdin};

const TENCENT_KEYS: &str = "vectors/captures/tencent/keys.txt";
const ALIBABA_KEYS: &str = "vectors/captures/alibaba/keys.txt";
/// The verification time: every request below is signed within a minute of it.
const NOW: &str = "1700000005";

fn sign(args: &[&str]) -> Vec<u8> {
    let o = cloudsig().arg("sign").args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// A v1 request with Nonce 111 signed at `timestamp`, in `format`.
fn v1(timestamp: &str, format: &str) -> Vec<u8> {
    sign(&[
        "v1",
        "--key-file",
        TENCENT_KEYS,
        "--secret-id",
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "--host",
        "cvm.tencentcloudapi.com",
        "--action",
        "DescribeInstances",
        "--api-version",
        "2017-03-12",
        "--nonce",
        "111",
        "--timestamp",
        timestamp,
        "--format",
        format,
    ])
}

/// An Alibaba request of `scheme` (acs3, roa, rpc) with signature nonce `n-1`.
fn alibaba(scheme: &str, timestamp: &str, format: &str) -> Vec<u8> {
    let mut args = vec![
        scheme,
        "--key-file",
        ALIBABA_KEYS,
        "--access-key-id",
        "testid",
        "--host",
        "ecs.aliyuncs.com",
        "--action",
        "DescribeRegions",
        "--api-version",
        "2014-05-26",
        "--nonce",
        "n-1",
        "--timestamp",
        timestamp,
        "--format",
        format,
    ];
    if scheme == "roa" {
        args.extend(["--path", "/regions"]);
    }
    sign(&args)
}

/// A fresh directory for this test's files.
fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cloudsig-replay-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// `cloudsig verify` over `files` (standard input `input` when there are none): exit
/// status and report lines (without the files' `==` headers).
fn verify(keys: &str, files: &[&str], input: &[u8]) -> (Option<i32>, Vec<String>) {
    let o = run_with_stdin(
        cloudsig()
            .args(["verify", "--key-file", keys, "--now", NOW])
            .args(files),
        input,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let lines = out
        .lines()
        .filter(|l| !l.starts_with("== "))
        .map(str::to_string)
        .collect();
    (o.status.code(), lines)
}

/// Replaces the signature of a request (its `Signature=` parameter or the end of its
/// Authorization header) with `AAAA`: a forged copy.
fn forge(request: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(request.to_vec()).unwrap();
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        let forged = if let Some(at) = line.find("Signature=") {
            let end = line[at..]
                .find(['&', ' ', '\r', '\n', '"'])
                .map_or(line.len(), |e| at + e);
            format!("{}Signature=AAAA{}", &line[..at], &line[end..])
        } else if let Some(rest) = line.strip_prefix("Authorization: acs testid:") {
            let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
            format!("Authorization: acs testid:AAAA{}", &rest[end..])
        } else {
            line.to_string()
        };
        out.extend_from_slice(forged.as_bytes());
    }
    assert_ne!(out, request, "nothing forged");
    out
}

#[test]
fn a_v1_nonce_used_in_one_file_is_a_replay_in_the_next() {
    let d = dir("files");
    // v1: two files (the same nonce, 10 s apart), and the second signed first in time.
    let a = write(&d, "a.http", &v1("1700000000", "http"));
    let b = write(&d, "b.http", &v1("1700000010", "http"));
    let (code, lines) = verify(TENCENT_KEYS, &[&a, &b], b"");
    assert_eq!(code, Some(1), "{lines:?}");
    assert!(lines[0].starts_with("#1 valid HmacSHA1"), "{lines:?}");
    assert_eq!(
        lines[1],
        format!(
            "#1 invalid HmacSHA1 AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE InvalidParameterValue: Nonce 111 was already used by request #1 of {a}, signed 10 s earlier (replay)"
        )
    );
    let (_, lines) = verify(TENCENT_KEYS, &[&b, &a], b"");
    assert!(
        lines[1].ends_with(&format!("request #1 of {b}, signed 10 s later (replay)")),
        "{lines:?}"
    );
    // One file passed twice; a raw HTTP file, then a JSON-lines one.
    let (_, lines) = verify(TENCENT_KEYS, &[&a, &a], b"");
    assert!(
        lines[1].contains(&format!(
            "InvalidParameterValue: Nonce 111 was already used by request #1 of an earlier pass over {a}"
        )),
        "{lines:?}"
    );
    let j = write(&d, "b.jsonl", &v1("1700000010", "json"));
    let (code, lines) = verify(TENCENT_KEYS, &[&a, &j], b"");
    assert_eq!(code, Some(1));
    assert!(lines[1].contains("InvalidParameterValue"), "{lines:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn an_alibaba_signature_nonce_used_in_one_file_is_a_replay_in_the_next() {
    // ACS3 in two files, RPC in one file passed twice, ROA as HTTP then JSON lines.
    let d = dir("alibaba-files");
    for (scheme, second_format) in [("acs3", "http"), ("rpc", "http"), ("roa", "json")] {
        let first = write(
            &d,
            &format!("{scheme}-1.http"),
            &alibaba(scheme, "1700000000", "http"),
        );
        let second = if scheme == "rpc" {
            first.clone()
        } else {
            write(
                &d,
                &format!("{scheme}-2.{second_format}"),
                &alibaba(scheme, "1700000010", second_format),
            )
        };
        let (code, lines) = verify(ALIBABA_KEYS, &[&first, &second], b"");
        assert_eq!(code, Some(1), "{scheme}: {lines:?}");
        assert!(lines[0].contains(" valid "), "{scheme}: {lines:?}");
        assert!(
            lines[1].contains(&format!(
                "SignatureNonceUsed: signature nonce `n-1` was already used by request #1 of {}",
                if scheme == "rpc" {
                    format!("an earlier pass over {first}")
                } else {
                    first.clone()
                }
            )),
            "{scheme}: {lines:?}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_forged_v1_copy_placed_first_does_not_make_the_genuine_request_a_replay() {
    // v1: a forged copy of the request signed at +10 s, then the genuine one at +0 s.
    let genuine = v1("1700000000", "http");
    let mut input = forge(&v1("1700000010", "http"));
    input.extend_from_slice(&genuine);
    let (code, lines) = verify(TENCENT_KEYS, &[], &input);
    assert_eq!(code, Some(1));
    assert!(
        lines[0].starts_with("#1 invalid HmacSHA1")
            && lines[0].contains("AuthFailure.SignatureFailure"),
        "{lines:?}"
    );
    assert_eq!(
        lines[1], "#2 valid HmacSHA1 AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "{lines:?}"
    );
    // A forged copy after the genuine request is still caught as a replay too.
    let mut input = genuine.clone();
    input.extend_from_slice(&forge(&v1("1700000010", "http")));
    let (_, lines) = verify(TENCENT_KEYS, &[], &input);
    assert!(lines[0].contains(" valid "), "{lines:?}");
    assert!(
        lines[1].contains("AuthFailure.SignatureFailure") && lines[1].contains("(+1 more)"),
        "{lines:?}"
    );
}

#[test]
fn a_forged_alibaba_copy_placed_first_does_not_make_the_genuine_request_a_replay() {
    // RPC and ROA, in one input, then in two files.
    let d = dir("forged");
    for scheme in ["rpc", "roa"] {
        let forged = forge(&alibaba(scheme, "1700000010", "http"));
        let real = alibaba(scheme, "1700000000", "http");
        let input = [forged.as_slice(), real.as_slice()].concat();
        let (code, lines) = verify(ALIBABA_KEYS, &[], &input);
        assert_eq!(code, Some(1), "{scheme}: {lines:?}");
        assert!(
            lines[0].starts_with("#1 invalid") && lines[0].contains("SignatureDoesNotMatch"),
            "{scheme}: {lines:?}"
        );
        assert!(lines[1].starts_with("#2 valid "), "{scheme}: {lines:?}");
        let forged = write(&d, &format!("{scheme}-forged.http"), &forged);
        let real = write(&d, &format!("{scheme}.http"), &real);
        let (_, lines) = verify(ALIBABA_KEYS, &[&forged, &real], b"");
        assert!(lines[1].starts_with("#1 valid "), "{scheme}: {lines:?}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}
