//! # cloudsig-canonical
//!
//! One scheme-neutral model of an HTTP request ([`Request`]: method, path, the query as
//! sent, the headers in order, the body or its hash or an unsigned payload) and one
//! canonical builder per signature scheme. Every stage is a value that renders itself
//! with `Display` (canonical request, credential scope, string to sign, Authorization),
//! so a signer and a verifier go through exactly the same code, and a diagnosis can
//! print what was computed at each step.
//!
//! - [`tc3`]: Tencent Cloud TC3-HMAC-SHA256.
//! - [`v1`]: Tencent Cloud v1 HmacSHA1 / HmacSHA256.
//! - [`tencent`]: the high-level API a service calls (credentials, call, clock → headers).
//! - [`alibaba`]: Alibaba Cloud ACS3 (SHA-256 and SM3), ROA and RPC, and their high-level API.
//! - [`huawei`]: Huawei Cloud SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256.
//! - [`encode`]: RFC 3986 percent-encoding.
//!
//! ## Adding a scheme
//!
//! A scheme is a module beside [`tc3`] that reads a [`Request`] and never changes it.
//! It defines its own canonical-request value (holding borrowed parts of the request and
//! the per-scheme choices, such as which headers are signed and how their values are
//! cased), implements `Display` for it, and hashes it by writing that `Display` into a
//! [`cloudsig_core::Sha256Hasher`], so the text printed for a diagnosis is by
//! construction the text that was hashed. Alibaba's ACS3-HMAC-SHA256 has TC3's shape
//! with a sorted, RFC 3986 canonical query and `x-acs-*` headers; Huawei's
//! SDK-HMAC-SHA256 adds a canonical URI that always ends with `/`. Both are new builder
//! modules over the same `Request`, with their settings as small `#[non_exhaustive]`
//! enums, and their key derivation and final HMAC as functions in `cloudsig-core`.
//!
//! What a scheme must not do is parse wire formats or read clocks: captured requests are
//! turned into a [`Request`] by `cloudsig-verify`, and time comes in as a number. The
//! verifier then detects the scheme from the request (an Authorization prefix or a
//! signature parameter), calls the same builder with the values the request claims, and
//! compares signatures in constant time; its diagnosis re-runs the builder with one
//! known client mistake applied at a time. A new scheme therefore plugs in with one
//! builder module here, one signing function in the core, and one detection arm and one
//! list of mistakes in the verifier, without any change to [`Request`].
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod alibaba;
pub mod credentials;
pub mod encode;
mod error;
pub mod headers;
pub mod huawei;
mod lookup;
mod request;
mod scan;
pub mod tencent;
mod wire;

#[cfg(feature = "std")]
pub use credentials::SystemClock;
pub use credentials::{Clock, Credentials, FixedClock};
pub use error::{Error, ErrorKind, Stage};
pub use headers::SignedHeaders;
pub use request::{Payload, Request};
/// The TC3 builder at its old path (it lives in [`tencent::tc3`]).
pub use tencent::tc3;
/// The v1 builder at its old path (it lives in [`tencent::v1`]).
pub use tencent::v1;
pub use wire::{HttpRequest, Signed};
