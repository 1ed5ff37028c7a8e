//! Other serialisations of a JSON body: what a client's JSON library may have written
//! after the body was hashed (compact or Python's `json.dumps` separators, non-ASCII
//! escaped or raw, keys in order or sorted).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, Serializer};

/// Re-serialisations of `body` that differ from it, each with words saying how it is
/// written. Empty when `body` is not JSON.
pub(crate) fn variants(body: &[u8]) -> Vec<(Vec<u8>, String)> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let sorted = sort_keys(&value);
    let mut out: Vec<(Vec<u8>, String)> = Vec::new();
    for (v, order) in [
        (&value, "in the same key order"),
        (&sorted, "with keys sorted"),
    ] {
        for (spaced, sep) in [
            (false, "compactly (`,` and `:`)"),
            (true, "with `, ` and `: ` (Python's json.dumps default)"),
        ] {
            for (ascii, esc) in [
                (false, "non-ASCII as UTF-8"),
                (true, "non-ASCII escaped as \\uXXXX"),
            ] {
                let mut buf = Vec::new();
                let mut ser = Serializer::with_formatter(&mut buf, Style { spaced, ascii });
                if v.serialize(&mut ser).is_ok()
                    && buf != body
                    && !out.iter().any(|(b, _)| *b == buf)
                {
                    out.push((buf, format!("{sep}, {esc}, {order}")));
                }
            }
        }
    }
    out
}

fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// A serde_json formatter for the separators and escaping of common JSON libraries.
struct Style {
    spaced: bool,
    ascii: bool,
}

impl Formatter for Style {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(if self.spaced { b", " } else { b"," })
        }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(if self.spaced { b", " } else { b"," })
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.spaced { b": " } else { b":" })
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !self.ascii || fragment.is_ascii() {
            return w.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if c.is_ascii() {
                w.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_compact_forms() {
        let body = br#"{"b":1,"a":["x","\u672a"]}"#;
        let got: Vec<String> = variants(body)
            .into_iter()
            .map(|(b, _)| String::from_utf8(b).unwrap())
            .collect();
        assert!(
            got.contains(&r#"{"b": 1, "a": ["x", "\u672a"]}"#.to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"{\"b\":1,\"a\":[\"x\",\"未\"]}".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"{\"a\":[\"x\",\"未\"],\"b\":1}".to_string()),
            "{got:?}"
        );
        assert!(!got.contains(&String::from_utf8(body.to_vec()).unwrap()));
        assert!(variants(b"not json").is_empty());
        // Characters outside the BMP become surrogate pairs, as Python writes them.
        let emoji = variants("{\"a\":\"😀\"}".as_bytes());
        assert!(emoji.iter().any(|(b, _)| b == br#"{"a": "\ud83d\ude00"}"#));
    }
}
