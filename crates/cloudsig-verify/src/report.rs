//! What the verifier says about one request.

use std::fmt;

use crate::capture::Location;
use crate::escape::Escaped;

/// The authorization form a request uses.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `Authorization: TC3-HMAC-SHA256 …`.
    Tc3,
    /// A v1 `Signature` parameter with HmacSHA1.
    V1HmacSha1,
    /// A v1 `Signature` parameter with HmacSHA256.
    V1HmacSha256,
    /// `Authorization: SKIP`: sent unsigned on purpose.
    Skip,
    /// Alibaba Cloud `Authorization: ACS3-HMAC-SHA256 …`.
    Acs3HmacSha256,
    /// Alibaba Cloud `Authorization: ACS3-HMAC-SM3 …`.
    Acs3HmacSm3,
    /// Alibaba Cloud ROA V2: `Authorization: acs AccessKeyId:Signature`.
    RoaHmacSha1,
    /// Alibaba Cloud RPC: a `Signature` parameter with `SignatureMethod=HMAC-SHA1`.
    RpcHmacSha1,
    /// Huawei Cloud `Authorization: SDK-HMAC-SHA256 …`.
    HuaweiSdkHmacSha256,
    /// Huawei Cloud `Authorization: SDK-HMAC-SM3 …`.
    HuaweiSdkHmacSm3,
    /// Huawei Cloud `Authorization: V11-HMAC-SHA256 …`.
    HuaweiV11HmacSha256,
    /// No signature found, or an Authorization of an unknown algorithm.
    Unknown,
}

impl Scheme {
    /// The name used in reports.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Tc3 => "TC3-HMAC-SHA256",
            Self::V1HmacSha1 => "HmacSHA1",
            Self::V1HmacSha256 => "HmacSHA256",
            Self::Skip => "SKIP",
            Self::Acs3HmacSha256 => "ACS3-HMAC-SHA256",
            Self::Acs3HmacSm3 => "ACS3-HMAC-SM3",
            Self::RoaHmacSha1 => "ROA-HMAC-SHA1",
            Self::RpcHmacSha1 => "RPC-HMAC-SHA1",
            Self::HuaweiSdkHmacSha256 => "SDK-HMAC-SHA256",
            Self::HuaweiSdkHmacSm3 => "SDK-HMAC-SM3",
            Self::HuaweiV11HmacSha256 => "V11-HMAC-SHA256",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The verdict on a request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The signature matches and every protocol rule holds.
    Valid,
    /// Sent with `Authorization: SKIP`: nothing to verify.
    Unsigned,
    /// The service would refuse it; the report's code and reason say why.
    Invalid,
    /// The capture could not be read as a request.
    Unreadable,
}

impl Verdict {
    /// The word used in reports.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Unsigned => "unsigned",
            Self::Invalid => "invalid",
            Self::Unreadable => "unreadable",
        }
    }
}

/// One broken rule: the service's error code and the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The error code the service would return.
    pub code: &'static str,
    /// A short stable name of the rule, such as `timestamp-window`.
    pub rule: &'static str,
    /// What is wrong, in words; never a secret.
    pub message: String,
}

/// The stages the verifier computed, for a person to compare with the client's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Computed {
    /// The canonical request (TC3).
    pub canonical_request: Option<String>,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signature the verifier expects: the answer to a forged request, shown only
    /// on request (see [`ExpectedSignature`]).
    pub expected_signature: ExpectedSignature,
    /// The signature the request carries.
    pub received_signature: String,
}

/// The signature the verifier computed with the claimed key: the one signature that
/// would make the request verify.
///
/// For a request someone else sent, this is what a forger wants: pasted into a forged
/// request, it makes that request verify. So it has no `Display`, its `Debug` hides it,
/// and the renderers print it only when asked with
/// [`Reveal::ExpectedSignature`](crate::render::Reveal::ExpectedSignature); a server
/// answering with a report must never reveal it.
///
/// ```
/// use cloudsig_verify::report::ExpectedSignature;
/// let s = ExpectedSignature::new("937307b5".into());
/// assert_eq!(format!("{s:?}"), "ExpectedSignature(<hidden>)");
/// assert_eq!(s.reveal(), "937307b5");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ExpectedSignature(String);

