//! `cloudsig sign` checks what it is about to sign against the API definitions: a request
//! the cloud would refuse (unknown action, unsupported region, a missing or mistyped
//! parameter) is not signed, and the command says why with the same codes and messages as
//! `cloudsig verify` (the same checks: the signed request goes through the verifier's API
//! stage). `--no-api-check` signs anyway.

use cloudsig_canonical::HttpRequest;
use cloudsig_verify::api_check::RULE_PREFIX;
use cloudsig_verify::capture::{Captured, Location};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verifier};

/// `Ok` when the request is valid at the API level or its product is not covered;
/// otherwise every API finding, one per line, as `cloudsig verify` reports them.
pub fn refuse_if_invalid(http: &HttpRequest) -> Result<(), String> {
    let cap = Captured {
        location: Location::default(),
        method: http.method().to_owned(),
        target: http.url(),
        headers: http.headers().to_vec(),
        body: http.body().to_vec(),
    };
    // No keys: only the API stage's findings are read (the signature was just made).
    let verifier = Verifier::new(KeyRing::default(), Options::at(0).diagnose(false))
        .with_api_catalog(crate::api_catalog::load(&[])?);
    let report = verifier.check(&cap, &mut KeyCache::default());
    let lines: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with(RULE_PREFIX))
        .map(|f| format!("  {}: {}", f.code, f.message))
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    Err(format!(
        "not signed: the cloud would refuse this request\n{}\n(sign anyway with --no-api-check)",
        lines.join("\n")
    ))
}
