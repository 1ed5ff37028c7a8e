//! The per-worker cache every check may use: derived signing keys and the last parsed
//! `SignedHeaders` value.

use cloudsig_canonical::SignedHeaders;
use cloudsig_core::UtcDate;
use cloudsig_core::tc3::SigningKey;

use crate::keys::IdMap;

/// Per-worker caches: derived TC3 keys by (SecretId, date, service), so a capture of
/// many requests from one client derives each key once, and the last parsed
/// `SignedHeaders`. Bounded: cleared when it grows past 4096 keys. Lookups allocate
/// nothing.
#[derive(Debug, Default, Clone)]
pub struct KeyCache {
    keys: IdMap<Vec<(UtcDate, String, SigningKey)>>,
    len: usize,
    pub(crate) signed_headers: Option<(String, SignedHeaders)>,
}

impl KeyCache {
    pub(crate) fn get(
        &mut self,
        id: &str,
        secret: &cloudsig_core::SecretKey,
        date: UtcDate,
        service: &str,
    ) -> Option<&SigningKey> {
        let known = self
            .keys
            .get(id)
            .and_then(|v| v.iter().position(|(d, s, _)| *d == date && s == service));
        let position = match known {
            Some(p) => p,
            None => {
                if self.len >= 4096 {
                    self.keys.clear();
                    self.len = 0;
                }
                let key = SigningKey::derive(secret, &date, service).ok()?;
                let list = self.keys.entry(id.to_string()).or_default();
                list.push((date, service.to_string(), key));
                self.len += 1;
                list.len() - 1
            }
        };
        self.keys.get(id)?.get(position).map(|(_, _, k)| k)
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
