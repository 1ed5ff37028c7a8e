//! What every wing's check reads: the verification [`Options`] and the context
//! ([`Ctx`]) holding them with the key ring.

use cloudsig_canonical::tc3::HeaderValueCase;

use std::borrow::Cow;

use cloudsig_canonical::Credentials;

use crate::keys::{KeyError, KeyProvider};

/// How to verify.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The time to check timestamps against (Unix seconds).
    pub now: i64,
    /// The allowed clock skew in seconds for every cloud; `None` (the default): each
    /// cloud's own (Tencent Cloud 300 s, Alibaba Cloud and Huawei Cloud 15 minutes).
    pub window: Option<i64>,
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
            window: None,
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

    /// With one skew window for every cloud, in seconds (`None`: each cloud's own).
    ///
    /// ```
    /// use cloudsig_verify::Options;
    /// assert_eq!(Options::at(0).window, None);
    /// assert_eq!(Options::at(0).window(300).window, Some(300));
    /// assert_eq!(Options::at(0).window(None).window, None);
    /// ```
    pub fn window(mut self, seconds: impl Into<Option<i64>>) -> Self {
        self.window = seconds.into();
        self
    }

    /// The window of the replay guard's numeric (Tencent v1) nonces: the configured
    /// window, else Tencent Cloud's 300 s (the guard gives Alibaba's nonces its own
    /// 15 minutes when that is longer).
    pub fn replay_window(&self) -> i64 {
        self.window_for(crate::conformance::DEFAULT_WINDOW)
    }

    /// With or without diagnosis.
    pub fn diagnose(mut self, yes: bool) -> Self {
        self.diagnose = yes;
        self
    }

    /// The skew window for a cloud whose own window is `cloud_window` seconds: the
    /// configured window, or the cloud's own when none is configured.
    pub(crate) fn window_for(&self, cloud_window: i64) -> i64 {
        self.window.unwrap_or(cloud_window)
    }
}

/// What a wing's check reads: the key provider and the options of the verifier that called it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    keys: &'a dyn KeyProvider,
    options: &'a Options,
}

impl<'a> Ctx<'a> {
    /// The context of a verifier with `keys` and `options`.
    pub(crate) fn new(keys: &'a dyn KeyProvider, options: &'a Options) -> Self {
        Self { keys, options }
    }

    /// The credentials for `key_id`, from the verifier's key provider.
    pub(crate) fn credentials(
        &self,
        key_id: &str,
    ) -> Result<Option<Cow<'a, Credentials>>, KeyError> {
        self.keys.credentials(key_id)
    }

    /// The options.
    pub(crate) fn options(&self) -> &'a Options {
        self.options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_window_of_300_is_not_each_clouds_own() {
        // The old setting used 300 as "each cloud's own": a user asking for 300 s got
        // Alibaba's and Huawei's 15 minutes.
        let own = Options::at(0);
        assert_eq!(own.window_for(900), 900);
        assert_eq!(own.window_for(300), 300);
        assert_eq!(own.replay_window(), 300);
        let strict = Options::at(0).window(300);
        assert_eq!(strict.window_for(900), 300);
        let wide = Options::at(0).window(3600);
        assert_eq!((wide.window_for(900), wide.replay_window()), (3600, 3600));
    }
}
