//! Alibaba Cloud RAM role credentials (`RamRoleArn`, `ChainableRamRoleArn`,
//! `ram_role_arn`) against a mock STS on 127.0.0.1 that verifies each `AssumeRole` request
//! with cloudsig's verifier (as Alibaba Cloud would: the RPC signature with the caller's
//! AccessKey secret, its security token, the timestamp) and refuses a bad one; a fixed
//! clock moved by hand (no timing). Expected values come from credentials-python's
//! `RamRoleArnCredentialsProvider` (parameter names and defaults, endpoint rule, 15-minute
//! stale time) and `date -u`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use cloudsig_credentials::alibaba::{self, ProfileEntry, RamRoleArn};
use cloudsig_credentials::fetch::{DefaultChain, Refreshing, alibaba_ram_role_arn};
use cloudsig_credentials::{Environment, ErrorKind, ProvideCredentials};
#[path = "common/mock.rs"]
mod mock;
#[path = "common/sts.rs"]
mod sts;

use mock::{clock, serve};
use sts::{Call, assumed, metadata, params, system_now, verify};

/// A mock STS: verifies each request against `keys` (a key file: `id secret [token]`
/// lines) at `now`, answers `400 SignatureDoesNotMatch` to an invalid one and
/// `answer(params)` to a valid one.
async fn sts(
    keys: &'static str,
    now: Option<Arc<AtomicI64>>,
    answer: impl Fn(&BTreeMap<String, String>) -> (u16, String) + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Call>>>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = calls.clone();
    let (base, _) = serve(move |method, target, headers, body| {
        let at = now
            .as_ref()
            .map_or_else(system_now, |n| n.load(Ordering::SeqCst));
        let verdict = verify(keys, at, method, target, headers, body);
        let p = params(target);
        log.lock().unwrap().push((p.clone(), verdict));
        if verdict != cloudsig_verify::Verdict::Valid {
            return (
                400,
                r#"{"Code":"SignatureDoesNotMatch","Message":"x","RequestId":"r"}"#.into(),
            );
        }
        answer(&p)
    })
    .await;
    (base, calls)
}

/// A home directory with `~/.aliyun/config.json` and perhaps `~/.alibabacloud/credentials.ini`.
fn home(config: &str, ini: Option<&str>) -> (tempfile::TempDir, Environment) {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("home");
    std::fs::create_dir_all(h.join(".aliyun")).unwrap();
    std::fs::write(h.join(".aliyun/config.json"), config).unwrap();
    if let Some(ini) = ini {
        std::fs::create_dir_all(h.join(".alibabacloud")).unwrap();
        std::fs::write(h.join(".alibabacloud/credentials.ini"), ini).unwrap();
    }
    (dir, Environment::empty().home(h))
}

const ROLE_PROFILE: &str = r#"{"current": "r", "profiles": [{"name": "r", "mode": "RamRoleArn",
    "access_key_id": "LTAIroleSigner", "access_key_secret": "signerSecret",
    "ram_role_arn": "acs:ram::1234567890123456:role/reader", "ram_session_name": "sess",
    "policy": "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecs:Describe*\",\"Resource\":\"*\"}]}",
    "external_id": "ext-1", "expired_seconds": 1800, "sts_region": "cn-hangzhou"}]}"#;

fn role_of(env: &Environment) -> RamRoleArn {
    match alibaba::cli_profile_entry(env, None).unwrap() {
        ProfileEntry::RamRoleArn(r) => r,
        other => panic!("not a role: {other:?}"),
    }
}

