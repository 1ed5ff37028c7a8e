//! Tencent Cloud API 3.0: action, version and region from the headers, parameters as the JSON
//! body. Codes and message texts as the gateway returns them (HTTP 200 for all of them).

use serde_json::Value;

use crate::finding::{Finding, Verdict, Violation};
use crate::schema;
use crate::{Action, Catalog};

/// One Tencent request as the checker needs it.
#[derive(Debug, Clone, Copy)]
pub struct TencentCall<'a> {
    /// The service (`es`): the host's first label or the credential scope's service.
    pub service: &'a str,
    /// `X-TC-Action`.
    pub action: &'a str,
    /// `X-TC-Version`.
    pub version: &'a str,
    /// `X-TC-Region`, if sent.
    pub region: Option<&'a str>,
    /// The JSON body.
    pub params: &'a Value,
}

fn finding(violation: Violation, code: &str, path: &str, rule: &str, message: String) -> Finding {
    Finding {
        code: code.to_owned(),
        http_status: Some(200),
        path: path.to_owned(),
        rule: rule.to_owned(),
        message,
        violation,
    }
}

/// Checks one request against the catalog's Tencent products.
pub fn check(catalog: &Catalog, call: &TencentCall<'_>) -> Verdict {
    let head = Head {
        service: call.service,
        action: call.action,
        version: call.version,
        region: call.region,
    };
    checked(catalog, &head, |action| params(action, call.params))
}

/// One Tencent request with its JSON body as sent (bytes), for [`check_json`].
#[derive(Debug, Clone, Copy)]
pub struct TencentJsonCall<'a> {
    /// The service (`es`): the host's first label or the credential scope's service.
    pub service: &'a str,
    /// `X-TC-Action`.
    pub action: &'a str,
    /// `X-TC-Version`.
    pub version: &'a str,
    /// `X-TC-Region`, if sent.
    pub region: Option<&'a str>,
    /// The body: JSON text; empty or blank stands for `{}`, and text that is not JSON is
    /// checked as `null` (a wrong type at the root, with the cloud's code).
    pub body: &'a [u8],
}

/// Checks a request whose body is JSON text, with the same verdict as [`check`] given the
/// body parsed (`{}` when blank, `null` when not JSON). The body is read only when the
/// action is found, and a body the fast path ([`Action::certainly_valid`]) confirms is not
/// parsed into a `serde_json::Value` at all; every other body is, and its findings come
/// from the schema validator as in [`check`].
///
/// ```
/// use cloudsig_api::{Catalog, tencent::{self, TencentJsonCall}};
/// let catalog = Catalog::builtin()?;
/// let call = TencentJsonCall { service: "es", action: "RestartKibana", version: "2018-04-16",
///                              region: Some("ap-guangzhou"), body: br#"{"InstanceId": 7}"# };
/// let verdict = tencent::check_json(&catalog, &call);
/// assert_eq!(verdict.findings()[0].path, "InstanceId");
/// # Ok::<(), cloudsig_api::LoadError>(())
/// ```
pub fn check_json(catalog: &Catalog, call: &TencentJsonCall<'_>) -> Verdict {
    let head = Head {
        service: call.service,
        action: call.action,
        version: call.version,
        region: call.region,
    };
    checked(catalog, &head, |action| {
        // the fast path first: `validator` is a map look-up, needed only where it is unsure
        if action
            .fast_body()
            .is_some_and(|f| f.check(call.body) == crate::fast::Fast::Valid)
            || action.validator("body").is_none()
        {
            return Vec::new();
        }
        params(action, &json_body(call.body))
    })
}

