//! API-level checks after the signature checks: the request's action, version, region and
//! parameters against the API definitions ([`cloudsig_api::Catalog`]), with the cloud's
//! codes. Run by a [`Verifier`](crate::Verifier) given a catalog
//! ([`Verifier::with_api_catalog`](crate::Verifier::with_api_catalog)); the report keeps the
//! API verdict in [`Report::api`](crate::Report::api) and adds each API finding to its
//! findings (after the signature's: the clouds authenticate before they read parameters).
//!
//! What is read from the request, per cloud:
//! - Tencent TC3: the service from the credential scope (else the Host's first label), the
//!   action, version and region from `X-TC-*`; the parameters from the JSON body, or, for a
//!   GET or a form-encoded POST, from the query / form body (`A.N.B` flattening).
//! - Tencent v1 and unsigned (`SKIP`) requests: the same, `Action`/`Version`/`Region` as
//!   parameters for v1.
//! - Alibaba (ACS3, ROA, RPC): host label, method, path, query and JSON body (ROA
//!   operations; an RPC request to a covered product matches no operation).
//! - Huawei: host label, method, path and JSON body.
//!
//! The Alibaba and Huawei definitions hold only the operations the seed documents describe:
//! a request to another operation of those products is not checked (not an unknown one).
//!
//! A request to a product no definition covers is [`Verdict::NotChecked`](ApiVerdict::NotChecked):
//! neither valid nor invalid at the API level.

use std::collections::BTreeSet;
use std::sync::Mutex;

use cloudsig_api::{Catalog, Finding as ApiFinding, Verdict as ApiVerdict, Violation};
use serde_json::{Value, json};

use crate::capture::RequestView;
use crate::escape::Escaped;
use cloudsig_canonical::encode::{InvalidUtf8, PlusIs, decode};

use crate::params::decode_form;
use crate::report::{Report, Scheme, Verdict};

/// Every finding rule this module adds starts with this.
pub const RULE_PREFIX: &str = "api-";

/// Tencent's common parameters: not the action's own (v1 sends them beside the others).
const TENCENT_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// Runs the API checks on `cap` and records them in `report` (`catalog` absent: off).
/// Unreadable requests are not checked.
pub(crate) fn apply(catalog: Option<&Catalog>, cap: &RequestView<'_>, report: &mut Report) {
    let Some(catalog) = catalog else { return };
    if report.verdict == Verdict::Unreadable {
        return;
    }
    let verdict = check_with(catalog, cap, report.scheme, report.tc3_service.clone());
    for f in verdict.findings() {
        report.verdict = Verdict::Invalid;
        report.findings.push(crate::report::Finding {
            code: static_code(&f.code),
            rule: rule_of(&f.violation),
            message: message_of(f),
        });
    }
    report.api = Some(verdict);
}

/// Whether a finding's rule is one of this module's.
pub(crate) fn is_api_rule(rule: &str) -> bool {
    rule.starts_with(RULE_PREFIX)
}

/// The API verdict of one request, without the signature checks.
pub fn check(catalog: &Catalog, cap: &RequestView<'_>, scheme: Scheme) -> ApiVerdict {
    check_with(catalog, cap, scheme, None)
}

/// [`check`], given where the signature check found the TC3 scope's service in the
/// Authorization value (`None`: parse it here).
fn check_with(
    catalog: &Catalog,
    cap: &RequestView<'_>,
    scheme: Scheme,
    tc3_service: Option<std::ops::Range<usize>>,
) -> ApiVerdict {
    // the host is read only where it is needed (a TC3 request names its service in the
    // credential scope)
    let host = || cap.host().unwrap_or_default();
    match scheme {
        Scheme::Tc3 | Scheme::Skip => tencent_headers(catalog, cap, tc3_service),
        Scheme::V1HmacSha1 | Scheme::V1HmacSha256 => tencent_v1(catalog, cap, host()),
        Scheme::Acs3HmacSha256
        | Scheme::Acs3HmacSm3
        | Scheme::RoaHmacSha1
        | Scheme::RpcHmacSha1 => partial(alibaba(catalog, cap, host()), cap),
        Scheme::HuaweiSdkHmacSha256 | Scheme::HuaweiSdkHmacSm3 | Scheme::HuaweiV11HmacSha256 => {
            partial(huawei(catalog, cap, host()), cap)
        }
        _ => ApiVerdict::NotChecked {
            reason: "the request's cloud could not be told from its signature".into(),
        },
    }
}

