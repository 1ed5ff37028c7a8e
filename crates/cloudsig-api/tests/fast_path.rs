//! Differential property test of the fast path ([`Action::certainly_valid`]): over bodies
//! generated from every built-in action's body schema (valid ones, single and compound
//! violations, escapes and number forms it leaves to the full validation, duplicate and
//! unknown names, mutated bytes) and over arbitrary JSON, it never says "valid" where
//! `jsonschema`'s `is_valid` (a validator built here from the definition files, independently
//! of the crate's loader) says invalid. For the Tencent actions, `tencent::check_json` gives
//! the same verdict as `tencent::check` on the parsed body.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use cloudsig_api::Catalog;
use cloudsig_api::tencent::{self, TencentCall, TencentJsonCall};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

/// Values that stress the fast path's edges (each valid somewhere, invalid elsewhere).
const ODD: &[&str] = &[
    "1.0",
    "-0",
    "0",
    "-1",
    "1e3",
    "1.5",
    "12345678901234567890",
    "123456789012345678",
    "\"12a\"",
    "\"12\"",
    "\"-3\"",
    "\"1.5\"",
    "\"True\"",
    "\"hotData\"",
    "\"hotDat\"",
    "\"a\\u0062\"",
    "\"\"",
    "\"中文\"",
    "null",
    "true",
    "{}",
    "[]",
    "[1]",
    "{\"a\": 1}",
];

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn string_for(schema: &Value) -> BoxedStrategy<String> {
    let lo = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let hi = schema["maxLength"].as_u64().unwrap_or(12) as usize;
    if let Some(p) = schema["pattern"].as_str() {
        let bare = p.trim_start_matches('^').trim_end_matches('$');
        if let Ok(s) = proptest::string::string_regex(bare) {
            return s.prop_map(|s| quoted(&s)).boxed();
        }
    }
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('a', 'z'),
            Just('中'),
            Just('-'),
            Just(' ')
        ],
        lo..=hi.max(lo),
    )
    .prop_map(|cs| quoted(&cs.into_iter().collect::<String>()))
    .boxed()
}

