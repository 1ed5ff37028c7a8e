//! Huawei Cloud API Gateway answers: `{"error_code": "APIGW.0301", "error_msg",
//! "request_id"}` with 401 for authentication failures; the request id also in
//! `X-Request-Id`, the only place the official Python SDK reads it from (see
//! `crates/cloudsig-serve/RESPONSES.md`). The gateway's own refusals use the APIG user guide's
//! codes (`APIG.0201` 413, `APIG.0202` 502, `APIG.0203` 504).

use hyper::StatusCode;
use serde_json::json;

use super::{Answer, Context, Refusal};

const CONTENT_TYPE: &str = "application/json";

fn error(status: StatusCode, code: &str, message: &str, ctx: &Context<'_>) -> Answer {
    let body = json!({"error_code": code, "error_msg": message, "request_id": ctx.request_id});
    Answer::json(status, CONTENT_TYPE, &body, Some(code))
        .with_header("x-request-id", ctx.request_id)
}

/// The verifier's Huawei findings already carry the gateway's
/// `Incorrect IAM authentication information: …` wording, and never a signature or a
/// canonical request (the real gateway appends its canonical request; this server
/// withholds every computed stage).
pub(super) fn rejection(
    code: &str,
    rule: &str,
    detail: &str,
    access_key: Option<&str>,
    ctx: &Context<'_>,
) -> Answer {
    let message = match (rule, access_key) {
        ("access-key", Some(ak)) => format!(
            "Incorrect IAM authentication information: ak {} not exist",
            ak.escape_debug()
        ),
        ("signature", _) => {
            "Incorrect IAM authentication information: verify aksk signature fail".into()
        }
        _ => detail.to_string(),
    };
    let status = if code == cloudsig_verify::huawei::INCORRECT_IAM_AUTH {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    error(status, code, &message, ctx)
}

/// An API-level finding, in the shape of whoever answers it on the real cloud: the gateway
/// for an API it does not know (`APIG.0101`, its own envelope with `request_id`); a Nova
/// fault (ECS v2.1, a code in lower camel case such as `badRequest`) as
/// `{"badRequest": {"code": 400, "message"}}`; any other service (DMS Kafka's
/// `DMS.00400062`) as `{"error_code", "error_msg"}`. The request id is in `X-Request-Id`
/// throughout (the only place huaweicloudsdkcore reads it from).
pub(super) fn api_error(
    status: StatusCode,
    code: &str,
    message: &str,
    ctx: &Context<'_>,
) -> Answer {
    if code.starts_with("APIG") {
        return error(status, code, message, ctx);
    }
    let body = if code.starts_with(|c: char| c.is_ascii_lowercase()) {
        json!({code: {"code": status.as_u16(), "message": message}})
    } else {
        json!({"error_code": code, "error_msg": message})
    };
    Answer::json(status, CONTENT_TYPE, &body, Some(code))
        .with_header("x-request-id", ctx.request_id)
}

pub(super) fn refusal(why: Refusal, ctx: &Context<'_>) -> Answer {
    let (status, code, message) = match why {
        Refusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "APIG.0201",
            "Request entity too large.",
        ),
        Refusal::Unreadable | Refusal::BrokenBody => {
            (StatusCode::BAD_REQUEST, "APIG.0201", "API request error.")
        }
        Refusal::Timeout => (
            StatusCode::REQUEST_TIMEOUT,
            "APIG.0201",
            "API request error.",
        ),
        Refusal::StoreUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "APIG.0202",
            "Backend unavailable: the replay store is unreachable.",
        ),
        Refusal::BadGateway => (StatusCode::BAD_GATEWAY, "APIG.0202", "Backend unavailable."),
        Refusal::GatewayTimeout => (StatusCode::GATEWAY_TIMEOUT, "APIG.0203", "Backend timeout."),
    };
    error(status, code, message, ctx)
}

pub(super) fn success(ctx: &Context<'_>) -> Answer {
    Answer::json(StatusCode::OK, CONTENT_TYPE, &json!({}), None)
        .with_header("x-request-id", ctx.request_id)
}

/// A documented example response as it is (Huawei's request id travels in `X-Request-Id`).
pub(super) fn documented_success(body: &serde_json::Value, ctx: &Context<'_>) -> Answer {
    Answer::json(StatusCode::OK, CONTENT_TYPE, body, None)
        .with_header("x-request-id", ctx.request_id)
}
