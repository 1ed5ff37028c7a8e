//! What every wing's check reads: the verification [`Options`] and the context
//! ([`Ctx`]) holding them with the key ring.

use cloudsig_canonical::tc3::HeaderValueCase;

use crate::keys::KeyRing;

/// How to verify.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The time to check timestamps against (Unix seconds).
    pub now: i64,
    /// The allowed clock skew in seconds (default 300, as Tencent Cloud; left at 300,
    /// Alibaba and Huawei requests get their clouds' 15 minutes).
    pub window: i64,
    /// How TC3 signed header values are cased (default: lower-cased, as documented).
    pub header_value_case: HeaderValueCase,
    /// Whether to search for the client mistake behind a mismatch (default true).
    pub diagnose: bool,
    /// Whether a TC3 request's credential service must be its Host's first label, as
    /// on the cloud's own endpoints (default true). A server that clients reach
    /// through their endpoint setting (`cloudsig serve`) is signed with its own
    /// address as the Host: there the service is taken from the credential scope and
    /// a host that is not the cloud's is a note, not a failure.
    pub host_names_service: bool,
}

impl Options {
    /// Options checking timestamps against `now`.
    pub fn at(now: i64) -> Self {
        Self {
            now,
            window: crate::conformance::DEFAULT_WINDOW,
            header_value_case: HeaderValueCase::Lowercase,
            diagnose: true,
            host_names_service: true,
        }
    }

    /// Whether the Host's first label must be the credential service (see
    /// [`Self::host_names_service`]).
    pub fn host_names_service(mut self, yes: bool) -> Self {
        self.host_names_service = yes;
        self
    }

    /// With another skew window.
    pub fn window(mut self, seconds: i64) -> Self {
        self.window = seconds;
        self
    }

    /// With or without diagnosis.
    pub fn diagnose(mut self, yes: bool) -> Self {
        self.diagnose = yes;
        self
    }

    /// The skew window for a cloud whose own window is `cloud_window` seconds: the
    /// configured window, or the cloud's own when the window was left at the default
    /// (300 s, Tencent Cloud's, which is also the command line's default).
    pub(crate) fn window_for(&self, cloud_window: i64) -> i64 {
        match self.window {
            crate::conformance::DEFAULT_WINDOW => cloud_window,
            w => w,
        }
    }
}

/// What a wing's check reads: the keys and the options of the verifier that called it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    keys: &'a KeyRing,
    options: &'a Options,
}

impl<'a> Ctx<'a> {
    /// The context of a verifier with `keys` and `options`.
    pub(crate) fn new(keys: &'a KeyRing, options: &'a Options) -> Self {
        Self { keys, options }
    }

    /// The key ring.
    pub(crate) fn keys(&self) -> &'a KeyRing {
        self.keys
    }

    /// The options.
    pub(crate) fn options(&self) -> &'a Options {
        self.options
    }
}
