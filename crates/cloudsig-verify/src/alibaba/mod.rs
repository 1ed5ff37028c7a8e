//! Alibaba Cloud verification: ACS3-HMAC-SHA256 / ACS3-HMAC-SM3, ROA (`acs AK:sig`) and
//! RPC (`Signature` parameter) requests, recomputed through the signing builders of
//! `cloudsig_canonical::alibaba` and compared in constant time, with Alibaba's error
//! codes, its 15-minute window, signature nonces and a diagnosis of common mistakes.
//!
//! RPC parameters come from the query and, for a POST, a form body. A name in both is
//! checked as the official SDKs sign it (alibabacloud-tea-openapi and aliyun-python-sdk-core
//! merge the two into one map, the body's value winning, and sign the name once): with the
//! same value in both places the request verifies, with a note; with different values it is
//! rejected (`conflicting-parameter`: the query's value is not signed), and the diagnosis
//! names the merge (`rpc-query-body-merged`). A form body on another method than POST is not
//! read as parameters (RPC is documented for GET and POST); a client that signed it is
//! diagnosed `rpc-form-body-on-non-post`. See "Differential causes" in
//! `vectors/oracle/README.md` (issue 16).

pub mod auth;
pub mod codes;
mod diagnose;

use cloudsig_canonical::alibaba::query::{PlusIs, decode_pairs};
use cloudsig_canonical::alibaba::{acs3, roa, rpc, time};
use cloudsig_canonical::{Payload, Request};
use cloudsig_core::alibaba::{Algorithm, HMAC_SHA1, hash_hex};
use cloudsig_core::constant_time_eq;

use crate::authorization::AuthForm;
use crate::cache::KeyCache;
use crate::capture::RequestView;
use crate::conformance::{self, TokenCheck};
use crate::duplicates;
use crate::options::Ctx;
use crate::report::{Computed, Diagnosis, ExpectedSignature, Report, Scheme};
use crate::wing::Wing;

/// The RPC parameters of a request (query, plus a form body for POST), when they are
/// Alibaba's: no `SecretId` (Tencent v1's key parameter), one of `AccessKeyId`,
/// `SignatureNonce`, `SignatureVersion` or `SignatureMethod=HMAC-SHA1`, and a `Signature`
/// or an `AccessKeyId`.
pub fn rpc_params(cap: &RequestView<'_>) -> Option<Vec<(String, String)>> {
    rpc_params_split(cap).map(|(params, _)| params)
}

/// [`rpc_params`], with how many of them come from the query (the rest come from the
/// form body).
fn rpc_params_split(cap: &RequestView<'_>) -> Option<(Vec<(String, String)>, usize)> {
    let mut params = decode_pairs(cap.query(), PlusIs::Space);
    let from_query = params.len();
    if cap.method == "POST"
        && let Ok(text) = std::str::from_utf8(cap.body)
        && !text.trim_start().starts_with(['{', '['])
        && cap
            .header("content-type")
            .is_none_or(|ct| ct.to_ascii_lowercase().contains("form-urlencoded"))
    {
        params.extend(decode_pairs(text, PlusIs::Space));
    }
    let has = |name: &str| params.iter().any(|(n, _)| n == name);
    let sha1 = params
        .iter()
        .any(|(n, v)| n == "SignatureMethod" && v == HMAC_SHA1);
    // Tencent v1 names the key `SecretId` and its nonce `Nonce`; any of Alibaba's own
    // parameter names makes the request Alibaba's, so that a request with one of them
    // damaged or missing is still answered with Alibaba's codes.
    let alibaba = has("AccessKeyId") || has("SignatureNonce") || has("SignatureVersion") || sha1;
    (!has("SecretId") && alibaba && (has(rpc::SIGNATURE) || has("AccessKeyId")))
        .then_some((params, from_query))
}

/// Alibaba Cloud's wing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alibaba;

