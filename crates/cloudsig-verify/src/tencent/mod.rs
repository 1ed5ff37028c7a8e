//! Tencent Cloud verification: TC3-HMAC-SHA256 and v1 (HmacSHA1/HmacSHA256) requests.

pub mod auth;
pub mod codes;
