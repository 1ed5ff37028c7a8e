//! # cloudsig-verify
//!
//! Verification of captured cloud API requests: capture parsers, scheme detection,
//! signature verification through the same canonical builders as signing, protocol
//! conformance checks with the service's own error codes, and a diagnosis of mismatches.
//!
//! ## Layout
//!
//! Each cloud is a wing of the same shape: `tencent/`, `alibaba/`, `huawei/`, each with
//! `mod.rs` (the wing: its checks), `auth.rs` (its Authorization parser), `codes.rs`
//! (its error codes; Huawei's single code sits in its `mod.rs`) and `diagnose.rs` (its
//! mistake search); Tencent's protocol rules are in `tencent/rules.rs`. No wing imports
//! another's. Below them, what every cloud shares: `options.rs` (the options and the
//! context a wing reads), `wing.rs` (the trait), `authorization.rs` (the `ALG k=v, k=v`
//! grammar), `conformance.rs` (clock skew, the token check, the replay guard),
//! `diagnose/` (the diagnosis budget and the mistakes every cloud can make), `cache.rs`,
//! `keys.rs` (the key ring and key loading; `keys/provider.rs`: the
//! [`keys::KeyProvider`] trait a service's own key store implements), `report.rs`,
//! `capture/`. `verifier.rs` asks the wings in turn.
//!
//! ## Adding a cloud
//!
//! 1. Write `src/<cloud>/{mod, auth, codes, diagnose}.rs`; `mod.rs` defines a unit
//!    struct implementing `wing::Wing` (`check` returns `None` for a request that is
//!    not the cloud's; `finish` applies its request-wide rules). It looks keys up with
//!    `Ctx::credentials` (any [`keys::KeyProvider`]), never a key ring directly.
//! 2. Declare the module in `lib.rs` and add the wing to `WINGS` in `verifier.rs` (the
//!    one registration line).
//! 3. Add its schemes to `report::Scheme`, and its duplicate-header list to
//!    `duplicates.rs`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alibaba;
pub mod api_check;
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
mod names;
mod options;
pub mod params;
pub mod pipeline;
pub mod redact;
pub mod render;
pub mod replay;
pub mod report;
mod tencent;
pub use tencent::{auth, codes};
mod verifier;
mod wing;

pub use cache::KeyCache;
pub use options::Options;
pub use report::{Report, Scheme, Verdict};
pub use verifier::{Session, Verifier, unreadable};