impl Wing for Alibaba {
    fn check(
        &self,
        ctx: &Ctx<'_>,
        cap: &RequestView<'_>,
        authorization: Option<&str>,
        _cache: &mut KeyCache,
    ) -> Option<Report> {
        match authorization {
            Some(v) if auth::is_acs3(v) => Some(check_acs3(ctx, cap, v)),
            Some(v) if auth::is_roa(v) => Some(check_roa(ctx, cap, v)),
            Some(_) => None,
            None => rpc_params_split(cap)
                .map(|(params, from_query)| check_rpc(ctx, cap, &params, from_query)),
        }
    }

    fn finish(&self, report: &mut Report, cap: &RequestView<'_>) {
        duplicates::headers(report, &cap.headers, duplicates::ALIBABA);
    }
}

/// The timestamp is within the window; a timestamp off by whole hours is named as local
/// time written as UTC.
fn time_window(report: &mut Report, ts: i64, v: &Ctx<'_>, field: &str) {
    let now = v.options().now;
    let w = v.options().window_for(codes::WINDOW);
    let Some(skew) = conformance::skew(ts, now, w) else {
        return;
    };
    let hint = match skew.local_offset_h {
        Some(h) => format!(
            " (it is {} by {} h: the local time of a UTC{h:+} clock written as UTC)",
            if h > 0 { "ahead" } else { "behind" },
            h.unsigned_abs()
        ),
        None => String::new(),
    };
    report.fail(
        codes::TIMESTAMP_EXPIRED,
        "timestamp-window",
        format!(
            "{field} is {} s {} the verification time (at most {w} s allowed){hint}",
            skew.seconds.unsigned_abs(),
            skew.side()
        ),
    );
}

/// The credentials of `access_key_id`, with the STS token sent (`sent`, named `what`)
/// checked against the key file's; `None`, with the failure reported, for an unknown
/// AccessKeyId.
fn credentials<'v>(
    v: &Ctx<'v>,
    report: &mut Report,
    access_key_id: &str,
    sent: Option<&str>,
    what: &str,
) -> Option<std::borrow::Cow<'v, cloudsig_canonical::Credentials>> {
    let creds = match v.credentials(access_key_id) {
        Ok(Some(creds)) => creds,
        Ok(None) => {
            report.fail(
                codes::ACCESS_KEY_NOT_FOUND,
                "access-key-id",
                "no key is known for this AccessKeyId",
            );
            return None;
        }
        Err(e) => {
            crate::keys::lookup_failed(report, "access-key-id", &e);
            return None;
        }
    };
    match conformance::token_check(&creds, sent.map(str::trim)) {
        TokenCheck::Mismatch => report.fail(
            codes::TOKEN_MISMATCH,
            "token",
            format!("{what} is not the key file's token for this AccessKeyId (stale STS credentials?)"),
        ),
        TokenCheck::Missing => report.fail(
            codes::TOKEN_MISMATCH,
            "token",
            format!("the key file holds STS credentials for this AccessKeyId but the request has no {what}"),
        ),
        TokenCheck::Unchecked => report
            .notes
            .push(format!("{what} is present; the key file has no token to check it against")),
        _ => {}
    }
    Some(creds)
}

fn note_form(report: &mut Report, form: AuthForm, documented: &str) {
    if form != AuthForm::Documented {
        report.notes.push(format!(
            "the Authorization header is spaced irregularly (the documented form is `{documented}`)"
        ));
    }
}

fn request_of<'c>(cap: &'c RequestView<'_>) -> Request<'c> {
    Request::new(cap.method, cap.path())
        .query(cap.query())
        .with_headers(&cap.headers)
        .with_payload(Payload::Bytes(cap.body))
}

/// Records a signature mismatch and its diagnosis: the search for a client mistake
/// (`find`) when the options ask for it and the request is within the diagnosis's
/// budget (`signed_headers`: how many headers it signs, 0 for ROA and RPC).
fn mismatch(
    report: &mut Report,
    v: &Ctx<'_>,
    computed: Computed,
    signed_headers: usize,
    find: impl FnOnce(Computed) -> Diagnosis,
) {
    report.fail(
        codes::SIGNATURE_DOES_NOT_MATCH,
        "signature",
        "the signature does not match the request as sent",
    );
    let d =
        crate::diagnose::diagnosis(report, v.options().diagnose, signed_headers, computed, find);
    report.diagnosis = Some(d);
}

