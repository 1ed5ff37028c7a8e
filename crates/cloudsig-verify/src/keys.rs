//! Where credentials come from: the official SDKs' environment variables or a key file.
//!
//! A key file holds one credential per line, `SecretId SecretKey [Token]`, separated by
//! spaces or tabs; blank lines and lines starting with `#` are ignored. Keys are never
//! taken from the command line, where other users could read them in the process list.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use cloudsig_canonical::tencent::Credentials;

/// The official SDKs' variable holding the SecretId.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The official SDKs' variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";

/// The Alibaba Cloud SDKs' variable holding the AccessKeyId.
pub const ENV_ALIBABA_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The Alibaba Cloud SDKs' variable holding the AccessKey secret.
pub const ENV_ALIBABA_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The Alibaba Cloud SDKs' variable holding an STS security token.
pub const ENV_ALIBABA_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// A map keyed by SecretId, hashed with [`IdHasher`].
pub(crate) type IdMap<V> = HashMap<String, V, BuildHasherDefault<IdHasher>>;

/// A fast hash of SecretIds for the key ring and the verifier's key cache (FxHash's
/// multiply-rotate, eight bytes at a time; a `BTreeMap` of the ring cost several string
/// comparisons per verified request). Not resistant to chosen collisions, which need no
/// resisting here: only the ring's own ids are ever inserted, from the user's key
/// files, so a request's SecretId can at most probe among those.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(K);
        }
        for &b in words.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Credentials by SecretId.
///
/// ```
/// use cloudsig_verify::keys::KeyRing;
/// let ring = KeyRing::parse("# SecretId SecretKey [Token]\nAKIDexample secret\n", "inline")?;
/// assert_eq!(ring.pick(None)?.secret_id(), "AKIDexample");
/// # Ok::<(), String>(())
/// ```
#[derive(Default, Clone)]
pub struct KeyRing {
    by_id: IdMap<Credentials>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&String> = self.by_id.keys().collect();
        ids.sort_unstable();
        f.debug_list().entries(ids).finish()
    }
}

