//! Tencent Cloud API 3.0 answers: `{"Response": {"Error": {"Code", "Message"},
//! "RequestId"}}`, HTTP 200 for every API-level error (authentication included), and
//! `Content-Type: application/json` exactly: the official Python SDK checks an error
//! body only under that exact type (see `crates/cloudsig-serve/RESPONSES.md`).

use hyper::StatusCode;
use serde_json::json;

use super::{Answer, Context, Refusal};

const CONTENT_TYPE: &str = "application/json";

/// The cloud's own message for a code, where it is documented or observed; otherwise
/// the verifier's reason (which never holds a secret or a computed signature).
fn message(code: &str, rule: &str, detail: &str) -> String {
    match code {
        "AuthFailure.SignatureFailure" if rule == "signature" => {
            "The provided credentials could not be validated. Please check your signature is correct.".into()
        }
        "AuthFailure.SecretIdNotFound" => {
            "The SecretId is not found, please ensure that your SecretId is correct.".into()
        }
        "AuthFailure.SignatureExpire" => "The signature is expired, please request again.".into(),
        "AuthFailure.InvalidAuthorization" => format!(
            "The request `Authorization` header does not conform to tencentcloud standards: {detail}"
        ),
        _ => detail.to_string(),
    }
}

fn error(status: StatusCode, code: &str, message: &str, ctx: &Context<'_>) -> Answer {
    let body = json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": ctx.request_id}});
    Answer::json(status, CONTENT_TYPE, &body, Some(code))
}

pub(super) fn rejection(code: &str, rule: &str, detail: &str, ctx: &Context<'_>) -> Answer {
    error(StatusCode::OK, code, &message(code, rule, detail), ctx)
}

/// An API-level finding: the definitions' code and Tencent's message for it, HTTP 200.
pub(super) fn api_error(code: &str, message: &str, ctx: &Context<'_>) -> Answer {
    error(StatusCode::OK, code, message, ctx)
}

pub(super) fn refusal(why: Refusal, ctx: &Context<'_>) -> Answer {
    let (status, code, message) = match why {
        Refusal::TooLarge => (
            StatusCode::OK,
            "RequestSizeLimitExceeded",
            format!(
                "The request packet exceeds the size limit ({} bytes).",
                ctx.max_body
            ),
        ),
        Refusal::Unreadable => (
            StatusCode::OK,
            "InvalidParameter",
            "A header of the request is not text.".into(),
        ),
        Refusal::BrokenBody => (
            StatusCode::OK,
            "InvalidParameter",
            "The request body could not be read (malformed chunked encoding or cut short).".into(),
        ),
        Refusal::Timeout => (
            StatusCode::REQUEST_TIMEOUT,
            "InvalidParameter",
            "The request body did not arrive in time.".into(),
        ),
        Refusal::StoreUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "InternalError",
            "The replay store is unreachable: the request's nonce cannot be checked.".into(),
        ),
        Refusal::BadGateway => (
            StatusCode::BAD_GATEWAY,
            "InternalError",
            "The upstream service cannot be reached.".into(),
        ),
        Refusal::GatewayTimeout => (
            StatusCode::GATEWAY_TIMEOUT,
            "InternalError",
            "The upstream service did not answer in time.".into(),
        ),
    };
    error(status, code, &message, ctx)
}

pub(super) fn success(ctx: &Context<'_>) -> Answer {
    let body = json!({"Response": {"RequestId": ctx.request_id}});
    Answer::json(StatusCode::OK, CONTENT_TYPE, &body, None)
}

/// A documented output example `{"Response": {...}}` with this answer's `RequestId`.
pub(super) fn documented_success(body: &serde_json::Value, ctx: &Context<'_>) -> Answer {
    let mut body = body.clone();
    if let Some(response) = body.get_mut("Response").and_then(|r| r.as_object_mut()) {
        response.insert("RequestId".into(), ctx.request_id.into());
    }
    Answer::json(StatusCode::OK, CONTENT_TYPE, &body, None)
}
