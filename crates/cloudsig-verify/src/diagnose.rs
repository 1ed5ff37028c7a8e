//! Diagnosis of a signature mismatch: re-run the canonical builder with one known client
//! mistake applied at a time, and name the one that reproduces the signature sent.
//!
//! The mistakes are those of `shared/SDK-BEHAVIOUR.md`: the date in local time, a
//! charset added to or dropped from the Content-Type after signing, the host with or
//! without its port, the query re-encoded, the JSON body re-serialised, v1 values
//! URL-encoded in the string to sign, the `_`/`.` name rule, the Signature URL-encoded
//! twice, a key with surrounding whitespace, upper-case hex, and a few more.

use std::borrow::Cow;

use cloudsig_canonical::encode::rfc3986;
use cloudsig_canonical::tc3::{self, CredentialScope, HeaderValueCase, SignedHeaders};
use cloudsig_canonical::v1::{self, NameRule, Params};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{SecretKey, UtcDate, constant_time_eq};
use zeroize::Zeroizing;

use crate::capture::RequestView;
use crate::params::decode;
use crate::report::{Computed, Diagnosis, Mistake};

pub(crate) mod dot_segments;
pub(crate) mod json;

/// The mistake search runs only on a request that signs at most this many headers.
///
/// Every search re-signs the request some 20 to 45 times, each time building the whole
/// canonical request again; the official SDKs sign 2 to 10 headers, so a list longer
/// than this is not a client mistake the search could name, and searching it would let
/// one request cost dozens of verifications.
pub(crate) const MAX_SIGNED_HEADERS: usize = 64;

/// The mistake search runs only on a request whose computed canonical request (or
/// string to sign, when the scheme has no canonical request) is at most this many
/// bytes; the body is not counted, only its hash is part of it.
pub(crate) const MAX_CANONICAL_BYTES: usize = 64 * 1024;

/// Whether the mistake search may run for a request that signs `signed_headers`
/// headers and computed `computed`; when it may not, a note in `report` says why
/// (`diagnosis skipped: …`), and the caller records the computed stages only. Bounds
/// what a diagnosis costs to a small multiple of verifying a request of ordinary size,
/// whatever the request holds.
pub(crate) fn within_budget(
    report: &mut crate::report::Report,
    signed_headers: usize,
    computed: &Computed,
) -> bool {
    let bytes = computed
        .canonical_request
        .as_ref()
        .map_or(0, String::len)
        .max(computed.string_to_sign.len());
    let why = if signed_headers > MAX_SIGNED_HEADERS {
        format!(
            "the request signs {signed_headers} headers and the search for a client mistake runs on at most {MAX_SIGNED_HEADERS}"
        )
    } else if bytes > MAX_CANONICAL_BYTES {
        format!(
            "the canonical request is {bytes} bytes and the search for a client mistake runs on at most {MAX_CANONICAL_BYTES}"
        )
    } else {
        return true;
    };
    report.notes.push(format!("diagnosis skipped: {why}"));
    false
}

/// The diagnosis of a signature mismatch, for every scheme: the search for a client
/// mistake (`find`) when `enabled` (the verifier's options) and the request is within
/// the budget ([`within_budget`], which notes in `report` why not); otherwise only the
/// computed stages, with nothing tried.
pub(crate) fn diagnosis(
    report: &mut crate::report::Report,
    enabled: bool,
    signed_headers: usize,
    computed: Computed,
    find: impl FnOnce(Computed) -> Diagnosis,
) -> Diagnosis {
    if enabled && within_budget(report, signed_headers, &computed) {
        find(computed)
    } else {
        Diagnosis {
            computed,
            mistake: None,
            tried: 0,
        }
    }
}

