//! What the checker reports: a verdict, and findings that carry the cloud's code.

use std::borrow::Cow;
use std::fmt;

/// The kind of rule a request broke, before it is given the cloud's code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// The product has no action/operation of that name (or method + path).
    UnknownAction,
    /// The product is covered but not at this version.
    NoSuchVersion,
    /// The region is not in the action's list.
    UnsupportedRegion,
    /// A required parameter is absent.
    Missing,
    /// A parameter the definition does not know.
    Unknown,
    /// A value of the wrong JSON type.
    WrongType,
    /// A value of the right type that breaks a constraint (enum, range, length, pattern).
    BadValue,
}

/// One thing wrong with a request at the API level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The cloud's error code (`MissingParameter`, `InvalidParameter.InvalidInstanceId`, `DMS.00400062`).
    pub code: String,
    /// The HTTP status the cloud answers with, where known (Tencent: always 200).
    pub http_status: Option<u16>,
    /// The parameter path (`NodeInfoList[1].DiskSize`), empty for action/version.
    pub path: String,
    /// The rule broken, in words (`required`, `type integer`, `one of auto, normal`).
    pub rule: String,
    /// The cloud's message for it. Never contains a parameter's value.
    pub message: String,
    /// The kind of violation.
    pub violation: Violation,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(s) = self.http_status {
            write!(f, " (HTTP {s})")?;
        }
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        write!(f, ": {} [rule: {}]", self.message, self.rule)
    }
}

/// The API-level verdict for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No definition covers the request's product (or its encoding); nothing is claimed.
    NotChecked {
        /// Why.
        reason: String,
    },
    /// Checked against a definition.
    Checked {
        /// `cloud/product/version`. Borrowed (from names the definitions' loading keeps
        /// for the life of the process) when the product was found, so that a verdict
        /// on a valid request costs no allocation.
        product: Cow<'static, str>,
        /// The action / operation name, if one matched (borrowed, as `product`).
        action: Option<Cow<'static, str>>,
        /// What is wrong; empty when the request is valid.
        findings: Vec<Finding>,
    },
}

impl Verdict {
    /// True when checked and nothing was found.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Checked { findings, .. } if findings.is_empty())
    }

    /// The findings (none when not checked).
    pub fn findings(&self) -> &[Finding] {
        match self {
            Verdict::Checked { findings, .. } => findings,
            Verdict::NotChecked { .. } => &[],
        }
    }
}
