//! The per-worker cache every check may use: derived signing keys and the last parsed
//! `SignedHeaders` value.

use cloudsig_canonical::SignedHeaders;
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::{SecretKey, UtcDate, constant_time_eq};

use crate::keys::IdMap;

/// Per-worker caches: derived TC3 keys by (SecretId, date, service, secret), so a
/// capture of many requests from one client derives each key once, and the last parsed
/// `SignedHeaders`. Bounded: cleared when it grows past 4096 keys. Lookups allocate
/// nothing.
///
/// An entry is used only for the secret it was derived from: beside it is a copy of that
/// secret (a [`SecretKey`]: wiped on drop, never printed, as in the key ring), compared in
/// constant time, so when the key ring is reloaded or a
/// [`KeyProvider`](crate::keys::KeyProvider) rotates a SecretId's secret, the old derivation is
/// not used for the new secret (nor the new for the old). A copy rather than a SHA-256
/// fingerprint: comparing a few dozen bytes costs far less than hashing the secret again
/// for every request, and the process holds the secret in its key ring anyway.
#[derive(Debug, Default, Clone)]
pub struct KeyCache {
    keys: IdMap<Vec<Derived>>,
    len: usize,
    pub(crate) signed_headers: Option<(String, SignedHeaders)>,
}

/// One cached derivation: its date and service, the secret it was derived from, and the
/// key.
#[derive(Debug, Clone)]
struct Derived {
    date: UtcDate,
    service: String,
    secret: SecretKey,
    key: SigningKey,
}

impl Derived {
    /// Whether this is the derivation for `secret`, `date` and `service`.
    fn is(&self, secret: &SecretKey, date: UtcDate, service: &str) -> bool {
        self.date == date
            && self.service == service
            && constant_time_eq(self.secret.expose_secret(), secret.expose_secret())
    }
}

impl KeyCache {
    pub(crate) fn get(
        &mut self,
        id: &str,
        secret: &SecretKey,
        date: UtcDate,
        service: &str,
    ) -> Option<&SigningKey> {
        let known = self
            .keys
            .get(id)
            .and_then(|v| v.iter().position(|d| d.is(secret, date, service)));
        let position = match known {
            Some(p) => p,
            None => {
                if self.len >= 4096 {
                    self.keys.clear();
                    self.len = 0;
                }
                let key = SigningKey::derive(secret, &date, service).ok()?;
                let list = self.keys.entry(id.to_string()).or_default();
                list.push(Derived {
                    date,
                    service: service.to_string(),
                    secret: secret.clone(),
                    key,
                });
                self.len += 1;
                list.len() - 1
            }
        };
        self.keys.get(id)?.get(position).map(|d| &d.key)
    }

    /// [`Self::get`]'s answer when the key is already cached, `None` when it is not (then
    /// ask `get`, which derives it): one lookup of the SecretId where `get` makes two, the
    /// second to return the entry it found (the report-free path, issue 17 item 2).
    pub(crate) fn find(
        &self,
        id: &str,
        secret: &SecretKey,
        date: UtcDate,
        service: &str,
    ) -> Option<&SigningKey> {
        self.keys
            .get(id)?
            .iter()
            .find(|d| d.is(secret, date, service))
            .map(|d| &d.key)
    }

    /// The parsed `SignedHeaders` value, taken out of the cache (the last one when it
    /// is the same text, so a capture signing the same headers parses them once) with
    /// its text; the caller puts both back in `signed_headers`.
    pub(crate) fn take_signed_headers(
        &mut self,
        value: &str,
    ) -> Result<(String, SignedHeaders), cloudsig_canonical::Error> {
        match self.signed_headers.take() {
            Some((text, parsed)) if text == value => Ok((text, parsed)),
            Some((mut text, parsed)) => match SignedHeaders::parse(value) {
                Ok(new) => {
                    text.clear();
                    text.push_str(value);
                    Ok((text, new))
                }
                Err(e) => {
                    self.signed_headers = Some((text, parsed));
                    Err(e)
                }
            },
            None => Ok((value.to_string(), SignedHeaders::parse(value)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};

    use crate::capture::{Captured, Location};
    use crate::keys::KeyRing;
    use crate::tencent::codes;
    use crate::{KeyCache, Options, Verdict, Verifier};

    const NOW: i64 = 1_700_000_000;

    /// A TC3 request for `AKIDrotated` signed by the canonical signer with `secret`.
    fn signed_with(secret: &str) -> Captured {
        let creds = Credentials::new("AKIDrotated", secret).unwrap();
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12").body("{}");
        let signed = sign_tc3(&creds, &call, &FixedClock(NOW)).unwrap();
        Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        }
    }

    fn verifier(ring: &str) -> Verifier {
        Verifier::new(KeyRing::parse(ring, "test").unwrap(), Options::at(NOW))
    }

    /// A key ring reloaded with a new secret for the same SecretId (serve's SIGHUP, a
    /// provider's rotation) while a worker keeps its cache: the key derived from the
    /// old secret must not be used for the new one.
    #[test]
    fn a_rotated_secret_for_the_same_id_is_derived_again() {
        let old = signed_with("oldSecretOldSecret");
        let new = signed_with("newSecretNewSecret");
        let mut cache = KeyCache::default();
        let before = verifier("AKIDrotated oldSecretOldSecret");
        assert_eq!(before.check(&old, &mut cache).verdict, Verdict::Valid);
        assert_eq!(
            before.check(&new, &mut cache).code(),
            Some(codes::SIGNATURE_FAILURE)
        );

        let after = verifier("AKIDrotated newSecretNewSecret");
        let r = after.check(&old, &mut cache);
        assert_eq!(r.code(), Some(codes::SIGNATURE_FAILURE), "{r}");
        let r = after.check(&new, &mut cache);
        assert_eq!(r.verdict, Verdict::Valid, "{r}");
        // And back: both derivations may be live at once, neither wins by mistake.
        assert_eq!(before.check(&old, &mut cache).verdict, Verdict::Valid);
        assert_eq!(
            before.check(&new, &mut cache).code(),
            Some(codes::SIGNATURE_FAILURE)
        );
    }
}
