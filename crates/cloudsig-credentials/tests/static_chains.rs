//! The providers that need no network select the credentials the official SDKs would
//! select, from variables and files in a temporary home (expected values follow each
//! SDK's source: see the crate docs for the order).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use cloudsig_credentials::{Environment, ErrorKind, Unsupported, alibaba, huawei, tencent};

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn env_in(home: &Path) -> Environment {
    Environment::empty().home(home).system_dir(home.join("etc"))
}

#[test]
fn tencent_environment_wins_over_the_profile_file() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".tencentcloud/credentials"),
        "[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n",
    );
    let env = env_in(home.path())
        .var("TENCENTCLOUD_SECRET_ID", "AKIDenv")
        .var("TENCENTCLOUD_SECRET_KEY", "envkey");
    let c = tencent::static_chain(&env, None).unwrap();
    assert_eq!(
        (c.id(), c.secret(), c.source()),
        ("AKIDenv", "envkey", "environment")
    );
    // An empty variable counts as unset: the file is read.
    let env = env_in(home.path())
        .var("TENCENTCLOUD_SECRET_ID", "AKIDenv")
        .var("TENCENTCLOUD_SECRET_KEY", "");
    let c = tencent::static_chain(&env, None).unwrap();
    assert_eq!((c.id(), c.secret()), ("AKIDfile", "filekey"));
    assert!(
        c.source().ends_with(".tencentcloud/credentials [default]"),
        "{}",
        c.source()
    );
}

#[test]
fn tencent_user_file_wins_over_the_system_file_and_profiles_are_chosen_explicitly() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join("etc/tencentcloud/credentials"),
        "[default]\nsecret_id=AKIDsystem\nsecret_key=systemkey\n",
    );
    let env = env_in(home.path());
    assert_eq!(
        tencent::static_chain(&env, None).unwrap().id(),
        "AKIDsystem"
    );
    write(
        &home.path().join(".tencentcloud/credentials"),
        "[default]\nsecret_id=AKIDuser\nsecret_key=userkey\n[prod]\nsecret_id=AKIDprod\nsecret_key=prodkey\n",
    );
    assert_eq!(tencent::static_chain(&env, None).unwrap().id(), "AKIDuser");
    assert_eq!(
        tencent::static_chain(&env, Some("prod")).unwrap().id(),
        "AKIDprod"
    );
    let err = tencent::static_chain(&env, Some("nope")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    // The SDK reads no TENCENTCLOUD_PROFILE: [default] still.
    let env = env.var("TENCENTCLOUD_PROFILE", "prod");
    assert_eq!(tencent::static_chain(&env, None).unwrap().id(), "AKIDuser");
}

#[test]
fn tencent_nothing_anywhere_is_not_found_and_a_broken_file_stops_the_chain() {
    let home = tempfile::tempdir().unwrap();
    let env = env_in(home.path());
    assert_eq!(
        tencent::static_chain(&env, None).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    write(
        &home.path().join(".tencentcloud/credentials"),
        "secret_id=x\n",
    );
    assert_eq!(
        tencent::static_chain(&env, None).unwrap_err().kind(),
        ErrorKind::Invalid
    );
}

#[test]
fn alibaba_order_environment_cli_profile_credentials_file() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".alibabacloud/credentials.ini"),
        "[default]\ntype = access_key\naccess_key_id = LTAIini # comment\naccess_key_secret = inisecret\n\
         [other]\ntype = access_key\naccess_key_id = LTAIother\naccess_key_secret = othersecret\n",
    );
    let env = env_in(home.path());
    let c = alibaba::static_chain(&env, None).unwrap();
    assert_eq!((c.id(), c.secret()), ("LTAIini", "inisecret"));
    // ALIBABA_CLOUD_PROFILE selects the section.
    let c =
        alibaba::static_chain(&env.clone().var("ALIBABA_CLOUD_PROFILE", "other"), None).unwrap();
    assert_eq!(c.id(), "LTAIother");
    // The CLI's config.json comes before the credentials file; its `current` profile.
    write(
        &home.path().join(".aliyun/config.json"),
        r#"{"current": "sts", "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAIcli", "access_key_secret": "clisecret"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.cli", "access_key_secret": "stssecret", "sts_token": "tok"}]}"#,
    );
    let c = alibaba::static_chain(&env, None).unwrap();
    assert_eq!((c.id(), c.token()), ("STS.cli", Some("tok")));
    let c =
        alibaba::static_chain(&env.clone().var("ALIBABA_CLOUD_PROFILE", "default"), None).unwrap();
    assert_eq!(c.id(), "LTAIcli");
    let disabled = env
        .clone()
        .var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    assert_eq!(
        alibaba::static_chain(&disabled, None).unwrap().id(),
        "LTAIini"
    );
    // The environment comes first, with its token.
    let env = env
        .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
        .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "envsecret")
        .var("ALIBABA_CLOUD_SECURITY_TOKEN", "envtoken");
    let c = alibaba::static_chain(&env, None).unwrap();
    assert_eq!((c.id(), c.token()), ("LTAIenv", Some("envtoken")));
}

