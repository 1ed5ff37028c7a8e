//! Tencent Cloud's own machine-readable API definitions, as `tccli` ships them
//! (`tccli/services/<service>/<vYYYYMMDD>/api.json`), turned into the `cloudsig-api/1`
//! format, so that requests to any Tencent API whose definition a user has can be checked.
//!
//! The file names the service and version (`metadata.serviceShortName`, `.apiVersion`),
//! each action's input structure (`actions.<Name>.input`), and every structure's members
//! (`objects.<Name>.members[]`: `name`, `type`, `member`, `required`). Types map as:
//! `string`/`date`/`datetime`/`binary` → string; `int` → integer, `float` → number (both
//! lenient: a digit string is accepted, as decided for the seed definitions, see
//! `specs/README.md`); `bool` → boolean; `list` → array of `member` (a primitive or a
//! structure); `object` → the structure `member`. The file gives no per-action regions
//! nor per-parameter codes: only the region's presence is checked, with the generic codes.
//!
//! ```
//! let api = r#"{"metadata": {"serviceShortName": "demo", "apiVersion": "2020-01-01"},
//!   "actions": {"Ping": {"input": "PingRequest"}},
//!   "objects": {"PingRequest": {"type": "object", "members": [
//!     {"name": "Count", "type": "int", "member": "uint64", "required": true}]}}}"#;
//! let mut catalog = cloudsig_api::Catalog::default();
//! catalog.add_tccli("api.json", api)?;
//! let body = serde_json::json!({"Count": "x"});
//! let call = cloudsig_api::tencent::TencentCall { service: "demo", action: "Ping",
//!     version: "2020-01-01", region: Some("ap-guangzhou"), params: &body };
//! assert_eq!(cloudsig_api::tencent::check(&catalog, &call).findings()[0].path, "Count");
//! # Ok::<(), cloudsig_api::LoadError>(())
//! ```

use serde_json::{Map, Value, json};

use crate::LoadError;
use crate::definition::FORMAT;

/// Whether a parsed JSON document looks like a tccli `api.json`.
pub fn is_tccli(v: &Value) -> bool {
    v.get("actions").is_some_and(Value::is_object)
        && v.get("objects").is_some_and(Value::is_object)
        && v.get("metadata").is_some_and(Value::is_object)
}

/// Converts a tccli `api.json` (parsed) into a `cloudsig-api/1` definition.
pub fn to_definition(file: &str, api: &Value) -> Result<Value, LoadError> {
    let err = |reason: &str| LoadError {
        file: file.to_owned(),
        reason: reason.to_owned(),
    };
    let meta = api.get("metadata").ok_or_else(|| err("no metadata"))?;
    let service = meta
        .get("serviceShortName")
        .and_then(Value::as_str)
        .ok_or_else(|| err("no metadata.serviceShortName"))?;
    let version = meta
        .get("apiVersion")
        .and_then(Value::as_str)
        .ok_or_else(|| err("no metadata.apiVersion"))?;
    let objects = api
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| err("no objects"))?;
    let mut definitions = Map::new();
    for (name, object) in objects {
        definitions.insert(name.clone(), object_schema(object));
    }
    let mut actions = Vec::new();
    for (name, action) in api
        .get("actions")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let input = action.get("input").and_then(Value::as_str).unwrap_or("");
        let body = objects
            .get(input)
            .map_or_else(|| json!({"type": "object"}), object_schema);
        actions.push(json!({
            "name": name,
            "method": "POST",
            "path": "/",
            "regions": null,
            "params": {"body": body},
        }));
    }
    Ok(json!({
        "format": FORMAT,
        "cloud": "tencent",
        "product": service,
        "version": version,
        "style": "tc3-json",
        "source": {"tccli": file},
        "lenient": {"numeric_strings": true},
        "actions": actions,
        "definitions": definitions,
    }))
}

fn object_schema(object: &Value) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for m in object
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = m.get("name").and_then(Value::as_str) else {
            continue;
        };
        let ty = m.get("type").and_then(Value::as_str).unwrap_or("string");
        let member = m.get("member").and_then(Value::as_str).unwrap_or("string");
        let schema = match ty {
            "list" => json!({"type": "array", "items": element(member)}),
            "object" => reference(member),
            other => element(other_or(other, member)),
        };
        properties.insert(name.to_owned(), schema);
        if m.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.to_owned()));
        }
    }
    let mut out =
        json!({"type": "object", "properties": properties, "additionalProperties": false});
    if !required.is_empty()
        && let Value::Object(o) = &mut out
    {
        o.insert("required".into(), Value::Array(required));
    }
    out
}

/// `int` with member `uint64`: the member says more.
fn other_or<'a>(ty: &'a str, member: &'a str) -> &'a str {
    match ty {
        "int" | "float" | "bool" | "string" => ty,
        _ => member,
    }
}

fn element(name: &str) -> Value {
    match name {
        "string" | "date" | "datetime" | "binary" | "timestamp" => json!({"type": "string"}),
        "int" | "int64" | "uint64" | "int32" | "uint32" | "integer" => {
            json!({"type": ["integer", "string"], "pattern": "^-?[0-9]+$"})
        }
        "float" | "double" => {
            json!({"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})
        }
        "bool" | "boolean" => json!({"type": "boolean"}),
        structure => reference(structure),
    }
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/definitions/{name}")})
}
