//! # cloudsig-verify
//!
//! Verification of captured cloud API requests: capture parsers, scheme detection,
//! signature verification through the same canonical builders as signing, protocol
//! conformance checks with the service's own error codes, and a diagnosis of mismatches.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alibaba;
pub mod api_check;
pub mod auth;
pub mod capture;
pub mod codes;
pub mod conformance;
mod diagnose;
mod duplicates;
pub mod escape;
#[cfg(feature = "http")]
pub mod http;
pub mod huawei;
pub mod keys;
pub mod params;
pub mod pipeline;
pub mod render;
pub mod report;
mod verifier;

pub use report::{Report, Scheme, Verdict};
pub use verifier::{KeyCache, Options, Session, Verifier, unreadable};
