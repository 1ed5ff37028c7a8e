//! Huawei Cloud AK/SK signing: SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256.
//!
//! - [`sdk_hmac`]: the canonical builder and every stage as a `Display` value
//!   ([`CanonicalRequest`], [`StringToSign`], [`Authorization`]), with the client
//!   mistakes the verifier's diagnosis applies as [`Settings`].
//! - [`api`]: the high-level API a service calls ([`Credentials`], [`Call`], a clock →
//!   a [`SignedRequest`] rendered as curl or raw HTTP).
//!
//! The signer signs the headers it adds (`Host`, `Content-Type`, `X-Sdk-Date`,
//! `X-Project-Id`, `X-Security-Token`, `X-Sdk-Content-Sha256`; lower-cased names,
//! sorted) unless told to leave one unsigned ([`Call::unsigned_header`]), as the Java and
//! Python SDKs send `Content-Type` unsigned.

pub mod api;
pub mod sdk_hmac;

pub use api::{Call, Credentials, SignedRequest, Stages, sign_request};
pub use sdk_hmac::{
    Authorization, CanonicalRequest, DATE_HEADER, HeaderValues, QueryForm, RequestTemplate,
    Settings, Signed, SignedHeaders, StringToSign, UriForm, canonical_query, canonical_uri,
    payload_hash, sign, sign_with_key,
};
