//! For every seed action: a minimal valid request built from the definition (read as plain
//! JSON, not through the crate) is valid, and each single violation of it — a required
//! parameter dropped, a parameter's type changed, an unknown parameter, an enum / length /
//! range broken, a region outside the list, an unknown action, a wrong version — is reported
//! with the expected code and parameter path. Expected codes: the definition's
//! `parameter_codes` and the clouds' documented codes (specs/README.md, RESPONSES in the
//! crate docs).
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
use common::{minimal, wrong_type};
use serde_json::{Value, json};

fn tc(catalog: &Catalog, action: &str, version: &str, region: &str, body: &Value) -> Verdict {
    tencent::check(
        catalog,
        &TencentCall {
            service: "es",
            action,
            version,
            region: Some(region),
            params: body,
        },
    )
}

/// The single finding's (code, path); fails if there is not exactly one.
fn only(v: &Verdict) -> (String, String) {
    let f = v.findings();
    assert_eq!(f.len(), 1, "{v:?}");
    (f[0].code.clone(), f[0].path.clone())
}

#[test]
fn tencent_single_violations_of_every_action() {
    let catalog = Catalog::builtin().unwrap();
    let spec = &common::specs()[0];
    let mut variants = 0;
    for action in spec["actions"].as_array().unwrap() {
        let name = action["name"].as_str().unwrap();
        let schema = &action["params"]["body"];
        let base = minimal(spec, schema);
        let region = action["regions"][0].as_str().unwrap();
        assert!(
            tc(&catalog, name, "2018-04-16", region, &base).is_valid(),
            "{name}: minimal request"
        );
        let own = |p: &str, default: &str| {
            action["parameter_codes"][p]
                .as_str()
                .unwrap_or(default)
                .to_owned()
        };
        for req in schema["required"].as_array().into_iter().flatten() {
            let p = req.as_str().unwrap();
            let mut body = base.clone();
            body.as_object_mut().unwrap().remove(p);
            assert_eq!(
                only(&tc(&catalog, name, "2018-04-16", region, &body)),
                ("MissingParameter".into(), p.into()),
                "{name}"
            );
            variants += 1;
        }
        for (p, ps) in schema["properties"].as_object().unwrap() {
            let mut body = base.clone();
            body[p] = wrong_type(spec, ps);
            assert_eq!(
                only(&tc(&catalog, name, "2018-04-16", region, &body)),
                (own(p, "InvalidParameter"), p.clone()),
                "{name}.{p}"
            );
            variants += 1;
            if ps.get("enum").is_some() {
                body[p] = json!("cloudsig-not-a-listed-value");
                assert_eq!(
                    only(&tc(&catalog, name, "2018-04-16", region, &body)),
                    (own(p, "InvalidParameterValue"), p.clone()),
                    "{name}.{p}"
                );
                variants += 1;
            }
        }
        let mut body = base.clone();
        body["CloudsigNoSuchParameter"] = json!(1);
        assert_eq!(
            only(&tc(&catalog, name, "2018-04-16", region, &body)),
            ("UnknownParameter".into(), "CloudsigNoSuchParameter".into())
        );
        assert_eq!(
            only(&tc(&catalog, name, "2018-04-16", "ap-nowhere", &base)),
            ("UnsupportedRegion".into(), "Region".into())
        );
        assert_eq!(
            only(&tc(&catalog, name, "2017-01-01", region, &base)),
            ("NoSuchVersion".into(), String::new())
        );
        assert_eq!(
            only(&tc(
                &catalog,
                &format!("{name}X"),
                "2018-04-16",
                region,
                &base
            )),
            ("InvalidAction".into(), String::new())
        );
        variants += 4;
    }
    assert!(variants > 200, "{variants} variants");
}

