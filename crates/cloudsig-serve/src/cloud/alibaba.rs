//! Alibaba Cloud OpenAPI gateway (POP) answers: `{"RequestId", "HostId", "Code",
//! "Message", "Recommend"}` with the status documented or observed for the code
//! (404 for an unknown AccessKeyId, 400 for the other authentication failures), the
//! request id also in `x-acs-request-id` (see `crates/cloudsig-serve/RESPONSES.md`).

use hyper::StatusCode;
use serde_json::json;

use super::{Answer, Context, Refusal};

const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// The gateway's message for a code, where observed; otherwise the verifier's reason.
///
/// The real gateway appends its string to sign to `SignatureDoesNotMatch`; this
/// server withholds every computed stage and keeps only the text up to the colon (an
/// older SDK splits the message at `:`).
fn message(code: &str, rule: &str, detail: &str) -> String {
    match code {
        "SignatureDoesNotMatch" if rule == "signature" => {
            "Specified signature is not matched with our calculation. server string to sign is:"
                .into()
        }
        "IncompleteSignature" => {
            "The request signature does not conform to Aliyun standards.".into()
        }
        "InvalidAccessKeyId.NotFound" => "Specified access key is not found.".into(),
        "InvalidTimeStamp.Expired" => "Specified time stamp or date value is expired.".into(),
        "SignatureNonceUsed" => "Specified signature nonce was used already.".into(),
        _ => detail.to_string(),
    }
}

fn status(code: &str) -> StatusCode {
    match code {
        "InvalidAccessKeyId.NotFound" => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn error(status: StatusCode, code: &str, message: &str, ctx: &Context<'_>) -> Answer {
    let body = json!({
        "RequestId": ctx.request_id,
        "HostId": ctx.host.unwrap_or(""),
        "Code": code,
        "Message": message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&requestId={}", ctx.request_id),
    });
    Answer::json(status, CONTENT_TYPE, &body, Some(code))
        .with_header("x-acs-request-id", ctx.request_id)
}

pub(super) fn rejection(code: &str, rule: &str, detail: &str, ctx: &Context<'_>) -> Answer {
    error(status(code), code, &message(code, rule, detail), ctx)
}

/// An API-level finding: the gateway's envelope with the finding's code, message and status
/// (`MissingParameter`/`InvalidParameter` 400, `InvalidAction.NotFound` 404).
pub(super) fn api_error(
    status: StatusCode,
    code: &str,
    message: &str,
    ctx: &Context<'_>,
) -> Answer {
    error(status, code, message, ctx)
}

pub(super) fn refusal(why: Refusal, ctx: &Context<'_>) -> Answer {
    let (status, code, message) = match why {
        Refusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "InvalidParameter",
            format!("The request body is larger than {} bytes.", ctx.max_body),
        ),
        Refusal::Unreadable => (
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "A header of the request is not text.".into(),
        ),
        Refusal::BrokenBody => (
            StatusCode::BAD_REQUEST,
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
            "ServiceUnavailable",
            "The replay store is unreachable: the signature nonce cannot be checked.".into(),
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
    let body = json!({"RequestId": ctx.request_id});
    Answer::json(StatusCode::OK, CONTENT_TYPE, &body, None)
        .with_header("x-acs-request-id", ctx.request_id)
}

/// A documented sample response with this answer's `RequestId`.
pub(super) fn documented_success(body: &serde_json::Value, ctx: &Context<'_>) -> Answer {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        map.insert("RequestId".into(), ctx.request_id.into());
    }
    Answer::json(StatusCode::OK, CONTENT_TYPE, &body, None)
        .with_header("x-acs-request-id", ctx.request_id)
}
