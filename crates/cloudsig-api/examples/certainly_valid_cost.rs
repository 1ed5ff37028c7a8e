//! The cost of `tencent::json_certainly_valid` per request, for callgrind: the bodies of
//! `make-jsonl N … es` (five seed ES actions in turn, benches/src/bin/make-jsonl.rs), built
//! first, then each checked once. Run it checking and not (`none`: the same bodies built,
//! nothing checked) and divide the difference in instructions by N: what is left is the
//! check alone (the catalog's load and the bodies' making are in both runs).
//!
//! ```text
//! cargo build --release -p cloudsig-api --example certainly_valid_cost
//! valgrind --tool=callgrind target/release/examples/certainly_valid_cost 20000 fast
//! valgrind --tool=callgrind target/release/examples/certainly_valid_cost 20000 none
//! ```
//!
//! `check` instead of `fast` runs the whole `tencent::check_json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use cloudsig_api::Catalog;
use cloudsig_api::tencent::{self, TencentJsonCall};

/// Request `i`'s action and body, as make-jsonl writes them.
fn es_request(i: usize) -> (&'static str, String) {
    match i % 5 {
        0 => (
            "DescribeInstances",
            format!(
                r#"{{"Zone": "ap-guangzhou-3", "Limit": {}, "Offset": {i}, "InstanceIds": ["es-{:08x}"]}}"#,
                i % 100 + 1,
                i
            ),
        ),
        1 => (
            "RestartNodes",
            format!(
                r#"{{"InstanceId": "es-{i:08x}", "NodeNames": ["1592298977000{:06}"]}}"#,
                i % 1_000_000
            ),
        ),
        2 => (
            "UpdateInstance",
            format!(
                r#"{{"InstanceId": "es-{i:08x}", "InstanceName": "name-{}"}}"#,
                i % 997
            ),
        ),
        3 => (
            "CreateInstance",
            format!(
                r#"{{"EsVersion": "6.4.3", "VpcId": "vpc-{i:06x}", "NodeInfoList": [{{"NodeType": "ES.S1.SMALL2", "NodeNum": 3, "Type": "dedicatedMaster"}}, {{"DiskSize": {}, "NodeType": "ES.S1.SMALL2", "NodeNum": 2, "Type": "hotData", "DiskType": "CLOUD_SSD"}}], "Zone": "ap-guangzhou-3", "ChargeType": "POSTPAID_BY_HOUR", "SubnetId": "subnet-{i:06x}", "Password": "Passw0rd{}", "InstanceName": "es-test"}}"#,
                100 + i % 50,
                i % 10
            ),
        ),
        _ => (
            "UpgradeLicense",
            format!(r#"{{"InstanceId": "es-{i:08x}", "LicenseType": "platinum"}}"#),
        ),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let mode = args.next().unwrap_or_else(|| "fast".to_owned());
    let catalog = Catalog::builtin()?;
    let warm = 5;
    let requests: Vec<_> = (0..warm + n).map(es_request).collect();
    let mut valid = 0usize;
    for (i, (action, body)) in requests.iter().enumerate() {
        let call = TencentJsonCall {
            service: "es",
            action,
            version: "2018-04-16",
            region: Some(if (i % 16).is_multiple_of(2) {
                "ap-guangzhou"
            } else {
                "ap-shanghai"
            }),
            body: body.as_bytes(),
        };
        // the first `warm` are checked in every mode: they compile the five actions' schemas
        let ok = match mode.as_str() {
            _ if i < warm => tencent::json_certainly_valid(&catalog, &call),
            "check" => tencent::check_json(&catalog, &call).is_valid(),
            "none" => std::hint::black_box(&call).body.len() > 1,
            _ => tencent::json_certainly_valid(&catalog, &call),
        };
        valid += usize::from(std::hint::black_box(ok));
    }
    println!("{valid} of {} valid", warm + n);
    Ok(())
}
