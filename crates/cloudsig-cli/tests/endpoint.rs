//! `--endpoint`: the printed request goes to a local server (127.0.0.1, ephemeral port)
//! that receives it and verifies it as the cloud would, while the Host header and the
//! signature keep the cloud's host. Also: completions, the man page, `--version`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use cloudsig_verify::capture::Limits;
use cloudsig_verify::capture::http::HttpReader;
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};
use common::cloudsig;

/// Serves one request on 127.0.0.1: reads it as raw HTTP, verifies it with `keys` at
/// `now`, answers the verdict; returns the port and a handle giving (verdict, Host).
fn one_shot_verifier(
    keys: &'static str,
    now: i64,
) -> (u16, std::thread::JoinHandle<(Verdict, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader =
            HttpReader::new(BufReader::new(sock.try_clone().unwrap()), Limits::default());
        let cap = reader.next().unwrap().unwrap();
        let ring = KeyRing::parse(keys, "test").unwrap();
        let report = Verifier::new(ring, Options::at(now)).check(&cap, &mut KeyCache::default());
        let answer = report.verdict.name();
        write!(
            sock,
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
        (
            report.verdict,
            cap.header("host").unwrap_or_default().to_string(),
        )
    });
    (port, handle)
}

/// Sends the request of `cloudsig sign ... --format json` to the authority of its url, as
/// an HTTP client would (origin-form target, the printed headers, the body).
fn send(json: &serde_json::Value) -> String {
    let url = json["url"].as_str().unwrap();
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    let mut out = format!("{} {target} HTTP/1.1\r\n", json["method"].as_str().unwrap());
    for h in json["headers"].as_array().unwrap() {
        out.push_str(&format!(
            "{}: {}\r\n",
            h[0].as_str().unwrap(),
            h[1].as_str().unwrap()
        ));
    }
    let body = json["body"].as_str().unwrap();
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    let mut s = TcpStream::connect(authority).unwrap();
    s.write_all(out.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

fn sign_json(args: &[&str]) -> serde_json::Value {
    let out = cloudsig().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn tc3_signed_for_the_cloud_host_is_received_and_verified_at_a_local_endpoint() {
    let (port, server) = one_shot_verifier(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE ********************************",
        1551113065,
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let json = sign_json(&[
        "sign",
        "tc3",
        "--key-file",
        "examples/seed-tc3.keys",
        "--host",
        "cvm.tencentcloudapi.com",
        "--action",
        "DescribeInstances",
        "--version",
        "2017-03-12",
        "--region",
        "ap-guangzhou",
        "--timestamp",
        "1551113065",
        "--content-type",
        "application/json; charset=utf-8",
        "--data",
        "@examples/describe-instances.json",
        "--format",
        "json",
        "--endpoint",
        &endpoint,
    ]);
    assert_eq!(json["url"], format!("{endpoint}/"));
    let answer = send(&json);
    assert!(answer.ends_with("valid"), "{answer}");
    let (verdict, host) = server.join().unwrap();
    assert_eq!(verdict, Verdict::Valid);
    assert_eq!(host, "cvm.tencentcloudapi.com");
}

#[test]
fn rpc_query_and_huawei_path_keep_their_place_at_the_endpoint() {
    let (port, server) = one_shot_verifier("testid testsecret", 1678696470);
    let endpoint = format!("http://127.0.0.1:{port}/");
    let json = sign_json(&[
        "sign",
        "rpc",
        "--key-file",
        "examples/alibaba-rpc-doc.keys",
        "--host",
        "ecs.cn-beijing.aliyuncs.com",
        "--action",
        "DescribeDedicatedHosts",
        "--api-version",
        "2014-05-26",
        "-p",
        "RegionId=cn-beijing",
        "--timestamp",
        "1678696470",
        "--nonce",
        "edb2b34af0af9a6d14deaf7c1a5315eb",
        "--format",
        "json",
        "--endpoint",
        &endpoint,
    ]);
    let url = json["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{endpoint}?AccessKeyId=testid&")),
        "{url}"
    );
    assert!(
        url.ends_with("&Signature=9NaGiOspFP5UPcwX8Iwt2YJXXuk%3D"),
        "{url}"
    );
    send(&json);
    assert_eq!(
        server.join().unwrap(),
        (Verdict::Valid, "ecs.cn-beijing.aliyuncs.com".into())
    );

    let (port, server) = one_shot_verifier(
        "QTWAOYTTINDUT2QVKYUC MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        1573789015,
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let json = sign_json(&[
        "sign",
        "huawei",
        "--key-file",
        "examples/vectors-huawei.keys",
        "--method",
        "GET",
        "--host",
        "service.region.example.com",
        "--path",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        "-q",
        "limit=2",
        "--content-type",
        "application/json",
        "--timestamp",
        "1573789015",
        "--format",
        "json",
        "--endpoint",
        &endpoint,
    ]);
    assert_eq!(
        json["url"],
        format!("{endpoint}/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2")
    );
    send(&json);
    assert_eq!(
        server.join().unwrap(),
        (Verdict::Valid, "service.region.example.com".into())
    );
}

#[test]
fn curl_output_goes_to_the_endpoint_and_a_bad_endpoint_is_refused() {
    let out = cloudsig()
        .args([
            "sign",
            "tc3",
            "--key-file",
            "examples/seed-tc3.keys",
            "--host",
            "cvm.tencentcloudapi.com",
            "--action",
            "DescribeRegions",
            "--version",
            "2017-03-12",
            "--timestamp",
            "1551113065",
            "--data",
            "{}",
            "--endpoint",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("curl -X POST http://127.0.0.1:9/ \\\n"),
        "{text}"
    );
    assert!(
        text.contains("-H 'Host: cvm.tencentcloudapi.com'"),
        "{text}"
    );
    let out = cloudsig()
        .args([
            "sign",
            "tc3",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "1",
            "--endpoint",
            "127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--endpoint"));
}

#[test]
fn completions_man_page_and_version() {
    let out = cloudsig().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(script.contains("_cloudsig()") && script.contains("--endpoint"));
    let out = cloudsig().args(["completions", "zsh"]).output().unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("#compdef cloudsig")
    );
    let out = cloudsig().arg("man").output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains(".TH cloudsig 1") && page.contains("verify"),
        "{page}"
    );
    let out = cloudsig().arg("--version").output().unwrap();
    let version = String::from_utf8(out.stdout).unwrap();
    for scheme in [
        "TC3-HMAC-SHA256",
        "ACS3-HMAC-SHA256",
        "RPC",
        "ROA",
        "SDK-HMAC-SHA256",
        "V11-HMAC-SHA256",
    ] {
        assert!(version.contains(scheme), "{version}");
    }
}

#[test]
fn profile_reads_the_sdk_credentials_file_of_home() {
    let home = std::env::temp_dir().join(format!("cloudsig-profile-test-{}", std::process::id()));
    let dir = home.join(".tencentcloud");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[default]\nsecret_id = AKIDdefault\nsecret_key = defaultkey\n\
         [prod]\nsecret_id = AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE\nsecret_key = ********************************\n",
    )
    .unwrap();
    let out = cloudsig()
        .env("HOME", &home)
        .args([
            "sign",
            "tc3",
            "--profile",
            "prod",
            "--host",
            "cvm.tencentcloudapi.com",
            "--action",
            "DescribeInstances",
            "--version",
            "2017-03-12",
            "--region",
            "ap-guangzhou",
            "--timestamp",
            "1551113065",
            "--content-type",
            "application/json; charset=utf-8",
            "--data",
            "@examples/describe-instances.json",
        ])
        .output()
        .unwrap();
    let missing = cloudsig()
        .env("HOME", &home)
        .args([
            "sign",
            "tc3",
            "--profile",
            "nope",
            "--service",
            "cvm",
            "--action",
            "A",
            "--version",
            "1",
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&home).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // Tencent Cloud's "Signature v3" example signature: the [prod] key was used.
    assert!(
        text.contains("Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--profile nope"));
}

/// `--format http` with `--endpoint`: the raw request's target in absolute form at the
/// endpoint (as a client writes it to a proxy), the Host header the cloud's; written as
/// is to the local server, which verifies it valid. The query keeps its place.
#[test]
fn raw_http_output_carries_the_endpoint_in_its_request_target() {
    let (port, server) = one_shot_verifier(
        "QTWAOYTTINDUT2QVKYUC MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        1573789015,
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let out = cloudsig()
        .args([
            "sign",
            "huawei",
            "--key-file",
            "examples/vectors-huawei.keys",
            "--method",
            "GET",
            "--host",
            "service.region.example.com",
            "--path",
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            "-q",
            "limit=2",
            "--content-type",
            "application/json",
            "--timestamp",
            "1573789015",
            "--format",
            "http",
            "--endpoint",
            &endpoint,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = out.stdout.split(|&b| b == b'\r').next().unwrap();
    assert_eq!(
        String::from_utf8_lossy(first),
        format!("GET {endpoint}/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2 HTTP/1.1")
    );
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&out.stdout).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.ends_with("valid"), "{answer}");
    assert_eq!(
        server.join().unwrap(),
        (Verdict::Valid, "service.region.example.com".into())
    );
}
