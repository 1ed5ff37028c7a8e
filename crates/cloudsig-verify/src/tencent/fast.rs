//! The report-free path for the common TC3 request (issue 17 item 2): `true` only for a
//! request the full verifier ([`crate::Verifier::check_view`]) would call valid, answered
//! without building a [`crate::Report`] (no findings, notes, SecretId string or
//! diagnosis). Anything it does not recognise as plainly valid is `false`, and the caller
//! runs the full verifier, which gives the verdict and explains it; so a `false` here says
//! nothing about the request.
//!
//! What the full verifier does with a TC3 request, and how this path answers each step
//! (a step it does not apply itself is one whose rule cannot fire on the requests it
//! accepts, or it answers `false`):
//!
//! - the wings: the Authorization value must start with `TC3-HMAC-SHA256` exactly (no
//!   leading blank), so neither the Alibaba nor the Huawei wing claims it, nor is it `SKIP`;
//! - duplicate headers (`duplicates::TENCENT`): any watched name sent twice, same value or
//!   not, is `false` (the full path notes or refuses it); without duplicates the first
//!   header of each name, which every rule reads, is the only one;
//! - `X-TC-Content-SHA256` present at all: `false` (unsigned payloads and the header's
//!   own checks are the full path's);
//! - the method must be `POST` (the method rule, the GET rules: body, size, form content
//!   type), the body at most 10 MB (the size rule), the Content-Type's media type
//!   `application/json` as the content-type pairing rule's own fast test reads it;
//! - the missing common parameters, the timestamp's form and window, the credential
//!   scope's terminator, date, service and its agreement with the timestamp's UTC date and
//!   the host's first label (when the options ask for it), `SignedHeaders` parsed with
//!   `content-type` and `host`, the key known, the token rule, then the signature through
//!   the same [`tc3::sign_with_key`] and the same key cache: each with the full path's own
//!   functions, any failure `false`;
//! - the API check, when the verifier has a catalog: the body is JSON (POST, JSON content
//!   type), so [`cloudsig_api::tencent::json_certainly_valid`] answers; when it says no,
//!   the request is still certainly valid at the API level only if no Tencent definition
//!   names the service at all (the API verdict is then "not checked", with no finding:
//!   `cloudsig_api::tencent::check_json`), else `false`;
//! - notes (the Authorization's form, an unsorted `SignedHeaders`, obs-text, an
//!   unchecked token, a host that does not name the service when the options allow it)
//!   never change a verdict, and no report is made to hold them;
//! - replay: a TC3 report carries no nonce, so the replay store never sees a valid one
//!   that is not kept (`pipeline::verify_jsonl_where`); nothing is skipped here.
//!
//! The test `tests/fast_path.rs` holds this path to the full verifier's verdicts on
//! generated requests and single mutations of them.

use cloudsig_canonical::tc3::{self, CredentialScope};
use cloudsig_core::{UtcDate, constant_time_eq};

use super::auth;
use super::rules::MAX_TC3_POST;
use crate::authorization::split_once_ascii;
use crate::cache::KeyCache;
use crate::capture::RequestView;
use crate::conformance::{self, TokenCheck};
use crate::names::{HeaderName, NameWords};
use crate::options::Ctx;
use crate::wing::request_of;

/// The headers the fast path reads or must see at most once: `duplicates::TENCENT`'s
/// list (test `the_fast_list_is_the_duplicate_rules_list`), in this order.
const NAMES: [HeaderName; 10] = [
    HeaderName::new("Authorization"),
    HeaderName::new("Host"),
    HeaderName::new("Content-Type"),
    HeaderName::new("X-TC-Action"),
    HeaderName::new("X-TC-Timestamp"),
    HeaderName::new("X-TC-Version"),
    HeaderName::new("X-TC-Region"),
    HeaderName::new("X-TC-Language"),
    HeaderName::new("X-TC-Content-SHA256"),
    HeaderName::new("X-TC-Token"),
];
/// The value of each of [`NAMES`], or `None` when one of them is sent twice.
fn watched<'a>(headers: &[(&'a str, &'a str)]) -> Option<[Option<&'a str>; NAMES.len()]> {
    let mut found = [None; NAMES.len()];
    for (name, value) in headers {
        let Some(words) = NameWords::of(name) else {
            continue;
        };
        if let Some(slot) = NAMES
            .iter()
            .zip(found.iter_mut())
            .find_map(|(n, slot)| n.is(&words).then_some(slot))
        {
            if slot.is_some() {
                return None;
            }
            *slot = Some(*value);
        }
    }
    Some(found)
}

