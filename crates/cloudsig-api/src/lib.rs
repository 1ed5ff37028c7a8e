//! API-level conformance for cloudsig: the seed products' API definitions as data
//! (format `cloudsig-api/1`, see `specs/README.md`), and a checker that names, with the
//! cloud's own code, every way a request's action, version, region or parameters break them.
//!
//! The definitions of the seed products (Tencent Cloud Elasticsearch 2018-04-16, Alibaba Cloud
//! Elasticsearch 2017-06-13, Huawei DMS Kafka v2 and ECS v2.1) are generated from the seed
//! documents by `specs/tools/extract.py` and built into the crate.
//!
//! ```
//! use cloudsig_api::{Catalog, tencent::TencentCall};
//! let catalog = Catalog::builtin()?;
//! let body = serde_json::json!({"InstanceId": "es-xxxxxxxx"});
//! let call = TencentCall { service: "es", action: "RestartKibana", version: "2018-04-16",
//!                          region: Some("ap-guangzhou"), params: &body };
//! let verdict = cloudsig_api::tencent::check(&catalog, &call);
//! assert!(verdict.is_valid());
//! # Ok::<(), cloudsig_api::LoadError>(())
//! ```

pub mod alibaba;
mod definition;
mod fast;
mod finding;
mod form;
pub mod huawei;
mod lookup;
mod rest;
mod schema;
pub mod tccli;
pub mod tencent;

pub use definition::{Action, Catalog, LoadError, Product};
pub use finding::{Finding, Verdict, Violation};