impl ExpectedSignature {
    /// Wraps a computed signature.
    pub fn new(signature: String) -> Self {
        Self(signature)
    }

    /// The signature that would make the request verify. Only for requests you signed
    /// yourself; never print it for another's request, nor into logs or tickets.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ExpectedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExpectedSignature(<hidden>)")
    }
}

/// A known client mistake that reproduces the signature that was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    /// A short stable name, such as `charset-added-after-signing`.
    pub id: &'static str,
    /// What the client did, in words.
    pub description: String,
}

/// The diagnosis of a signature mismatch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnosis {
    /// What the verifier computed from the request as sent.
    pub computed: Computed,
    /// The mistake that reproduces the received signature, if one does.
    pub mistake: Option<Mistake>,
    /// How many candidate mistakes were tried.
    pub tried: usize,
}

impl Diagnosis {
    /// The first stage at which what the verifier computed could be compared with what
    /// the client sent, and differed. Every supported scheme sends only the signature
    /// (never the canonical request or the string to sign), so this is `signature`; the
    /// [`mistake`](Self::mistake), when one was found, says which input the client
    /// signed differently. Unlike the expected signature, it tells a forger nothing.
    pub fn diverges_at(&self) -> &'static str {
        "signature"
    }
}

/// The verifier's report on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Where the request was in the capture.
    pub location: Location,
    /// The scheme detected.
    pub scheme: Scheme,
    /// The SecretId the request claims, if any.
    pub secret_id: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Every rule the request breaks, most decisive first; empty when valid.
    pub findings: Vec<Finding>,
    /// Remarks that do not change the verdict (the Authorization form, SDK quirks).
    pub notes: Vec<String>,
    /// Set when the signature did not match.
    pub diagnosis: Option<Diagnosis>,
    /// The request's timestamp (`X-TC-Timestamp` or `Timestamp`), when readable.
    pub timestamp: Option<i64>,
    /// The v1 `Nonce`, when readable.
    pub nonce: Option<u64>,
    /// A textual signature nonce (Alibaba `x-acs-signature-nonce` / `SignatureNonce`).
    pub signature_nonce: Option<String>,
    /// The signature was recomputed with the claimed key and matched: the request was
    /// signed by the key's holder, whatever other rule it breaks. Only such requests
    /// use up their nonce (see [`crate::conformance::ReplayGuard`]).
    pub authenticated: bool,
    /// The API-level verdict (action, version, region, parameters), `None` when the
    /// checks were off; its findings are among [`Self::findings`] too.
    pub api: Option<cloudsig_api::Verdict>,
    /// Where the TC3 credential scope's service lies in the Authorization value (byte
    /// range), once the signature check has parsed it: the API check reads the service
    /// from there instead of parsing the value a second time.
    pub(crate) tc3_service: Option<std::ops::Range<usize>>,
}

impl Report {
    pub(crate) fn new(location: Location, scheme: Scheme) -> Self {
        Self {
            location,
            scheme,
            secret_id: None,
            verdict: Verdict::Valid,
            findings: Vec::new(),
            notes: Vec::new(),
            diagnosis: None,
            timestamp: None,
            nonce: None,
            signature_nonce: None,
            authenticated: false,
            api: None,
            tc3_service: None,
        }
    }

    pub(crate) fn fail(
        &mut self,
        code: &'static str,
        rule: &'static str,
        message: impl Into<String>,
    ) {
        self.verdict = Verdict::Invalid;
        self.findings.push(Finding {
            code,
            rule,
            message: message.into(),
        });
    }

