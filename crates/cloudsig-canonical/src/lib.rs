//! # cloudsig-canonical
//!
//! One scheme-neutral model of an HTTP request ([`Request`]: method, path, the query as
//! sent, the headers in order, the body or its hash or an unsigned payload) and one
//! canonical builder per signature scheme. Every stage is a value that renders itself
//! with `Display` (canonical request, credential scope, string to sign, Authorization),
//! so a signer and a verifier go through exactly the same code, and a diagnosis can
//! print what was computed at each step.
//!
//! - [`tencent`]: Tencent Cloud TC3-HMAC-SHA256 ([`tencent::tc3`]) and v1 HmacSHA1 /
//!   HmacSHA256 ([`tencent::v1`]), and the high-level API a service calls.
//! - [`alibaba`]: Alibaba Cloud ACS3 (SHA-256 and SM3), ROA and RPC, and their high-level API.
//! - [`huawei`]: Huawei Cloud SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256.
//! - Shared by every cloud, below them: [`credentials`] (credentials, clocks, nonce
//!   sources), [`headers`] (signed-header lists, the token-character test, trimming),
//!   [`encode`] (RFC 3986 percent-encoding and the one percent/form decoder), [`Request`],
//!   and [`Error`] with its [`ErrorKind`]; and, private, `sigv4` (the SigV4 family's one
//!   canonical request text, written into a hasher or a formatter, which TC3, ACS3 and
//!   SDK-HMAC/V11 fill with their own rules).
//! - `http` (feature `http`, default): sign an `http::Request` in place for every scheme.
//!
//! No cloud's module imports another cloud's; [`tc3`] and [`v1`] are kept at the crate root
//! as re-exports of their old paths.
//!
//! ## Adding a cloud
//!
//! A cloud is a folder beside `tencent/`, `alibaba/` and `huawei/`:
//!
//! - `src/<cloud>/mod.rs`: the module docs and re-exports; declare it in `src/lib.rs`.
//! - `src/<cloud>/<scheme>.rs`: per scheme, its canonical-request value (borrowed parts of
//!   a [`Request`] and the scheme's choices: URI and query form, how signed header values
//!   are cased, duplicate headers); for a SigV4-family scheme its `Display` and its hash
//!   both come from `sigv4::Lines` (so the text printed for a diagnosis is the text that
//!   was hashed, streamed without allocating); its string to sign, `Authorization` and
//!   `Settings` (small `#[non_exhaustive]` enums).
//! - `src/<cloud>/api.rs`: the high-level call (`Call` → headers or parameters), taking
//!   [`Credentials`], a [`Clock`] and, for nonces, [`credentials::SystemNonce`].
//! - Its key derivation and final HMAC go into `cloudsig-core` (`src/<cloud>.rs`); its
//!   vectors into `vectors/<cloud>/` with a `tools/recompute_<cloud>.py` oracle and a
//!   `tests/<cloud>_vectors.rs`.
//!
//! A scheme reads a [`Request`] and never changes it, never parses wire formats and never
//! reads a clock: captured requests become a [`Request`] in `cloudsig-verify`, and time
//! comes in as a number.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod alibaba;
pub mod credentials;
pub mod encode;
mod error;
#[cfg(test)]
mod fast_path_tests;
pub mod headers;
pub mod hex;
mod hot_path;
#[cfg(feature = "http")]
pub mod http;
pub mod huawei;
mod lookup;
mod one_pass;
mod request;
mod scan;
mod sigv4;
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