/// What the TC3 diagnosis needs: the request as sent and what the verifier used.
pub(crate) struct Tc3Case<'a> {
    pub cap: &'a RequestView<'a>,
    pub secret: &'a SecretKey,
    pub signed_headers: &'a SignedHeaders,
    pub settings: tc3::Settings,
    pub timestamp: i64,
    pub date: UtcDate,
    pub service: &'a str,
    pub unsigned: bool,
    pub received: &'a str,
    pub computed: Computed,
}

/// One TC3 attempt: the request and inputs as the client may have signed them.
#[derive(Clone)]
struct Tc3Try<'a> {
    path: Cow<'a, str>,
    query: Cow<'a, str>,
    headers: Vec<(&'a str, Cow<'a, str>)>,
    body: Cow<'a, [u8]>,
    unsigned: bool,
    settings: tc3::Settings,
    timestamp: i64,
    date: UtcDate,
    /// The date the key was derived with, when it differs from the scope's.
    key_date: Option<UtcDate>,
    key: Cow<'a, SecretKey>,
}

impl Tc3Try<'_> {
    fn signature(&self, case: &Tc3Case<'_>) -> Option<String> {
        let mut req = Request::new(case.cap.method, &self.path).query(&self.query);
        for (n, v) in &self.headers {
            req.push_header(n, v);
        }
        let req = req.with_payload(if self.unsigned {
            Payload::Unsigned
        } else {
            Payload::Bytes(&self.body)
        });
        let scope = CredentialScope::new(self.date, case.service).ok()?;
        let key_date = self.key_date.unwrap_or(self.date);
        let key = SigningKey::derive(&self.key, &key_date, case.service).ok()?;
        let signed = tc3::sign_with_key(
            &req,
            case.signed_headers,
            &self.settings,
            self.timestamp,
            scope,
            &key,
        )
        .ok()?;
        Some(signed.signature().to_string())
    }

    fn set_header(&mut self, name: &str, value: String) {
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = Cow::Owned(value);
                return;
            }
        }
    }
}