#[tokio::test]
async fn ram_role_arn_is_assumed_with_a_verifiable_signature_and_refreshed_15_minutes_ahead() {
    let (_dir, env) = home(ROLE_PROFILE, None);
    let role = role_of(&env);
    // credentials-python: f'{prefix}.{sts_region_id}.aliyuncs.com' over https.
    assert_eq!(role.endpoint, "https://sts.cn-hangzhou.aliyuncs.com");
    let now = Arc::new(AtomicI64::new(1_700_000_000));
    let n = Arc::new(AtomicI64::new(0));
    let count = n.clone();
    let (base, calls) = sts(
        "LTAIroleSigner signerSecret",
        Some(now.clone()),
        move |_| {
            // 2023-11-14T23:13:20Z is 1_700_003_600 (`date -u -d @1700003600 +%FT%TZ`).
            let i = count.fetch_add(1, Ordering::SeqCst);
            assumed(
                &format!("STS.role{i}"),
                &format!("roleSecret{i}"),
                &format!("roleToken{i}"),
                "2023-11-14T23:13:20Z",
            )
        },
    )
    .await;
    let p = Refreshing::with_clock(
        alibaba_ram_role_arn(role, Some(&base), clock(&now)),
        clock(&now),
    );
    let c = p.get().await.unwrap();
    assert_eq!(
        (c.id(), c.secret(), c.token()),
        ("STS.role0", "roleSecret0", Some("roleToken0"))
    );
    assert_eq!(c.expires_at(), Some(1_700_003_600));
    {
        let calls = calls.lock().unwrap();
        let (p, verdict) = &calls[0];
        assert_eq!(*verdict, cloudsig_verify::Verdict::Valid);
        let want = [
            ("AccessKeyId", "LTAIroleSigner"),
            ("Action", "AssumeRole"),
            ("DurationSeconds", "1800"),
            ("ExternalId", "ext-1"),
            ("Format", "JSON"),
            (
                "Policy",
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}"#,
            ),
            ("RoleArn", "acs:ram::1234567890123456:role/reader"),
            ("RoleSessionName", "sess"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            // `date -u -d @1700000000 +%FT%TZ`
            ("Timestamp", "2023-11-14T22:13:20Z"),
            ("Version", "2015-04-01"),
        ];
        for (k, v) in want {
            assert_eq!(p.get(k).map(String::as_str), Some(v), "{k}");
        }
        assert!(!p.contains_key("SecurityToken"));
        assert!(p.contains_key("SignatureNonce") && p.contains_key("Signature"));
    }
    // 901 s before expiry: cached; 900 s (the SDK's stale time): assumed again.
    now.store(1_700_003_600 - 901, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "STS.role0");
    assert_eq!(n.load(Ordering::SeqCst), 1);
    now.store(1_700_003_600 - 900, Ordering::SeqCst);
    assert_eq!(p.get().await.unwrap().id(), "STS.role1");
    assert_eq!(n.load(Ordering::SeqCst), 2);
    let calls = calls.lock().unwrap();
    assert_eq!(calls[1].0["Timestamp"], "2023-11-14T22:58:20Z");
    assert_eq!(calls[1].1, cloudsig_verify::Verdict::Valid);
}

#[tokio::test]
async fn a_bad_signature_is_refused_by_sts_and_reported_without_secrets() {
    let (_dir, env) = home(ROLE_PROFILE, None);
    let now = Arc::new(AtomicI64::new(1_700_000_000));
    // STS knows another secret for this AccessKeyId: the signature cannot match.
    let (base, calls) = sts("LTAIroleSigner otherSecret", Some(now.clone()), |_| {
        assumed("STS.x", "x", "x", "2023-11-14T23:13:20Z")
    })
    .await;
    let p = Refreshing::with_clock(
        alibaba_ram_role_arn(role_of(&env), Some(&base), clock(&now)),
        clock(&now),
    );
    let err = p.get().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Fetch);
    let text = err.to_string();
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(
        !text.contains("signerSecret") && !text.contains("Signature="),
        "{text}"
    );
    assert_eq!(
        calls.lock().unwrap()[0].1,
        cloudsig_verify::Verdict::Invalid
    );
}

