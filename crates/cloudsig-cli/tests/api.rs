//! `cloudsig api`: the products, actions and one action's parameters, as a table and as JSON.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

#[test]
fn lists_products_actions_and_parameters() {
    let out = common::cloudsig().arg("api").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for product in ["es", "elasticsearch", "kafka", "ecs"] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(product)),
            "{text}"
        );
    }

    let out = common::cloudsig()
        .args(["api", "es", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // the seed's API Category lists 21 actions
    assert_eq!(v.as_array().unwrap().len(), 21);

    let out = common::cloudsig()
        .args(["api", "es", "CreateIndex", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = v["parameters"].as_array().unwrap();
    let instance = p.iter().find(|r| r["name"] == "InstanceId").unwrap();
    assert_eq!(instance["required"], true);
    assert_eq!(instance["code"], "InvalidParameter.InvalidInstanceId");
    let password = p.iter().find(|r| r["name"] == "Password").unwrap();
    assert_eq!(password["required"], false);

    let out = common::cloudsig()
        .args(["api", "es", "NoSuchAction"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn check_reports_the_cloud_code_and_exits_invalid() {
    let dir = std::env::temp_dir().join(format!("cloudsig-api-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    std::fs::write(
        &body,
        r#"{"IndexType": "normal", "IndexName": "logs", "IndexMetaJson": "{}"}"#,
    )
    .unwrap();
    let out = common::cloudsig()
        .args([
            "api",
            "es",
            "CreateIndex",
            "--region",
            "ap-guangzhou",
            "--format",
            "json",
            "--check",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "MissingParameter");
    assert_eq!(v["findings"][0]["path"], "InstanceId");
    std::fs::write(&body, r#"{"InstanceId": "es-1", "IndexType": "normal", "IndexName": "logs", "IndexMetaJson": "{}"}"#).unwrap();
    let out = common::cloudsig()
        .args([
            "api",
            "es",
            "CreateIndex",
            "--region",
            "ap-nowhere",
            "--check",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("UnsupportedRegion"));
    let _ = std::fs::remove_dir_all(&dir);
}
