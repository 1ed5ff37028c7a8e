//! Diagnosis of an Alibaba signature mismatch: re-sign with one known client mistake
//! applied at a time and name the one that reproduces the signature sent.

use std::borrow::Cow;

use cloudsig_canonical::alibaba::{acs3, roa, rpc};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::alibaba::Algorithm;
use cloudsig_core::{SecretKey, constant_time_eq};

use crate::capture::RequestView;
use crate::diagnose::{key_variants, without_charset};
use crate::report::{Computed, Diagnosis, Mistake};

fn found(id: &'static str, description: impl Into<String>) -> Option<Mistake> {
    Some(Mistake {
        id,
        description: description.into(),
    })
}

/// Counts attempts and remembers the first that matched.
struct Search<'a> {
    received: &'a str,
    tried: usize,
    mistake: Option<Mistake>,
}

impl<'a> Search<'a> {
    fn new(received: &'a str) -> Self {
        Self {
            received,
            tried: 0,
            mistake: None,
        }
    }

    /// Tries one candidate signature (None when the variant could not be built).
    fn attempt(&mut self, sig: Option<String>, id: &'static str, words: impl FnOnce() -> String) {
        if self.mistake.is_some() {
            return;
        }
        self.tried += 1;
        if let Some(sig) = sig
            && constant_time_eq(sig.as_bytes(), self.received.as_bytes())
        {
            self.mistake = found(id, words());
        }
    }

    fn done(self, computed: Computed) -> Diagnosis {
        Diagnosis {
            computed,
            mistake: self.mistake,
            tried: self.tried,
        }
    }
}

/// Headers as a client may have signed them.
type Headers<'a> = Vec<(&'a str, Cow<'a, str>)>;

fn request_with<'a>(cap: &RequestView<'a>, headers: &'a [(&'a str, Cow<'a, str>)]) -> Request<'a> {
    let mut req = Request::new(cap.method, cap.path()).query(cap.query());
    for (n, v) in headers {
        req.push_header(n, v);
    }
    req.with_payload(Payload::Bytes(cap.body))
}

fn headers_of<'a>(cap: &RequestView<'a>) -> Vec<(&'a str, Cow<'a, str>)> {
    cap.headers
        .iter()
        .map(|(n, v)| (*n, Cow::Borrowed(*v)))
        .collect()
}

/// The headers with Content-Type replaced, and the words naming the mistake, for each
/// charset variant of the Content-Type that was sent.
fn charset_variants<'a>(cap: &RequestView<'a>) -> Vec<(Headers<'a>, &'static str, String)> {
    let Some(ct) = cap.header("content-type") else {
        return Vec::new();
    };
    let (alt, id, words) = match without_charset(ct) {
        Some(bare) => (
            bare.clone(),
            "charset-added-after-signing",
            format!(
                "the client signed Content-Type `{bare}` but sent `{ct}`: a charset was added after signing"
            ),
        ),
        None => {
            let with = format!("{}; charset=utf-8", ct.trim());
            (
                with.clone(),
                "charset-removed-after-signing",
                format!(
                    "the client signed Content-Type `{with}` but sent `{ct}`: the charset was dropped after signing"
                ),
            )
        }
    };
    let headers = cap
        .headers
        .iter()
        .map(|(n, v)| {
            if n.eq_ignore_ascii_case("content-type") {
                (*n, Cow::Owned(alt.clone()))
            } else {
                (*n, Cow::Borrowed(*v))
            }
        })
        .collect();
    vec![(headers, id, words)]
}

pub(crate) struct Acs3Case<'a> {
    pub cap: &'a RequestView<'a>,
    pub secret: &'a SecretKey,
    pub signed_headers: &'a acs3::SignedHeaders,
    pub algorithm: Algorithm,
    pub received: &'a str,
    pub computed: Computed,
}

pub(crate) fn acs3(case: &Acs3Case<'_>) -> Diagnosis {
    let mut s = Search::new(case.received);
    let sign = |headers: &[(&str, Cow<'_, str>)], settings: acs3::Settings, key: &SecretKey| {
        let req = request_with(case.cap, headers);
        acs3::sign(&req, case.signed_headers, case.algorithm, &settings, key)
            .ok()
            .map(|x| x.signature().to_string())
    };
    let plain = headers_of(case.cap);
    let d = acs3::Settings::default();
    s.attempt(sign(&plain, d.with_query(acs3::QueryForm::PlusForSpace), case.secret), "plus-for-space", || {
        "the client wrote a space as `+` in the canonical query (form encoding); ACS3 needs `%20`".into()
    });
    if acs3::canonical_uri(case.cap.path()) != case.cap.path() {
        s.attempt(
            sign(&plain, d.with_uri(acs3::UriForm::Rfc3986), case.secret),
            "canonical-uri-encoded",
            || {
                "the client signed the path percent-encoded (`*` as `%2A`) but sent it raw; the canonical URI is the path as sent".into()
            },
        );
    }
    s.attempt(
        sign(&plain, d.with_query(acs3::QueryForm::Unsorted), case.secret),
        "query-unsorted",
        || "the client did not sort the canonical query by parameter name".into(),
    );
    s.attempt(
        sign(&plain, d.with_header_values(acs3::HeaderValues::Lowercased), case.secret),
        "header-values-lowercased",
        || "the client lower-cased the signed header values; ACS3 keeps their case (only the names are lower-cased)".into(),
    );
    for (headers, id, words) in charset_variants(case.cap) {
        s.attempt(sign(&headers, d, case.secret), id, || words);
    }
    for (key, words) in key_variants(case.secret.expose_secret()) {
        let sig = SecretKey::new(&key).ok().and_then(|k| sign(&plain, d, &k));
        s.attempt(sig, "key-whitespace", || {
            format!("the AccessKey secret was used with {words}")
        });
    }
    s.done(case.computed.clone())
}

pub(crate) struct RoaCase<'a> {
    pub cap: &'a RequestView<'a>,
    pub secret: &'a SecretKey,
    pub received: &'a str,
    pub computed: Computed,
}

