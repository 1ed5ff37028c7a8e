//! The OIDC role providers (Tencent TKE `AssumeRoleWithWebIdentity`, Alibaba RRSA
//! `AssumeRoleWithOIDC`) and their place in `DefaultChain`, against a mock STS on
//! 127.0.0.1. The expected requests follow the SDKs' source (tencentcloud-sdk-python
//! `credential.py` `OIDCRoleArnCredential`, alibabacloud-credentials `provider/oidc.py`):
//! unsigned, the token file's text sent as it is and read again at each refresh, the
//! refresh margins of each SDK. A fixed clock moved by hand: no timing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use cloudsig_credentials::fetch::{
    self, AlibabaOidcSettings, DefaultChain, Refreshing, TkeOidcSettings,
};
use cloudsig_credentials::{Environment, ProvideCredentials};
#[path = "common/mock.rs"]
mod mock;

use mock::{clock, serve};

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn query(target: &str) -> Vec<(String, String)> {
    let q = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn tencent_answer(i: usize, expired: i64) -> String {
    format!(
        r#"{{"Response":{{"Credentials":{{"Token":"oidcTok{i}","TmpSecretId":"AKIDoidc{i}","TmpSecretKey":"oidcKey{i}"}},"ExpiredTime":{expired},"Expiration":"x","RequestId":"r"}}}}"#
    )
}

#[tokio::test]
async fn tencent_tke_oidc_is_unsigned_rereads_the_token_and_refreshes_at_a_tenth() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let (base, seen) = serve(move |method, target, _, _| {
        assert_eq!((method, target), ("POST", "/"));
        let i = count.fetch_add(1, Ordering::SeqCst);
        (200, tencent_answer(i, 1_000 + 7_200))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "jwt.one\n").unwrap();
    let settings = TkeOidcSettings {
        region: "ap-shanghai".into(),
        provider_id: "tke-provider".into(),
        token_file: token_file.to_str().unwrap().into(),
        role_arn: "qcs::cam::uin/1:roleName/oidc".into(),
    };
    let now = Arc::new(AtomicI64::new(1_000));
    let p = Refreshing::with_clock(
        fetch::tencent_tke_oidc(base, settings, clock(&now)),
        clock(&now),
    );
    let c = p.get().await.unwrap();
    assert_eq!(
        (c.id(), c.secret(), c.token()),
        ("AKIDoidc0", "oidcKey0", Some("oidcTok0"))
    );
    {
        let seen = seen.lock().unwrap();
        let (_, _, headers, body) = &seen[0];
        for (name, want) in [
            ("Authorization", "SKIP"),
            ("Host", "sts.tencentcloudapi.com"),
            ("X-TC-Action", "AssumeRoleWithWebIdentity"),
            ("X-TC-Version", "2018-08-13"),
            ("X-TC-Region", "ap-shanghai"),
            ("X-TC-Timestamp", "1000"),
            ("Content-Type", "application/json"),
        ] {
            assert_eq!(header(headers, name), Some(want), "{name}");
        }
        let body: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(body["ProviderId"], "tke-provider");
        assert_eq!(body["WebIdentityToken"], "jwt.one\n");
        assert_eq!(body["RoleArn"], "qcs::cam::uin/1:roleName/oidc");
        assert_eq!(body["DurationSeconds"], 7200);
        assert!(
            body["RoleSessionName"]
                .as_str()
                .unwrap()
                .starts_with("tencentcloud-")
        );
    }
    // The SDK refreshes once ExpiredTime - 10% of 7200 s has passed: 720 s before.
    std::fs::write(&token_file, "jwt.two").unwrap();
    now.store(1_000 + 7_200 - 721, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDoidc0");
    now.store(1_000 + 7_200 - 720, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "AKIDoidc1");
    let seen = seen.lock().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&seen[1].3).unwrap();
    assert_eq!(body["WebIdentityToken"], "jwt.two");
}

fn alibaba_answer(i: usize) -> String {
    format!(
        r#"{{"RequestId":"r","Credentials":{{"AccessKeyId":"STS.oidc{i}","AccessKeySecret":"oidcSecret{i}","SecurityToken":"oidcToken{i}","Expiration":"2030-01-01T00:00:00Z"}}}}"#
    )
}

#[tokio::test]
async fn alibaba_oidc_role_sends_the_sdks_query_and_refreshes_15_minutes_ahead() {
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    let (base, seen) = serve(move |method, _, _, _| {
        assert_eq!(method, "GET");
        (200, alibaba_answer(count.fetch_add(1, Ordering::SeqCst)))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "header.payload+/=.sig").unwrap();
    let env = Environment::empty()
        .var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/oidc")
        .var(
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/ack",
        )
        .var(
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_str().unwrap(),
        )
        .var("ALIBABA_CLOUD_ROLE_SESSION_NAME", "my-session");
    let settings = AlibabaOidcSettings::from_env(&env).unwrap();
    assert_eq!(settings.endpoint, "https://sts.aliyuncs.com");
    let settings = AlibabaOidcSettings {
        endpoint: base,
        ..settings
    };
    // 2019-02-25T16:44:25Z.
    let now = Arc::new(AtomicI64::new(1_551_113_065));
    let p = Refreshing::with_clock(fetch::alibaba_oidc_role(settings, clock(&now)), clock(&now));
    let c = p.get().await.unwrap();
    assert_eq!((c.id(), c.token()), ("STS.oidc0", Some("oidcToken0")));
    assert_eq!(c.expires_at(), Some(1_893_456_000));
    let q = query(&seen.lock().unwrap()[0].1);
    let want = [
        ("Action", "AssumeRoleWithOIDC"),
        ("Format", "JSON"),
        ("Version", "2015-04-01"),
        ("DurationSeconds", "3600"),
        ("RoleArn", "acs:ram::1:role/oidc"),
        ("OIDCProviderArn", "acs:ram::1:oidc-provider/ack"),
        ("OIDCToken", "header.payload+/=.sig"),
        ("RoleSessionName", "my-session"),
        ("Timestamp", "2019-02-25T16:44:25Z"),
    ];
    assert_eq!(
        q,
        want.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    );
    // Stale 15 minutes before the expiry.
    now.store(1_893_456_000 - 901, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "STS.oidc0");
    now.store(1_893_456_000 - 900, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "STS.oidc1");
}

#[test]
fn alibaba_sts_endpoint_follows_region_and_vpc_variables() {
    let base = Environment::empty()
        .var("ALIBABA_CLOUD_ROLE_ARN", "r")
        .var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "p")
        .var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/t");
    let ep = |env: Environment| AlibabaOidcSettings::from_env(&env).unwrap().endpoint;
    assert_eq!(
        ep(base.clone().var("ALIBABA_CLOUD_STS_REGION", "cn-hangzhou")),
        "https://sts.cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(
        ep(base
            .clone()
            .var("ALIBABA_CLOUD_STS_REGION", "cn-hangzhou")
            .var("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true")),
        "https://sts-vpc.cn-hangzhou.aliyuncs.com"
    );
    let missing = Environment::empty().var("ALIBABA_CLOUD_ROLE_ARN", "r");
    let err = AlibabaOidcSettings::from_env(&missing).unwrap_err();
    assert!(
        err.to_string().contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
        "{err}"
    );
}

#[tokio::test]
async fn the_alibaba_chain_takes_the_oidc_role_before_the_files_and_goes_on_when_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "jwt").unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".alibabacloud")).unwrap();
    std::fs::write(
        home.join(".alibabacloud/credentials.ini"),
        "[default]\ntype = access_key\naccess_key_id = LTAIfile\naccess_key_secret = s\n",
    )
    .unwrap();
    let env = Environment::empty()
        .home(&home)
        .var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/oidc")
        .var(
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/ack",
        )
        .var(
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_str().unwrap(),
        )
        .var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    let (ok, _) = serve(|_, _, _, _| (200, alibaba_answer(0))).await;
    let chain = DefaultChain::alibaba(env.clone()).with_sts(ok);
    assert_eq!(chain.provide().await.unwrap().id(), "STS.oidc0");
    let (failing, _) = serve(|_, _, _, _| (500, String::new())).await;
    let chain = DefaultChain::alibaba(env).with_sts(failing);
    assert_eq!(chain.provide().await.unwrap().id(), "LTAIfile");
}

#[tokio::test]
async fn the_tencent_chain_ends_with_the_tke_oidc_role_after_the_cvm_role() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "jwt").unwrap();
    let env = Environment::empty()
        .home(dir.path())
        .system_dir(dir.path().join("etc"))
        .var("TKE_REGION", "ap-guangzhou")
        .var("TKE_PROVIDER_ID", "p")
        .var("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap())
        .var("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/oidc");
    let (no_metadata, _) = serve(|_, _, _, _| (404, String::new())).await;
    let (sts, _) = serve(|_, _, _, _| (200, tencent_answer(0, 4_102_444_800))).await;
    let chain = DefaultChain::tencent(env)
        .with_metadata(no_metadata)
        .with_sts(sts);
    let c = chain.provide().await.unwrap();
    assert_eq!((c.id(), c.token()), ("AKIDoidc0", Some("oidcTok0")));
}
