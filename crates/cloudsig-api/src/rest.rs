//! Shared by the REST-style clouds: path templates and string parameters in path/query.

use serde_json::{Map, Value};

use crate::Action;

/// Matches `/openapi/instances/{InstanceId}/actions/x` against a path; the `{name}` segments'
/// values are returned as strings.
pub(crate) fn match_path(template: &str, path: &str) -> Option<Map<String, Value>> {
    let mut t = template.trim_end_matches('/').split('/');
    let mut p = path.trim_end_matches('/').split('/');
    let mut out = Map::new();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(out),
            (Some(ts), Some(ps)) => {
                if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if ps.is_empty() {
                        return None;
                    }
                    out.insert(name.to_owned(), Value::String(ps.to_owned()));
                } else if ts != ps {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Path and query values travel as strings: turn `"true"`/`"false"` and digit strings into
/// JSON booleans/numbers where the schema says so, so that the schema checks the value.
pub(crate) fn coerce(action: &Action, position: &str, value: &mut Value) {
    let Value::Object(map) = value else { return };
    for (k, v) in map.iter_mut() {
        let Some(ty) = action
            .parameter(position, k)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Value::String(s) = v else { continue };
        match ty {
            "boolean" if s == "true" || s == "false" => *v = Value::Bool(s == "true"),
            "integer" => {
                if let Ok(n) = s.parse::<i64>() {
                    *v = Value::from(n);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::match_path;

    #[test]
    fn templates_match_whole_segments() {
        let m = match_path(
            "/openapi/instances/{InstanceId}/actions/upgrade-version",
            "/openapi/instances/es-1/actions/upgrade-version",
        );
        assert_eq!(
            m.and_then(|m| m.get("InstanceId").cloned()),
            Some(serde_json::json!("es-1"))
        );
        assert!(match_path("/openapi/instances", "/openapi/instances/x").is_none());
        assert!(match_path("/a/{x}/b", "/a//b").is_none());
    }
}
