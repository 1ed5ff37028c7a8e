//! Property test: requests generated from the definitions (definition → proptest strategy,
//! written here independently of the crate's loader) are all valid.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use cloudsig_api::Catalog;
use cloudsig_api::huawei::{self, RestCall};
use cloudsig_api::tencent::{self, TencentCall};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn strategy(spec: &Value, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let schema = common::resolve(spec, schema).clone();
    if let Some(options) = schema["enum"].as_array() {
        return proptest::sample::select(options.clone()).boxed();
    }
    let types: Vec<String> = match &schema["type"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => vec![],
    };
    let lenient = types.len() > 1;
    match types.first().map(String::as_str).unwrap_or("") {
        "object" if depth < 4 => {
            let required: Vec<String> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect();
            let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
            for (name, ps) in schema["properties"].as_object().into_iter().flatten() {
                let name = name.clone();
                let s = strategy(spec, ps, depth + 1);
                if required.contains(&name) {
                    fields.push(s.prop_map(move |v| Some((name.clone(), v))).boxed());
                } else {
                    fields
                        .push(proptest::option::of(s.prop_map(move |v| (name.clone(), v))).boxed());
                }
            }
            fields
                .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect::<Map<_, _>>()))
                .boxed()
        }
        "object" => Just(Value::Object(Map::new())).boxed(),
        "array" => proptest::collection::vec(strategy(spec, &schema["items"], depth + 1), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        "integer" => {
            let lo = schema["minimum"].as_i64().unwrap_or(0);
            let n = lo..lo + 100_000;
            if lenient {
                prop_oneof![
                    n.clone().prop_map(Value::from),
                    n.prop_map(|i| Value::from(i.to_string()))
                ]
                .boxed()
            } else {
                n.prop_map(Value::from).boxed()
            }
        }
        "number" => (0.0f64..1e6).prop_map(Value::from).boxed(),
        "boolean" => {
            if lenient {
                prop_oneof![
                    any::<bool>().prop_map(Value::from),
                    Just(Value::from("True")),
                    Just(Value::from("false"))
                ]
                .boxed()
            } else {
                any::<bool>().prop_map(Value::from).boxed()
            }
        }
        _ => {
            let min = schema["minLength"].as_u64().unwrap_or(0).max(1);
            let max = schema["maxLength"].as_u64().unwrap_or(40).min(min + 30);
            proptest::string::string_regex(&format!("[a-z][a-z0-9_-]{{{},{}}}", min - 1, max - 1))
                .unwrap()
                .prop_map(Value::from)
                .boxed()
        }
    }
}

fn cases() -> Vec<(usize, String, BoxedStrategy<Value>)> {
    let specs = common::specs();
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        if i == 1 {
            continue; // Alibaba: covered by the violation tests (two operations, flat parameters)
        }
        for action in spec["actions"].as_array().unwrap() {
            out.push((
                i,
                action["name"].as_str().unwrap().to_owned(),
                strategy(spec, &action["params"]["body"], 0),
            ));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn requests_generated_from_the_definitions_are_valid(
        (spec_index, action, body) in proptest::sample::select((0..cases().len()).collect::<Vec<_>>())
            .prop_flat_map(|k| {
                let (i, name, s) = cases().swap_remove(k);
                (Just(i), Just(name), s)
            })
    ) {
        let catalog = Catalog::builtin().unwrap();
        let v = match spec_index {
            0 => tencent::check(&catalog, &TencentCall { service: "es", action: &action, version: "2018-04-16", region: Some("ap-guangzhou"), params: &body }),
            2 => huawei::check(&catalog, &RestCall { host: "dms.x", method: "POST", path: "/v2/kafka/p/instances", body: Some(&body) }),
            _ => huawei::check(&catalog, &RestCall { host: "ecs.x", method: "POST", path: "/v2.1/p/servers", body: Some(&body) }),
        };
        prop_assert!(v.is_valid(), "{} {}: {:?}", action, body, v.findings());
    }
}
