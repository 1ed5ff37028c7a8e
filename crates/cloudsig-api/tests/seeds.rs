//! The seed documents' own examples are valid at the API level (except the contradictions the
//! definitions list), and each example-contradiction is reported.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use cloudsig_api::alibaba::{self, RoaCall};
use cloudsig_api::huawei::{self, RestCall};
use cloudsig_api::tencent::{self, TencentCall};
use cloudsig_api::{Catalog, Verdict};
use serde_json::Value;

fn verdict_for(catalog: &Catalog, spec: &Value, action: &Value, ex: &Value) -> Option<Verdict> {
    let name = action["name"].as_str().unwrap();
    match spec["cloud"].as_str().unwrap() {
        "tencent" => {
            let body = ex.get("body").filter(|b| !b.is_null())?;
            Some(tencent::check(
                catalog,
                &TencentCall {
                    service: "es",
                    action: name,
                    version: "2018-04-16",
                    region: Some("ap-guangzhou"),
                    params: body,
                },
            ))
        }
        "alibaba" => Some(alibaba::check(
            catalog,
            &RoaCall {
                host: "elasticsearch.cn-hangzhou.aliyuncs.com",
                method: ex["method"].as_str().unwrap(),
                path: ex["path"].as_str().unwrap(),
                query: &[],
                body: ex.get("body"),
            },
        )),
        _ => {
            let host = if spec["product"] == "kafka" {
                "dms.cn-north-4.myhuaweicloud.com"
            } else {
                "ecs.cn-north-4.myhuaweicloud.com"
            };
            Some(huawei::check(
                catalog,
                &RestCall {
                    host,
                    method: ex["method"].as_str().unwrap(),
                    path: ex["path"].as_str().unwrap(),
                    body: ex.get("body"),
                },
            ))
        }
    }
}

#[test]
fn every_seed_input_example_is_valid_unless_listed_as_a_contradiction() {
    let catalog = Catalog::builtin().unwrap();
    let mut checked = 0;
    let mut contradictions = 0;
    let mut failures = Vec::new();
    for spec in common::specs() {
        for action in spec["actions"].as_array().unwrap() {
            for ex in action["examples"].as_array().unwrap() {
                let Some(v) = verdict_for(&catalog, &spec, action, ex) else {
                    continue;
                };
                checked += 1;
                if let Some(why) = ex.get("contradiction") {
                    contradictions += 1;
                    assert!(
                        !v.is_valid(),
                        "{} {}: listed contradiction ({why}) but valid",
                        spec["product"],
                        action["name"]
                    );
                } else {
                    if !v.is_valid() {
                        failures.push(format!(
                            "{} {}: {:?}",
                            spec["product"],
                            action["name"],
                            v.findings()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // 15 Tencent JSON-body examples (the GET ones are not checked), 2 Alibaba, 1 Kafka,
    // 5 ECS request examples: counted by hand in the seed texts
    assert_eq!(checked, 23, "examples checked");
    assert!(contradictions >= 1);
}

#[test]
fn kafka_example_engine_version_is_reported_with_the_dms_code() {
    let catalog = Catalog::builtin().unwrap();
    let spec = &common::specs()[2];
    let action = &spec["actions"][0];
    let v = verdict_for(&catalog, spec, action, &action["examples"][0]).unwrap();
    let f = v.findings();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].code.as_str(), f[0].http_status, f[0].path.as_str()),
        ("DMS.00400062", Some(400), "engine_version")
    );
}

#[test]
fn numeric_strings_are_accepted_for_tencent_integers_but_not_for_dms() {
    let catalog = Catalog::builtin().unwrap();
    let body = serde_json::json!({"InstanceId": "es-1", "Limit": "10", "Offset": "0"});
    let call = TencentCall {
        service: "es",
        action: "DescribeInstanceOperations",
        version: "2018-04-16",
        region: Some("ap-guangzhou"),
        params: &body,
    };
    let v = tencent::check(&catalog, &call);
    // StartTime / EndTime are required: only those two are reported, not Limit/Offset
    let paths: Vec<_> = v.findings().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["StartTime", "EndTime"]);

    let spec = &common::specs()[2];
    let mut body = spec["actions"][0]["examples"][0]["body"].clone();
    body["engine_version"] = "2.7".into();
    body["broker_num"] = "3".into();
    let v = huawei::check(
        &catalog,
        &RestCall {
            host: "dms.x",
            method: "POST",
            path: "/v2/kafka/p/instances",
            body: Some(&body),
        },
    );
    let f = v.findings();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].code.as_str(), f[0].path.as_str(), f[0].rule.as_str()),
        ("DMS.00400062", "broker_num", "type integer")
    );
}

#[test]
fn uncovered_products_are_not_checked() {
    let catalog = Catalog::builtin().unwrap();
    let body = serde_json::json!({});
    let v = tencent::check(
        &catalog,
        &TencentCall {
            service: "cvm",
            action: "DescribeInstances",
            version: "2017-03-12",
            region: Some("ap-guangzhou"),
            params: &body,
        },
    );
    assert!(matches!(v, Verdict::NotChecked { .. }));
    let v = huawei::check(
        &catalog,
        &RestCall {
            host: "iam.myhuaweicloud.com",
            method: "GET",
            path: "/v3/users",
            body: None,
        },
    );
    assert!(matches!(v, Verdict::NotChecked { .. }));
    let v = alibaba::check(
        &catalog,
        &RoaCall {
            host: "cs.aliyuncs.com",
            method: "GET",
            path: "/clusters",
            query: &[],
            body: None,
        },
    );
    assert!(matches!(v, Verdict::NotChecked { .. }));
}