/// Diagnoses a TC3 mismatch.
pub(crate) fn tc3(case: &Tc3Case<'_>) -> Diagnosis {
    let base = Tc3Try {
        path: Cow::Borrowed(case.cap.path()),
        query: Cow::Borrowed(case.cap.query()),
        headers: case
            .cap
            .headers
            .iter()
            .map(|(n, v)| (*n, Cow::Borrowed(*v)))
            .collect(),
        body: Cow::Borrowed(case.cap.body),
        unsigned: case.unsigned,
        settings: case.settings,
        timestamp: case.timestamp,
        date: case.date,
        key_date: None,
        key: Cow::Borrowed(case.secret),
    };
    let received = case.received;
    let mut tried = 0;
    let mut found = None;

    // Upper-case hex needs no recomputation.
    tried += 1;
    if received.len() == 64
        && received.bytes().any(|b| b.is_ascii_uppercase())
        && constant_time_eq(
            received.to_ascii_lowercase().as_bytes(),
            case.computed.expected_signature.reveal().as_bytes(),
        )
    {
        found = Some(mistake(
            "uppercase-hex",
            "the signature was sent in upper-case hex; it must be lower case".into(),
        ));
    }

    let mut attempts: Vec<(Tc3Try<'_>, &'static str, String)> = Vec::new();
    let ct = case.cap.header("content-type").unwrap_or_default();
    if found.is_none() {
        // Header values used as sent rather than lower-cased.
        if case.settings.header_value_case == HeaderValueCase::Lowercase {
            let mut t = base.clone();
            t.settings = t.settings.with_header_value_case(HeaderValueCase::AsSent);
            attempts.push((t, "header-values-not-lowercased", "signed header values were used as sent, not lower-cased as the documentation requires (the SDKs' behaviour; it only differs when a signed value has capitals)".into()));
        }
        // Charset added or removed after signing.
        if let Some(stripped) = without_charset(ct) {
            let mut t = base.clone();
            t.set_header("content-type", stripped.clone());
            attempts.push((t, "charset-added-after-signing", format!("the client signed Content-Type `{stripped}` but sent `{ct}`: a charset was added after signing (often by the HTTP library)")));
        } else if !ct.is_empty() {
            for with in [
                format!("{ct}; charset=utf-8"),
                format!("{ct};charset=utf-8"),
                format!("{ct}; charset=UTF-8"),
            ] {
                let mut t = base.clone();
                t.set_header("content-type", with.clone());
                attempts.push((t, "charset-removed-after-signing", format!("the client signed Content-Type `{with}` but sent `{ct}`: the charset was dropped after signing")));
            }
        }
        // Host with or without a port, or replaced after signing.
        if let Some(host) = case.cap.header("host") {
            for (signed, description) in host_variants(host) {
                let mut t = base.clone();
                t.set_header("host", signed);
                attempts.push((t, "host-port", description));
            }
            for (signed, description) in
                endpoint_variants(host, case.service, case.cap.header("x-tc-region"))
            {
                let mut t = base.clone();
                t.set_header("host", signed);
                attempts.push((t, "host-replaced", description));
            }
        }
        // The query re-encoded after signing.
        for q in query_variants(case.cap.query()) {
            let mut t = base.clone();
            let description = format!(
                "the query was re-encoded after signing: the signature is for `{q}` but `{}` was sent",
                case.cap.query()
            );
            t.query = Cow::Owned(q);
            attempts.push((t, "query-reencoded", description));
        }
        // The JSON body re-serialised after hashing.
        if !case.unsigned {
            for (body, how) in json::variants(case.cap.body) {
                let mut t = base.clone();
                t.body = Cow::Owned(body);
                attempts.push((t, "json-reserialised", format!("the JSON body was re-serialised after signing: the signature is for the same JSON written {how}")));
            }
        }
        // The date in local time: in the key only, or in the key and the string to sign.
        let offsets = std::iter::once(8).chain((-12..=14).filter(|h| *h != 0 && *h != 8));
        let mut seen_dates = Vec::new();
        for h in offsets {
            let Ok(local) = UtcDate::from_unix(case.timestamp.saturating_add(h * 3600)) else {
                continue;
            };
            if local == case.date || seen_dates.contains(&local) {
                continue;
            }
            seen_dates.push(local);
            let mut t = base.clone();
            t.key_date = Some(local);
            attempts.push((t, "local-date", format!("the key was derived with the date in UTC{h:+} ({local}) instead of the UTC date ({}) of the credential scope", case.date)));
            let mut t = base.clone();
            t.date = local;
            attempts.push((t, "local-date", format!("the string to sign and the key used the date in UTC{h:+} ({local}) while the Authorization says {}", case.date)));
        }
        // A key with surrounding whitespace.
        for (key, words) in key_variants(case.secret.expose_secret()) {
            // A padded key longer than a key can be is no key the client could have used.
            let Ok(key) = SecretKey::new(&key) else {
                continue;
            };
            let mut t = base.clone();
            t.key = Cow::Owned(key);
            attempts.push((
                t,
                "key-whitespace",
                format!("the SecretKey was used with {words}"),
            ));
        }
        // The timestamp read twice.
        for d in [-1, 1, -2, 2] {
            let mut t = base.clone();
            t.timestamp = case.timestamp.saturating_add(d);
            attempts.push((t, "timestamp-mismatch", format!("the string to sign used timestamp {} but X-TC-Timestamp says {} (the clock was read twice)", case.timestamp.saturating_add(d), case.timestamp)));
        }
        // Payload hashed wrongly.
        if case.unsigned {
            let mut t = base.clone();
            t.unsigned = false;
            attempts.push((
                t,
                "unsigned-payload-ignored",
                "X-TC-Content-SHA256: UNSIGNED-PAYLOAD was sent but the client hashed the body"
                    .into(),
            ));
        } else {
            let mut t = base.clone();
            t.unsigned = true;
            attempts.push((t, "unsigned-payload-undeclared", "the client signed with UNSIGNED-PAYLOAD but did not send X-TC-Content-SHA256: UNSIGNED-PAYLOAD".into()));
            if !case.cap.body.is_empty() {
                let mut t = base.clone();
                t.body = Cow::Borrowed(b"");
                attempts.push((
                    t,
                    "empty-payload-hashed",
                    "the client hashed an empty payload instead of the body it sent".into(),
                ));
            }
        }
        // Canonical URI `/` for a longer path, or the path when `/` was requested.
        if case.cap.path() != "/" {
            let mut t = base.clone();
            t.path = Cow::Borrowed("/");
            attempts.push((
                t,
                "canonical-uri",
                format!(
                    "the client signed the canonical URI `/` but requested `{}`",
                    case.cap.path()
                ),
            ));
        }
    }
    for (attempt, id, description) in &attempts {
        if found.is_some() {
            break;
        }
        tried += 1;
        if attempt
            .signature(case)
            .is_some_and(|s| constant_time_eq(s.as_bytes(), received.as_bytes()))
        {
            found = Some(mistake(id, description.clone()));
        }
    }
    Diagnosis {
        computed: case.computed.clone(),
        mistake: found,
        tried,
    }
}

