//! The clouds' answers: which cloud a request speaks, and each cloud's response
//! envelope, status and headers for an error, a refusal and a success.
//!
//! The shapes, statuses and texts are the clouds' own as documented in
//! `crates/cloudsig-serve/RESPONSES.md` (with the source of each); every cloud is a module of the
//! same shape, and none imports another.

pub mod alibaba;
pub mod huawei;
pub mod tencent;

use bytes::Bytes;
use cloudsig_verify::{Report, Scheme};
use hyper::StatusCode;

/// The cloud a request speaks.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// Tencent Cloud API 3.0 (TC3, v1).
    Tencent,
    /// Alibaba Cloud's OpenAPI gateway (ACS3, ROA, RPC).
    Alibaba,
    /// Huawei Cloud's API Gateway (SDK-HMAC, V11-HMAC).
    Huawei,
}

impl Cloud {
    /// The cloud of a verified request's scheme, if the scheme names one.
    pub fn of_scheme(scheme: Scheme) -> Option<Self> {
        match scheme {
            Scheme::Tc3 | Scheme::V1HmacSha1 | Scheme::V1HmacSha256 | Scheme::Skip => {
                Some(Self::Tencent)
            }
            Scheme::Acs3HmacSha256
            | Scheme::Acs3HmacSm3
            | Scheme::RoaHmacSha1
            | Scheme::RpcHmacSha1 => Some(Self::Alibaba),
            Scheme::HuaweiSdkHmacSha256
            | Scheme::HuaweiSdkHmacSm3
            | Scheme::HuaweiV11HmacSha256 => Some(Self::Huawei),
            _ => None,
        }
    }