/// Whether [`check_json`] would find the request valid, answered without allocating: `true`
/// only when the product is defined at this version, the action is one of its actions, the
/// region is sent and (where the action lists regions) one of them, and the body is
/// confirmed by the fast path ([`Action::certainly_valid`]). `false` means "not certainly":
/// the caller runs [`check_json`] for the verdict and its findings. Meant for a verifier's
/// report-free path over valid requests.
///
/// ```
/// use cloudsig_api::{Catalog, tencent::{self, TencentJsonCall}};
/// let catalog = Catalog::builtin()?;
/// let mut call = TencentJsonCall { service: "es", action: "RestartKibana", version: "2018-04-16",
///                                  region: Some("ap-guangzhou"), body: br#"{"InstanceId": "es-12345678"}"# };
/// assert!(tencent::json_certainly_valid(&catalog, &call));
/// call.body = br#"{"InstanceId": 7}"#;
/// assert!(!tencent::json_certainly_valid(&catalog, &call));
/// # Ok::<(), cloudsig_api::LoadError>(())
/// ```
pub fn json_certainly_valid(catalog: &Catalog, call: &TencentJsonCall<'_>) -> bool {
    let Some(action) = tencent_action(catalog, call.service, call.version, call.action) else {
        return false;
    };
    let Some(region) = call.region else {
        return false;
    };
    if !region_listed(action, region) {
        return false;
    }
    // the fast path first: `validator` is a map look-up (and compiles the validator on
    // first use); it matters only where the fast path is unsure
    action
        .fast_body()
        .is_some_and(|f| f.check(call.body) == crate::fast::Fast::Valid)
        || action.validator("body").is_none()
}

/// The Tencent product `service` at `version` (one pass over the products), and its action.
fn tencent_action<'c>(
    catalog: &'c Catalog,
    service: &str,
    version: &str,
    action: &str,
) -> Option<&'c Action> {
    catalog
        .products
        .iter()
        .find(|p| p.is("tencent", service, version))?
        .action(action)
}

/// Whether `region` is one of the action's (or the action lists none).
fn region_listed(action: &Action, region: &str) -> bool {
    action.has_region(region)
}

/// The body as JSON: `{}` when empty or blank; `null` when it is not JSON.
fn json_body(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(serde_json::Map::new());
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// A request's service, action, version and region.
struct Head<'a> {
    service: &'a str,
    action: &'a str,
    version: &'a str,
    region: Option<&'a str>,
}

/// The verdict for `head`, with `body_findings` run on the action once it is found.
fn checked(
    catalog: &Catalog,
    call: &Head<'_>,
    body_findings: impl FnOnce(&Action) -> Vec<Finding>,
) -> Verdict {
    // the product at its version first (one pass on each request); whether the service is
    // known at some other version only when it is not
    let Some(product) = catalog
        .products
        .iter()
        .find(|p| p.is("tencent", call.service, call.version))
    else {
        if !catalog.of_cloud("tencent").any(|p| p.name == call.service) {
            return Verdict::NotChecked {
                reason: format!("no API definition for Tencent service `{}`", call.service),
            };
        }
        return Verdict::Checked {
            product: format!("tencent/{}", call.service).into(),
            action: None,
            findings: vec![finding(
                Violation::NoSuchVersion,
                "NoSuchVersion",
                "",
                "a documented version",
                format!(
                    "The specified api version=`{}` does not exist in service=`{}`.",
                    call.version, call.service
                ),
            )],
        };
    };
    // borrowed, kept as loaded: neither `format!` (900 instructions a request, callgrind,
    // 20,000 seed ES requests) nor an allocation
    let product_name = product.label.clone();
    let Some(action) = product.action(call.action) else {
        return Verdict::Checked {
            product: product_name,
            action: None,
            findings: vec![finding(
                Violation::UnknownAction,
                "InvalidAction",
                "",
                "a documented action",
                "The request `Action` is invalid or not found.".to_owned(),
            )],
        };
    };
    let mut findings = Vec::new();
    match (call.region, &action.regions) {
        (None, _) => findings.push(finding(
            Violation::Missing,
            "MissingParameter",
            "Region",
            "required",
            "The request is missing a required parameter `Region`.".to_owned(),
        )),
        (Some(r), Some(_)) if !region_listed(action, r) => findings.push(finding(
            Violation::UnsupportedRegion,
            "UnsupportedRegion",
            "Region",
            "one of the action's regions",
            "The action not support this region.".to_owned(),
        )),
        _ => {}
    }
    findings.extend(body_findings(action));
    Verdict::Checked {
        product: product_name,
        action: Some(action.label.clone()),
        findings,
    }
}