/// The parts of a TC3 Authorization value in exactly the documented form,
/// `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<h>,
/// Signature=<64 bytes>`, read without `auth::parse_tc3`'s general splitting; `None`
/// for anything else (the caller then asks `parse_tc3`). Where it answers with a
/// signature of 64 hex digits (any other never matches, so the request is not
/// confirmed whatever the parts), `parse_tc3` gives the same SecretId, date, service,
/// terminator, `SignedHeaders` and signature (test
/// `the_lean_reader_agrees_with_parse_tc3`): such a value is in `parse_tc3`'s documented
/// form (no blank at either end of a part: the credential starts with a printable ASCII
/// byte and ends in `tc3_request`, `SignedHeaders` starts and ends with one, the
/// signature is hex, with no `,`), and its credential splits at `/` into the same four
/// parts (the SecretId and the service hold no `/`).
fn lean_tc3(value: &str) -> Option<auth::Tc3Authorization<'_>> {
    let rest = value
        .strip_prefix(cloudsig_core::tc3::ALGORITHM)?
        .strip_prefix(" Credential=")?;
    let (credential, rest) = split_once_ascii(rest, b',')?;
    let (signed_headers, signature) =
        split_once_ascii(rest.strip_prefix(" SignedHeaders=")?, b',')?;
    let signature = signature.strip_prefix(" Signature=")?;
    let printable = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if signature.len() != 64
        || !printable(signed_headers.as_bytes().first())
        || !printable(signed_headers.as_bytes().last())
        || !printable(credential.as_bytes().first())
    {
        return None;
    }
    let scope = credential.strip_suffix(cloudsig_core::tc3::TERMINATOR)?;
    let scope = scope.strip_suffix('/')?;
    let (secret_id, rest) = split_once_ascii(scope, b'/')?;
    let (date, service) = split_once_ascii(rest, b'/')?;
    if secret_id.is_empty()
        || date.is_empty()
        || service.is_empty()
        || service.bytes().any(|b| b == b'/')
    {
        return None;
    }
    Some(auth::Tc3Authorization {
        secret_id,
        date,
        service,
        terminator: cloudsig_core::tc3::TERMINATOR,
        signed_headers,
        signature,
        form: auth::AuthForm::Documented,
    })
}

/// A timestamp's seconds as `str::parse::<i64>` reads it trimmed: the common ten digits
/// read directly, anything else through `parse`.
#[inline]
fn seconds(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() == 10 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')));
    }
    text.trim().parse::<i64>().ok()
}