    /// The cloud a request speaks, told from its headers and query alone (before its
    /// body is read, so that a refused body is answered in the right shape): the
    /// Authorization algorithm, else each cloud's own header prefix or date header,
    /// else the query's signature parameters. Tencent Cloud when nothing tells.
    pub fn guess<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>, query: &str) -> Self {
        let mut by_header = None;
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("authorization") {
                let v = value.trim_start();
                if v.starts_with("TC3-") {
                    return Self::Tencent;
                }
                if v.starts_with("ACS3-") || v.starts_with("acs ") {
                    return Self::Alibaba;
                }
                if v.starts_with("SDK-HMAC-") || v.starts_with("V11-HMAC-") {
                    return Self::Huawei;
                }
            } else if by_header.is_none() {
                by_header = if starts_with_ignore_case(name, "x-tc-") {
                    Some(Self::Tencent)
                } else if starts_with_ignore_case(name, "x-acs-") {
                    Some(Self::Alibaba)
                } else if name.eq_ignore_ascii_case("x-sdk-date") {
                    Some(Self::Huawei)
                } else {
                    None
                };
            }
        }
        if let Some(cloud) = by_header {
            return cloud;
        }
        // RPC: `SignatureMethod=HMAC-SHA1` and `AccessKeyId`; v1: `SecretId`. One pass
        // over the query for both names (a v1 request's parameters are all in it).
        let alibaba = query.split('&').any(|p| {
            let name = p.split_once('=').map_or(p, |(n, _)| n);
            name == "AccessKeyId" || name == "SignatureNonce"
        });
        if alibaba {
            Self::Alibaba
        } else {
            Self::Tencent
        }
    }

    /// The cloud of a report: its scheme's, else the one guessed before verifying.
    pub fn of_report(report: &Report, guessed: Self) -> Self {
        Self::of_scheme(report.scheme).unwrap_or(guessed)
    }

    /// The name used in logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tencent => "tencent",
            Self::Alibaba => "alibaba",
            Self::Huawei => "huawei",
        }
    }

    /// A fresh request id in this cloud's format.
    pub fn request_id(self) -> String {
        let id = uuid::Uuid::new_v4();
        match self {
            Self::Tencent => id.hyphenated().to_string(),
            Self::Alibaba => id.hyphenated().to_string().to_ascii_uppercase(),
            Self::Huawei => id.simple().to_string(),
        }
    }

    /// The answer to a request the verifier refused (`report` is invalid or
    /// unreadable). Names the code of the first finding; never a signature.
    pub fn rejection(self, report: &Report, ctx: &Context<'_>) -> Answer {
        let finding = report.findings.first();
        let code = finding.map_or("InvalidParameter", |f| f.code);
        let detail = finding.map_or("the request cannot be read", |f| f.message.as_str());
        let rule = finding.map_or("", |f| f.rule);
        let id = report.secret_id.as_deref();
        match self {
            Self::Tencent => tencent::rejection(code, rule, detail, ctx),
            Self::Alibaba => alibaba::rejection(code, rule, detail, ctx),
            Self::Huawei => huawei::rejection(code, rule, detail, id, ctx),
        }
    }

    /// The answer to a request whose signature is valid but which breaks its API definition
    /// (`finding`, from `cloudsig-api`): the finding's code and message in the cloud's
    /// envelope, with the status the cloud gives it (Tencent 200; Alibaba and Huawei the
    /// finding's, else 400), Huawei in the service's own shape.
    pub fn api_error(self, finding: &cloudsig_api::Finding, ctx: &Context<'_>) -> Answer {
        let status = finding
            .http_status
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::BAD_REQUEST);
        let (code, message) = (finding.code.as_str(), finding.message.as_str());
        match self {
            Self::Tencent => tencent::api_error(code, message, ctx),
            Self::Alibaba => alibaba::api_error(status, code, message, ctx),
            Self::Huawei => huawei::api_error(status, code, message, ctx),
        }
    }

    /// The answer to a request refused before or after verification for a reason of
    /// the server's own (see [`Refusal`]).
    pub fn refusal(self, why: Refusal, ctx: &Context<'_>) -> Answer {
        match self {
            Self::Tencent => tencent::refusal(why, ctx),
            Self::Alibaba => alibaba::refusal(why, ctx),
            Self::Huawei => huawei::refusal(why, ctx),
        }
    }

    /// The emulator's answer to a valid request: an empty success with a request id.
    pub fn success(self, ctx: &Context<'_>) -> Answer {
        match self {
            Self::Tencent => tencent::success(ctx),
            Self::Alibaba => alibaba::success(ctx),
            Self::Huawei => huawei::success(ctx),
        }
    }

    /// The emulator's answer to a valid request whose action has a documented success
    /// response: that body, with this answer's request id where the cloud puts it in the
    /// body (Tencent `Response.RequestId`, Alibaba `RequestId`; Huawei's is a header).
    pub fn documented_success(self, body: &serde_json::Value, ctx: &Context<'_>) -> Answer {
        match self {
            Self::Tencent => tencent::documented_success(body, ctx),
            Self::Alibaba => alibaba::documented_success(body, ctx),
            Self::Huawei => huawei::documented_success(body, ctx),
        }
    }
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// What an answer is about: the request id to put in it and the host the request was
/// sent to (Alibaba's `HostId`).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The request id, in the cloud's format ([`Cloud::request_id`]).
    pub request_id: &'a str,
    /// The Host the request named, if any.
    pub host: Option<&'a str>,
    /// The body limit in bytes, for the too-large message.
    pub max_body: u64,
}

/// A refusal of the server's own, not a verdict of the verifier.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The body is larger than the limit.
    TooLarge,
    /// The body did not arrive in time.
    Timeout,
    /// A nonce-bearing request could not be checked: the replay store is unreachable
    /// (fail closed: 503, never accepted unchecked).
    StoreUnavailable,
    /// The upstream could not be reached or failed (502).
    BadGateway,
    /// The upstream did not answer in time (504).
    GatewayTimeout,
    /// The request cannot be read as text (a header that is not UTF-8).
    Unreadable,
    /// The body could not be read: malformed chunked encoding, or the client went away
    /// mid-body.
    BrokenBody,
}

/// One answer: status, headers and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The headers beyond `Content-Length` (content type, request id headers).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Bytes,
    /// The error code the body carries, if an error (for logs and metrics).
    pub code: Option<String>,
}

