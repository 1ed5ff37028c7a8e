//! Tencent Cloud's signatures: TC3-HMAC-SHA256 ([`tc3`]) and the v1 HmacSHA1 /
//! HmacSHA256 signature ([`v1`]).
//!
//! Both are re-exported at the crate root as `cloudsig_core::tc3` and
//! `cloudsig_core::v1`, the paths they had before the clouds became modules of
//! the same shape.

pub mod tc3;
pub mod v1;