/// What the v1 diagnosis needs.
pub(crate) struct V1Case<'a> {
    pub cap: &'a RequestView<'a>,
    pub params: &'a Params,
    pub secret: &'a SecretKey,
    pub algorithm: Algorithm,
    pub host: &'a str,
    pub received: &'a str,
    pub computed: Computed,
}

/// Diagnoses a v1 mismatch.
pub(crate) fn v1(case: &V1Case<'_>) -> Diagnosis {
    let received = case.received;
    let mut tried = 0;
    let mut found = None;
    let sign = |params: &Params,
                method: &str,
                host: &str,
                path: &str,
                rule: NameRule,
                key: &[u8],
                alg: Algorithm|
     -> Option<String> {
        let secret = SecretKey::new(key).ok()?;
        let sts = v1::StringToSign::new(params, method, host, path, rule).ok()?;
        Some(
            cloudsig_core::v1::sign(&secret, alg, sts.to_string().as_bytes())
                .as_str()
                .to_string(),
        )
    };
    let matches = |sig: Option<String>| {
        sig.is_some_and(|s| constant_time_eq(s.as_bytes(), received.as_bytes()))
    };
    let (method, path, key) = (
        case.cap.method,
        case.cap.path(),
        case.secret.expose_secret(),
    );

    // The Signature URL-encoded twice: still percent-encoded after one decoding.
    tried += 1;
    if received.contains('%')
        && let Ok(once_more) = decode(received)
        && constant_time_eq(
            once_more.as_bytes(),
            case.computed.expected_signature.reveal().as_bytes(),
        )
    {
        found = Some(mistake(
            "signature-double-encoded",
            "the Signature was URL-encoded twice (the HTTP library encoded it again)".into(),
        ));
    }
    type Attempt<'a> = (Box<dyn Fn() -> Option<String> + 'a>, &'static str, String);
    let mut attempts: Vec<Attempt<'_>> = Vec::new();
    let encoded = |form: bool| {
        let mut p = Params::new();
        for (n, v) in case.params.iter() {
            let e = rfc3986(v);
            p.push(n, if form { e.replace("%20", "+") } else { e });
        }
        p
    };
    for (form, words) in [
        (false, "percent-encoded"),
        (true, "form-encoded (`+` for space)"),
    ] {
        let p = encoded(form);
        attempts.push((
            Box::new(move || {
                sign(
                    &p,
                    method,
                    case.host,
                    path,
                    NameRule::AsIs,
                    key,
                    case.algorithm,
                )
            }),
            "values-urlencoded",
            format!("parameter values were {words} in the string to sign; they must be raw"),
        ));
    }
    attempts.push((
        Box::new(|| {
            sign(
                case.params,
                method,
                case.host,
                path,
                NameRule::UnderscoreToDot,
                key,
                case.algorithm,
            )
        }),
        "name-rule",
        "parameter names were signed with `_` replaced by `.`".into(),
    ));
    let other = match case.algorithm {
        Algorithm::HmacSha256 => Algorithm::HmacSha1,
        _ => Algorithm::HmacSha256,
    };
    attempts.push((
        Box::new(move || {
            sign(
                case.params,
                method,
                case.host,
                path,
                NameRule::AsIs,
                key,
                other,
            )
        }),
        "signature-method",
        format!(
            "the client signed with {other} but SignatureMethod selects {}",
            case.algorithm
        ),
    ));
    for (k, words) in key_variants(key) {
        attempts.push((
            Box::new(move || {
                sign(
                    case.params,
                    method,
                    case.host,
                    path,
                    NameRule::AsIs,
                    k.as_slice(),
                    case.algorithm,
                )
            }),
            "key-whitespace",
            format!("the SecretKey was used with {words}"),
        ));
    }
    for (h, description) in host_variants(case.host) {
        attempts.push((
            Box::new(move || {
                sign(
                    case.params,
                    method,
                    &h,
                    path,
                    NameRule::AsIs,
                    key,
                    case.algorithm,
                )
            }),
            "host-port",
            description,
        ));
    }
    let other_method = if method == "GET" { "POST" } else { "GET" };
    attempts.push((
        Box::new(move || {
            sign(
                case.params,
                other_method,
                case.host,
                path,
                NameRule::AsIs,
                key,
                case.algorithm,
            )
        }),
        "method",
        format!("the client signed method {other_method} but sent {method}"),
    ));
    let mut no_empty = Params::new();
    for (n, v) in case.params.iter().filter(|(_, v)| !v.is_empty()) {
        no_empty.push(n, v);
    }
    if no_empty.len() != case.params.len() {
        attempts.push((
            Box::new(move || {
                sign(
                    &no_empty,
                    method,
                    case.host,
                    path,
                    NameRule::AsIs,
                    key,
                    case.algorithm,
                )
            }),
            "empty-values-skipped",
            "parameters with empty values were left out of the string to sign (older Go SDKs did)"
                .into(),
        ));
    }
    for (attempt, id, description) in &attempts {
        if found.is_some() {
            break;
        }
        tried += 1;
        if matches(attempt()) {
            found = Some(mistake(id, description.clone()));
        }
    }
    Diagnosis {
        computed: case.computed.clone(),
        mistake: found,
        tried,
    }
}

