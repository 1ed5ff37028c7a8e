//! Diagnosis of a TC3 or v1 signature mismatch: re-run the canonical builder with one
//! known client mistake applied at a time, and name the one that reproduces the
//! signature sent.
//!
//! The mistakes are those the official SDKs and common clients make: the date in local
//! time, a charset added to or dropped from the Content-Type after signing, the host
//! with or without its port, the request sent to another host than the one signed,
//! the query re-encoded, the JSON body re-serialised, v1 values URL-encoded in the
//! string to sign, the `_`/`.` name rule, the Signature URL-encoded twice, a key with
//! surrounding whitespace, upper-case hex, and a few more.

use std::borrow::Cow;

use cloudsig_canonical::encode::{InvalidUtf8, PlusIs, decode, rfc3986};
use cloudsig_canonical::tc3::{self, CredentialScope, HeaderValueCase, SignedHeaders};
use cloudsig_canonical::v1::{self, NameRule, Params};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{SecretKey, UtcDate, constant_time_eq};

use crate::capture::RequestView;
use crate::diagnose::{
    host_variants, json, key_variants, mistake, query_variants, without_charset,
};
use crate::report::{Computed, Diagnosis};

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
        && let Ok(once_more) = decode(received, PlusIs::Space, InvalidUtf8::Reject)
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