#[test]
fn tencent_nested_paths_name_the_array_element() {
    let catalog = Catalog::builtin().unwrap();
    let spec = &common::specs()[0];
    let action = spec["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "UpdateInstance")
        .unwrap();
    let mut body = minimal(spec, &action["params"]["body"]);
    let node = minimal(spec, &json!({"$ref": "#/definitions/NodeInfo"}));
    let mut bad = node.clone();
    bad["DiskSize"] = json!("forty");
    body["NodeInfoList"] = json!([node, bad]);
    let v = tc(
        &catalog,
        "UpdateInstance",
        "2018-04-16",
        "ap-guangzhou",
        &body,
    );
    assert_eq!(
        only(&v),
        ("InvalidParameter".into(), "NodeInfoList[1].DiskSize".into())
    );
    body["NodeInfoList"][1] = json!({"NodeType": "ES.S1.SMALL2", "Type": "coldData"});
    let v = tc(
        &catalog,
        "UpdateInstance",
        "2018-04-16",
        "ap-guangzhou",
        &body,
    );
    let got: Vec<_> = v
        .findings()
        .iter()
        .map(|f| (f.code.as_str(), f.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("MissingParameter", "NodeInfoList[1].NodeNum"),
            ("InvalidParameterValue", "NodeInfoList[1].Type")
        ]
    );
}

#[test]
fn tencent_findings_never_echo_a_value() {
    let catalog = Catalog::builtin().unwrap();
    let body = json!({"InstanceId": "es-1", "Password": {"secret": "hunter2-very-secret"}});
    let v = tc(
        &catalog,
        "UpdateInstance",
        "2018-04-16",
        "ap-guangzhou",
        &body,
    );
    assert!(!v.is_valid());
    for f in v.findings() {
        assert!(!f.to_string().contains("hunter2"), "{f}");
    }
}

fn kafka(catalog: &Catalog, body: &Value) -> Verdict {
    huawei::check(
        catalog,
        &RestCall {
            host: "dms.cn-north-4.myhuaweicloud.com",
            method: "POST",
            path: "/v2/kafka/p1/instances",
            body: Some(body),
        },
    )
}

fn ecs(catalog: &Catalog, body: &Value) -> Verdict {
    huawei::check(
        catalog,
        &RestCall {
            host: "ecs.cn-north-4.myhuaweicloud.com",
            method: "POST",
            path: "/v2.1/p1/servers",
            body: Some(body),
        },
    )
}

#[test]
fn huawei_single_violations() {
    let catalog = Catalog::builtin().unwrap();
    let specs = common::specs();
    for (spec, check, code) in [
        (
            &specs[2],
            kafka as fn(&Catalog, &Value) -> Verdict,
            "DMS.00400062",
        ),
        (
            &specs[3],
            ecs as fn(&Catalog, &Value) -> Verdict,
            "badRequest",
        ),
    ] {
        let schema = &spec["actions"][0]["params"]["body"];
        let base = minimal(spec, schema);
        assert!(
            check(&catalog, &base).is_valid(),
            "{}: {:?}",
            spec["product"],
            check(&catalog, &base)
        );
        for req in schema["required"].as_array().into_iter().flatten() {
            let p = req.as_str().unwrap();
            let mut body = base.clone();
            body.as_object_mut().unwrap().remove(p);
            assert_eq!(only(&check(&catalog, &body)), (code.into(), p.into()));
        }
        for (p, ps) in schema["properties"].as_object().unwrap() {
            let mut body = base.clone();
            body[p] = wrong_type(spec, ps);
            assert_eq!(
                only(&check(&catalog, &body)),
                (code.into(), p.clone()),
                "{p}"
            );
        }
        let mut body = base.clone();
        body["cloudsig_unknown"] = json!(1);
        assert_eq!(
            only(&check(&catalog, &body)),
            (code.into(), "cloudsig_unknown".into())
        );
    }
    // the example: a Kafka name of 2 characters
    let mut body = minimal(&specs[2], &specs[2]["actions"][0]["params"]["body"]);
    body["name"] = json!("ab");
    let v = kafka(&catalog, &body);
    assert_eq!(only(&v), ("DMS.00400062".into(), "name".into()));
    assert_eq!(v.findings()[0].rule, "at least 4 characters");
    body["name"] = json!("1abc");
    assert_eq!(only(&kafka(&catalog, &body)).1, "name");
    body["name"] = json!("abcd");
    body["storage_space"] = json!(299);
    assert_eq!(only(&kafka(&catalog, &body)).1, "storage_space");
    // nested ECS path and the Nova message
    let mut body = minimal(&specs[3], &specs[3]["actions"][0]["params"]["body"]);
    body["server"]["networks"] = json!([{"uuid": "u"}, {"port": 5}]);
    let v = ecs(&catalog, &body);
    assert_eq!(
        only(&v),
        ("badRequest".into(), "server.networks[1].port".into())
    );
    assert_eq!(v.findings()[0].http_status, Some(400));
    // an unknown path on a covered product
    let v = huawei::check(
        &catalog,
        &RestCall {
            host: "ecs.x",
            method: "DELETE",
            path: "/v2.1/p1/servers",
            body: None,
        },
    );
    assert_eq!(only(&v), ("APIG.0101".into(), String::new()));
}

#[test]
fn alibaba_single_violations() {
    let catalog = Catalog::builtin().unwrap();
    let path = "/openapi/instances/es-cn-1/actions/upgrade-version";
    let call = |method: &'static str,
                path: &'static str,
                query: &'static [(String, String)],
                body: Option<&'static Value>| {
        alibaba::check(
            &catalog,
            &RoaCall {
                host: "elasticsearch.cn-hangzhou.aliyuncs.com",
                method,
                path,
                query,
                body,
            },
        )
    };
    let ok: &'static Value =
        Box::leak(Box::new(json!({"version": "6.7", "type": "engineVersion"})));
    assert!(call("POST", path, &[], Some(ok)).is_valid());
    let bad_enum: &'static Value = Box::leak(Box::new(json!({"type": "minorVersion"})));
    assert_eq!(
        only(&call("POST", path, &[], Some(bad_enum))),
        ("InvalidParameter".into(), "type".into())
    );
    let bad_type: &'static Value = Box::leak(Box::new(json!({"version": 6.7})));
    assert_eq!(
        only(&call("POST", path, &[], Some(bad_type))),
        ("InvalidParameter".into(), "version".into())
    );
    let q: &'static [(String, String)] =
        Box::leak(Box::new([("dryRun".to_owned(), "maybe".to_owned())]));
    assert_eq!(
        only(&call("POST", path, q, Some(ok))),
        ("InvalidParameter".into(), "dryRun".into())
    );
    let q: &'static [(String, String)] =
        Box::leak(Box::new([("dryRun".to_owned(), "true".to_owned())]));
    assert!(call("POST", path, q, Some(ok)).is_valid());
    let q: &'static [(String, String)] =
        Box::leak(Box::new([("clientToken".to_owned(), "t".repeat(65))]));
    assert_eq!(
        only(&call("POST", path, q, Some(ok))),
        ("InvalidParameter".into(), "clientToken".into())
    );
    let unknown: &'static Value = Box::leak(Box::new(json!({"versionX": "6.7"})));
    assert_eq!(
        only(&call("POST", path, &[], Some(unknown))),
        ("UnknownParameter".into(), "versionX".into())
    );
    let v = call("GET", path, &[], None);
    assert_eq!(only(&v), ("InvalidAction.NotFound".into(), String::new()));
    assert_eq!(v.findings()[0].http_status, Some(404));
}
