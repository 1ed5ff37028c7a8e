//! The official SDKs' default credential providers as the oracle: for every case of
//! `vectors/credentials/cases.json` (variables, files, a fresh home directory),
//! cloudsig's static chain must pick what the SDK's own provider picked on the same
//! inputs, as recorded in `vectors/credentials/sdk-results.json` by
//! `vectors/oracle/credentials.py` (which CI runs again against the pinned SDKs): the
//! same id, the same token and the same secret (compared by SHA-256), or nothing, or an
//! error that ends the chain, or a provider cloudsig does not implement.
//!
//! Failures name the case and the ids only; secrets are never printed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use cloudsig_credentials::{Environment, ErrorKind, alibaba, huawei, tencent};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[path = "common/cases.rs"]
mod cases;

use cases::{load, setup};

/// cloudsig's outcome in the results file's terms.
fn outcome(cloud: &str, env: &Environment) -> Value {
    let got = match cloud {
        "tencent" => tencent::static_chain(env, None),
        "alibaba" => alibaba::static_chain(env, None),
        "huawei" => huawei::static_chain(env, None),
        other => panic!("unknown cloud {other}"),
    };
    match got {
        Ok(c) => json!({
            "outcome": "credentials",
            "id": c.id(),
            "token": c.token(),
            "secret_sha256": base16ct::lower::encode_string(&Sha256::digest(c.secret().as_bytes())),
        }),
        Err(e) => match e.kind() {
            ErrorKind::NotFound => json!({"outcome": "none"}),
            ErrorKind::Invalid => json!({"outcome": "error"}),
            ErrorKind::Unsupported => json!({"outcome": "needs-network"}),
            other => panic!("a static chain fetched: {other:?}"),
        },
    }
}

/// What may be printed about an outcome: its kind and id, never the secret's digest.
fn shown(v: &Value) -> String {
    match v.get("id") {
        Some(id) => format!(
            "{} {} (token {})",
            v["outcome"],
            id,
            if v["token"].is_null() { "none" } else { "set" }
        ),
        None => v["outcome"].to_string(),
    }
}

#[test]
fn cloudsig_picks_what_each_official_sdk_picks() {
    let cases = load("cases.json");
    let results = load("sdk-results.json");
    let cases = cases["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 60,
        "the case table shrank to {}",
        cases.len()
    );
    let mut disagreements = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let cloud = case["cloud"].as_str().unwrap();
        let want = results["results"]
            .get(name)
            .unwrap_or_else(|| panic!("{name}: no SDK result; run vectors/oracle/credentials.py"));
        let (_root, env) = setup(case);
        let got = outcome(cloud, &env);
        if &got != want {
            let secret_only = got.get("id") == want.get("id")
                && got.get("token") == want.get("token")
                && got["outcome"] == want["outcome"];
            disagreements.push(format!(
                "{name} ({}): the SDK picks {}, cloudsig {}{}",
                case["what"].as_str().unwrap_or_default(),
                shown(want),
                shown(&got),
                if secret_only {
                    " (the secrets differ)"
                } else {
                    ""
                }
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree with the official SDKs:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

/// Every outcome kind occurs, so the comparison above exercises each mapping.
#[test]
fn the_results_cover_every_outcome() {
    let results = load("sdk-results.json");
    for kind in ["credentials", "none", "error", "needs-network"] {
        let n = results["results"]
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v["outcome"] == kind)
            .count();
        assert!(n > 0, "no case where the SDK's outcome is {kind}");
    }
    for cloud in ["tencent", "alibaba", "huawei"] {
        assert!(results["sdk"][cloud].is_string(), "{cloud}: no SDK version");
    }
}
