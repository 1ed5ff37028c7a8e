//! The error codes Alibaba Cloud's OpenAPI gateway (POP) returns for authentication
//! failures, as the verifier reports them.
//!
//! `SignatureDoesNotMatch`, `IncompleteSignature`, `InvalidAccessKeyId.NotFound`,
//! `SignatureNonceUsed`, `InvalidTimeStamp.Expired`, `InvalidTimeStamp.Format`,
//! `MissingParameter`, `InvalidSecurityToken.MismatchWithAccessKey`, `InvalidSignatureMethod`
//! and `ContentMD5NotMatched` are the gateway's common error codes. A body whose hash is not the signed `x-acs-content-sha256` has no
//! code of its own that we could confirm; it is reported as `SignatureDoesNotMatch`
//! (rule `content-sha256`).

/// The signature does not match the server's calculation.
pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
/// The Authorization header or signature parameters are malformed or incomplete.
pub const INCOMPLETE_SIGNATURE: &str = "IncompleteSignature";
/// The AccessKeyId is unknown.
pub const ACCESS_KEY_NOT_FOUND: &str = "InvalidAccessKeyId.NotFound";
/// The signature nonce was already used.
pub const SIGNATURE_NONCE_USED: &str = "SignatureNonceUsed";
/// The timestamp or date is more than 15 minutes from the server's clock.
pub const TIMESTAMP_EXPIRED: &str = "InvalidTimeStamp.Expired";
/// The timestamp or date is not in the required format.
pub const TIMESTAMP_FORMAT: &str = "InvalidTimeStamp.Format";
/// A required parameter or header is missing.
pub const MISSING_PARAMETER: &str = "MissingParameter";
/// The STS security token is missing or is not the one of this AccessKeyId.
pub const TOKEN_MISMATCH: &str = "InvalidSecurityToken.MismatchWithAccessKey";

/// The SignatureMethod is not one the gateway supports (RPC: only HMAC-SHA1 here).
pub const INVALID_SIGNATURE_METHOD: &str = "InvalidSignatureMethod";
/// The body's MD5 is not the `Content-MD5` header (ROA requests that send one).
pub const CONTENT_MD5_NOT_MATCHED: &str = "ContentMD5NotMatched";

/// Alibaba Cloud refuses a timestamp further than this from its clock (seconds).
pub const WINDOW: i64 = 15 * 60;
