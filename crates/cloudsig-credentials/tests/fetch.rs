//! Metadata and STS providers against local mock servers on 127.0.0.1: the right paths
//! are asked for, answers are read, credentials are cached while fresh and fetched
//! again before they expire (a fixed clock moved by hand: no timing). The mock STS
//! verifies the AssumeRole request with cloudsig's own verifier.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cloudsig_credentials::Credentials;
use cloudsig_credentials::fetch::{self, Refreshing};
#[path = "common/mock.rs"]
mod mock;

use mock::{clock, serve};

#[tokio::test]
async fn tencent_cvm_role_is_cached_and_refreshed_300_s_before_expiry() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let (base, seen) = serve(move |_, target, _, _| match target {
        "/latest/meta-data/cam/security-credentials/" => (200, "my-role".into()),
        "/latest/meta-data/cam/security-credentials/my-role" => {
            let i = count.fetch_add(1, Ordering::SeqCst);
            (
                200,
                format!(
                    r#"{{"TmpSecretId":"AKIDtmp{i}","TmpSecretKey":"key{i}","ExpiredTime":{},"Expiration":"x","Token":"tok{i}","Code":"Success"}}"#,
                    10_000 + i * 10_000
                ),
            )
        }
        _ => (404, String::new()),
    })
    .await;
    let now = Arc::new(AtomicI64::new(1_000));
    let p = Refreshing::with_clock(fetch::tencent_cvm_role(base, None), clock(&now));
    let c = p.get().await.unwrap();
    assert_eq!(
        (c.id(), c.secret(), c.token()),
        ("AKIDtmp0", "key0", Some("tok0"))
    );
    assert_eq!(c.expires_at(), Some(10_000));
    // Fresh: cached (301 s left at 9_699).
    now.store(9_699, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDtmp0");
    assert_eq!(n.load(Ordering::SeqCst), 1);
    // 300 s left: fetched again.
    now.store(9_700, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDtmp1");
    assert_eq!(n.load(Ordering::SeqCst), 2);
    assert_eq!(seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn alibaba_ecs_ram_role_sends_the_imdsv2_token_and_reads_expiration() {
    let (base, seen) = serve(|method, target, _, _| match (method, target) {
        ("PUT", "/latest/api/token") => (200, "imds-token".into()),
        (_, "/latest/meta-data/ram/security-credentials/") => (200, "EcsRole".into()),
        (_, "/latest/meta-data/ram/security-credentials/EcsRole") => (
            200,
            r#"{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecssecret","Expiration":"2030-01-01T00:00:00Z","SecurityToken":"ecstoken","LastUpdated":"x","Code":"Success"}"#.into(),
        ),
        _ => (404, String::new()),
    })
    .await;
    let now = Arc::new(AtomicI64::new(0));
    let p = Refreshing::with_clock(fetch::alibaba_ecs_ram_role(base, None), clock(&now));
    let c = p.get().await.unwrap();
    assert_eq!((c.id(), c.token()), ("STS.ecs", Some("ecstoken")));
    // 2030-01-01T00:00:00Z (Python: calendar.timegm).
    assert_eq!(c.expires_at(), Some(1_893_456_000));
    let seen = seen.lock().unwrap();
    let role_get = &seen[2];
    assert!(
        role_get.2.iter().any(
            |(n, v)| n.eq_ignore_ascii_case("x-aliyun-ecs-metadata-token") && v == "imds-token"
        )
    );
}

#[tokio::test]
async fn huawei_metadata_security_key_and_refresh_10_minutes_ahead() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let (base, _) = serve(move |_, target, _, _| {
        if target != "/openstack/latest/securitykey" {
            return (404, String::new());
        }
        let i = count.fetch_add(1, Ordering::SeqCst);
        (
            200,
            format!(
                r#"{{"credential":{{"access":"AK{i}","secret":"SK{i}","securitytoken":"tok{i}","expires_at":"2030-01-01T00:00:00.000000Z"}}}}"#
            ),
        )
    })
    .await;
    let now = Arc::new(AtomicI64::new(1_893_456_000 - 601));
    let p = Refreshing::with_clock(fetch::huawei_metadata(base), clock(&now));
    assert_eq!(p.get().await.unwrap().id(), "AK0");
    assert_eq!(p.get().await.unwrap().id(), "AK0");
    now.store(1_893_456_000 - 600, Ordering::SeqCst);
    let c = p.get().await.unwrap();
    assert_eq!((c.id(), c.token()), ("AK1", Some("tok1")));
}

#[tokio::test]
async fn tencent_assume_role_is_signed_verifiably_and_refreshed_after_a_tenth_of_its_life() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let verdicts = Arc::new(Mutex::new(Vec::new()));
    let v = verdicts.clone();
    let (base, _) = serve(move |method, target, headers, body| {
        // Verify the request as Tencent Cloud would, with the long-term key.
        let cap = cloudsig_verify::capture::Captured {
            location: cloudsig_verify::capture::Location { index: 0, offset: 0, line: None },
            method: method.into(),
            target: target.into(),
            headers: headers.to_vec(),
            body: body.to_vec(),
        };
        let ring = cloudsig_verify::keys::KeyRing::parse("AKIDlong longkey", "test").unwrap();
        let report = cloudsig_verify::Verifier::new(ring, cloudsig_verify::Options::at(1_000))
            .check(&cap, &mut Default::default());
        v.lock().unwrap().push(report.verdict);
        let i = count.fetch_add(1, Ordering::SeqCst);
        (
            200,
            format!(
                r#"{{"Response":{{"Credentials":{{"Token":"sts{i}","TmpSecretId":"AKIDsts{i}","TmpSecretKey":"stskey{i}"}},"ExpiredTime":{},"Expiration":"x","RequestId":"r"}}}}"#,
                1_000 + 7_200
            ),
        )
    })
    .await;
    let now = Arc::new(AtomicI64::new(1_000));
    let long = Credentials::new("AKIDlong", "longkey", "test");
    let p = Refreshing::with_clock(
        fetch::tencent_assume_role(
            base,
            long,
            "qcs::cam::uin/1:roleName/r",
            "s",
            7_200,
            clock(&now),
        ),
        clock(&now),
    );
    let c = p.get().await.unwrap();
    assert_eq!((c.id(), c.token()), ("AKIDsts0", Some("sts0")));
    assert_eq!(
        verdicts.lock().unwrap().as_slice(),
        [cloudsig_verify::Verdict::Valid]
    );
    // 720 s (10% of 7200) later minus one: cached; at 720: fetched again.
    now.store(1_000 + 719, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDsts0");
    now.store(1_000 + 720, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDsts1");
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_error_answer_is_a_fetch_error_naming_the_provider() {
    let (base, _) = serve(|_, _, _, _| (500, String::new())).await;
    let p = Refreshing::new(fetch::huawei_metadata(base));
    let err = p.get().await.unwrap_err();
    assert_eq!(err.kind(), cloudsig_credentials::ErrorKind::Fetch);
    assert!(
        err.to_string().starts_with("huawei ecs metadata: "),
        "{err}"
    );
}