/// One Tencent request whose parameters came flattened as text: a GET query or an
/// `application/x-www-form-urlencoded` body (`NodeInfoList.1.DiskSize=100`), with the
/// common parameters (`Action`, `Version`, `Region`, `Timestamp`, `Nonce`, `SecretId`,
/// `Signature`, …) already taken out.
#[derive(Debug, Clone, Copy)]
pub struct TencentFormCall<'a> {
    /// The service (`es`).
    pub service: &'a str,
    /// The action.
    pub action: &'a str,
    /// The version.
    pub version: &'a str,
    /// The region, if sent.
    pub region: Option<&'a str>,
    /// The action's own parameters, decoded, in the order sent.
    pub pairs: &'a [(String, String)],
}

/// Checks a request whose parameters came flattened ([`TencentFormCall`]): the names are
/// rebuilt into the JSON value the definitions describe (`A.N.B`, N from 0), text is typed
/// where the schema asks for a Boolean or a number, and the result is checked as
/// [`check`] checks a JSON body.
///
/// ```
/// use cloudsig_api::{Catalog, tencent::{self, TencentFormCall}};
/// let catalog = Catalog::builtin()?;
/// let pairs = vec![("InstanceId".to_string(), "es-xxxxxxxx".to_string()),
///                  ("NodeInfoList.0.NodeNum".to_string(), "many".to_string()),
///                  ("NodeInfoList.0.NodeType".to_string(), "ES.S1.MEDIUM4".to_string())];
/// let call = TencentFormCall { service: "es", action: "UpdateInstance", version: "2018-04-16",
///                              region: Some("ap-guangzhou"), pairs: &pairs };
/// let verdict = tencent::check_form(&catalog, &call);
/// assert_eq!(verdict.findings()[0].path, "NodeInfoList[0].NodeNum");
/// # Ok::<(), cloudsig_api::LoadError>(())
/// ```
pub fn check_form(catalog: &Catalog, call: &TencentFormCall<'_>) -> Verdict {
    let pairs = call.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let mut params = match crate::form::unflatten(pairs) {
        Ok(v) => v,
        Err(e) => {
            let head = TencentCall {
                service: call.service,
                action: call.action,
                version: call.version,
                region: call.region,
                params: &Value::Object(serde_json::Map::new()),
            };
            return match check(catalog, &head) {
                Verdict::Checked {
                    product, action, ..
                } => Verdict::Checked {
                    product,
                    action,
                    findings: vec![finding(
                        Violation::WrongType,
                        "InvalidParameter",
                        &e.path,
                        e.rule,
                        format!("The value type of parameter `{}` is not valid.", e.path),
                    )],
                },
                not_checked => not_checked,
            };
        }
    };
    let product = catalog
        .of_cloud("tencent")
        .find(|p| p.name == call.service && p.version == call.version);
    if let Some((product, schema)) = product.and_then(|p| {
        let a = p.action(call.action)?;
        Some((p, a.params.get("body")?))
    }) {
        crate::form::coerce(schema, &product.definitions, &mut params);
    }
    check(
        catalog,
        &TencentCall {
            service: call.service,
            action: call.action,
            version: call.version,
            region: call.region,
            params: &params,
        },
    )
}

/// The parameter findings alone (body against the action's schema).
pub(crate) fn params(action: &Action, body: &Value) -> Vec<Finding> {
    let Some(validator) = action.validator("body") else {
        return Vec::new();
    };
    schema::issues(validator, body)
        .into_iter()
        .map(|i| {
            let own = action.parameter_codes.get(&i.top);
            let (code, message) = match i.violation {
                Violation::Missing => (
                    "MissingParameter".to_owned(),
                    format!("The request is missing a required parameter `{}`.", i.path),
                ),
                Violation::Unknown => (
                    "UnknownParameter".to_owned(),
                    format!("The parameter `{}` is not recognized.", i.path),
                ),
                Violation::WrongType => (
                    own.cloned()
                        .unwrap_or_else(|| "InvalidParameter".to_owned()),
                    format!("The value type of parameter `{}` is not valid.", i.path),
                ),
                _ => (
                    own.cloned()
                        .unwrap_or_else(|| "InvalidParameterValue".to_owned()),
                    format!(
                        "A value specified in the parameter `{}` is not valid.",
                        i.path
                    ),
                ),
            };
            finding(i.violation, &code, &i.path, &i.rule, message)
        })
        .collect()
}
