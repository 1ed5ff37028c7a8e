//! Tencent Cloud: TC3-HMAC-SHA256 (API 3.0) and the v1 HmacSHA1 / HmacSHA256 signatures,
//! each stage a value that renders itself with `Display`, and the high-level API
//! ([`sign_tc3`], [`sign_v1`]).
//!
//! - [`tc3`]: canonical request, credential scope, string to sign, Authorization.
//! - [`v1`]: the flattened, sorted parameters and the `GETHOST/PATH?…` string to sign.
//! - `api`: credentials, a call and a clock → a [`SignedRequest`].
//!
//! Credentials, clocks and signed-header lists are the crate's shared ones
//! ([`crate::credentials`], [`crate::headers`]), re-exported here under their old paths.

mod api;
pub mod tc3;
pub mod v1;

#[cfg(feature = "std")]
pub use crate::credentials::SystemClock;
pub use crate::credentials::{Clock, Credentials, FixedClock, validate_secret_id};
pub use api::{
    DEFAULT_DOMAIN, SignedRequest, Stages, Tc3Call, V1Call, sign_tc3, sign_v1, v1_requires_version,
};