#[tokio::test]
async fn when_sts_fails_the_default_chain_goes_on_to_the_credentials_file() {
    let ini = "[default]\ntype = access_key\naccess_key_id = LTAIiniNext\naccess_key_secret = iniNextSecret\n";
    let (_dir, env) = home(ROLE_PROFILE, Some(ini));
    let (base, calls) = sts("LTAIroleSigner signerSecret", None, |_| {
        (
            403,
            r#"{"Code":"NoPermission","Message":"x","RequestId":"r"}"#.into(),
        )
    })
    .await;
    let chain = DefaultChain::alibaba(env.clone())
        .with_sts(base.clone())
        .with_metadata("http://127.0.0.1:9");
    let c = chain.provide().await.unwrap();
    assert_eq!((c.id(), c.token()), ("LTAIiniNext", None));
    // STS was asked (and the request was valid); its refusal moved the chain on.
    assert_eq!(calls.lock().unwrap().len(), 1);
    assert_eq!(calls.lock().unwrap()[0].1, cloudsig_verify::Verdict::Valid);
    // Where STS answers, the chain signs as the role.
    let (ok, _) = sts("LTAIroleSigner signerSecret", None, |_| {
        assumed("STS.ok", "okSecret", "okToken", "2099-01-01T00:00:00Z")
    })
    .await;
    let chain = DefaultChain::alibaba(env).with_sts(ok);
    let c = chain.provide().await.unwrap();
    assert_eq!((c.id(), c.token()), ("STS.ok", Some("okToken")));
}

#[tokio::test]
async fn chainable_ram_role_arn_signs_with_its_source_roles_credentials_and_token() {
    let config = r#"{"current": "chained", "profiles": [
        {"name": "base", "mode": "RamRoleArn", "access_key_id": "LTAIbase", "access_key_secret": "baseSecret",
         "ram_role_arn": "acs:ram::1:role/first", "ram_session_name": "one"},
        {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "base",
         "ram_role_arn": "acs:ram::1:role/second", "ram_session_name": "two"}]}"#;
    let (_dir, env) = home(config, None);
    // The second call is signed with the first role's temporary credentials and token.
    let (base, calls) = sts(
        "LTAIbase baseSecret\nSTS.first firstSecret firstToken",
        None,
        |p| match p["RoleArn"].as_str() {
            "acs:ram::1:role/first" => assumed(
                "STS.first",
                "firstSecret",
                "firstToken",
                "2099-01-01T00:00:00Z",
            ),
            _ => assumed(
                "STS.second",
                "secondSecret",
                "secondToken",
                "2099-01-01T00:00:00Z",
            ),
        },
    )
    .await;
    let c = DefaultChain::alibaba(env)
        .with_sts(base)
        .provide()
        .await
        .unwrap();
    assert_eq!((c.id(), c.token()), ("STS.second", Some("secondToken")));
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    assert!(
        calls
            .iter()
            .all(|(_, v)| *v == cloudsig_verify::Verdict::Valid)
    );
    assert_eq!(calls[0].0["AccessKeyId"], "LTAIbase");
    assert!(!calls[0].0.contains_key("SecurityToken"));
    assert_eq!(calls[1].0["AccessKeyId"], "STS.first");
    assert_eq!(calls[1].0["SecurityToken"], "firstToken");
    assert_eq!(calls[1].0["RoleSessionName"], "two");
}

