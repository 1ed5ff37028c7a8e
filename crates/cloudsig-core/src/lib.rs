//! # cloudsig-core
//!
//! The allocation-free heart of cloudsig: HMAC/SHA primitives, key derivation and
//! signature encodings for cloud API signatures, usable without `std` or `alloc`.
//!
//! - [`tencent`]: Tencent Cloud's two schemes, also re-exported at the root:
//!   - [`tc3`]: TC3-HMAC-SHA256 key derivation ([`tc3::SigningKey`], cacheable per date and
//!     service) and the hex signature;
//!   - [`v1`]: v1 HmacSHA1 / HmacSHA256, base64.
//! - [`alibaba`]: Alibaba Cloud ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (hex) and the ROA and RPC
//!   HMAC-SHA1 signatures (base64).
//! - [`huawei`]: Huawei Cloud SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256 (HKDF key
//!   derivation), and the `X-Sdk-Date` value.
//! - [`hash`]: the one hash/MAC abstraction over SHA-1, SHA-256 and SM3 ([`hash::Hasher`],
//!   [`hash::Mac`]), SHA-256 on the crate's measured fast path; [`Sha256Hasher`] and
//!   [`HexDigest`]; [`Sha256BlockText`], a short text hashed in one call of the block
//!   function, and [`Sha256Midstate`], SHA-256 resumed after a message's leading blocks
//!   (what a request template compresses once).
//! - [`UtcDateTime`] / [`UtcDate`]: the one date module: UTC dates of Unix timestamps, and
//!   extended and basic ISO 8601 and RFC 1123, parsed and formatted.
//! - [`SecretKey`]: a key that is wiped on drop and never printed; [`constant_time_eq`].
//!
//! Building the canonical request itself needs `alloc` and lives in `cloudsig-canonical`.
//!
//! ## Adding a cloud
//!
//! One module, `src/<cloud>.rs` (with `src/<cloud>/` for a cloud of several schemes, as
//! `tencent`), declared in this file: its algorithm names (an `Algorithm`
//! enum with `name`/`from_name` and the [`hash::Hash`](enum@hash::Hash) it uses), its key derivation and
//! its string-to-sign writer and signer, all built on [`hash::Mac`], [`hash::Hasher`] and
//! the date module, without allocating. Extend `tests/no_alloc.rs` to the new signer.
//!
//! ```
//! use cloudsig_core::{SecretKey, UtcDate, sha256_hex, tc3};
//!
//! let secret = SecretKey::new(b"********************************")?;
//! let date = UtcDate::from_unix(1551113065)?;
//! let key = tc3::SigningKey::derive(&secret, &date, "cvm")?;
//! // The seed's canonical request, hashed (see cloudsig-canonical for building it).
//! let canonical = "POST\n/\n\ncontent-type:application/json; charset=utf-8\n\
//!                  host:cvm.tencentcloudapi.com\n\ncontent-type;host\n\
//!                  99d58dfbc6745f6747f36bfca17dee5e6881dc0428a0a36f96199342bc5b4907";
//! let hashed = sha256_hex(canonical.as_bytes());
//! assert_eq!(hashed.as_str(), "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a");
//! let signature = key.sign_parts(1551113065, &date, "cvm", hashed.as_str());
//! assert_eq!(signature.as_str(), "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2");
//! # Ok::<(), cloudsig_core::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alibaba;
mod block_text;
mod date;
mod error;
pub mod hash;
pub mod huawei;
mod secret;
mod sha256;
pub mod tencent;

pub use tencent::{tc3, v1};

pub use block_text::Sha256BlockText;
pub use date::{MAX_TIMESTAMP, MIN_TIMESTAMP, UtcDate, UtcDateTime};
pub use error::{Error, ErrorKind};
pub use hash::{HexDigest, Sha256Hasher, sha256_hex};
pub use secret::{MAX_SECRET_KEY_LEN, SecretKey, constant_time_eq};
pub use sha256::Sha256Midstate;
