//! Alibaba Cloud ROA: the operation is found by method and path template; path, query and body
//! parameters are checked at their documented positions. Codes and statuses as the POP gateway
//! answers (`MissingParameter` 400, `InvalidParameter` 400, `InvalidAction.NotFound` 404).

use serde_json::{Map, Value};

use crate::Catalog;
use crate::finding::{Finding, Verdict, Violation};
use crate::rest::{coerce, match_path};
use crate::schema;

/// One ROA request as the checker needs it.
#[derive(Debug, Clone, Copy)]
pub struct RoaCall<'a> {
    /// The host (`elasticsearch.cn-hangzhou.aliyuncs.com`): its first label names the product.
    pub host: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// The path, without the query string, percent-decoded.
    pub path: &'a str,
    /// The query parameters, decoded.
    pub query: &'a [(String, String)],
    /// The JSON body, if any.
    pub body: Option<&'a Value>,
}

fn finding(
    violation: Violation,
    status: u16,
    code: &str,
    path: &str,
    rule: &str,
    message: String,
) -> Finding {
    Finding {
        code: code.to_owned(),
        http_status: Some(status),
        path: path.to_owned(),
        rule: rule.to_owned(),
        message,
        violation,
    }
}

/// Checks one ROA request against the catalog's Alibaba products.
pub fn check(catalog: &Catalog, call: &RoaCall<'_>) -> Verdict {
    let label = call.host.split('.').next().unwrap_or_default();
    let Some(product) = catalog.of_cloud("alibaba").find(|p| p.name == label) else {
        return Verdict::NotChecked {
            reason: format!("no API definition for Alibaba Cloud product `{label}`"),
        };
    };
    let product_name = product.label.clone();
    let matched = product.actions.iter().find_map(|a| {
        Some((a, match_path(&a.path, call.path)?))
            .filter(|_| a.method.eq_ignore_ascii_case(call.method))
    });
    let Some((action, path_params)) = matched else {
        return Verdict::Checked {
            product: product_name,
            action: None,
            findings: vec![finding(
                Violation::UnknownAction,
                404,
                "InvalidAction.NotFound",
                "",
                "a documented method and path",
                "Specified api is not found, please check your url and method.".to_owned(),
            )],
        };
    };
    let mut findings = Vec::new();
    let query: Map<String, Value> = call
        .query
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let positions = [
        ("path", Some(Value::Object(path_params))),
        ("query", Some(Value::Object(query))),
        ("body", call.body.cloned()),
    ];
    for (position, value) in positions {
        let Some(validator) = action.validator(position) else {
            continue;
        };
        let mut value = value.unwrap_or(Value::Object(Map::new()));
        if position != "body" {
            coerce(action, position, &mut value);
        }
        for i in schema::issues(validator, &value) {
            let f = match i.violation {
                Violation::Missing => finding(
                    i.violation,
                    400,
                    "MissingParameter",
                    &i.path,
                    &i.rule,
                    format!(
                        "The input parameter \"{}\" that is mandatory for processing this request is not supplied.",
                        i.path
                    ),
                ),
                Violation::Unknown => finding(
                    i.violation,
                    400,
                    "UnknownParameter",
                    &i.path,
                    &format!(
                        "{} (cloudsig's code: the POP gateway documents none)",
                        i.rule
                    ),
                    format!(
                        "The parameter \"{}\" ({position}) is not documented for this operation.",
                        i.path
                    ),
                ),
                _ => finding(
                    i.violation.clone(),
                    400,
                    "InvalidParameter",
                    &i.path,
                    &i.rule,
                    format!("The specified parameter \"{}\" is not valid.", i.path),
                ),
            };
            findings.push(f);
        }
    }
    Verdict::Checked {
        product: product_name,
        action: Some(action.label.clone()),
        findings,
    }
}
