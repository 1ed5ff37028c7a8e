//! `sign` and `verify` follow the same rules, and `sign` can express the requests real
//! clients send: a TC3 GET never carries a body (both say so in the same words); an
//! explicit RPC or v1 parameter replaces the signer's default instead of being sent
//! twice; Huawei headers can be left unsigned; v1 takes a path and, off the API 3.0
//! hosts, no Version.
//!
//! Every expected signature was computed independently with the Python standard library
//! (hmac, hashlib, base64, urllib.parse), from the documented algorithms, as
//! `vectors/tools/*.py` do:
//!
//! ```text
//! RPC:    base64(HMAC-SHA1("testsecret&", "GET&%2F&" + pct(sorted pct(k)=pct(v) joined by &)))
//! v1:     base64(HMAC-SHA1(key, "GET" + host + path + "?" + sorted k=v joined by &))
//! Huawei: hex(HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + hex(SHA-256(canonical request))))
//! ```
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::process::Output;

use common::{cloudsig, run_with_stdin};

const TENCENT_KEYS: &str = "vectors/captures/tencent/keys.txt";
const ALIBABA_KEYS: &str = "vectors/captures/alibaba/keys.txt";
const HUAWEI_KEYS: &str = "vectors/captures/huawei/keys.txt";
const TENCENT_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Signs with `args` as raw HTTP; the request, after checking the run succeeded.
fn sign(args: &[&str]) -> String {
    let o = cloudsig()
        .arg("sign")
        .args(args)
        .args(["--format", "http"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    out
}

/// Verifies `request` with `keys` at `now`; the exit status and the report line.
fn verify(request: &str, keys: &str, now: &str) -> (Option<i32>, String) {
    let o = run_with_stdin(
        cloudsig().args(["verify", "--key-file", keys, "--now", now]),
        request.as_bytes(),
    );
    let (out, err) = text(&o);
    (o.status.code(), format!("{out}{err}"))
}

/// The words sign and verify both use for a TC3 GET body.
const GET_RULE: &str = "GET carries its parameters in the query and sends no body";

#[test]
fn a_tc3_get_body_is_refused_by_sign_and_reported_by_verify_in_the_same_words() {
    let o = cloudsig()
        .args([
            "sign",
            "tc3",
            "--key-file",
            TENCENT_KEYS,
            "--secret-id",
            TENCENT_ID,
        ])
        .args(["--service", "cvm", "--action", "DescribeInstances"])
        .args(["--version", "2017-03-12", "--method", "GET", "-d", "{}"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains(GET_RULE), "{err}");
    // The same request signed by an independent client (its body's hash signed as the
    // payload: the signature matches), from vectors/tools/make_captures.py.
    let capture = std::fs::read_to_string(format!(
        "{}/vectors/captures/tencent/rules/tc3-get-body.http",
        common::ROOT
    ))
    .unwrap();
    let (status, report) = verify(&capture, TENCENT_KEYS, "1551113065");
    assert_eq!(status, Some(1), "{report}");
    assert!(report.contains("invalid TC3-HMAC-SHA256"), "{report}");
    assert!(report.contains("InvalidParameter"), "{report}");
    assert!(report.contains(GET_RULE), "{report}");
}

#[test]
fn an_explicit_rpc_parameter_replaces_the_default_instead_of_a_second_one() {
    let out = sign(&[
        "rpc",
        "--key-file",
        ALIBABA_KEYS,
        "--access-key-id",
        "testid",
        "--host",
        "ecs.cn-beijing.aliyuncs.com",
        "--action",
        "DescribeRegions",
        "--api-version",
        "2014-05-26",
        "-p",
        "Format=XML",
        "--nonce",
        "abc",
        "--timestamp",
        "1678696470",
    ]);
    let line = out.lines().next().unwrap();
    assert_eq!(line.matches("Format=").count(), 1, "{line}");
    assert!(line.contains("&Format=XML&"), "{line}");
    // Python: the eight parameters (Format=XML), sorted, HMAC-SHA1 with "testsecret&".
    assert!(
        line.ends_with("&Signature=qB1pimoS9VMdp8C3ZwX2wQvc%2BRY%3D HTTP/1.1"),
        "{line}"
    );
    let (status, report) = verify(&out, ALIBABA_KEYS, "1678696470");
    assert_eq!(status, Some(0), "{report}");
    // A parameter only the signer sets is refused, naming it.
    let o = cloudsig()
        .args([
            "sign",
            "rpc",
            "--key-file",
            ALIBABA_KEYS,
            "--access-key-id",
            "testid",
        ])
        .args(["--host", "ecs.cn-beijing.aliyuncs.com", "--action", "A"])
        .args(["--api-version", "2014-05-26", "-p", "AccessKeyId=other"])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("AccessKeyId"), "{err}");
}

#[test]
fn v1_takes_a_path_and_no_version_off_the_api_3_hosts() {
    let out = sign(&[
        "v1",
        "--key-file",
        TENCENT_KEYS,
        "--secret-id",
        TENCENT_ID,
        "--host",
        "cvm.api.qcloud.com",
        "--path",
        "/v2/index.php",
        "--action",
        "DescribeInstances",
        "-p",
        "Nonce=11886",
        "-p",
        "Timestamp=1465185768",
    ]);
    let line = out.lines().next().unwrap();
    assert!(line.starts_with("GET /v2/index.php?"), "{line}");
    assert!(!line.contains("Version="), "{line}");
    // The explicit Nonce and Timestamp replace the defaults: each is sent once.
    assert_eq!(line.matches("Nonce=").count(), 1, "{line}");
    assert_eq!(line.matches("Timestamp=1465185768").count(), 1, "{line}");
    // Python: "GETcvm.api.qcloud.com/v2/index.php?Action=…&Nonce=11886&SecretId=…&Timestamp=1465185768".
    assert!(
        line.ends_with("&Signature=%2BbvSlCKelEOS15cvnKE4wYVwfG0%3D HTTP/1.1"),
        "{line}"
    );
    // verify follows the same rule: no Version is missing on a legacy host.
    let (status, report) = verify(&out, TENCENT_KEYS, "1465185768");
    assert_eq!(status, Some(0), "{report}");

    // An API 3.0 host requires Version, in sign and in verify.
    let o = cloudsig()
        .args([
            "sign",
            "v1",
            "--key-file",
            TENCENT_KEYS,
            "--secret-id",
            TENCENT_ID,
        ])
        .args([
            "--host",
            "cvm.tencentcloudapi.com",
            "--action",
            "DescribeInstances",
        ])
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("Version") && err.contains("tencentcloudapi.com"),
        "{err}"
    );
    let legacy = sign(&[
        "v1",
        "--key-file",
        TENCENT_KEYS,
        "--secret-id",
        TENCENT_ID,
        "--host",
        "cvm.api.qcloud.com",
        "--action",
        "DescribeInstances",
        "--nonce",
        "1",
        "--timestamp",
        "1465185768",
    ]);
    let moved = legacy.replace("Host: cvm.api.qcloud.com", "Host: cvm.tencentcloudapi.com");
    let (status, report) = verify(&moved, TENCENT_KEYS, "1465185768");
    assert_eq!(status, Some(1), "{report}");
    assert!(
        report.contains("MissingParameter") && report.contains("Version"),
        "{report}"
    );
}

#[test]
fn huawei_can_leave_a_header_unsigned() {
    let out = sign(&[
        "huawei",
        "--key-file",
        HUAWEI_KEYS,
        "--ak",
        "HPUAEXAMPLEAK0000001",
        "--host",
        "ecs.cn-north-4.myhuaweicloud.com",
        "--path",
        "/v1/servers",
        "-d",
        "{}",
        "--unsigned-header",
        "Content-Type",
        "--timestamp",
        "1763194150",
    ]);
    assert!(
        out.contains("\r\nContent-Type: application/json\r\n"),
        "{out}"
    );
    // Python: canonical request over host and x-sdk-date only, path "/v1/servers/".
    assert!(
        out.contains(
            "Authorization: SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=host;x-sdk-date, \
             Signature=08b368875ab0f106eeb368ec1bf1bbd9275187c47309e610927b615cda94d895\r\n"
        ),
        "{out}"
    );
    let (status, report) = verify(&out, HUAWEI_KEYS, "1763194150");
    assert_eq!(status, Some(0), "{report}");
    // Host and X-Sdk-Date are always signed; a header not sent cannot be left unsigned.
    for name in ["host", "X-Sdk-Date", "X-Not-Sent"] {
        let o = cloudsig()
            .args(["sign", "huawei", "--key-file", HUAWEI_KEYS])
            .args([
                "--ak",
                "HPUAEXAMPLEAK0000001",
                "--host",
                "ecs.cn-north-4.myhuaweicloud.com",
                "--path",
                "/v1/servers",
            ])
            .args(["--unsigned-header", name])
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {out}{err}");
        assert!(err.contains(name), "{name}: {err}");
    }
}
