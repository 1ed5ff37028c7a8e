//! Key lookup as a trait: where a verifier finds the secret for a request's key id.
//!
//! The in-memory [`KeyRing`] is one implementation (it lends its credentials without a
//! copy); a service plugs in its own store (a database, a secrets manager) by
//! implementing [`KeyProvider`] and building a [`crate::Verifier`] over it, either as
//! its own type (`Verifier<MyStore>`) or behind `Arc<dyn KeyProvider>`.
//!
//! ```
//! use std::borrow::Cow;
//! use std::collections::HashMap;
//! use std::sync::Arc;
//!
//! use cloudsig_canonical::Credentials;
//! use cloudsig_verify::keys::{KeyError, KeyErrorKind, KeyProvider};
//! use cloudsig_verify::{Options, Verifier};
//!
//! /// A service's own key store: here a map of id to secret, as a database row would
//! /// hand them out (owned, built per lookup).
//! #[derive(Debug)]
//! struct Accounts(HashMap<String, String>);
//!
//! impl KeyProvider for Accounts {
//!     fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError> {
//!         let Some(secret) = self.0.get(key_id) else {
//!             return Ok(None);
//!         };
//!         let creds = Credentials::new(key_id, secret).map_err(|e| {
//!             KeyError::new(KeyErrorKind::InvalidCredentials, format!("account {key_id}: {e}"))
//!                 .with_source(e)
//!         })?;
//!         Ok(Some(Cow::Owned(creds)))
//!     }
//! }
//!
//! let store = Accounts(HashMap::from([("AKIDexample".to_string(), "secret".to_string())]));
//! assert!(store.credentials("AKIDexample")?.is_some());
//! assert!(store.credentials("AKIDother")?.is_none());
//! // Its own type, or behind a trait object chosen at run time:
//! let _typed: Verifier<Accounts> = Verifier::new(store, Options::at(0));
//! let shared: Arc<dyn KeyProvider> = Arc::new(Accounts(HashMap::new()));
//! let _dynamic = Verifier::new(shared, Options::at(0));
//! # Ok::<(), KeyError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use cloudsig_canonical::Credentials;

use super::{KeyError, KeyRing};
use crate::report::Report;

/// Where a verifier looks up the credentials of a request's key id (Tencent's
/// SecretId, Alibaba's AccessKeyId, Huawei's AK).
///
/// `Ok(None)` means the id is unknown (the request fails with the cloud's "key not
/// found" code); `Err` means the store could not answer (the request fails with
/// `InternalError`, naming the store's error, which must not hold a secret). A lookup
/// is made once per verified request, from the verifying thread: an implementation
/// over a remote store should cache.
pub trait KeyProvider: Send + Sync + fmt::Debug {
    /// The credentials for `key_id`, borrowed from the provider or built for the call.
    fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError>;
}

impl KeyProvider for KeyRing {
    fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError> {
        Ok(self.get(key_id).map(Cow::Borrowed))
    }
}

impl<T: KeyProvider + ?Sized> KeyProvider for Arc<T> {
    fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError> {
        (**self).credentials(key_id)
    }
}

impl<T: KeyProvider + ?Sized> KeyProvider for Box<T> {
    fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError> {
        (**self).credentials(key_id)
    }
}

/// Fails `report` because the key store could not answer: every cloud's
/// `InternalError`, with the store's message (a [`KeyError`] never holds a key).
pub(crate) fn lookup_failed(report: &mut Report, rule: &'static str, err: &KeyError) {
    report.fail(
        "InternalError",
        rule,
        format!("the key store could not be read: {err}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Captured, Location};
    use crate::keys::KeyErrorKind;
    use crate::{KeyCache, Options, Verdict, Verifier};
    use cloudsig_canonical::tencent::{FixedClock, Tc3Call, sign_tc3};

    /// A store that hands out owned credentials, or fails for one id.
    #[derive(Debug)]
    struct Store;

    impl KeyProvider for Store {
        fn credentials(&self, key_id: &str) -> Result<Option<Cow<'_, Credentials>>, KeyError> {
            match key_id {
                "AKIDstore" => Ok(Credentials::new("AKIDstore", "storeSecret")
                    .ok()
                    .map(Cow::Owned)),
                "AKIDbroken" => Err(KeyError::new(KeyErrorKind::Io, "database unreachable")),
                _ => Ok(None),
            }
        }
    }

    fn signed(id: &str, secret: &str) -> Captured {
        let creds = Credentials::new(id, secret).unwrap();
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12").body("{}");
        let signed = sign_tc3(&creds, &call, &FixedClock(1_700_000_000)).unwrap();
        Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        }
    }

    #[test]
    fn a_verifier_asks_its_own_store_and_reports_a_failing_store_as_internal() {
        let at = Options::at(1_700_000_000);
        let typed = Verifier::new(Store, at);
        let dynamic = Verifier::new(Arc::new(Store) as Arc<dyn KeyProvider>, at);
        for check in [
            &|c: &Captured| typed.check(c, &mut KeyCache::default()),
            &|c: &Captured| dynamic.check(c, &mut KeyCache::default()) as _,
        ] as [&dyn Fn(&Captured) -> Report; 2]
        {
            let r = check(&signed("AKIDstore", "storeSecret"));
            assert_eq!(r.verdict, Verdict::Valid, "{r}");
            let r = check(&signed("AKIDstore", "wrongSecret"));
            assert_eq!(r.code(), Some("AuthFailure.SignatureFailure"), "{r}");
            let r = check(&signed("AKIDunknown", "storeSecret"));
            assert_eq!(r.code(), Some("AuthFailure.SecretIdNotFound"), "{r}");
            let r = check(&signed("AKIDbroken", "storeSecret"));
            assert_eq!(r.code(), Some("InternalError"), "{r}");
            assert!(r.to_string().contains("database unreachable"), "{r}");
        }
    }
}