/// Whether `cap` is a TC3 request the full verifier would call valid (see the module's
/// documentation); `false` when not certainly.
pub(crate) fn certainly_valid(
    ctx: &Ctx<'_>,
    api: Option<&crate::verifier::Api>,
    cap: &RequestView<'_>,
    cache: &mut KeyCache,
) -> bool {
    if cap.method != "POST" || cap.body.len() > MAX_TC3_POST {
        return false;
    }
    let Some(
        [
            Some(value),
            host,
            content_type,
            Some(action),
            Some(timestamp),
            Some(version),
            region,
            _language,
            None,
            token,
        ],
    ) = watched(&cap.headers)
    else {
        return false;
    };
    // Exactly the algorithm first: no other wing claims it, and it is not `SKIP`.
    if !value.starts_with(cloudsig_core::tc3::ALGORITHM) {
        return false;
    }
    // The content-type pairing rule's own test for the common case.
    let raw = content_type.unwrap_or_default();
    let essence = raw
        .get(..raw.bytes().position(|b| b == b';').unwrap_or(raw.len()))
        .unwrap_or_default()
        .trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    let Some(a) = lean_tc3(value).or_else(|| auth::parse_tc3(value).ok()) else {
        return false;
    };
    let Some(ts) = seconds(timestamp) else {
        return false;
    };
    let options = ctx.options();
    if conformance::skew(
        ts,
        options.now,
        options.window_for(conformance::DEFAULT_WINDOW),
    )
    .is_some()
        || a.terminator != cloudsig_core::tc3::TERMINATOR
    {
        return false;
    }
    // The service's form (`validate_service`) and the timestamp's UTC date, in one.
    let Ok(scope) = CredentialScope::for_timestamp(ts, a.service) else {
        return false;
    };
    let date = scope.date();
    if UtcDate::parse_iso(a.date).ok() != Some(date) {
        return false;
    }
    if options.host_names_service
        && host
            .or_else(|| cap.target_authority())
            .and_then(tc3::service_of_host)
            .is_some_and(|host_service| host_service != a.service)
    {
        return false;
    }
    let Ok((text, signed_headers)) = cache.take_signed_headers(a.signed_headers) else {
        return false;
    };
    let valid = signed_headers.contains("content-type")
        && signed_headers.contains("host")
        && signature_matches(ctx, cap, &a, &signed_headers, ts, scope, token, cache);
    cache.signed_headers = Some((text, signed_headers));
    valid
        && api.is_none_or(|api| {
            // No Tencent definition of the service: the API verdict is "not checked",
            // without a finding, whatever `json_certainly_valid` would say. Asked first,
            // of the names found when the catalog was given (a scan of the products on
            // every request before; `json_certainly_valid`'s own scan is then skipped
            // for such a service). The names are sorted and de-duplicated by
            // `with_api_catalog` (its test holds them so): a binary search.
            api.tencent_services
                .binary_search_by(|s| s.as_str().cmp(a.service))
                .is_err()
                || {
                    let call = cloudsig_api::tencent::TencentJsonCall {
                        service: a.service,
                        action: action.trim(),
                        version: version.trim(),
                        region: region.map(str::trim),
                        body: cap.body,
                    };
                    cloudsig_api::tencent::json_certainly_valid(&api.catalog, &call)
                }
        })
}