    /// Notes that the body is not covered by the signature, saying why (`why`, such as
    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`): the request verifies whatever body it
    /// carries. The same words for every cloud.
    pub(crate) fn note_body_not_signed(&mut self, why: &str) {
        self.notes.push(format!(
            "the body is not covered by the signature ({why}): anyone on the path could change it and the request would still verify"
        ));
    }

    /// Adds a broken rule found outside the verifier (a replay found by a shared
    /// replay store, as [`crate::conformance::ReplayGuard`] adds its own): the verdict
    /// becomes invalid and the findings stay most decisive first. `message` is shown
    /// to people: never a secret.
    pub fn reject(&mut self, code: &'static str, rule: &'static str, message: impl Into<String>) {
        self.fail(code, rule, message);
        self.sort_findings();
    }

    /// Orders the findings so the most decisive comes first: the order in which the
    /// service checks (malformed request, unknown key, expiry, then the signature).
    pub(crate) fn sort_findings(&mut self) {
        self.findings
            .sort_by_key(|f| (crate::api_check::is_api_rule(f.rule), priority(f.code)));
    }

    /// The error code the service would answer with (the first finding's), if invalid.
    pub fn code(&self) -> Option<&'static str> {
        self.findings.first().map(|f| f.code)
    }

    /// Whether the request would be accepted (valid, or deliberately unsigned).
    pub fn is_ok(&self) -> bool {
        matches!(self.verdict, Verdict::Valid | Verdict::Unsigned)
    }
}

impl fmt::Display for Report {
    /// One line for people: `#N verdict scheme [SecretId] [code: reason]`, the request's
    /// text with its control characters escaped ([`Escaped`]). An unreadable request
    /// is located after its scheme: `(byte OFFSET, line LINE)` (the line where known).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {} {}",
            self.location.index + 1,
            self.verdict.name(),
            self.scheme
        )?;
        if self.verdict == Verdict::Unreadable {
            write!(f, " (byte {}", self.location.offset)?;
            if let Some(line) = self.location.line {
                write!(f, ", line {line}")?;
            }
            f.write_str(")")?;
        }
        if let Some(id) = &self.secret_id {
            write!(f, " {}", Escaped(id))?;
        }
        if let Some(first) = self.findings.first() {
            write!(f, " {}: {}", first.code, Escaped(&first.message))?;
            let mut shown = 1;
            if let Some(d) = &self.diagnosis {
                if first.rule != "signature" {
                    f.write_str("; the signature does not match either")?;
                    shown += 1;
                }
                match &d.mistake {
                    Some(m) => write!(f, "; cause: {}", Escaped(&m.description))?,
                    // --no-diagnose, or a request too large to search (see its notes).
                    None if d.tried == 0 => f.write_str("; no client mistake was searched for")?,
                    None => {
                        f.write_str("; no known client mistake reproduces the signature sent")?
                    }
                }
            }
            if self.findings.len() > shown {
                write!(f, " (+{} more)", self.findings.len() - shown)?;
            }
        }
        Ok(())
    }
}

fn priority(code: &str) -> u8 {
    use crate::alibaba::codes as ali;
    use crate::codes::*;
    match code {
        ali::INCOMPLETE_SIGNATURE => 2,
        ali::TIMESTAMP_FORMAT => 4,
        ali::ACCESS_KEY_NOT_FOUND => 5,
        ali::TIMESTAMP_EXPIRED => 6,
        ali::SIGNATURE_NONCE_USED | ali::TOKEN_MISMATCH => 7,
        ali::SIGNATURE_DOES_NOT_MATCH => 8,
        UNSUPPORTED_PROTOCOL => 0,
        MISSING_PARAMETER => 1,
        INVALID_AUTHORIZATION => 2,
        REQUEST_SIZE_LIMIT_EXCEEDED => 3,
        INVALID_PARAMETER => 4,
        SECRET_ID_NOT_FOUND => 5,
        SIGNATURE_EXPIRE => 6,
        TOKEN_FAILURE => 7,
        SIGNATURE_FAILURE => 8,
        _ => 9,
    }
}
