//! The answers of the mock Alibaba STS and ECS metadata service that tests/ram_role.rs
//! and cloudsig-cli's tests/profile_roles.rs give from [`super::mock::serve`] (each
//! includes this file with `#[path]`): cloudsig-verify's verdict on a request, as STS
//! would verify `AssumeRole`; the decoded query parameters; STS's and the metadata
//! service's answers.
#![allow(dead_code)]

use std::collections::BTreeMap;

use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};

/// One `AssumeRole` request as the mock STS saw it: its decoded parameters and verdict.
pub type Call = (BTreeMap<String, String>, Verdict);

/// The system clock's time (seconds since the Unix epoch).
pub fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A request as cloudsig-verify reads it.
pub fn captured(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Captured {
    Captured {
        location: Location {
            index: 0,
            offset: 0,
            line: None,
        },
        method: method.into(),
        target: target.into(),
        headers: headers.to_vec(),
        body: body.to_vec(),
    }
}

/// cloudsig-verify's verdict on a request against `keys` (a key file: `id secret
/// [token]` lines) at `at`.
pub fn verify(
    keys: &str,
    at: i64,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Verdict {
    let ring = KeyRing::parse(keys, "mock sts").unwrap();
    Verifier::new(ring, Options::at(at))
        .check(
            &captured(method, target, headers, body),
            &mut KeyCache::default(),
        )
        .verdict
}

/// The query parameters of a request target, percent-decoded.
pub fn params(target: &str) -> BTreeMap<String, String> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let d = |s: &str| {
                cloudsig_canonical::encode::decode(
                    s,
                    cloudsig_canonical::encode::PlusIs::Plus,
                    cloudsig_canonical::encode::InvalidUtf8::Reject,
                )
                .unwrap()
                .into_owned()
            };
            (d(k), d(v))
        })
        .collect()
}

/// An STS answer: credentials `id`/`secret`/`token` expiring at `expiration`.
pub fn assumed(id: &str, secret: &str, token: &str, expiration: &str) -> (u16, String) {
    (
        200,
        format!(
            r#"{{"RequestId":"r","AssumedRoleUser":{{"Arn":"a","AssumedRoleId":"i"}},"Credentials":{{"AccessKeyId":"{id}","AccessKeySecret":"{secret}","SecurityToken":"{token}","Expiration":"{expiration}"}}}}"#
        ),
    )
}

/// The ECS metadata service's answer, if `method` and `target` ask it: the IMDSv2
/// session token (`imdsToken`) to `PUT /latest/api/token`, and credentials
/// `id`/`secret`/`token` (expiring in 2099) for the instance role `role`.
pub fn metadata(
    method: &str,
    target: &str,
    role: &str,
    [id, secret, token]: [&str; 3],
) -> Option<(u16, String)> {
    match (method, target) {
        ("PUT", "/latest/api/token") => Some((200, "imdsToken".into())),
        ("GET", t)
            if t.strip_prefix("/latest/meta-data/ram/security-credentials/") == Some(role) =>
        {
            Some((
                200,
                format!(
                    r#"{{"AccessKeyId":"{id}","AccessKeySecret":"{secret}","SecurityToken":"{token}","Expiration":"2099-01-01T00:00:00Z","Code":"Success"}}"#
                ),
            ))
        }
        _ => None,
    }
}
