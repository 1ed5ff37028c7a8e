//! The public verify APIs return typed errors (a kind, a message that names the place,
//! a source where there is one), which `?` takes into `anyhow::Error` (and so into any
//! `Box<dyn Error + Send + Sync>`): key loading, the Authorization parsers, form
//! decoding.
#![allow(clippy::unwrap_used)]

use std::error::Error as _;

use cloudsig_verify::authorization::AuthorizationErrorKind;
use cloudsig_verify::keys::{KeyErrorKind, KeyRing};

fn load(text: &str) -> anyhow::Result<KeyRing> {
    Ok(KeyRing::parse(text, "inline")?)
}

fn tc3_service(value: &str) -> anyhow::Result<String> {
    Ok(cloudsig_verify::auth::parse_tc3(value)?.service.to_string())
}

fn huawei_key(value: &str) -> anyhow::Result<String> {
    Ok(cloudsig_verify::huawei::parse_authorization(value)?
        .access_key
        .to_string())
}

fn acs3_key(value: &str) -> anyhow::Result<String> {
    Ok(cloudsig_verify::alibaba::auth::parse_acs3(value)?
        .access_key_id
        .to_string())
}

fn form(text: &str) -> anyhow::Result<usize> {
    Ok(cloudsig_verify::params::decode_form(text)?.iter().count())
}

fn key_file(path: &std::path::Path) -> anyhow::Result<KeyRing> {
    Ok(KeyRing::from_file(path)?)
}

#[test]
fn errors_go_into_anyhow_with_their_messages() {
    assert_eq!(load("AKID1 s1\n").unwrap().len(), 1);
    let err = load("AKID1 s1 t1 extra\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "inline, line 1: expected `SecretId SecretKey [Token]`"
    );
    let err = tc3_service("TC3-HMAC-SHA256 Credential=A/d/s/t, Foo=x").unwrap_err();
    assert_eq!(err.to_string(), "unknown part `Foo`");
    let err = huawei_key("SDK-HMAC-SHA256 Access=a, SignedHeaders=h").unwrap_err();
    assert_eq!(err.to_string(), "no Signature");
    let err = acs3_key("ACS3-HMAC-SHA512 Credential=a").unwrap_err();
    assert!(err.to_string().starts_with("unknown algorithm"), "{err}");
    let err = form("X=%FF").unwrap_err();
    assert_eq!(err.to_string(), "parameter X has a value that is not UTF-8");
    let missing = std::env::temp_dir().join(format!(
        "cloudsig-typed-errors-{}-missing.txt",
        std::process::id()
    ));
    let err = key_file(&missing).unwrap_err();
    assert!(err.to_string().starts_with("key file "), "{err}");
}

#[test]
fn errors_have_kinds_and_sources() {
    let err = KeyRing::parse("AKID1 s1\nAKID1 s2\n", "f").unwrap_err();
    assert_eq!(err.kind(), KeyErrorKind::Duplicate);
    let err = KeyRing::parse("AKID1 sek\u{e9}rit\n", "f").unwrap_err();
    assert_eq!(err.kind(), KeyErrorKind::InvalidCredentials);
    assert!(err.source().is_some(), "{err:?}");
    let ring = KeyRing::parse("A1 s1\nA2 s2\n", "f").unwrap();
    assert_eq!(ring.pick(None).unwrap_err().kind(), KeyErrorKind::Several);
    assert_eq!(
        ring.pick(Some("A3")).unwrap_err().kind(),
        KeyErrorKind::UnknownId
    );
    let missing = std::env::temp_dir().join(format!(
        "cloudsig-typed-errors-{}-absent.txt",
        std::process::id()
    ));
    let err = KeyRing::from_file(&missing).unwrap_err();
    assert_eq!(err.kind(), KeyErrorKind::Io);
    assert!(
        err.source()
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    let err =
        cloudsig_verify::auth::parse_tc3("TC3-HMAC-SHA256 Credential=A/d/s/t, Foo=x").unwrap_err();
    assert_eq!(err.kind(), AuthorizationErrorKind::UnknownPart);
    let err = cloudsig_verify::params::decode_form("X=%FF").unwrap_err();
    assert!(err.source().is_some());
}