/// Verifies an `Authorization: ACS3-HMAC-…` request.
fn check_acs3(v: &Ctx<'_>, cap: &RequestView<'_>, value: &str) -> Report {
    let mut report = Report::new(cap.location, Scheme::Acs3HmacSha256);
    let a = match auth::parse_acs3(value) {
        Ok(a) => a,
        Err(why) => {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "authorization",
                format!("malformed Authorization: {why}"),
            );
            return report;
        }
    };
    if a.algorithm == Algorithm::HmacSm3 {
        report.scheme = Scheme::Acs3HmacSm3;
    }
    report.secret_id = Some(a.access_key_id.to_string());
    note_form(
        &mut report,
        a.form,
        "ALGORITHM Credential=…,SignedHeaders=…,Signature=…",
    );
    let required = [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        acs3::CONTENT_SHA256,
    ];
    for name in required {
        if cap.header(name).is_none() {
            report.fail(
                codes::MISSING_PARAMETER,
                "common-headers",
                format!("the {name} header is missing"),
            );
        }
    }
    report.signature_nonce = cap
        .header("x-acs-signature-nonce")
        .map(|n| n.trim().to_string());
    let timestamp = cap.header("x-acs-date").and_then(|d| {
        let t = time::parse_iso8601(d.trim());
        if t.is_none() {
            report.fail(
                codes::TIMESTAMP_FORMAT,
                "timestamp",
                format!(
                    "x-acs-date `{}` is not yyyy-MM-ddTHH:mm:ssZ (UTC)",
                    d.escape_debug()
                ),
            );
        }
        t
    });
    report.timestamp = timestamp;
    if let Some(ts) = timestamp {
        time_window(&mut report, ts, v, "x-acs-date");
    }
    let signed_headers = match acs3::SignedHeaders::parse(a.signed_headers) {
        Ok(s) => s,
        Err(e) => {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "signed-headers",
                e.reason().to_string(),
            );
            return report;
        }
    };
    for name in required {
        if cap.header(name).is_some() && !signed_headers.contains(name) {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "signed-headers",
                format!(
                    "SignedHeaders must include {name} (every common header that is sent is signed)"
                ),
            );
        }
    }
    if !signed_headers.is_sorted() {
        report
            .notes
            .push("SignedHeaders is not sorted, as the documentation requires".into());
    }
    // The body hash the client declared must be the hash of the body as received.
    if let Some(sent) = cap.header(acs3::CONTENT_SHA256) {
        let actual = hash_hex(a.algorithm, cap.body);
        if sent.trim() != actual.as_str() {
            report.fail(
                codes::SIGNATURE_DOES_NOT_MATCH,
                "content-sha256",
                format!(
                    "x-acs-content-sha256 is not the {} hash of the body as received (the body changed after signing, or was hashed differently)",
                    if a.algorithm == Algorithm::HmacSm3 { "SM3" } else { "SHA-256" }
                ),
            );
        }
    }
    let Some(creds) = credentials(
        v,
        &mut report,
        a.access_key_id,
        cap.header("x-acs-security-token"),
        "x-acs-security-token",
    ) else {
        return report;
    };
    let req = request_of(cap);
    let settings = acs3::Settings::default();
    let signed = match acs3::sign(
        &req,
        &signed_headers,
        a.algorithm,
        &settings,
        creds.secret_key(),
    ) {
        Ok(s) => s,
        Err(e) => {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "canonical-request",
                e.to_string(),
            );
            return report;
        }
    };
    if constant_time_eq(signed.signature().as_bytes(), a.signature.as_bytes()) {
        report.authenticated = true;
        return report;
    }
    // The Python SDK writes an empty query value as the name alone.
    let python = settings.with_query(acs3::QueryForm::EmptyAsNameOnly);
    if cap
        .query()
        .split('&')
        .any(|p| p.ends_with('=') || (!p.is_empty() && !p.contains('=')))
        && let Ok(s) = acs3::sign(
            &req,
            &signed_headers,
            a.algorithm,
            &python,
            creds.secret_key(),
        )
        && constant_time_eq(s.signature().as_bytes(), a.signature.as_bytes())
    {
        report.notes.push(
            "an empty query value was signed as the name alone (no `=`), as the Python SDK does"
                .into(),
        );
        report.authenticated = true;
        return report;
    }
    let computed = Computed {
        canonical_request: Some(crate::redact::canonical_request(
            &signed.canonical_request().to_string(),
        )),
        string_to_sign: signed.string_to_sign().to_string(),
        expected_signature: ExpectedSignature::new(signed.signature().to_string()),
        received_signature: a.signature.to_string(),
    };
    mismatch(
        &mut report,
        v,
        computed,
        signed_headers.names().count(),
        |computed| {
            diagnose::acs3(&diagnose::Acs3Case {
                cap,
                secret: creds.secret_key(),
                signed_headers: &signed_headers,
                algorithm: a.algorithm,
                received: a.signature,
                computed,
            })
        },
    );
    report
}