pub(crate) fn roa(case: &RoaCase<'_>) -> Diagnosis {
    let mut s = Search::new(case.received);
    let sign = |headers: &[(&str, Cow<'_, str>)], settings: roa::Settings, key: &SecretKey| {
        let req = request_with(case.cap, headers);
        roa::StringToSign::new(&req, &settings)
            .ok()
            .map(|sts| roa::sign(&sts, key).to_string())
    };
    let plain = headers_of(case.cap);
    let d = roa::Settings::default();
    s.attempt(
        sign(&plain, d.with_resource_query(roa::ResourceQuery::Encoded), case.secret),
        "roa-query-encoded",
        || "the client put the query into the canonicalized resource percent-encoded; ROA signs the decoded values".into(),
    );
    s.attempt(
        sign(
            &plain,
            d.with_resource_query(roa::ResourceQuery::Unsorted),
            case.secret,
        ),
        "query-unsorted",
        || "the client did not sort the query in the canonicalized resource".into(),
    );
    let rpc_key = {
        let req = request_with(case.cap, &plain);
        roa::StringToSign::new(&req, &d).ok().map(|sts| {
            cloudsig_core::alibaba::sign_rpc(case.secret, sts.to_string().as_bytes()).to_string()
        })
    };
    s.attempt(rpc_key, "roa-key-with-ampersand", || {
        "the client keyed the HMAC with secret + `&` (the RPC rule); ROA uses the secret alone"
            .into()
    });
    for (headers, id, words) in charset_variants(case.cap) {
        s.attempt(sign(&headers, d, case.secret), id, || words);
    }
    for (key, words) in key_variants(case.secret.expose_secret()) {
        let sig = SecretKey::new(&key).ok().and_then(|k| sign(&plain, d, &k));
        s.attempt(sig, "key-whitespace", || {
            format!("the AccessKey secret was used with {words}")
        });
    }
    s.done(case.computed.clone())
}

pub(crate) struct RpcCase<'a> {
    pub cap: &'a RequestView<'a>,
    pub params: &'a [(String, String)],
    pub secret: &'a SecretKey,
    pub received: &'a str,
    pub computed: Computed,
}

pub(crate) fn rpc(case: &RpcCase<'_>) -> Diagnosis {
    let mut s = Search::new(case.received);
    let sign = |method: &str, settings: rpc::Settings, key: &SecretKey, k: rpc::Key| {
        let pairs = case.params.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        rpc::StringToSign::new(method, pairs, &settings)
            .ok()
            .map(|sts| rpc::sign(&sts, key, k).to_string())
    };
    let (m, d, amp) = (
        case.cap.method,
        rpc::Settings::default(),
        rpc::Key::SecretAndAmpersand,
    );
    s.attempt(
        sign(m, d, case.secret, rpc::Key::SecretOnly),
        "rpc-key-without-ampersand",
        || "the client keyed the HMAC with the secret alone; RPC uses secret + `&`".into(),
    );
    s.attempt(
        sign(m, d.with_encoding(rpc::ParamEncoding::EncodedOnce), case.secret, amp),
        "timestamp-encoded-once",
        || "the client percent-encoded the canonicalized query only once (values raw), so the Timestamp's `:` is `%3A` instead of `%253A` in the string to sign".into(),
    );
    s.attempt(
        sign(m, d.with_encoding(rpc::ParamEncoding::PlusForSpace), case.secret, amp),
        "plus-for-space",
        || "the client encoded a space as `+` (form encoding) before the second encoding; RPC needs `%20`".into(),
    );
    s.attempt(
        sign(
            m,
            d.with_encoding(rpc::ParamEncoding::Unsorted),
            case.secret,
            amp,
        ),
        "query-unsorted",
        || "the client did not sort the parameters by name".into(),
    );
    let other = if m == "GET" { "POST" } else { "GET" };
    s.attempt(sign(other, d, case.secret, amp), "method", || {
        format!("the client signed the method {other} but sent {m}")
    });
    let decoded = cloudsig_canonical::encode::decode(
        case.received,
        cloudsig_canonical::encode::PlusIs::Space,
        cloudsig_canonical::encode::InvalidUtf8::Reject,
    )
    .ok();
    let expected = case.computed.expected_signature.reveal();
    if decoded.as_deref() == Some(expected) && s.mistake.is_none() {
        s.tried += 1;
        s.mistake = found(
            "signature-double-encoded",
            "the Signature was URL-encoded twice (the HTTP library encoded it again)",
        );
    }
    for (key, words) in key_variants(case.secret.expose_secret()) {
        let sig = SecretKey::new(&key).ok().and_then(|k| sign(m, d, &k, amp));
        s.attempt(sig, "key-whitespace", || {
            format!("the AccessKey secret was used with {words}")
        });
    }
    s.done(case.computed.clone())
}
