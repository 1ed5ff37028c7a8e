//! One option name per concept across the `sign` subcommands: `--key-id` chooses the
//! key of a key file for every cloud and `--query` gives Huawei's query parameters, as
//! Alibaba's; the old spellings (`--secret-id`, `--access-key-id`, `--ak`,
//! `--query-param`) still work, hidden, for one release.
//!
//! Each key file below holds several keys; the test picks one that is not the first,
//! with each spelling, and checks the request names that key (and no other) and that
//! both spellings print the same request.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::cloudsig;

/// Signs with `args` as raw HTTP at a fixed time; the request, after checking the run
/// succeeded.
fn sign(args: &[&str]) -> String {
    let o = cloudsig()
        .arg("sign")
        .args(args)
        .args(["--format", "http", "--timestamp", "1700000000"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {out}{err}");
    out
}

/// Each subcommand's arguments before the key choice, the chosen key id, and the key
/// ids of the same file that must not appear.
fn cases() -> Vec<(Vec<&'static str>, &'static str, &'static str, &'static str)> {
    vec![
        (
            vec![
                "tc3",
                "--key-file",
                "vectors/captures/tencent/keys.txt",
                "--service",
                "cvm",
                "--action",
                "DescribeInstances",
                "--api-version",
                "2017-03-12",
            ],
            "--secret-id",
            "AKIDtemporaryEXAMPLE0000000000000000",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        ),
        (
            vec![
                "v1",
                "--key-file",
                "vectors/captures/tencent/keys.txt",
                "--host",
                "cvm.tencentcloudapi.com",
                "--action",
                "DescribeInstances",
                "--api-version",
                "2017-03-12",
                "--nonce",
                "11886",
            ],
            "--secret-id",
            "AKIDtemporaryEXAMPLE0000000000000000",
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        ),
        (
            vec![
                "rpc",
                "--key-file",
                "vectors/captures/alibaba/keys.txt",
                "--host",
                "ecs.cn-beijing.aliyuncs.com",
                "--action",
                "DescribeRegions",
                "--api-version",
                "2014-05-26",
                "--nonce",
                "n1",
            ],
            "--access-key-id",
            "testid",
            "YourAccessKeyId",
        ),
        (
            vec![
                "huawei",
                "--key-file",
                "vectors/captures/huawei/keys.txt",
                "--host",
                "ecs.cn-north-4.myhuaweicloud.com",
                "--path",
                "/v1/servers",
            ],
            "--ak",
            "HPUATEMPORARYAK00002",
            "HPUAEXAMPLEAK0000001",
        ),
    ]
}

#[test]
fn key_id_and_its_old_spellings_choose_the_same_key() {
    for (args, old, chosen, other) in cases() {
        let new = sign(&[args.as_slice(), &["--key-id", chosen]].concat());
        assert!(new.contains(chosen), "{args:?}: {new}");
        assert!(!new.contains(other), "{args:?}: {new}");
        let legacy = sign(&[args.as_slice(), &[old, chosen]].concat());
        assert_eq!(new, legacy, "{args:?} with {old}");
    }
}

#[test]
fn huawei_query_and_query_param_give_the_same_request() {
    let base = [
        "huawei",
        "--key-file",
        "vectors/captures/huawei/keys.txt",
        "--key-id",
        "HPUAEXAMPLEAK0000001",
        "--host",
        "ecs.cn-north-4.myhuaweicloud.com",
        "--path",
        "/v1/servers",
    ];
    let new = sign(&[&base[..], &["--query", "limit=1"]].concat());
    assert!(
        new.starts_with("POST /v1/servers?limit=1 HTTP/1.1"),
        "{new}"
    );
    let legacy = sign(&[&base[..], &["--query-param", "limit=1"]].concat());
    assert_eq!(new, legacy);
}

#[test]
fn the_old_spellings_are_hidden_from_help() {
    for (sub, old) in [
        ("tc3", "--secret-id"),
        ("rpc", "--access-key-id"),
        ("huawei", "--ak "),
        ("huawei", "--query-param"),
    ] {
        let o = cloudsig().args(["sign", sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("--key-id"), "{sub}: {help}");
        assert!(!help.contains(old), "{sub}: {old} shown in {help}");
    }
}