/// Verifies an `Authorization: acs AK:signature` (ROA V2) request.
/// ROA V2 signs the `Content-MD5` header, not the body: the gateway checks the body
/// against it (aliyun-python-sdk-core sends one with every body).
fn content_md5(report: &mut Report, cap: &RequestView<'_>) {
    use base64::Engine as _;
    use md5::{Digest, Md5};
    let Some(sent) = cap.header("content-md5") else {
        return;
    };
    let actual = base64::engine::general_purpose::STANDARD.encode(Md5::digest(cap.body));
    if sent.trim() != actual {
        report.fail(
            codes::CONTENT_MD5_NOT_MATCHED,
            "content-md5",
            format!(
                "Content-MD5 `{}` is not the MD5 of the body ({} bytes): the body was changed \
                 after signing, or the header was computed over other bytes",
                sent.escape_debug(),
                cap.body.len()
            ),
        );
    }
}

fn check_roa(v: &Ctx<'_>, cap: &RequestView<'_>, value: &str) -> Report {
    let mut report = Report::new(cap.location, Scheme::RoaHmacSha1);
    let a = match auth::parse_roa(value) {
        Ok(a) => a,
        Err(why) => {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "authorization",
                format!("malformed Authorization: {why}"),
            );
            return report;
        }
    };
    report.secret_id = Some(a.access_key_id.to_string());
    note_form(&mut report, a.form, "acs AccessKeyId:Signature");
    content_md5(&mut report, cap);
    if cap.header("content-md5").is_none() && !cap.body.is_empty() {
        report.note_body_not_signed(
            "ROA signs Content-MD5 in place of the body, and the request has no Content-MD5",
        );
    }
    // aliyun-python-sdk-core sends ROA requests without a signature nonce.
    if cap.header("x-acs-signature-nonce").is_none() {
        report
            .notes
            .push("no x-acs-signature-nonce: the request cannot be checked for replay".into());
    }
    for name in ["Date", "x-acs-signature-method", "x-acs-version"] {
        if cap.header(name).is_none() {
            report.fail(
                codes::MISSING_PARAMETER,
                "common-headers",
                format!("the {name} header is missing"),
            );
        }
    }
    if let Some(m) = cap.header("x-acs-signature-method")
        && m.trim() != HMAC_SHA1
    {
        report.fail(
            codes::INCOMPLETE_SIGNATURE,
            "signature-method",
            format!(
                "x-acs-signature-method `{}` is not HMAC-SHA1",
                m.escape_debug()
            ),
        );
    }
    report.signature_nonce = cap
        .header("x-acs-signature-nonce")
        .map(|n| n.trim().to_string());
    let timestamp = cap.header("date").and_then(|d| {
        let t = time::parse_rfc1123(d.trim());
        if t.is_none() {
            report.fail(
                codes::TIMESTAMP_FORMAT,
                "timestamp",
                format!("Date `{}` is not an RFC 1123 GMT date", d.escape_debug()),
            );
        }
        t
    });
    report.timestamp = timestamp;
    if let Some(ts) = timestamp {
        time_window(&mut report, ts, v, "Date");
    }
    let Some(creds) = credentials(
        v,
        &mut report,
        a.access_key_id,
        cap.header("x-acs-security-token"),
        "x-acs-security-token",
    ) else {
        return report;
    };
    let req = request_of(cap);
    let sts = match roa::StringToSign::new(&req, &Default::default()) {
        Ok(s) => s,
        Err(e) => {
            report.fail(codes::INCOMPLETE_SIGNATURE, "string-to-sign", e.to_string());
            return report;
        }
    };
    let sig = roa::sign(&sts, creds.secret_key());
    if constant_time_eq(sig.as_str().as_bytes(), a.signature.as_bytes()) {
        report.authenticated = true;
        return report;
    }
    // aliyun-python-sdk-core, @alicloud/openapi-client (through @alicloud/openapi-util's
    // getStringToSign) and @alicloud/pop-core write an empty query value as `name=` in
    // the resource (`${key}=${query[key]}` in the Node SDKs' getCanonicalizedResource).
    if cap
        .query()
        .split('&')
        .any(|p| p.ends_with('=') || (!p.is_empty() && !p.contains('=')))
        && let Ok(alt) =
            roa::StringToSign::new(&req, &roa::Settings::default().with_empty_with_equals(true))
        && constant_time_eq(
            roa::sign(&alt, creds.secret_key()).as_str().as_bytes(),
            a.signature.as_bytes(),
        )
    {
        report.notes.push(
            "an empty query value was signed as `name=` in the resource, as aliyun-python-sdk-core, @alicloud/openapi-client and @alicloud/pop-core do".into(),
        );
        report.authenticated = true;
        return report;
    }
    let computed = Computed {
        canonical_request: None,
        string_to_sign: sts.to_string(),
        expected_signature: ExpectedSignature::new(sig.to_string()),
        received_signature: a.signature.to_string(),
    };
    mismatch(&mut report, v, computed, 0, |computed| {
        diagnose::roa(&diagnose::RoaCase {
            cap,
            secret: creds.secret_key(),
            received: a.signature,
            computed,
        })
    });
    report
}

