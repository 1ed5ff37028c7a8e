//! Helpers shared by the integration tests: the definitions read as plain JSON (independently
//! of the crate's loader), and a minimal valid value built from a schema.
#![allow(dead_code, clippy::indexing_slicing)]

use serde_json::{Map, Value, json};

/// The four definition files, parsed.
pub fn specs() -> Vec<Value> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/");
    [
        "tencent/es-2018-04-16.json",
        "alibaba/elasticsearch-2017-06-13.json",
        "huawei/kafka-v2.json",
        "huawei/ecs-v2.1.json",
    ]
    .iter()
    .map(|f| {
        let text = std::fs::read_to_string(format!("{root}{f}")).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    })
    .collect()
}

/// Resolves `{"$ref": "#/definitions/X"}` against the spec.
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &spec["definitions"][r.trim_start_matches("#/definitions/")],
        None => schema,
    }
}

/// The first documented type of a schema (`integer` for `["integer", "string"]`).
pub fn first_type(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(s) => s,
        Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or(""),
        _ => "",
    }
}

/// A minimal value that satisfies the schema: required properties only, first enum value,
/// the shortest allowed string of letters, the lowest allowed number.
pub fn minimal(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    if let Some(e) = schema["enum"].as_array().and_then(|a| a.first()) {
        return e.clone();
    }
    match first_type(schema) {
        "object" => {
            let mut m = Map::new();
            for r in schema["required"].as_array().into_iter().flatten() {
                let name = r.as_str().unwrap_or_default();
                m.insert(name.to_owned(), minimal(spec, &schema["properties"][name]));
            }
            Value::Object(m)
        }
        "array" => json!([]),
        "integer" | "number" => json!(schema["minimum"].as_i64().unwrap_or(1)),
        "boolean" => json!(true),
        _ => {
            let n = schema["minLength"].as_u64().unwrap_or(1).max(1) as usize;
            Value::String(
                "x".repeat(
                    n.max(4)
                        .min(schema["maxLength"].as_u64().unwrap_or(64) as usize),
                ),
            )
        }
    }
}

/// A value of a different JSON type than the schema's (never accepted by it).
pub fn wrong_type(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    match first_type(schema) {
        "object" | "array" | "integer" | "number" => json!(false),
        "boolean" => json!({"a": 1}),
        _ => json!(12),
    }
}