/// The key with the whitespace a key file or an environment variable often adds; each
/// padded copy is wiped when dropped (each is built at its final size, so no reallocation
/// leaves a copy behind).
pub(crate) fn key_variants(key: &[u8]) -> Vec<(Zeroizing<Vec<u8>>, &'static str)> {
    let mut out: Vec<(Zeroizing<Vec<u8>>, &'static str)> = [
        ("\n", "a trailing newline"),
        ("\r\n", "a trailing CR LF"),
        (" ", "a trailing space"),
        ("\t", "a trailing tab"),
    ]
    .iter()
    .map(|(pad, words)| (Zeroizing::new([key, pad.as_bytes()].concat()), *words))
    .collect();
    out.push((Zeroizing::new([b" ", key].concat()), "a leading space"));
    out
}

/// The host as a client may have signed it: without the port that was sent, or with a
/// default port that was not; each with the words that say so.
pub(crate) fn host_variants(sent: &str) -> Vec<(String, String)> {
    match sent.rsplit_once(':') {
        Some((bare, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            vec![(
                bare.to_string(),
                format!("the client signed host `{bare}` without the port, but sent `{sent}`"),
            )]
        }
        _ => ["443", "80"]
            .iter()
            .map(|port| {
                (
                    format!("{sent}:{port}"),
                    format!(
                        "the client signed host `{sent}:{port}` with a port, but sent `{sent}`"
                    ),
                )
            })
            .collect(),
    }
}

/// The service's standard endpoints, when the request went to another host: a client
/// that signs for the endpoint and then sends to a gateway or proxy (the Python SDK's
/// `apigw_endpoint` swaps the Host after signing).
fn endpoint_variants(sent: &str, service: &str, region: Option<&str>) -> Vec<(String, String)> {
    if service.is_empty()
        || !service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Vec::new();
    }
    let mut hosts = vec![format!("{service}.tencentcloudapi.com")];
    if let Some(r) = region
        .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        hosts.push(format!("{service}.{r}.tencentcloudapi.com"));
    }
    hosts
        .into_iter()
        .filter(|h| h != sent)
        .map(|h| {
            let words = format!(
                "the client signed host `{h}` but sent the request to `{sent}` (the Host was replaced after signing, as an API gateway endpoint setting does)"
            );
            (h, words)
        })
        .collect()
}