/// JSON text for `schema`: mostly a value it accepts, sometimes an odd one.
fn text_for(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<String> {
    let good = valid_text(spec, schema, depth);
    prop_oneof![
        12 => good,
        1 => proptest::sample::select(ODD).prop_map(str::to_owned),
    ]
    .boxed()
}

fn valid_text(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<String> {
    let schema = common::resolve(spec, schema).clone();
    if let Some(options) = schema["enum"].as_array() {
        let texts: Vec<String> = options.iter().map(Value::to_string).collect();
        return proptest::sample::select(texts).boxed();
    }
    let types: Vec<String> = match &schema["type"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => vec![],
    };
    let mut choices: Vec<BoxedStrategy<String>> = Vec::new();
    for t in &types {
        choices.push(match t.as_str() {
            "object" if depth < 4 => object_text(spec, &schema, depth),
            "object" => Just("{}".to_owned()).boxed(),
            "array" => {
                let lo = schema["minItems"].as_u64().unwrap_or(0) as usize;
                proptest::collection::vec(text_for(spec, &schema["items"], depth + 1), lo..lo + 3)
                    .prop_map(|items| format!("[{}]", items.join(",")))
                    .boxed()
            }
            "integer" => {
                let lo = schema["minimum"].as_i64().unwrap_or(-5);
                (lo..lo + 1000).prop_map(|n| n.to_string()).boxed()
            }
            "number" => prop_oneof![
                (-5i64..1000).prop_map(|n| n.to_string()),
                (0u32..100).prop_map(|n| format!("{n}.25"))
            ]
            .boxed(),
            "boolean" => proptest::bool::ANY.prop_map(|b| b.to_string()).boxed(),
            "null" => Just("null".to_owned()).boxed(),
            _ => string_for(&schema),
        });
    }
    if choices.is_empty() {
        return proptest::sample::select(ODD)
            .prop_map(str::to_owned)
            .boxed();
    }
    proptest::strategy::Union::new(choices).boxed()
}

/// An object: the required properties and some optional ones, then at times one change of
/// shape (one left out, one sent twice, an unknown one added), with varied spacing.
fn object_text(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<String> {
    let required: Vec<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    let mut fields: Vec<BoxedStrategy<Option<(String, String)>>> = Vec::new();
    for (name, ps) in schema["properties"].as_object().into_iter().flatten() {
        let key = name.clone();
        let s = text_for(spec, ps, depth + 1).prop_map(move |v| (key.clone(), v));
        if required.contains(name) {
            fields.push(s.prop_map(Some).boxed());
        } else {
            fields.push(proptest::option::weighted(0.3, s).boxed());
        }
    }
    (
        fields,
        0u8..12,
        any::<prop::sample::Index>(),
        prop::bool::ANY,
    )
        .prop_map(|(kv, op, at, spaced)| {
            let mut kv: Vec<(String, String)> = kv.into_iter().flatten().collect();
            match op {
                0 if !kv.is_empty() => {
                    kv.remove(at.index(kv.len()));
                }
                1 if !kv.is_empty() => {
                    let i = at.index(kv.len());
                    let (k, _) = kv[i].clone();
                    kv.push((k, "\"second\"".to_owned()));
                }
                2 => kv.push(("Unknown".to_owned(), "1".to_owned())),
                _ => {}
            }
            let sep = if spaced { ", " } else { "," };
            let body: Vec<String> = kv
                .iter()
                .map(|(k, v)| format!("{}:{v}", quoted(k)))
                .collect();
            format!("{{{}}}", body.join(sep))
        })
        .boxed()
}

/// Arbitrary JSON text.
fn arbitrary_json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[A-Za-z0-9\"\\\\\\u{1}é]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[A-Z][a-z]{0,6}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .prop_map(|v| v.to_string())
}

const INSERTED: &[u8] = b"\\\"{}[],:1e-.0 ";

/// Byte changes: none most of the time, else a flip, a cut or an inserted character.
fn mutate(text: String) -> impl Strategy<Value = Vec<u8>> {
    let len = text.len();
    (0u8..8, 0..=len, any::<u8>()).prop_map(move |(op, at, b)| {
        let mut bytes = text.clone().into_bytes();
        match op {
            0 if at < bytes.len() => bytes[at] = b,
            1 => bytes.truncate(at),
            2 => bytes.insert(at, INSERTED[usize::from(b) % INSERTED.len()]),
            _ => {}
        }
        bytes
    })
}

fn parsed(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return json!({});
    }
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

#[test]
fn fast_path_never_says_valid_where_jsonschema_says_invalid() {
    let catalog = Catalog::builtin().unwrap();
    let (mut actions, mut fast_valid, mut certain) = (0, 0, 0);
    for spec in common::specs() {
        let cloud = spec["cloud"].as_str().unwrap().to_owned();
        let product = catalog
            .products
            .iter()
            .find(|p| p.cloud == cloud && p.name == spec["product"] && p.version == spec["version"])
            .unwrap();
        for a in spec["actions"].as_array().unwrap() {
            let Some(body_schema) = a["params"].get("body") else {
                continue;
            };
            actions += 1;
            let mut full = body_schema.clone();
            full["definitions"] = spec["definitions"].clone();
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&full)
                .unwrap();
            let name = a["name"].as_str().unwrap();
            let action = product.action(name).unwrap();
            let strategy = prop_oneof![
                8 => valid_text(&spec, body_schema, 0),
                1 => arbitrary_json(),
            ]
            .prop_flat_map(mutate);
            let valid_here = std::cell::Cell::new(0);
            let certain_here = std::cell::Cell::new(0);
            let mut runner = TestRunner::new(Config {
                cases: 96,
                failure_persistence: None,
                ..Config::default()
            });
            runner
                .run(&strategy, |body| {
                    let fast = action.certainly_valid("body", &body);
                    let value = parsed(&body);
                    if fast {
                        valid_here.set(valid_here.get() + 1);
                        prop_assert!(
                            validator.is_valid(&value),
                            "{cloud}/{name}: fast path says valid, jsonschema does not: {}",
                            String::from_utf8_lossy(&body)
                        );
                    }
                    if cloud == "tencent" {
                        let head = |params| TencentCall {
                            service: "es",
                            action: name,
                            version: "2018-04-16",
                            region: Some("ap-guangzhou"),
                            params,
                        };
                        let json_call = TencentJsonCall {
                            service: "es",
                            action: name,
                            version: "2018-04-16",
                            region: Some("ap-guangzhou"),
                            body: &body,
                        };
                        prop_assert_eq!(
                            tencent::check_json(&catalog, &json_call),
                            tencent::check(&catalog, &head(&value))
                        );
                        // the allocation-free answer says "valid" only where the verdict is
                        // valid, for this head and for heads that break the region, the
                        // version or the action
                        let heads = [
                            json_call,
                            TencentJsonCall { region: None, ..json_call },
                            TencentJsonCall { region: Some("ap-nowhere"), ..json_call },
                            TencentJsonCall { version: "2017-01-01", ..json_call },
                            TencentJsonCall { action: "NoSuchAction", ..json_call },
                        ];
                        for call in heads {
                            if tencent::json_certainly_valid(&catalog, &call) {
                                certain_here.set(certain_here.get() + 1);
                                prop_assert!(
                                    tencent::check_json(&catalog, &call).is_valid(),
                                    "{name}: json_certainly_valid says valid, check_json does not: {:?} {}",
                                    (call.version, call.region, call.action),
                                    String::from_utf8_lossy(&body)
                                );
                            }
                        }
                    }
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
            fast_valid += valid_here.get();
            certain += certain_here.get();
        }
    }
    // the generators reach both answers: the test is not vacuous
    assert!(actions >= 20, "{actions} actions with a body schema");
    assert!(
        fast_valid > actions * 10,
        "{fast_valid} bodies confirmed valid"
    );
    assert!(
        certain > 100,
        "{certain} requests confirmed by json_certainly_valid"
    );
}
