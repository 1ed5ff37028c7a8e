//! # cloudsig-verify
//!
//! Verification of captured cloud API requests: capture parsers, scheme detection,
//! signature verification through the same canonical builders as signing, protocol
//! conformance checks with the service's own error codes, and a diagnosis of mismatches.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alibaba;
pub mod authorization;
mod cache;
pub mod capture;
pub mod conformance;
mod diagnose;
mod duplicates;
pub mod escape;
#[cfg(feature = "http")]
pub mod http;
pub mod huawei;
pub mod keys;
mod options;
pub mod params;
pub mod pipeline;
pub mod render;
pub mod report;
mod tencent;
pub use tencent::{auth, codes};
mod verifier;
mod wing;

pub use cache::KeyCache;
pub use options::Options;
pub use report::{Report, Scheme, Verdict};
pub use verifier::{Session, Verifier, unreadable};
