//! Requests that list thousands of names in SignedHeaders and carry a wrong signature
//! (what anyone can send, no key needed): the verdict and code are the cloud's
//! signature failure, and the mistake search, which would re-sign such a request dozens
//! of times, is skipped with a note saying so. Ordinary requests are still searched.
//! (The canonical builders' own tests bound the header comparisons; benches/README.md
//! shows the cost ratio between 1,000 and 10,000 names.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier, codes};

/// `count` extra headers `X-H<i>: v` and their names, sorted with `base` into a
/// SignedHeaders value.
fn extra(count: usize, base: &[&str]) -> (Vec<(String, String)>, String) {
    let headers = (0..count)
        .map(|i| (format!("X-H{i}"), "v".into()))
        .collect();
    let mut names: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    names.extend((0..count).map(|i| format!("x-h{i}")));
    names.sort();
    (headers, names.join(";"))
}

fn captured(method: &str, target: &str, headers: Vec<(String, String)>) -> Captured {
    Captured {
        location: Location::default(),
        method: method.into(),
        target: target.into(),
        headers,
        body: Vec::new(),
    }
}

fn check(keys: &str, now: i64, cap: &Captured) -> Report {
    let keys = KeyRing::parse(keys, "test").unwrap();
    Verifier::new(keys, Options::at(now)).check(cap, &mut KeyCache::default())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// A TC3 request signing `count` extra headers, with a wrong signature.
fn tc3(count: usize) -> Report {
    let (more, signed) = extra(count, &["content-type", "host"]);
    tc3_with(more, &signed)
}

/// A TC3 request signing `signed` (content-type, host and the `more` headers), with a
/// wrong signature.
fn tc3_with(more: Vec<(String, String)>, signed: &str) -> Report {
    let mut headers = pairs(&[
        (
            "Authorization",
            &format!(
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders={signed}, Signature={}",
                "0".repeat(64)
            ),
        ),
        ("Content-Type", "application/json"),
        ("Host", "cvm.tencentcloudapi.com"),
        ("X-TC-Action", "DescribeInstances"),
        ("X-TC-Timestamp", "1551113065"),
        ("X-TC-Version", "2017-03-12"),
    ]);
    headers.extend(more);
    let cap = Captured {
        body: b"{}".to_vec(),
        ..captured("POST", "/", headers)
    };
    check(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        1_551_113_065,
        &cap,
    )
}

/// The ACS3 documentation's request signing `count` extra headers, with a wrong
/// signature.
fn acs3(count: usize) -> Report {
    let base = [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ];
    let (more, signed) = extra(count, &base);
    let mut headers = pairs(&[
        (
            "Authorization",
            &format!(
                "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders={signed},Signature={}",
                "0".repeat(64)
            ),
        ),
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        ("x-acs-version", "2014-05-26"),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
    ]);
    headers.extend(more);
    let cap = captured("POST", "/?RegionId=cn-shanghai", headers);
    check("YourAccessKeyId YourAccessKeySecret", 1_698_315_752, &cap)
}

/// A Huawei SDK-HMAC-SHA256 request signing `count` extra headers, with a wrong
/// signature.
fn huawei(count: usize) -> Report {
    let (more, signed) = extra(count, &["content-type", "host", "x-sdk-date"]);
    let mut headers = pairs(&[
        ("Host", "ecs.cn-north-4.myhuaweicloud.com"),
        ("Content-Type", "application/json"),
        ("X-Sdk-Date", "20251115T080910Z"),
        (
            "Authorization",
            &format!(
                "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders={signed}, Signature={}",
                "0".repeat(64)
            ),
        ),
    ]);
    headers.extend(more);
    let cap = captured("GET", "/v1/9c53a566cb3443ab910cf0daebca90c4/vpcs", headers);
    check(
        "HPUAEXAMPLEAK0000001 cloudsigExampleHuaweiSecretKey0000000001",
        1_763_194_150,
        &cap,
    )
}

/// The report's code, rule and the diagnosis's search count, and the note about a
/// skipped search if there is one.
fn outcome(r: &Report) -> (Verdict, Option<&str>, &str, usize, Option<&str>) {
    let tried = r.diagnosis.as_ref().expect("a diagnosis").tried;
    let skipped = r
        .notes
        .iter()
        .find(|n| n.starts_with("diagnosis skipped: "))
        .map(String::as_str);
    (r.verdict, r.code(), r.findings[0].rule, tried, skipped)
}

#[test]
fn tc3_with_ten_thousand_signed_headers_is_a_signature_failure_without_a_search() {
    let r = tc3(10_000);
    assert_eq!(
        outcome(&r),
        (
            Verdict::Invalid,
            Some(codes::SIGNATURE_FAILURE),
            "signature",
            0,
            Some(
                "diagnosis skipped: the request signs 10002 headers and the search for a client mistake runs on at most 64"
            )
        ),
        "{r}"
    );
    assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
    // The summary does not claim that known mistakes were tried.
    assert_eq!(
        r.to_string(),
        "#1 invalid TC3-HMAC-SHA256 AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE AuthFailure.SignatureFailure: the signature does not match the request as sent; no client mistake was searched for"
    );
    let explained = cloudsig_verify::render::explain(&r, Default::default());
    assert!(
        explained.contains("\n    diagnosis: no client mistake was searched for\n"),
        "{explained:.2000}"
    );
}

#[test]
fn acs3_with_ten_thousand_signed_headers_is_a_signature_failure_without_a_search() {
    let r = acs3(10_000);
    assert_eq!(
        outcome(&r),
        (
            Verdict::Invalid,
            Some("SignatureDoesNotMatch"),
            "signature",
            0,
            Some(
                "diagnosis skipped: the request signs 10006 headers and the search for a client mistake runs on at most 64"
            )
        ),
        "{r}"
    );
}

#[test]
fn huawei_with_ten_thousand_signed_headers_is_a_signature_failure_without_a_search() {
    let r = huawei(10_000);
    assert_eq!(
        outcome(&r),
        (
            Verdict::Invalid,
            Some("APIGW.0301"),
            "signature",
            0,
            Some(
                "diagnosis skipped: the request signs 10003 headers and the search for a client mistake runs on at most 64"
            )
        ),
        "{r}"
    );
}

#[test]
fn up_to_sixty_four_signed_headers_are_searched() {
    // 2 + 62 and 6 + 58 and 3 + 61 names: at the limit, searched (every known mistake
    // tried, none matches a signature of zeros); one more, skipped.
    for (r, more) in [
        (tc3(62), tc3(63)),
        (acs3(58), acs3(59)),
        (huawei(61), huawei(62)),
    ] {
        let (verdict, _, rule, tried, skipped) = outcome(&r);
        assert_eq!(
            (verdict, rule, skipped),
            (Verdict::Invalid, "signature", None),
            "{r}"
        );
        assert!(tried > 5, "{tried} mistakes tried: {r}");
        let (_, _, _, tried, skipped) = outcome(&more);
        assert_eq!(tried, 0, "{more}");
        assert!(
            skipped.is_some_and(|s| s.contains("signs 65 headers")),
            "{more}"
        );
    }
}

#[test]
fn a_long_canonical_request_is_not_searched() {
    // Few signed headers, but a signed value of 70,000 bytes: over the 64 KiB
    // canonical request the search runs on.
    let long = "a".repeat(70_000);
    let (mut more, signed) = extra(1, &["content-type", "host"]);
    more[0].1.clone_from(&long);
    let r = tc3_with(more, &signed);
    let (verdict, code, _, tried, skipped) = outcome(&r);
    assert_eq!(
        (verdict, code, tried),
        (Verdict::Invalid, Some(codes::SIGNATURE_FAILURE), 0)
    );
    // POST, /, the empty query (8 bytes), content-type (30), host (29), x-h0 (70,006),
    // the blank line (1), SignedHeaders (23) and the payload hash (64).
    assert_eq!(
        skipped,
        Some(
            "diagnosis skipped: the canonical request is 70161 bytes and the search for a client mistake runs on at most 65536"
        )
    );
}
