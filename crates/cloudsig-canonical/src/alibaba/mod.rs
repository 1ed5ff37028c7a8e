//! Alibaba Cloud: ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (signature V3), ROA and RPC
//! HMAC-SHA1 (signature V2), each stage a value that renders itself with `Display`, and
//! the high-level API ([`sign_acs3`], [`sign_roa`], [`sign_rpc`]).
//!
//! - [`acs3`]: canonical request, string to sign, `Authorization: ACS3-HMAC-SHA256 …`.
//! - [`roa`]: the V2 string to sign and `Authorization: acs AK:signature`.
//! - [`rpc`]: the canonicalized query and `METHOD&%2F&…` string to sign.
//! - [`query`], [`time`]: parameter decoding and encodings; `x-acs-date` and `Date`.
//!
//! Credentials and clocks are the crate's shared ones ([`crate::credentials`]:
//! [`Credentials`] holds an AccessKeyId, its secret and an STS token).

pub mod acs3;
mod api;
pub mod query;
pub mod roa;
pub mod rpc;
pub mod time;

#[cfg(feature = "std")]
pub use crate::credentials::SystemClock;
pub use crate::credentials::{Clock, Credentials, FixedClock};
pub use api::{
    Acs3Call, Body, FORM, JSON, RoaCall, RpcCall, SignedRequest, Stages, sign_acs3, sign_roa,
    sign_rpc,
};