/// A `ChainableRamRoleArn` whose `source_profile` is an `OIDC` profile: credentials-python's
/// `CLIProfileCredentialsProvider._get_credentials_provider` builds
/// `OIDCRoleArnCredentialsProvider(role_arn=ram_role_arn, oidc_provider_arn=oidc_provider_arn,
/// oidc_token_file_path=oidc_token_file, role_session_name=role_session_name,
/// duration_seconds=expired_seconds, policy=policy, …)` for the source, which sends STS an
/// unsigned `AssumeRoleWithOIDC` GET (`provider/oidc.py`: Action, Format, Version,
/// DurationSeconds, RoleArn, OIDCProviderArn, OIDCToken — the file's text —,
/// RoleSessionName, Timestamp, Policy); the role is then assumed with what that gives.
#[tokio::test]
async fn chainable_ram_role_arn_over_an_oidc_profile_assumes_the_oidc_role_first() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("oidc-token");
    std::fs::write(&token_file, "header.payload.signature").unwrap();
    let config = serde_json::json!({"current": "chained", "profiles": [
        {"name": "web", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/oidc",
         "oidc_provider_arn": "acs:ram::1:oidc-provider/ack", "oidc_token_file": token_file,
         "role_session_name": "oidc-session", "expired_seconds": 1200, "policy": "{\"Version\":\"1\"}"},
        {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "web",
         "ram_role_arn": "acs:ram::1:role/second", "ram_session_name": "two"}]});
    let (_home, env) = home(&config.to_string(), None);
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let log = calls.clone();
    let (base, _) = serve(move |method, target, headers, body| {
        let p = params(target);
        if p.get("Action").map(String::as_str) == Some("AssumeRoleWithOIDC") {
            // Unsigned: STS checks the OIDC token instead.
            log.lock()
                .unwrap()
                .push((p, cloudsig_verify::Verdict::Valid));
            return assumed(
                "STS.oidc",
                "oidcSecret",
                "oidcToken",
                "2099-01-01T00:00:00Z",
            );
        }
        let keys = "STS.oidc oidcSecret oidcToken";
        let verdict = verify(keys, system_now(), method, target, headers, body);
        log.lock().unwrap().push((p, verdict));
        if verdict != cloudsig_verify::Verdict::Valid {
            return (400, r#"{"Code":"SignatureDoesNotMatch"}"#.into());
        }
        assumed(
            "STS.second",
            "secondSecret",
            "secondToken",
            "2099-01-01T00:00:00Z",
        )
    })
    .await;
    let c = DefaultChain::alibaba(env)
        .with_sts(base)
        .with_metadata("http://127.0.0.1:9")
        .provide()
        .await
        .unwrap();
    assert_eq!((c.id(), c.token()), ("STS.second", Some("secondToken")));
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    let oidc = &calls[0].0;
    for (k, v) in [
        ("Action", "AssumeRoleWithOIDC"),
        ("Format", "JSON"),
        ("Version", "2015-04-01"),
        ("DurationSeconds", "1200"),
        ("RoleArn", "acs:ram::1:role/oidc"),
        ("OIDCProviderArn", "acs:ram::1:oidc-provider/ack"),
        ("OIDCToken", "header.payload.signature"),
        ("RoleSessionName", "oidc-session"),
        ("Policy", r#"{"Version":"1"}"#),
    ] {
        assert_eq!(oidc.get(k).map(String::as_str), Some(v), "{k}");
    }
    assert!(oidc.contains_key("Timestamp") && !oidc.contains_key("Signature"));
    let (role, verdict) = &calls[1];
    assert_eq!(*verdict, cloudsig_verify::Verdict::Valid);
    assert_eq!(role["Action"], "AssumeRole");
    assert_eq!(role["AccessKeyId"], "STS.oidc");
    assert_eq!(role["SecurityToken"], "oidcToken");
    assert_eq!(role["RoleArn"], "acs:ram::1:role/second");
    assert_eq!(role["RoleSessionName"], "two");
}

/// A `ChainableRamRoleArn` over an `EcsRamRole` profile: the SDK's
/// `EcsRamRoleCredentialsProvider(role_name=ram_role_name)` asks the metadata service for
/// the role's credentials (after the IMDSv2 session token), and `AssumeRole` is signed
/// with them and their token. (The SDK itself, on the same answers: the oracle case
/// `alibaba-cli-chainable-over-ecs-ram-role`.) With the metadata service disabled the
/// SDK refuses the source (`ValueError`), and so the chained profile.
#[tokio::test]
async fn chainable_ram_role_arn_over_an_ecs_ram_role_profile_fetches_the_instance_role_first() {
    let config = r#"{"current": "chained", "profiles": [
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "instanceRole"},
        {"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "ecs",
         "ram_role_arn": "acs:ram::1:role/second", "ram_session_name": "two"}]}"#;
    let (_dir, env) = home(config, None);
    let calls: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let log = calls.clone();
    let (base, _) = serve(move |method, target, headers, body| {
        log.lock()
            .unwrap()
            .push((method.to_string(), target.to_string()));
        if let Some(answer) = metadata(
            method,
            target,
            "instanceRole",
            ["STS.ecs", "ecsSecret", "ecsToken"],
        ) {
            return answer;
        }
        if !target.starts_with("/?") {
            return (404, String::new());
        }
        let keys = "STS.ecs ecsSecret ecsToken";
        if verify(keys, system_now(), method, target, headers, body)
            == cloudsig_verify::Verdict::Valid
            && params(target).get("SecurityToken").map(String::as_str) == Some("ecsToken")
        {
            assumed(
                "STS.second",
                "secondSecret",
                "secondToken",
                "2099-01-01T00:00:00Z",
            )
        } else {
            (400, r#"{"Code":"SignatureDoesNotMatch"}"#.into())
        }
    })
    .await;
    let c = DefaultChain::alibaba(env.clone())
        .with_sts(base.clone())
        .with_metadata(base.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!((c.id(), c.token()), ("STS.second", Some("secondToken")));
    let paths: Vec<String> = calls
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(paths[0], "/latest/api/token");
    assert_eq!(
        paths[1],
        "/latest/meta-data/ram/security-credentials/instanceRole"
    );
    assert!(paths[2].starts_with("/?") && paths[2].contains("Action=AssumeRole&"));
    // The metadata service disabled: the chained profile is refused (nothing else here).
    let err = DefaultChain::alibaba(env.var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"))
        .with_sts(base.clone())
        .with_metadata(base)
        .provide()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(calls.lock().unwrap().len(), 3, "no request once disabled");
}

#[test]
fn profiles_give_the_sdks_role_settings_and_defaults() {
    // No session name: ALIBABA_CLOUD_ROLE_SESSION_NAME, else none (the fetcher's
    // `credentials-python-<time>`); no duration: 3600; no region: sts.aliyuncs.com even
    // with the VPC variable (the SDK applies the VPC prefix to regional endpoints only).
    let config = r#"{"current": "r", "profiles": [{"name": "r", "mode": "RamRoleArn",
        "access_key_id": "LTAIa", "access_key_secret": "s", "ram_role_arn": "acs:ram::1:role/r"}]}"#;
    let (_dir, env) = home(config, None);
    let r = role_of(
        &env.clone()
            .var("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"),
    );
    assert_eq!(
        (
            r.session_name.as_deref(),
            r.duration_seconds,
            r.endpoint.as_str()
        ),
        (None, 3600, "https://sts.aliyuncs.com")
    );
    let r = role_of(
        &env.clone()
            .var("ALIBABA_CLOUD_ROLE_SESSION_NAME", "from-env")
            .var("ALIBABA_CLOUD_STS_REGION", "cn-shanghai")
            .var("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "TRUE"),
    );
    assert_eq!(
        (r.session_name.as_deref(), r.endpoint.as_str()),
        (Some("from-env"), "https://sts-vpc.cn-shanghai.aliyuncs.com")
    );
    // The profile's enable_vpc (a JSON boolean) wins over the variable.
    let config_vpc = config.replace(
        "\"ram_role_arn\"",
        "\"sts_region\": \"cn-beijing\", \"enable_vpc\": false, \"ram_role_arn\"",
    );
    let (_d2, env2) = home(&config_vpc, None);
    let r = role_of(&env2.var("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true"));
    assert_eq!(r.endpoint, "https://sts.cn-beijing.aliyuncs.com");
    // The SDK refuses a duration below 900 s and a missing role (ValueError): its chain
    // goes on, and so does the static chain here (to nothing).
    for bad in [
        config.replace(
            "\"ram_role_arn\"",
            "\"expired_seconds\": 0, \"ram_role_arn\"",
        ),
        config.replace("acs:ram::1:role/r", ""),
    ] {
        let (_d, env) = home(&bad, None);
        let err = alibaba::cli_profile_entry(&env, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
        assert_eq!(
            alibaba::static_chain(&env, None).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
    // The credentials file's ram_role_arn: role, session name and policy from the section.
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        "[default]\ntype = ram_role_arn\naccess_key_id = LTAIi\naccess_key_secret = s\nrole_arn = acs:ram::1:role/i\nrole_session_name = ini-sess\npolicy = p\n",
    )
    .unwrap();
    let env = Environment::empty().var("ALIBABA_CLOUD_CREDENTIALS_FILE", ini.to_str().unwrap());
    let ProfileEntry::RamRoleArn(r) = alibaba::profile_entry(&env, None).unwrap() else {
        panic!("not a role");
    };
    assert_eq!(
        (
            r.role_arn.as_str(),
            r.session_name.as_deref(),
            r.policy.as_deref(),
            r.external_id.as_deref(),
            r.duration_seconds
        ),
        ("acs:ram::1:role/i", Some("ini-sess"), Some("p"), None, 3600)
    );
    let ProfileEntry::Static(src) = r.source.as_ref() else {
        panic!("not static");
    };
    assert_eq!(src.id(), "LTAIi");
}

/// A credentials file's `type = ecs_ram_role` section: the SDK's
/// `EcsRamRoleCredentialsProvider(role_name=section.get('role_name'))` asks the metadata
/// service for that role's credentials (after the IMDSv2 session token). The mock
/// answers for that role only (the listing is 404, so the chain's last provider, the
/// ECS RAM role without a name, would give nothing). Without the key, the role is
/// `ALIBABA_CLOUD_ECS_METADATA`'s; the metadata service disabled refuses the section;
/// the static chain reports it as needing the network.
#[tokio::test]
async fn credentials_file_ecs_ram_role_asks_the_metadata_service_for_its_role() {
    let ini = "[default]\ntype = ecs_ram_role\nrole_name = iniRole # the instance's\n";
    let (_dir, env) = home(r#"{"profiles": []}"#, Some(ini));
    let calls: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let log = calls.clone();
    let (base, _) = serve(move |method, target, _, _| {
        log.lock()
            .unwrap()
            .push((method.to_string(), target.to_string()));
        metadata(
            method,
            target,
            "iniRole",
            ["STS.iniEcs", "iniEcsSecret", "iniEcsToken"],
        )
        .unwrap_or((404, String::new()))
    })
    .await;
    let c = DefaultChain::alibaba(env.clone())
        .with_sts(base.clone())
        .with_metadata(base.clone())
        .provide()
        .await
        .unwrap();
    assert_eq!((c.id(), c.token()), ("STS.iniEcs", Some("iniEcsToken")));
    let seen = calls.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("PUT".to_string(), "/latest/api/token".to_string()),
            (
                "GET".to_string(),
                "/latest/meta-data/ram/security-credentials/iniRole".to_string()
            ),
        ]
    );
    // Without the network: typed Unsupported, the mode as the file spells it.
    let err = alibaba::from_profile(&env, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    let mode = err.unsupported_mode().unwrap();
    assert_eq!(
        (mode.mode.as_str(), mode.profile.as_str()),
        ("ecs_ram_role", "default")
    );
    assert_eq!(
        alibaba::static_chain(&env, None).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // No role_name: the variable's role; an empty one: the one listed.
    let (_d2, env2) = home("{}", Some("[default]\ntype = ecs_ram_role\n"));
    let ProfileEntry::EcsRamRole(e) = alibaba::profile_entry(
        &env2.clone().var("ALIBABA_CLOUD_ECS_METADATA", "envRole"),
        None,
    )
    .unwrap() else {
        panic!("not an ECS RAM role");
    };
    assert_eq!(e.role_name.as_deref(), Some("envRole"));
    let (_d3, env3) = home("{}", Some("[default]\ntype = ecs_ram_role\nrole_name =\n"));
    let ProfileEntry::EcsRamRole(e) =
        alibaba::profile_entry(&env3.var("ALIBABA_CLOUD_ECS_METADATA", "envRole"), None).unwrap()
    else {
        panic!("not an ECS RAM role");
    };
    assert_eq!(e.role_name, None);
    // The metadata service disabled: the SDK refuses the section (ValueError).
    let err = alibaba::profile_entry(
        &env2.var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
        None,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
}

/// A credentials file's `type = oidc_role_arn` section: the SDK's
/// `OIDCRoleArnCredentialsProvider(role_arn, oidc_provider_arn, oidc_token_file_path,
/// role_session_name, policy)` calls STS `AssumeRoleWithOIDC` (unsigned) with the token
/// file's text and its default duration, 3600 s. Each empty key is taken from the SDK's
/// variable; one still empty refuses the section; the static chain reports it as
/// needing the network.
#[tokio::test]
async fn credentials_file_oidc_role_arn_assumes_the_role_with_the_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("oidc-token");
    std::fs::write(&token_file, "ini.header.payload").unwrap();
    let ini = format!(
        "[default]\ntype = oidc_role_arn\nrole_arn = acs:ram::1:role/ini-oidc\noidc_provider_arn = acs:ram::1:oidc-provider/ini\noidc_token_file_path = {}\nrole_session_name = ini-oidc-session\npolicy = {{\"Version\":\"1\"}}\n",
        token_file.display()
    );
    let (_home, env) = home(r#"{"profiles": []}"#, Some(&ini));
    let calls: Arc<Mutex<Vec<BTreeMap<String, String>>>> = Arc::default();
    let log = calls.clone();
    let (base, _) = serve(move |_, target, _, _| {
        let p = params(target);
        let oidc = p.get("Action").map(String::as_str) == Some("AssumeRoleWithOIDC");
        log.lock().unwrap().push(p);
        if oidc {
            assumed(
                "STS.iniOidc",
                "iniOidcSecret",
                "iniOidcToken",
                "2099-01-01T00:00:00Z",
            )
        } else {
            (404, String::new())
        }
    })
    .await;
    let c = DefaultChain::alibaba(env.clone())
        .with_sts(base)
        .with_metadata("http://127.0.0.1:9")
        .provide()
        .await
        .unwrap();
    assert_eq!((c.id(), c.token()), ("STS.iniOidc", Some("iniOidcToken")));
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    for (k, v) in [
        ("Action", "AssumeRoleWithOIDC"),
        ("Format", "JSON"),
        ("Version", "2015-04-01"),
        ("DurationSeconds", "3600"),
        ("RoleArn", "acs:ram::1:role/ini-oidc"),
        ("OIDCProviderArn", "acs:ram::1:oidc-provider/ini"),
        ("OIDCToken", "ini.header.payload"),
        ("RoleSessionName", "ini-oidc-session"),
        ("Policy", r#"{"Version":"1"}"#),
    ] {
        assert_eq!(calls[0].get(k).map(String::as_str), Some(v), "{k}");
    }
    assert!(calls[0].contains_key("Timestamp") && !calls[0].contains_key("Signature"));
    // Without the network: typed Unsupported, the mode as the file spells it.
    let err = alibaba::from_profile(&env, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    let mode = err.unsupported_mode().unwrap();
    assert_eq!(
        (mode.mode.as_str(), mode.profile.as_str()),
        ("oidc_role_arn", "default")
    );
    // Empty keys: the variables'; the endpoint from the region variable.
    let (_h2, env2) = home("{}", Some("[default]\ntype = oidc_role_arn\nrole_arn =\n"));
    let env2 = env2
        .var("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/env")
        .var(
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/env",
        )
        .var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/token")
        .var("ALIBABA_CLOUD_STS_REGION", "cn-shanghai");
    let ProfileEntry::Oidc(o) = alibaba::profile_entry(&env2, None).unwrap() else {
        panic!("not an OIDC role");
    };
    assert_eq!(
        (
            o.role_arn.as_str(),
            o.provider_arn.as_str(),
            o.token_file.as_str(),
            o.session_name.as_deref(),
            o.duration_seconds,
            o.endpoint.as_str()
        ),
        (
            "acs:ram::1:role/env",
            "acs:ram::1:oidc-provider/env",
            "/var/run/token",
            None,
            3600,
            "https://sts.cn-shanghai.aliyuncs.com"
        )
    );
    // The token file neither in the section nor in the variable: refused (ValueError).
    let (_h3, env3) = home(
        "{}",
        Some("[default]\ntype = oidc_role_arn\nrole_arn = r\noidc_provider_arn = p\n"),
    );
    let err = alibaba::profile_entry(&env3, None).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
}