impl KeyRing {
    /// Parses a key file's text; errors name the line, never its content.
    pub fn parse(text: &str, origin: &str) -> Result<Self, String> {
        let mut ring = Self::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (id, key, token) = match fields.as_slice() {
                [id, key] => (*id, *key, None),
                [id, key, token] => (*id, *key, Some(*token)),
                _ => {
                    return Err(format!(
                        "{origin}, line {}: expected `SecretId SecretKey [Token]`",
                        i + 1
                    ));
                }
            };
            let mut creds =
                Credentials::new(id, key).map_err(|e| format!("{origin}, line {}: {e}", i + 1))?;
            if let Some(t) = token {
                creds = creds
                    .with_token(t)
                    .map_err(|e| format!("{origin}, line {}: {e}", i + 1))?;
            }
            if ring.by_id.insert(id.to_string(), creds).is_some() {
                return Err(format!(
                    "{origin}, line {}: SecretId {id} appears twice",
                    i + 1
                ));
            }
        }
        Ok(ring)
    }

    /// Reads a key file.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("key file {}: {e}", path.display()))?;
        Self::parse(&text, &format!("key file {}", path.display()))
    }

    /// Reads `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`, if both are set.
    pub fn from_env() -> Result<Self, String> {
        let mut ring = Self::default();
        match (std::env::var(ENV_SECRET_ID), std::env::var(ENV_SECRET_KEY)) {
            (Ok(id), Ok(key)) => {
                let creds = Credentials::new(id.clone(), &key)
                    .map_err(|e| format!("{ENV_SECRET_ID}/{ENV_SECRET_KEY}: {e}"))?;
                ring.by_id.insert(id, creds);
            }
            (Err(_), Err(_)) => {}
            _ => {
                return Err(format!(
                    "set both {ENV_SECRET_ID} and {ENV_SECRET_KEY}, or neither"
                ));
            }
        }
        Ok(ring)
    }

    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and
    /// `ALIBABA_CLOUD_SECURITY_TOKEN`), if both are set; errors never show a value.
    pub fn from_env_alibaba() -> Result<Self, String> {
        let (id_var, key_var) = (ENV_ALIBABA_ACCESS_KEY_ID, ENV_ALIBABA_ACCESS_KEY_SECRET);
        let mut ring = Self::default();
        match (std::env::var(id_var), std::env::var(key_var)) {
            (Ok(id), Ok(key)) => {
                let mut creds = Credentials::new(id.clone(), &key)
                    .map_err(|e| format!("{id_var}/{key_var}: {e}"))?;
                if let Ok(token) = std::env::var(ENV_ALIBABA_SECURITY_TOKEN) {
                    creds = creds
                        .with_token(token)
                        .map_err(|e| format!("{ENV_ALIBABA_SECURITY_TOKEN}: {e}"))?;
                }
                ring.by_id.insert(id, creds);
            }
            (Err(_), Err(_)) => {}
            _ => return Err(format!("set both {id_var} and {key_var}, or neither")),
        }
        Ok(ring)
    }

    /// Reads Huawei Cloud's `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK` (and
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN`), if set: the AK is the id, the SK the secret.
    pub fn from_env_huawei() -> Result<Self, String> {
        const AK: &str = "HUAWEICLOUD_SDK_AK";
        const SK: &str = "HUAWEICLOUD_SDK_SK";
        const TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
        let mut ring = Self::default();
        match (std::env::var(AK), std::env::var(SK)) {
            (Ok(id), Ok(key)) => {
                let mut creds =
                    Credentials::new(id.clone(), &key).map_err(|e| format!("{AK}/{SK}: {e}"))?;
                if let Ok(token) = std::env::var(TOKEN) {
                    creds = creds
                        .with_token(token)
                        .map_err(|e| format!("{TOKEN}: {e}"))?;
                }
                ring.by_id.insert(id, creds);
            }
            (Err(_), Err(_)) => {}
            _ => return Err(format!("set both {AK} and {SK}, or neither")),
        }
        Ok(ring)
    }

    /// Adds every credential of `other` (replacing any with the same id).
    pub fn merge(&mut self, other: Self) {
        self.by_id.extend(other.by_id);
    }

    /// Every credential, in the order of their SecretIds.
    pub fn iter(&self) -> impl Iterator<Item = &Credentials> {
        let mut all: Vec<(&String, &Credentials)> = self.by_id.iter().collect();
        all.sort_unstable_by_key(|(id, _)| *id);
        all.into_iter().map(|(_, c)| c)
    }

    /// Credentials for `id`.
    pub fn get(&self, id: &str) -> Option<&Credentials> {
        self.by_id.get(id)
    }

    /// The only credentials, or those named by `id`.
    pub fn pick(&self, id: Option<&str>) -> Result<&Credentials, String> {
        match id {
            Some(id) => self
                .get(id)
                .ok_or_else(|| format!("no key for SecretId {id}")),
            None => {
                let mut all = self.by_id.values();
                match (all.next(), all.next()) {
                    (Some(c), None) => Ok(c),
                    (None, _) => Err(format!(
                        "no credentials: set {ENV_SECRET_ID} and {ENV_SECRET_KEY}, or pass --key-file"
                    )),
                    (Some(_), Some(_)) => {
                        Err("the key file holds several keys: choose one with --secret-id".into())
                    }
                }
            }
        }
    }

    /// How many credentials there are.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Adds credentials, replacing any with the same SecretId.
    pub fn insert(&mut self, creds: Credentials) {
        self.by_id.insert(creds.secret_id().to_string(), creds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_never_echoes_keys() {
        let ring = KeyRing::parse("# c\n\nAKID1 key1\nAKID2\tkey2 tok\n", "f").unwrap();
        assert_eq!(ring.len(), 2);
        assert_eq!(ring.get("AKID2").unwrap().token(), Some("tok"));
        assert!(ring.pick(None).is_err());
        assert_eq!(ring.pick(Some("AKID1")).unwrap().secret_id(), "AKID1");
        let err = KeyRing::parse("AKID1 sekrit extra more\n", "f").unwrap_err();
        assert!(!err.contains("sekrit"), "{err}");
        let err = KeyRing::parse("AKID1 sek\u{e9}rit\n", "f").unwrap_err();
        assert!(!err.contains("sek"), "{err}");
        assert!(KeyRing::parse("A k\nA k2\n", "f").is_err());
        assert!(format!("{ring:?}").contains("AKID1") && !format!("{ring:?}").contains("key1"));
    }
}