impl Answer {
    pub(crate) fn json(
        status: StatusCode,
        content_type: &'static str,
        body: &serde_json::Value,
        code: Option<&str>,
    ) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: Bytes::from(body.to_string()),
            code: code.map(str::to_string),
        }
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// A success answer rendered once with a stand-in request id and filled with each
/// request's own: the same status, headers and bytes as rendering it anew, without
/// building a `serde_json::Value` (or cloning the documented example, a deep copy) and
/// serializing it per request: `benches/serve-callgrind.sh` counted 96,528 → 89,911
/// instructions per valid TC3 request with the empty success alone.
#[derive(Debug)]
pub(crate) struct Template {
    status: StatusCode,
    /// The headers, each value split where the request id goes.
    headers: Vec<(&'static str, Vec<String>)>,
    /// The body split where the request id goes (one piece when it holds none).
    body: Vec<Bytes>,
}

/// The stand-in request id of a [`Template`]'s rendering.
const STAND_IN: &str = "cloudsig-template-request-id-7d1f0c";
/// A second id, of a real id's form, to check a template against a fresh rendering.
const CHECK_ID: &str = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

impl Template {
    /// The template of `render` (an answer as a function of its request id), if filling
    /// it gives exactly what `render` gives: checked once, here, with a second id.
    pub(crate) fn of(render: impl Fn(&str) -> Answer) -> Option<Self> {
        let answer = render(STAND_IN);
        let body = answer.body.as_ref();
        let mut pieces = Vec::new();
        let mut start = 0;
        while let Some(at) = find(body.get(start..)?, STAND_IN.as_bytes()) {
            pieces.push(answer.body.slice(start..start + at));
            start += at + STAND_IN.len();
        }
        pieces.push(answer.body.slice(start..));
        let template = Self {
            status: answer.status,
            headers: answer
                .headers
                .iter()
                .map(|(n, v)| (*n, v.split(STAND_IN).map(str::to_string).collect()))
                .collect(),
            body: pieces,
        };
        (answer.code.is_none() && template.fill(CHECK_ID) == Some(render(CHECK_ID)))
            .then_some(template)
    }

    /// The answer with `request_id`; `None` for an id with a character JSON would escape
    /// (never one of [`Cloud::request_id`]'s).
    pub(crate) fn fill(&self, request_id: &str) -> Option<Answer> {
        if !request_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return None;
        }
        let body = match self.body.as_slice() {
            [whole] => whole.clone(),
            pieces => {
                let len = pieces.iter().map(Bytes::len).sum::<usize>()
                    + request_id.len() * (pieces.len() - 1);
                let mut out = Vec::with_capacity(len);
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(request_id.as_bytes());
                    }
                    out.extend_from_slice(piece);
                }
                Bytes::from(out)
            }
        };
        Some(Answer {
            status: self.status,
            headers: self
                .headers
                .iter()
                .map(|(n, parts)| (*n, parts.join(request_id)))
                .collect(),
            body,
            code: None,
        })
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cloud_is_told_from_headers_and_query() {
        let h = |pairs: &'static [(&'static str, &'static str)]| pairs.iter().copied();
        assert_eq!(
            Cloud::guess(h(&[("Authorization", "TC3-HMAC-SHA256 Credential=x")]), ""),
            Cloud::Tencent
        );
        assert_eq!(
            Cloud::guess(h(&[("authorization", "ACS3-HMAC-SHA256 Credential=x")]), ""),
            Cloud::Alibaba
        );
        assert_eq!(
            Cloud::guess(h(&[("Authorization", "SDK-HMAC-SHA256 Access=x")]), ""),
            Cloud::Huawei
        );
        assert_eq!(Cloud::guess(h(&[("X-Sdk-Date", "x")]), ""), Cloud::Huawei);
        assert_eq!(Cloud::guess(h(&[("x-acs-date", "x")]), ""), Cloud::Alibaba);
        assert_eq!(
            Cloud::guess(h(&[]), "Action=X&AccessKeyId=a&Signature=s"),
            Cloud::Alibaba
        );
        assert_eq!(Cloud::guess(h(&[]), "Action=X&SecretId=a"), Cloud::Tencent);
    }

    #[test]
    fn request_ids_have_each_clouds_form() {
        let t = Cloud::Tencent.request_id();
        assert_eq!(t.len(), 36);
        assert!(
            t.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || b.is_ascii_lowercase())
        );
        let a = Cloud::Alibaba.request_id();
        assert!(
            a.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        let h = Cloud::Huawei.request_id();
        assert_eq!(h.len(), 32);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
