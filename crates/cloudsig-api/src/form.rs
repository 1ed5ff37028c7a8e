//! Parameters that travel flattened as text (a Tencent GET query or form body:
//! `NodeInfoList.1.DiskSize=100`, `InstanceIds.0=es-1`): rebuilt into the JSON value the
//! schemas describe, then typed by the schema (`"true"` for a Boolean, `"3"` for an Integer
//! where the definition is strict), so that one checker serves JSON and form requests.
//!
//! Written by hand: the flattening is Tencent's own convention (`A.N.B`, N from 0), which
//! no form-decoding crate models; it is a single pass over the names.

use serde_json::{Map, Value};

/// A name with more segments than this is refused (a bound on the nesting the
/// rebuilt value can have, and so on every recursion below).
pub(crate) const MAX_SEGMENTS: usize = 32;

/// A parameter name that cannot be rebuilt into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormError {
    /// The parameter's path as far as it could be read (`Filters[0].Name`).
    pub path: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

/// Rebuilds `pairs` (decoded names and values, in order) into one JSON object. Names
/// split at `.`; a segment of digits is an array index; an object whose keys are exactly
/// `0..n` becomes an array (any other set of digit keys stays an object, which an array
/// schema then reports as a wrong type). A name given twice keeps its first value (the
/// signature checks report the duplicate).
pub(crate) fn unflatten<'a, I>(pairs: I) -> Result<Value, FormError>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut root = Map::new();
    for (name, value) in pairs {
        let segments: Vec<&str> = name.split('.').collect();
        if segments.len() > MAX_SEGMENTS {
            return Err(FormError {
                path: name.chars().take(64).collect(),
                rule: "at most 32 name segments",
            });
        }
        let Some((last, parents)) = segments.split_last() else {
            continue;
        };
        let mut at = &mut root;
        for (i, seg) in parents.iter().enumerate() {
            let slot = at
                .entry((*seg).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            match slot {
                Value::Object(m) => at = m,
                _ => {
                    return Err(FormError {
                        path: path_of(segments.get(..=i).unwrap_or_default()),
                        rule: "a value or a structure, not both",
                    });
                }
            }
        }
        match at.get(*last) {
            None => {
                at.insert((*last).to_owned(), Value::String(value.to_owned()));
            }
            Some(Value::Object(_)) => {
                return Err(FormError {
                    path: path_of(&segments),
                    rule: "a value or a structure, not both",
                });
            }
            Some(_) => {}
        }
    }
    let mut root = Value::Object(root);
    arrays(&mut root);
    Ok(root)
}

/// `["Filters", "0", "Name"]` → `Filters[0].Name`.
fn path_of(segments: &[&str]) -> String {
    let mut out = String::new();
    for seg in segments {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(seg);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

/// Turns every object whose keys are exactly `0..n` into an array, depth first.
fn arrays(v: &mut Value) {
    let Value::Object(m) = v else { return };
    for child in m.values_mut() {
        arrays(child);
    }
    if m.is_empty() {
        return;
    }
    let n = m.len();
    let dense = (0..n).all(|i| m.contains_key(&i.to_string()));
    if dense {
        let items: Vec<Value> = (0..n).filter_map(|i| m.remove(&i.to_string())).collect();
        *v = Value::Array(items);
    }
}

/// Types text values as the schema says: `"true"`/`"false"` where a Boolean is expected,
/// a number where only a number is (a schema that also allows a string, the lenient
/// Integer, keeps the text: its pattern checks it). `definitions` resolves `$ref`s.
pub(crate) fn coerce(schema: &Value, definitions: &Value, value: &mut Value) {
    coerce_at(schema, definitions, value, 0);
}

fn coerce_at(schema: &Value, definitions: &Value, value: &mut Value, depth: usize) {
    if depth > MAX_SEGMENTS {
        return;
    }
    let schema = resolve(schema, definitions);
    match value {
        Value::Object(m) => {
            let Some(props) = schema.get("properties") else {
                return;
            };
            for (k, v) in m.iter_mut() {
                if let Some(s) = props.get(k) {
                    coerce_at(s, definitions, v, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            let Some(s) = schema.get("items") else { return };
            for v in items {
                coerce_at(s, definitions, v, depth + 1);
            }
        }
        Value::String(s) => match schema.get("type").and_then(Value::as_str) {
            Some("boolean") if s == "true" || s == "false" => *value = Value::Bool(s == "true"),
            Some("integer") => {
                if let Ok(n) = s.parse::<i64>() {
                    *value = Value::from(n);
                }
            }
            Some("number") => {
                if let Some(n) = s
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .and_then(serde_json::Number::from_f64)
                {
                    *value = Value::Number(n);
                }
            }
            _ => {}
        },
        _ => {}
    }
}

fn resolve<'a>(schema: &'a Value, definitions: &'a Value) -> &'a Value {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        Some(name) => definitions.get(name).unwrap_or(schema),
        None => schema,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattened_names_become_nested_values() {
        let v = unflatten([
            ("InstanceId", "es-1"),
            ("NodeInfoList.0.NodeNum", "2"),
            ("NodeInfoList.1.DiskSize", "100"),
            ("NodeInfoList.1.NodeNum", "3"),
            ("TagList.0.TagKey", "k"),
            ("Ids.0", "a"),
            ("Ids.1", "b"),
            ("Sparse.0", "a"),
            ("Sparse.2", "c"),
        ])
        .unwrap();
        assert_eq!(
            v,
            json!({
                "InstanceId": "es-1",
                "NodeInfoList": [{"NodeNum": "2"}, {"DiskSize": "100", "NodeNum": "3"}],
                "TagList": [{"TagKey": "k"}],
                "Ids": ["a", "b"],
                "Sparse": {"0": "a", "2": "c"}
            })
        );
    }

    #[test]
    fn a_value_and_a_structure_at_one_name_is_refused() {
        let e = unflatten([("A", "1"), ("A.0.B", "2")]).unwrap_err();
        assert_eq!(e.path, "A");
        let e = unflatten([("A.0.B", "2"), ("A.0", "1")]).unwrap_err();
        assert_eq!(e.path, "A[0]");
        let deep = "a.".repeat(40) + "b";
        assert!(unflatten([(deep.as_str(), "1")]).is_err());
    }

    #[test]
    fn text_is_typed_by_the_schema() {
        let defs = json!({"N": {"type": "object", "properties": {"On": {"type": "boolean"}}}});
        let schema = json!({"type": "object", "properties": {
            "L": {"type": "array", "items": {"$ref": "#/definitions/N"}},
            "I": {"type": "integer"}, "F": {"type": "number"},
            "Lenient": {"type": ["integer", "string"]}, "S": {"type": "string"}}});
        let mut v = json!({"L": [{"On": "true"}, {"On": "no"}], "I": "7", "F": "1.5",
                           "Lenient": "3", "S": "true"});
        coerce(&schema, &defs, &mut v);
        assert_eq!(
            v,
            json!({"L": [{"On": true}, {"On": "no"}], "I": 7, "F": 1.5, "Lenient": "3", "S": "true"})
        );
    }
}
