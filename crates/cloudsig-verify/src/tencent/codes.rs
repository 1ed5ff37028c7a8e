//! The error codes Tencent Cloud returns, as the verifier reports them.
//!
//! All but `RequestSizeLimitExceeded` are in the common error code table of the API
//! documentation (`specs/seeds/tencent-es-api-and-signature.txt`, "Common Error Codes"
//! and "Signature Failure"); `RequestSizeLimitExceeded` ("the request packet exceeds the
//! size limit") is in the full common error code list of Tencent Cloud API 3.0.

/// The signature was made more than five minutes from the server's time.
pub const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
/// The SecretId is unknown.
pub const SECRET_ID_NOT_FOUND: &str = "AuthFailure.SecretIdNotFound";
/// The signature does not match the request.
pub const SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";
/// The temporary credentials' token is missing, unexpected or wrong.
pub const TOKEN_FAILURE: &str = "AuthFailure.TokenFailure";
/// The Authorization header is malformed.
pub const INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";
/// A common parameter is missing.
pub const MISSING_PARAMETER: &str = "MissingParameter";
/// A parameter is malformed, or the request breaks a protocol rule that has no code
/// of its own (content type and algorithm pairing).
pub const INVALID_PARAMETER: &str = "InvalidParameter";
/// A parameter value is invalid (a timestamp that is not a number, a reused nonce).
pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
/// Only GET and POST are supported.
pub const UNSUPPORTED_PROTOCOL: &str = "UnsupportedProtocol";
/// The request is larger than the method and algorithm allow.
pub const REQUEST_SIZE_LIMIT_EXCEEDED: &str = "RequestSizeLimitExceeded";
