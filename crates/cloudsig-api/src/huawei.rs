//! Huawei Cloud REST: the operation is found by method and path template; the JSON body is
//! checked. DMS Kafka answers parameter errors with `DMS.00400062` (400); ECS v2.1 (Nova) with a
//! `badRequest` (400) fault. An unknown path on a covered product is `APIG.0101` (404).

use serde_json::{Map, Value};

use crate::Catalog;
use crate::finding::{Finding, Verdict, Violation};
use crate::rest::match_path;
use crate::schema;

/// One Huawei request as the checker needs it.
#[derive(Debug, Clone, Copy)]
pub struct RestCall<'a> {
    /// The host (`ecs.cn-north-4.myhuaweicloud.com`, `dms.…`): its first label names the product.
    pub host: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// The path without the query string.
    pub path: &'a str,
    /// The JSON body, if any.
    pub body: Option<&'a Value>,
}

/// The host label each covered product answers on.
fn product_of_host(label: &str) -> Option<&'static str> {
    match label {
        "dms" | "kafka" => Some("kafka"),
        "ecs" => Some("ecs"),
        _ => None,
    }
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

/// Checks one request against the catalog's Huawei products.
pub fn check(catalog: &Catalog, call: &RestCall<'_>) -> Verdict {
    let label = call.host.split('.').next().unwrap_or_default();
    let product =
        product_of_host(label).and_then(|n| catalog.of_cloud("huawei").find(|p| p.name == n));
    let Some(product) = product else {
        return Verdict::NotChecked {
            reason: format!("no API definition for Huawei Cloud service `{label}`"),
        };
    };
    let product_name = product.label.clone();
    let matched = product.actions.iter().find_map(|a| {
        Some((a, match_path(&a.path, call.path)?))
            .filter(|_| a.method.eq_ignore_ascii_case(call.method))
    });
    let Some((action, _path_params)) = matched else {
        return Verdict::Checked {
            product: product_name,
            action: None,
            findings: vec![finding(
                Violation::UnknownAction,
                404,
                "APIG.0101",
                "",
                "a documented method and path",
                "The API does not exist or has not been published in the environment.".to_owned(),
            )],
        };
    };
    let mut findings = Vec::new();
    if let Some(validator) = action.validator("body") {
        let empty = Value::Object(Map::new());
        if call.body.is_none() && product.name == "kafka" {
            findings.push(finding(
                Violation::Missing,
                400,
                "DMS.00400004",
                "",
                "a JSON body",
                "The request body is empty.".to_owned(),
            ));
        }
        for i in schema::issues(validator, call.body.unwrap_or(&empty)) {
            findings.push(if product.name == "kafka" {
                finding(i.violation, 400, "DMS.00400062", &i.path, &i.rule, "Invalid request parameter.".to_owned())
            } else {
                let message = match i.violation {
                    Violation::Missing => format!("Invalid input for field/attribute {}. '{}' is a required property", parent(&i.path), leaf(&i.path)),
                    Violation::Unknown => format!("Invalid input for field/attribute {}. Additional properties are not allowed ('{}' was unexpected)", parent(&i.path), leaf(&i.path)),
                    _ => format!("Invalid input for field/attribute {}. Breaks: {}", i.path, i.rule),
                };
                finding(i.violation, 400, "badRequest", &i.path, &i.rule, message)
            });
        }
    }
    Verdict::Checked {
        product: product_name,
        action: Some(action.label.clone()),
        findings,
    }
}

fn parent(path: &str) -> &str {
    path.rfind('.')
        .and_then(|i| path.get(..i))
        .unwrap_or("body")
}

fn leaf(path: &str) -> &str {
    path.rfind('.')
        .and_then(|i| path.get(i + 1..))
        .unwrap_or(path)
}