/// Verifies an RPC request (parameters with `Signature`).
fn check_rpc(
    v: &Ctx<'_>,
    cap: &RequestView<'_>,
    params: &[(String, String)],
    from_query: usize,
) -> Report {
    let mut report = Report::new(cap.location, Scheme::RpcHmacSha1);
    if diagnose::form_of_non_post(cap).is_some() {
        report.notes.push(format!(
            "the form body of this {} request is not read as RPC parameters: RPC is documented for GET and POST only (issue 16, A3)",
            cap.method
        ));
    }
    // Both lists are signed, but which one the gateway reads is not documented.
    if let (Some(query), Some(form)) = (params.get(..from_query), params.get(from_query..))
        && !form.is_empty()
    {
        crate::duplicates::parameters(
            &mut report,
            codes::INCOMPLETE_SIGNATURE,
            (
                "the query",
                query.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            ),
            (
                "the form body",
                form.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            ),
        );
    }
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    report.secret_id = get("AccessKeyId").map(str::to_string);
    for name in [
        "AccessKeyId",
        "Action",
        "Version",
        "Timestamp",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
    ] {
        if get(name).is_none() {
            report.fail(
                codes::MISSING_PARAMETER,
                "common-parameters",
                format!("the {name} parameter is missing"),
            );
        }
    }
    for name in ["Signature", "SignatureNonce", "Timestamp", "AccessKeyId"] {
        if params.iter().filter(|(n, _)| n == name).count() > 1 {
            report.fail(
                codes::INCOMPLETE_SIGNATURE,
                "parameters",
                format!("the {name} parameter is sent more than once"),
            );
        }
    }
    if get(rpc::SIGNATURE).is_none() {
        report.fail(
            codes::MISSING_PARAMETER,
            "common-parameters",
            "the Signature parameter is missing",
        );
    }
    if let Some(m) = get("SignatureMethod")
        && m != HMAC_SHA1
    {
        report.fail(
            codes::INVALID_SIGNATURE_METHOD,
            "signature-method",
            format!("SignatureMethod `{}` is not HMAC-SHA1", m.escape_debug()),
        );
    }
    report.signature_nonce = get("SignatureNonce").map(str::to_string);
    let timestamp = get("Timestamp").and_then(|t| {
        let parsed = time::parse_iso8601(t);
        if parsed.is_none() {
            report.fail(
                codes::TIMESTAMP_FORMAT,
                "timestamp",
                format!(
                    "Timestamp `{}` is not yyyy-MM-ddTHH:mm:ssZ (UTC)",
                    t.escape_debug()
                ),
            );
        }
        parsed
    });
    report.timestamp = timestamp;
    if let Some(ts) = timestamp {
        time_window(&mut report, ts, v, "Timestamp");
    }
    let (Some(id), Some(received)) = (get("AccessKeyId"), get(rpc::SIGNATURE)) else {
        return report;
    };
    let Some(creds) = credentials(
        v,
        &mut report,
        id,
        get("SecurityToken"),
        "the SecurityToken parameter",
    ) else {
        return report;
    };
    let pairs = params.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let sts = match rpc::StringToSign::new(cap.method, pairs, &Default::default()) {
        Ok(s) => s,
        Err(e) => {
            report.fail(codes::INCOMPLETE_SIGNATURE, "string-to-sign", e.to_string());
            return report;
        }
    };
    let sig = rpc::sign(&sts, creds.secret_key(), rpc::Key::SecretAndAmpersand);
    if constant_time_eq(sig.as_str().as_bytes(), received.as_bytes()) {
        report.authenticated = true;
        return report;
    }
    if merged_same_values(cap.method, params, from_query, creds.secret_key(), received) {
        report.notes.push(
            "a parameter is sent in both the query and the form body with the same value and signed once, as the official SDKs sign one merged map (issue 16, A9)".into(),
        );
        report.authenticated = true;
        return report;
    }
    let computed = Computed {
        canonical_request: None,
        string_to_sign: sts.to_string(),
        expected_signature: ExpectedSignature::new(sig.to_string()),
        received_signature: received.to_string(),
    };
    mismatch(&mut report, v, computed, 0, |computed| {
        diagnose::rpc(&diagnose::RpcCase {
            cap,
            params,
            secret: creds.secret_key(),
            received,
            computed,
        })
    });
    report
}

