//! Rough cost of one API-level check: every JSON Input Example of the Tencent ES definition,
//! already parsed, checked in a loop (bounded: 200,000 checks). Prints nanoseconds per check.
//! `cargo run --release -p cloudsig-api --example check_speed`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Instant;

use cloudsig_api::Catalog;
use cloudsig_api::tencent::{self, TencentCall};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let catalog = Catalog::builtin()?;
    let product = catalog
        .of_cloud("tencent")
        .next()
        .ok_or("no Tencent product")?;
    let mut calls = Vec::new();
    for action in &product.actions {
        for ex in &action.examples {
            if let Some(body) = ex.get("body").filter(|b| b.is_object()) {
                calls.push((action.name.clone(), body.clone()));
            }
        }
    }
    let total = 200_000;
    let mut findings = 0usize;
    let start = Instant::now();
    for i in 0..total {
        let (action, body) = &calls[i % calls.len()];
        let call = TencentCall {
            service: "es",
            action,
            version: "2018-04-16",
            region: Some("ap-guangzhou"),
            params: body,
        };
        findings += tencent::check(&catalog, &call).findings().len();
    }
    let elapsed = start.elapsed();
    println!(
        "{} checks of {} example bodies: {:.0} ns per check ({} findings)",
        total,
        calls.len(),
        elapsed.as_nanos() as f64 / total as f64,
        findings
    );
    Ok(())
}