/// The Alibaba and Huawei definitions hold one or two operations of each product (those
/// the seed documents describe), not the product's whole API: a request to another of its
/// operations is not checked, rather than reported as an unknown operation (which
/// `cloudsig_api::alibaba::check` / `huawei::check` say, with the clouds' 404 codes).
fn partial(verdict: ApiVerdict, cap: &RequestView<'_>) -> ApiVerdict {
    match verdict {
        ApiVerdict::Checked {
            product,
            action: None,
            ..
        } => ApiVerdict::NotChecked {
            reason: format!(
                "{product} is defined only in part, and not for {} {}",
                cap.method,
                cap.path()
            ),
        },
        other => other,
    }
}

fn host_label(host: &str) -> &str {
    host.split(['.', ':']).next().unwrap_or_default()
}

/// The body as JSON: `{}` when empty; `null` when it is not JSON, which every parameter
/// schema (an object) reports as a wrong type at the root, with the cloud's code.
fn json_body(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(serde_json::Map::new());
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// Whether a Content-Type value is form-encoded.
fn is_form(content_type: Option<&str>) -> bool {
    // Compared in place: lower-casing the header into a new String cost an allocation a
    // request.
    const FORM: &str = "application/x-www-form-urlencoded";
    content_type.is_some_and(|t| {
        t.trim_start()
            .as_bytes()
            .get(..FORM.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(FORM.as_bytes()))
    })
}

/// The flattened parameters of a GET (query) or form-encoded POST (body), decoded, with
/// Tencent's common parameters taken out; `None` for a JSON request.
fn flattened(
    cap: &RequestView<'_>,
    content_type: Option<&str>,
) -> Option<Result<Vec<(String, String)>, String>> {
    let text = if cap.method == "GET" {
        cap.query()
    } else if is_form(content_type) {
        std::str::from_utf8(cap.body).unwrap_or_default()
    } else {
        return None;
    };
    Some(
        decode_form(text)
            .map(|p| {
                p.iter()
                    .filter(|(k, _)| !TENCENT_COMMON.contains(k))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .map_err(|e| e.to_string()),
    )
}

fn not_readable(why: String) -> ApiVerdict {
    ApiVerdict::NotChecked {
        reason: format!("the parameters could not be read: {why}"),
    }
}

/// The headers [`tencent_headers`] reads, in the order it takes them.
const TENCENT_HEADERS: [crate::names::HeaderName; 5] = [
    crate::names::HeaderName::new("authorization"),
    crate::names::HeaderName::new("x-tc-action"),
    crate::names::HeaderName::new("x-tc-version"),
    crate::names::HeaderName::new("x-tc-region"),
    crate::names::HeaderName::new("content-type"),
];

/// `str::trim`, answered without its Unicode scan when the ends are not whitespace (a
/// header value as sent almost never has any).
fn trim(v: &str) -> &str {
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => v,
        _ => v.trim(),
    }
}

fn tencent_headers(
    catalog: &Catalog,
    cap: &RequestView<'_>,
    tc3_service: Option<std::ops::Range<usize>>,
) -> ApiVerdict {
    // The five headers in one pass over the header list (five `header` calls, a scan
    // each, cost about 750 instructions a request: benches/README.md).
    let [authorization, action, version, region, content_type] =
        crate::names::first_of(&cap.headers, &TENCENT_HEADERS);
    // The signature check found the scope's service already (saving a second
    // `parse_tc3`: 15.2M of 1,379M instructions over 20,000 requests, benches/README.md).
    let known = tc3_service.and_then(|at| authorization?.get(at));
    let scope_service = known.or_else(|| {
        authorization
            .and_then(|v| crate::auth::parse_tc3(v).ok())
            .map(|a| a.service)
    });
    let service = scope_service.unwrap_or_else(|| host_label(cap.host().unwrap_or_default()));
    let (Some(action), Some(version)) = (action, version) else {
        return ApiVerdict::NotChecked {
            reason: "no X-TC-Action or X-TC-Version header".into(),
        };
    };
    let region = region.map(trim);
    let (action, version) = (trim(action), trim(version));
    match flattened(cap, content_type) {
        // The body is read only once the action is found, and a body the fast path
        // confirms is never parsed into a `Value` (see `cloudsig_api::tencent::check_json`).
        None => cloudsig_api::tencent::check_json(
            catalog,
            &cloudsig_api::tencent::TencentJsonCall {
                service,
                action,
                version,
                region,
                body: cap.body,
            },
        ),
        Some(Err(why)) => not_readable(why),
        Some(Ok(pairs)) => cloudsig_api::tencent::check_form(
            catalog,
            &cloudsig_api::tencent::TencentFormCall {
                service,
                action,
                version,
                region,
                pairs: &pairs,
            },
        ),
    }
}

fn tencent_v1(catalog: &Catalog, cap: &RequestView<'_>, host: &str) -> ApiVerdict {
    let text = if cap.method == "GET" {
        cap.query()
    } else {
        std::str::from_utf8(cap.body).unwrap_or_default()
    };
    let all = match decode_form(text) {
        Ok(p) => p,
        Err(why) => return not_readable(why.to_string()),
    };
    let (Some(action), Some(version)) = (all.get("Action"), all.get("Version")) else {
        return ApiVerdict::NotChecked {
            reason: "no Action or Version parameter".into(),
        };
    };
    let pairs: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| !TENCENT_COMMON.contains(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    cloudsig_api::tencent::check_form(
        catalog,
        &cloudsig_api::tencent::TencentFormCall {
            service: host_label(host),
            action,
            version,
            region: all.get("Region"),
            pairs: &pairs,
        },
    )
}

fn alibaba(catalog: &Catalog, cap: &RequestView<'_>, host: &str) -> ApiVerdict {
    let (path, query) = cap.path_and_query();
    let Ok(path) = decode(path, PlusIs::Space, InvalidUtf8::Reject) else {
        return not_readable("the path is not UTF-8 once decoded".into());
    };
    // aliyun-python-sdk-core puts `RegionId` into the query of every ROA request it sends
    // (seen in the differential harness's captures, vectors/oracle/differential/); the
    // gateway takes it as the region, not as an operation parameter, so it is not an
    // unknown parameter of the operation.
    let query = match decode_form(query) {
        Ok(q) => q
            .iter()
            .filter(|(k, _)| *k != "RegionId")
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>(),
        Err(why) => return not_readable(why.to_string()),
    };
    let body = (!cap.body.is_empty()).then(|| json_body(cap.body));
    cloudsig_api::alibaba::check(
        catalog,
        &cloudsig_api::alibaba::RoaCall {
            host,
            method: cap.method,
            path: &path,
            query: &query,
            body: body.as_ref(),
        },
    )
}

fn huawei(catalog: &Catalog, cap: &RequestView<'_>, host: &str) -> ApiVerdict {
    let body = (!cap.body.is_empty()).then(|| json_body(cap.body));
    cloudsig_api::huawei::check(
        catalog,
        &cloudsig_api::huawei::RestCall {
            host,
            method: cap.method,
            path: cap.path(),
            body: body.as_ref(),
        },
    )
}

fn rule_of(v: &Violation) -> &'static str {
    match v {
        Violation::UnknownAction => "api-action",
        Violation::NoSuchVersion => "api-version",
        Violation::UnsupportedRegion => "api-region",
        Violation::Missing => "api-required",
        Violation::Unknown => "api-unknown-parameter",
        Violation::WrongType => "api-type",
        Violation::BadValue => "api-value",
        _ => "api-parameter",
    }
}

/// `NodeInfoList[1].DiskSize (type integer): The value type of parameter … is not valid.`
fn message_of(f: &ApiFinding) -> String {
    if f.path.is_empty() {
        format!("{} ({})", f.message, f.rule)
    } else {
        format!("{} ({}): {}", f.path, f.rule, f.message)
    }
}

/// The reports' codes are `&'static str`; the API codes come from the definitions (the
/// common ones are listed here, a parameter's own code such as
/// `InvalidParameter.InvalidInstanceId` is read from its definition). Those are kept once
/// each for the life of the process: they are bounded by the definitions loaded (never
/// by requests), and at most `MAX_INTERNED` are kept (beyond, the generic code is used).
fn static_code(code: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "MissingParameter",
        "UnknownParameter",
        "InvalidParameter",
        "InvalidParameterValue",
        "InvalidAction",
        "NoSuchVersion",
        "UnsupportedRegion",
        "InvalidAction.NotFound",
        "DMS.00400062",
        "DMS.00400004",
        "badRequest",
        "APIG.0101",
    ];
    const MAX_INTERNED: usize = 4096;
    static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    if let Some(k) = KNOWN.iter().find(|k| **k == code) {
        return k;
    }
    let Ok(mut set) = INTERNED.lock() else {
        return "InvalidParameter";
    };
    if let Some(k) = set.get(code) {
        return k;
    }
    if set.len() >= MAX_INTERNED {
        return "InvalidParameter";
    }
    let k: &'static str = Box::leak(code.to_owned().into_boxed_str());
    set.insert(k);
    k
}

/// The API verdict as JSON (`null` when the checks were off): `{"checked": false,
/// "reason"}` or `{"checked": true, "product", "action", "valid", "findings": [{"code",
/// "http_status", "path", "rule", "message"}]}`.
pub fn to_json(api: Option<&ApiVerdict>) -> Value {
    match api {
        None => Value::Null,
        Some(ApiVerdict::NotChecked { reason }) => json!({"checked": false, "reason": reason}),
        Some(ApiVerdict::Checked {
            product,
            action,
            findings,
        }) => json!({
            "checked": true,
            "product": product,
            "action": action,
            "valid": findings.is_empty(),
            "findings": findings.iter().map(|f| json!({
                "code": f.code,
                "http_status": f.http_status,
                "path": f.path,
                "rule": f.rule,
                "message": f.message,
            })).collect::<Vec<_>>(),
        }),
    }
}

/// The lines `--explain` adds: the product and action checked, or why not.
pub(crate) fn explain(api: Option<&ApiVerdict>) -> String {
    match api {
        None => String::new(),
        Some(ApiVerdict::NotChecked { reason }) => {
            format!("    api: not checked ({})\n", Escaped(reason))
        }
        Some(ApiVerdict::Checked {
            product,
            action,
            findings,
        }) => format!(
            "    api: checked against {}{}: {}\n",
            Escaped(product),
            action
                .as_deref()
                .map(|a| format!(" {}", Escaped(a)))
                .unwrap_or_default(),
            if findings.is_empty() {
                "valid".to_owned()
            } else {
                format!("{} finding(s) among the findings above", findings.len())
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tencent_headers_are_read_in_one_pass() {
        use crate::capture::{Captured, HEADER_LOOKUPS, Location};
        let catalog = Catalog::builtin().unwrap();
        let header = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let mut cap = Captured {
            location: Location::default(),
            method: "POST".into(),
            target: "/".into(),
            headers: vec![
                header("Host", "es.tencentcloudapi.com"),
                header("Content-Type", "application/json"),
                header(
                    "Authorization",
                    "TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/es/tc3_request, SignedHeaders=content-type;host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                ),
                header("X-TC-Action", " RestartKibana "),
                header("X-TC-Version", "2018-04-16"),
                header("X-TC-Region", "ap-guangzhou\t"),
                header("X-TC-Timestamp", "1551113065"),
            ],
            body: br#"{"InstanceId": "es-xxxxxxxx"}"#.to_vec(),
        };
        let before = HEADER_LOOKUPS.with(std::cell::Cell::get);
        let v = check(&catalog, &cap.view(), Scheme::Tc3);
        let lookups = HEADER_LOOKUPS.with(std::cell::Cell::get) - before;
        // `RequestView::header` scans the list once a call: five calls before
        assert_eq!(lookups, 0, "{lookups} scans of the headers");
        assert!(v.is_valid(), "{v:?}");
        // what one pass finds is what `header` finds: the first of each name, trimmed
        cap.headers.push(header("x-tc-region", "ap-nowhere"));
        assert!(check(&catalog, &cap.view(), Scheme::Tc3).is_valid());
        cap.headers.insert(0, header("x-tc-region", "ap-nowhere"));
        let bad = check(&catalog, &cap.view(), Scheme::Tc3);
        assert_eq!(bad.findings()[0].code, "UnsupportedRegion");
        // a form body is read as form parameters
        cap.headers[2] = header("content-type", "Application/X-WWW-Form-URLencoded");
        cap.headers.remove(0);
        cap.body = b"InstanceId=7".to_vec();
        assert!(check(&catalog, &cap.view(), Scheme::Tc3).is_valid());
        cap.body = b"Instance=7".to_vec();
        let form = check(&catalog, &cap.view(), Scheme::Tc3);
        assert!(!form.is_valid(), "{form:?}");
    }

    #[test]
    fn trim_is_str_trim() {
        for v in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "ab",
            "\u{3000}a",
            "a\u{a0}",
            "é",
            " é ",
        ] {
            assert_eq!(trim(v), v.trim(), "{v:?}");
        }
    }

    #[test]
    fn codes_are_kept_once() {
        let a = static_code(&String::from("InvalidParameter.InvalidInstanceId"));
        let b = static_code(&String::from("InvalidParameter.InvalidInstanceId"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(static_code("MissingParameter"), "MissingParameter");
    }
}