/// The SDKs' merged map (alibabacloud-tea-openapi and aliyun-python-sdk-core sign the query
/// and the form body as one map, a name in both once) matches `received`, and every name
/// in both has the same value there: nothing unsigned reaches the server. Names with
/// different values stay a rejection (`conflicting-parameter`), explained by the diagnosis
/// `rpc-query-body-merged`.
fn merged_same_values(
    method: &str,
    params: &[(String, String)],
    from_query: usize,
    secret: &cloudsig_core::SecretKey,
    received: &str,
) -> bool {
    let (Some(query), Some(form)) = (params.get(..from_query), params.get(from_query..)) else {
        return false;
    };
    // A map, not a scan per name: no quadratic cost on long queries and bodies.
    // Each query name's value, or None when the query gives it several different values.
    let mut in_query: std::collections::HashMap<&str, Option<&str>> =
        std::collections::HashMap::new();
    for (n, v) in query {
        in_query
            .entry(n.as_str())
            .and_modify(|seen| {
                if *seen != Some(v.as_str()) {
                    *seen = None;
                }
            })
            .or_insert(Some(v.as_str()));
    }
    let conflict = form.iter().any(|(n, v)| {
        in_query
            .get(n.as_str())
            .is_some_and(|seen| *seen != Some(v.as_str()))
    });
    let Some(merged) = diagnose::merged(query, form) else {
        return false;
    };
    if conflict {
        return false;
    }
    let pairs = merged.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    rpc::StringToSign::new(method, pairs, &Default::default())
        .map(|sts| rpc::sign(&sts, secret, rpc::Key::SecretAndAmpersand))
        .is_ok_and(|sig| constant_time_eq(sig.as_str().as_bytes(), received.as_bytes()))
}