fn mistake(id: &'static str, description: String) -> Mistake {
    Mistake { id, description }
}

/// The Content-Type without its charset parameter, if it has one.
pub(crate) fn without_charset(ct: &str) -> Option<String> {
    let mut parts = ct.split(';');
    let essence = parts.next()?.trim_end();
    let mut kept = vec![essence.to_string()];
    let mut dropped = false;
    for p in parts {
        if p.trim().to_ascii_lowercase().starts_with("charset=") {
            dropped = true;
        } else {
            kept.push(p.to_string());
        }
    }
    dropped.then(|| kept.join(";"))
}

/// Other encodings of the same query: RFC 3986, form (`+`), raw, each as sent and sorted.
fn query_variants(sent: &str) -> Vec<String> {
    if sent.is_empty() {
        return Vec::new();
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in sent.split('&').filter(|p| !p.is_empty()) {
        let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (Ok(n), Ok(v)) = (decode(n), decode(v)) else {
            return Vec::new();
        };
        pairs.push((n, v));
    }
    let render = |pairs: &[(String, String)], enc: &dyn Fn(&str) -> String| {
        pairs
            .iter()
            .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let rfc = |s: &str| rfc3986(s);
    let form = |s: &str| rfc3986(s).replace("%20", "+");
    let raw = |s: &str| s.to_string();
    let mut sorted = pairs.clone();
    sorted.sort();
    let mut out: Vec<String> = Vec::new();
    for p in [&pairs, &sorted] {
        for enc in [&rfc as &dyn Fn(&str) -> String, &form, &raw] {
            let q = render(p, enc);
            if q != sent && !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_stripping() {
        assert_eq!(
            without_charset("application/json; charset=utf-8").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            without_charset("application/json;CHARSET=UTF-8").as_deref(),
            Some("application/json")
        );
        assert_eq!(without_charset("application/json"), None);
    }

    #[test]
    fn query_variants_differ_from_sent() {
        let v = query_variants("B=a%20b&A=%2A");
        assert!(v.contains(&"B=a+b&A=%2A".to_string()));
        assert!(v.contains(&"A=%2A&B=a%20b".to_string()));
        assert!(v.contains(&"B=a b&A=*".to_string()));
        assert!(!v.contains(&"B=a%20b&A=%2A".to_string()));
        assert!(query_variants("").is_empty());
    }
}

#[cfg(test)]
mod key_variant_tests {
    use super::*;

    #[test]
    fn padded_keys_are_held_in_wiped_buffers() {
        // The type is the point: each padded copy of the secret is a Zeroizing buffer,
        // built at its final size.
        let variants: Vec<(Zeroizing<Vec<u8>>, &str)> = key_variants(b"k3y");
        let keys: Vec<&[u8]> = variants.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(
            keys,
            [&b"k3y\n"[..], b"k3y\r\n", b"k3y ", b"k3y\t", b" k3y"]
        );
        assert!(variants.iter().all(|(k, _)| k.capacity() == k.len()));
    }
}