/// The key, the token rule and the signature, as `check_tc3_signed` applies them.
#[allow(clippy::too_many_arguments)]
fn signature_matches(
    ctx: &Ctx<'_>,
    cap: &RequestView<'_>,
    a: &auth::Tc3Authorization<'_>,
    signed_headers: &cloudsig_canonical::SignedHeaders,
    ts: i64,
    scope: CredentialScope<'_>,
    token: Option<&str>,
    cache: &mut KeyCache,
) -> bool {
    let Ok(Some(creds)) = ctx.credentials(a.secret_id) else {
        return false;
    };
    if matches!(
        conformance::token_check(&creds, token),
        TokenCheck::Mismatch | TokenCheck::Missing
    ) {
        return false;
    }
    let req = request_of(cap, false);
    let settings = tc3::Settings::default().with_header_value_case(ctx.options().header_value_case);
    let (secret, date) = (creds.secret_key(), scope.date());
    let key = match cache.find(a.secret_id, secret, date, a.service) {
        Some(key) => key,
        None => match cache.get(a.secret_id, secret, date, a.service) {
            Some(key) => key,
            None => return false,
        },
    };
    let Ok(signed) = tc3::sign_with_key(&req, signed_headers, &settings, ts, scope, key) else {
        return false;
    };
    constant_time_eq(signed.signature().as_bytes(), a.signature.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_list_is_the_duplicate_rules_list() {
        let watched: Vec<&str> = crate::duplicates::TENCENT.iter().map(|w| w.name).collect();
        let ours: Vec<&str> = [
            "Authorization",
            "Host",
            "Content-Type",
            "X-TC-Action",
            "X-TC-Timestamp",
            "X-TC-Version",
            "X-TC-Region",
            "X-TC-Language",
            "X-TC-Content-SHA256",
            "X-TC-Token",
        ]
        .to_vec();
        assert_eq!(watched, ours);
        for (name, prepared) in ours.iter().zip(NAMES) {
            assert!(prepared.is(&NameWords::of(name).unwrap()), "{name}");
        }
    }

    #[test]
    fn the_lean_reader_agrees_with_parse_tc3() {
        let sig = "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2";
        let doc = format!(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
        );
        fn parts<'a>(
            a: auth::Tc3Authorization<'a>,
        ) -> (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str) {
            (
                a.secret_id,
                a.date,
                a.service,
                a.terminator,
                a.signed_headers,
                a.signature,
            )
        }
        let lean = lean_tc3(&doc).expect("the documented form");
        assert_eq!(parts(lean), parts(auth::parse_tc3(&doc).unwrap()));
        // Variants: where the lean reader answers, parse_tc3 gives the same parts.
        let variants = [
            doc.replace(", ", ","),
            doc.replace("Credential=AKID", "Credential= AKID"),
            doc.replace("Credential=AKID", "Credential=\u{a0}AKID"),
            doc.replace("AKIDz8", "AK/IDz8"),
            doc.replace("/cvm/", "/c/vm/"),
            doc.replace("/cvm/", "//"),
            doc.replace("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", ""),
            doc.replace("2019-02-25", ""),
            doc.replace("tc3_request", "tc3_requesu"),
            doc.replace("tc3_request", "x/tc3_request"),
            doc.replace("SignedHeaders=content", "SignedHeaders= content"),
            doc.replace(";host,", ";host ,"),
            doc.replace(sig, &sig[1..]),
            doc.replace(sig, &format!("{sig} ")),
            doc.replace(sig, &format!(" {}", &sig[1..])),
            doc.replace(sig, &format!("{},", &sig[1..])),
            doc.replace("TC3-HMAC-SHA256 ", "TC3-HMAC-SHA256  "),
            format!(" {doc}"),
        ];
        let mut answered = 0;
        for v in &variants {
            // A signature that is not 64 hex digits never matches.
            let hex =
                |a: &auth::Tc3Authorization<'_>| a.signature.bytes().all(|b| b.is_ascii_hexdigit());
            if let Some(lean) = lean_tc3(v).filter(hex) {
                answered += 1;
                let full = auth::parse_tc3(v).unwrap_or_else(|e| panic!("{v}: {e}"));
                assert_eq!(parts(lean), parts(full), "{v}");
            }
        }
        // None of these is in the form the lean reader takes.
        assert_eq!(answered, 0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4096,
            failure_persistence: None,
            ..Default::default()
        })]
        /// Random edits of the documented form (up to four characters inserted, replaced or
        /// removed, from the characters the two readers treat specially): wherever the lean
        /// reader answers, `parse_tc3` accepts the value and reads the same parts.
        #[test]
        fn the_lean_reader_never_answers_where_parse_tc3_differs(
            edits in proptest::collection::vec(
                (0usize..200, 0u8..3, proptest::sample::select(vec![
                    ' ', ',', '/', '=', '\t', '\u{a0}', 'a', '0', ';', 'C', 'S', '_',
                ])),
                1..5,
            )
        ) {
            let sig = "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2";
            let mut v: Vec<char> = format!(
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={sig}"
            ).chars().collect();
            for (at, op, c) in edits {
                let at = at % (v.len() + 1);
                match op {
                    0 => v.insert(at, c),
                    1 if at < v.len() => v[at] = c,
                    _ if at < v.len() => { v.remove(at); }
                    _ => {}
                }
            }
            let v: String = v.into_iter().collect();
            // a signature that is not 64 hex digits never matches (the caller compares it
            // with a computed one), so what the lean reader answers for it does not matter
            let hex = |a: &auth::Tc3Authorization<'_>| a.signature.bytes().all(|b| b.is_ascii_hexdigit());
            if let Some(lean) = lean_tc3(&v).filter(hex) {
                let full = auth::parse_tc3(&v);
                proptest::prop_assert!(full.is_ok(), "lean answered, parse_tc3 refused: {v:?}");
                let full = full.unwrap();
                proptest::prop_assert_eq!(
                    (lean.secret_id, lean.date, lean.service, lean.terminator, lean.signed_headers, lean.signature),
                    (full.secret_id, full.date, full.service, full.terminator, full.signed_headers, full.signature),
                    "{:?}", v
                );
            }
        }
    }
}