#[test]
fn alibaba_credentials_file_variable_and_unsupported_types() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("elsewhere.ini");
    write(&file, "[default]\ntype = ecs_ram_role\nrole_name = r\n");
    let env = env_in(home.path()).var("ALIBABA_CLOUD_CREDENTIALS_FILE", file.to_str().unwrap());
    let err = alibaba::static_chain(&env, None).unwrap_err();
    assert!(err.to_string().contains("ecs_ram_role"), "{err}");
    write(
        &file,
        "[default]\ntype = access_key\naccess_key_id = LTAIvar\naccess_key_secret = s\n",
    );
    assert_eq!(alibaba::static_chain(&env, None).unwrap().id(), "LTAIvar");
}

#[test]
fn huawei_environment_then_credentials_file() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".huaweicloud/credentials"),
        "[basic]\nak = AKfile\nsk = SKfile\nsecurity_token = tokfile\n[global]\nak = AKglobal\nsk = SKglobal\n",
    );
    let env = env_in(home.path());
    let c = huawei::static_chain(&env, None).unwrap();
    assert_eq!(
        (c.id(), c.secret(), c.token()),
        ("AKfile", "SKfile", Some("tokfile"))
    );
    assert_eq!(
        huawei::static_chain(&env, Some("global")).unwrap().id(),
        "AKglobal"
    );
    let env = env
        .var("HUAWEICLOUD_SDK_AK", "AKenv")
        .var("HUAWEICLOUD_SDK_SK", "SKenv")
        .var("HUAWEICLOUD_SDK_SECURITY_TOKEN", "");
    let c = huawei::static_chain(&env, None).unwrap();
    assert_eq!((c.id(), c.token()), ("AKenv", None));
    let other = home.path().join("hw");
    write(&other, "[basic]\nak = AKvar\nsk = SKvar\n");
    let env = env_in(home.path()).var("HUAWEICLOUD_SDK_CREDENTIALS_FILE", other.to_str().unwrap());
    assert_eq!(huawei::static_chain(&env, None).unwrap().id(), "AKvar");
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let env = Environment::empty()
        .var("HUAWEICLOUD_SDK_AK", "AKenv")
        .var("HUAWEICLOUD_SDK_SK", "SuperSecretSK")
        .var("HUAWEICLOUD_SDK_SECURITY_TOKEN", "SuperSecretToken");
    let c = huawei::static_chain(&env, None).unwrap();
    let shown = format!("{c:?} {env:?}");
    assert!(!shown.contains("SuperSecret"), "{shown}");
    assert!(shown.contains("Some(<redacted>)"));
    let signer = c.to_huawei().unwrap();
    assert_eq!(signer.security_token(), Some("SuperSecretToken"));
}

fn mode(mode: &str, profile: &str) -> Option<Unsupported> {
    Some(Unsupported {
        mode: mode.into(),
        profile: profile.into(),
    })
}

#[test]
fn profile_modes_cloudsig_does_not_fetch_are_typed_unsupported() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".aliyun/config.json"),
        r#"{"current": "r", "profiles": [
            {"name": "r", "mode": "RamRoleArn", "access_key_id": "LTAIx", "access_key_secret": "s", "ram_role_arn": "acs:ram::1:role/r"},
            {"name": "e", "mode": "EcsRamRole", "ram_role_name": "role"}]}"#,
    );
    write(
        &home.path().join(".alibabacloud/credentials.ini"),
        "[default]\ntype = ram_role_arn\naccess_key_id = LTAIx\naccess_key_secret = s\nrole_arn = acs:ram::1:role/r\n",
    );
    write(
        &home.path().join(".huaweicloud/credentials"),
        "[basic]\nidp_id = idp\nid_token_file = /tmp/none\n",
    );
    let env = env_in(home.path());
    for (got, want) in [
        (
            alibaba::from_cli_profile(&env, None),
            mode("RamRoleArn", "r"),
        ),
        (
            alibaba::from_cli_profile(&env, Some("e")),
            mode("EcsRamRole", "e"),
        ),
        (
            alibaba::from_profile(&env, None),
            mode("ram_role_arn", "default"),
        ),
        (
            huawei::from_profile(&env, None),
            mode("federated (idp_id, id_token_file)", "basic"),
        ),
    ] {
        let err = got.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        assert_eq!(err.unsupported_mode().cloned(), want, "{err}");
    }
    // The SDK goes on past a profile it cannot fetch for: so does the chain, to nothing here.
    assert_eq!(
        alibaba::static_chain(&env, None).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}
