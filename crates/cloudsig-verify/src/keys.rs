//! Where credentials come from: the official SDKs' environment variables or a key file.
//!
//! A key file holds one credential per line, `SecretId SecretKey [Token]`, separated by
//! spaces or tabs; blank lines and lines starting with `#` are ignored. Keys are never
//! taken from the command line, where other users could read them in the process list.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Read};
use std::path::Path;

use cloudsig_canonical::Credentials;
use cloudsig_core::constant_time_eq;
use zeroize::Zeroizing;

mod error;
mod provider;
pub use error::{KeyError, KeyErrorKind};
pub use provider::KeyProvider;
pub(crate) use provider::lookup_failed;

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

/// Huawei Cloud's SDKs' variable holding the AK.
pub const ENV_HUAWEI_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Huawei Cloud's SDKs' variable holding the SK.
pub const ENV_HUAWEI_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Huawei Cloud's SDKs' variable holding a security token.
pub const ENV_HUAWEI_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

/// The largest key file read, in bytes: a key file holds a few short lines, and a larger
/// one (a wrong path such as a capture or a device) is refused before it fills memory.
pub const MAX_KEY_FILE_LEN: usize = 1 << 20;

/// A comment that declares a key file's keys public examples (the repository's own), so
/// that its permissions are not warned about: `# cloudsig: example keys, not secret`.
pub const EXAMPLE_KEYS_MARKER: &str = "# cloudsig: example keys";

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
    pub fn parse(text: &str, origin: &str) -> Result<Self, KeyError> {
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
                    return Err(KeyError::new(
                        KeyErrorKind::Syntax,
                        format!(
                            "{origin}, line {}: expected `SecretId SecretKey [Token]`",
                            i + 1
                        ),
                    ));
                }
            };
            let invalid = |e: cloudsig_canonical::Error| {
                KeyError::new(
                    KeyErrorKind::InvalidCredentials,
                    format!("{origin}, line {}: {e}", i + 1),
                )
                .with_source(e)
            };
            let mut creds = Credentials::new(id, key).map_err(invalid)?;
            if let Some(t) = token {
                creds = creds.with_token(t).map_err(invalid)?;
            }
            if ring.by_id.insert(id.to_string(), creds).is_some() {
                return Err(KeyError::new(
                    KeyErrorKind::Duplicate,
                    format!("{origin}, line {}: SecretId {id} appears twice", i + 1),
                ));
            }
        }
        Ok(ring)
    }

    /// Reads a key file, silently; [`KeyRing::read_file`] also says what is amiss.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        Self::read_file(path, &mut |_| {})
    }

    /// Reads a key file of at most [`MAX_KEY_FILE_LEN`] bytes, handing `warn` a sentence
    /// when other users may read or write it (on unix, any group or other permission bit,
    /// as ssh checks), unless a comment line starts with [`EXAMPLE_KEYS_MARKER`]: git
    /// checks files out with the umask's mode, so the repository's example key files
    /// cannot be kept at 0600 and carry the marker instead. The text is wiped once parsed.
    pub fn read_file(path: &Path, warn: &mut dyn FnMut(String)) -> Result<Self, KeyError> {
        let origin = format!("key file {}", path.display());
        let io =
            |e: io::Error| KeyError::new(KeyErrorKind::Io, format!("{origin}: {e}")).with_source(e);
        let mut file = File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        let text = read_key_text(&mut file, meta.len(), &origin)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            let example = text
                .lines()
                .any(|l| l.trim_start().starts_with(EXAMPLE_KEYS_MARKER));
            if mode & 0o077 != 0 && !example {
                warn(format!(
                    "{origin} may be read by other users (mode {mode:04o}): `chmod 600` it"
                ));
            }
        }
        Self::parse(&text, &origin)
    }

    /// Reads `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`, if both are set.
    pub fn from_env() -> Result<Self, KeyError> {
        Self::from_vars(
            &|name| std::env::var_os(name),
            ENV_SECRET_ID,
            ENV_SECRET_KEY,
            None,
        )
    }

    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and
    /// `ALIBABA_CLOUD_SECURITY_TOKEN`), if both are set; errors never show a value.
    pub fn from_env_alibaba() -> Result<Self, KeyError> {
        Self::from_vars(
            &|name| std::env::var_os(name),
            ENV_ALIBABA_ACCESS_KEY_ID,
            ENV_ALIBABA_ACCESS_KEY_SECRET,
            Some(ENV_ALIBABA_SECURITY_TOKEN),
        )
    }

    /// Reads Huawei Cloud's `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK` (and
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN`), if set: the AK is the id, the SK the secret.
    pub fn from_env_huawei() -> Result<Self, KeyError> {
        Self::from_vars(
            &|name| std::env::var_os(name),
            ENV_HUAWEI_AK,
            ENV_HUAWEI_SK,
            Some(ENV_HUAWEI_SECURITY_TOKEN),
        )
    }

    /// One credential from the variables `id_var` and `key_var` (both or neither) and
    /// `token_var`, looked up with `var`. An empty token counts as none, as the official
    /// credential providers read it. The values are wiped once copied; errors name the
    /// variable, never its value.
    fn from_vars(
        var: &dyn Fn(&str) -> Option<OsString>,
        id_var: &str,
        key_var: &str,
        token_var: Option<&str>,
    ) -> Result<Self, KeyError> {
        let mut ring = Self::default();
        match (text_var(var, id_var)?, text_var(var, key_var)?) {
            (Some(id), Some(key)) => {
                let mut creds = Credentials::new(id.as_str(), &key).map_err(|e| {
                    KeyError::new(
                        KeyErrorKind::InvalidCredentials,
                        format!("{id_var}/{key_var}: {e}"),
                    )
                    .with_source(e)
                })?;
                if let Some(name) = token_var
                    && let Some(token) = text_var(var, name)?.filter(|t| !t.is_empty())
                {
                    creds = creds.with_token(token.as_str()).map_err(|e| {
                        KeyError::new(KeyErrorKind::InvalidCredentials, format!("{name}: {e}"))
                            .with_source(e)
                    })?;
                }
                ring.by_id.insert(id.to_string(), creds);
            }
            (None, None) => {}
            _ => {
                return Err(KeyError::new(
                    KeyErrorKind::HalfSet,
                    format!("set both {id_var} and {key_var}, or neither"),
                ));
            }
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
    pub fn pick(&self, id: Option<&str>) -> Result<&Credentials, KeyError> {
        match id {
            Some(id) => self.get(id).ok_or_else(|| {
                KeyError::new(KeyErrorKind::UnknownId, format!("no key for SecretId {id}"))
            }),
            None => {
                let mut all = self.by_id.values();
                match (all.next(), all.next()) {
                    (Some(c), None) => Ok(c),
                    (None, _) => Err(KeyError::new(
                        KeyErrorKind::NoCredentials,
                        format!(
                            "no credentials: set {ENV_SECRET_ID} and {ENV_SECRET_KEY}, or pass --key-file"
                        ),
                    )),
                    (Some(_), Some(_)) => Err(KeyError::new(
                        KeyErrorKind::Several,
                        "the key file holds several keys: choose one with --key-id",
                    )),
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

/// Credentials gathered from several sources (the environment, key files) in order.
///
/// A later source's key replaces an earlier one's for the same id; when the two differ
/// (secret or token), `warn` is told the id (which is not secret) and both sources,
/// and which one is used. The same key given twice is not warned about.
#[derive(Debug, Default)]
pub struct KeySources {
    ring: KeyRing,
    origin: IdMap<String>,
}

impl KeySources {
    /// No credentials yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every credential of `ring`, which came from `origin` (such as
    /// `key file keys.txt`), replacing any with the same id.
    pub fn add(&mut self, ring: KeyRing, origin: &str, warn: &mut dyn FnMut(String)) {
        let mut all: Vec<(String, Credentials)> = ring.by_id.into_iter().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (id, creds) in all {
            if let Some(old) = self.ring.by_id.get(&id)
                && !same_key(old, &creds)
            {
                let before = self
                    .origin
                    .get(&id)
                    .map_or("an earlier source", String::as_str);
                warn(format!(
                    "key id {id} is in {before} and in {origin} with different keys: the one from {origin} is used"
                ));
            }
            self.origin.insert(id.clone(), origin.to_string());
            self.ring.by_id.insert(id, creds);
        }
    }

    /// The credentials gathered.
    pub fn into_ring(self) -> KeyRing {
        self.ring
    }
}

/// Whether two credentials hold the same secret and token.
fn same_key(a: &Credentials, b: &Credentials) -> bool {
    constant_time_eq(
        a.secret_key().expose_secret(),
        b.secret_key().expose_secret(),
    ) && a.token() == b.token()
}

/// The variable `name` as text, wiped when dropped; `None` when unset. A value that is
/// not UTF-8 is an error naming the variable, never showing the value (which is wiped).
fn text_var(
    var: &dyn Fn(&str) -> Option<OsString>,
    name: &str,
) -> Result<Option<Zeroizing<String>>, KeyError> {
    match var(name).map(OsString::into_string) {
        None => Ok(None),
        Some(Ok(text)) => Ok(Some(Zeroizing::new(text))),
        Some(Err(raw)) => {
            drop(Zeroizing::new(raw.into_encoded_bytes()));
            Err(KeyError::new(
                KeyErrorKind::NotUtf8,
                format!("{name} is not valid UTF-8"),
            ))
        }
    }
}

/// Reads a key file's text (at most [`MAX_KEY_FILE_LEN`] bytes) into memory that is wiped
/// when dropped; `size_hint` is the file's length as the file system gives it.
fn read_key_text(
    r: &mut dyn Read,
    size_hint: u64,
    origin: &str,
) -> Result<Zeroizing<String>, KeyError> {
    let mut bytes = read_capped(r, size_hint, MAX_KEY_FILE_LEN)
        .map_err(|e| KeyError::new(KeyErrorKind::Io, format!("{origin}: {e}")).with_source(e))?
        .ok_or_else(|| {
            KeyError::new(
                KeyErrorKind::TooLarge,
                format!(
                    "{origin}: larger than {} KiB, too large for a key file (lines of `SecretId SecretKey [Token]`)",
                    MAX_KEY_FILE_LEN >> 10
                ),
            )
        })?;
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let raw = Zeroizing::new(e.into_bytes());
            let line = raw
                .get(..valid)
                .map_or(0, |p| p.iter().filter(|&&b| b == b'\n').count())
                + 1;
            Err(KeyError::new(
                KeyErrorKind::NotUtf8,
                format!("{origin}, line {line}: not valid UTF-8"),
            ))
        }
    }
}

/// Reads `r` to its end into a buffer that is wiped when dropped, or `None` when it holds
/// more than `max` bytes (reading stops after `max + 1`). The buffer grows by copying into
/// a larger wiped buffer, so that no reallocation leaves a copy of the text behind.
fn read_capped(
    r: &mut dyn Read,
    size_hint: u64,
    max: usize,
) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let first = usize::try_from(size_hint)
        .unwrap_or(max)
        .min(max)
        .saturating_add(1)
        .max(64);
    let mut buf = Zeroizing::new(vec![0u8; first]);
    let mut len = 0;
    loop {
        if len == buf.len() {
            if len > max {
                return Ok(None);
            }
            let mut bigger = Zeroizing::new(vec![0u8; len.saturating_mul(2).min(max + 1)]);
            if let (Some(dst), Some(src)) = (bigger.get_mut(..len), buf.get(..len)) {
                dst.copy_from_slice(src);
            }
            buf = bigger;
        }
        let Some(spare) = buf.get_mut(len..) else {
            break;
        };
        match r.read(spare) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if len > max {
        return Ok(None);
    }
    buf.truncate(len);
    Ok(Some(buf))
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

#[cfg(test)]
mod loading_tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use super::*;

    /// A fresh file in the temporary directory holding `text`, with `mode` on unix.
    fn temp_file(name: &str, text: &[u8], mode: u32) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("cloudsig-keys-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    fn vars(pairs: &[(&str, OsString)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn read(path: &Path) -> (Result<KeyRing, String>, Vec<String>) {
        let mut warnings = Vec::new();
        let ring = KeyRing::read_file(path, &mut |w| warnings.push(w));
        (ring.map_err(String::from), warnings)
    }

    #[test]
    fn an_empty_token_variable_is_no_token() {
        for (id, key, token) in [
            (
                ENV_ALIBABA_ACCESS_KEY_ID,
                ENV_ALIBABA_ACCESS_KEY_SECRET,
                ENV_ALIBABA_SECURITY_TOKEN,
            ),
            (ENV_HUAWEI_AK, ENV_HUAWEI_SK, ENV_HUAWEI_SECURITY_TOKEN),
        ] {
            let env = vars(&[
                (id, "AK1".into()),
                (key, "secret1".into()),
                (token, "".into()),
            ]);
            let ring = KeyRing::from_vars(&env, id, key, Some(token)).unwrap();
            assert_eq!(ring.get("AK1").unwrap().token(), None, "{token}");
            let env = vars(&[
                (id, "AK1".into()),
                (key, "secret1".into()),
                (token, "tok".into()),
            ]);
            let ring = KeyRing::from_vars(&env, id, key, Some(token)).unwrap();
            assert_eq!(ring.get("AK1").unwrap().token(), Some("tok"), "{token}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_variable_that_is_not_utf8_is_named_and_not_shown() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || OsString::from_vec(b"s3cr\xffet".to_vec());
        for (env, culprit) in [
            (
                vars(&[(ENV_SECRET_ID, "AKID1".into()), (ENV_SECRET_KEY, bad())]),
                ENV_SECRET_KEY,
            ),
            (
                vars(&[(ENV_SECRET_ID, bad()), (ENV_SECRET_KEY, "key".into())]),
                ENV_SECRET_ID,
            ),
        ] {
            let err = KeyRing::from_vars(&env, ENV_SECRET_ID, ENV_SECRET_KEY, None).unwrap_err();
            assert_eq!(err.to_string(), format!("{culprit} is not valid UTF-8"));
        }
        let env = vars(&[
            (ENV_HUAWEI_AK, "AK1".into()),
            (ENV_HUAWEI_SK, "secret1".into()),
            (ENV_HUAWEI_SECURITY_TOKEN, bad()),
        ]);
        let err = KeyRing::from_vars(
            &env,
            ENV_HUAWEI_AK,
            ENV_HUAWEI_SK,
            Some(ENV_HUAWEI_SECURITY_TOKEN),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "HUAWEICLOUD_SDK_SECURITY_TOKEN is not valid UTF-8"
        );
        // Unset still means unset, and one of the pair alone is still an error.
        let none = vars(&[]);
        assert!(
            KeyRing::from_vars(&none, ENV_SECRET_ID, ENV_SECRET_KEY, None)
                .unwrap()
                .is_empty()
        );
        let half = vars(&[(ENV_SECRET_ID, "AKID1".into())]);
        let err = KeyRing::from_vars(&half, ENV_SECRET_ID, ENV_SECRET_KEY, None).unwrap_err();
        assert!(err.to_string().starts_with("set both"), "{err}");
    }

    #[test]
    fn a_key_file_over_one_mebibyte_is_refused() {
        // Valid lines, so that only the size can refuse it.
        let mut text = "# padding\n".repeat(MAX_KEY_FILE_LEN / 10 + 1).into_bytes();
        text.extend_from_slice(b"AKID1 key1\n");
        assert!(text.len() > MAX_KEY_FILE_LEN);
        let path = temp_file("big", &text, 0o600);
        let (ring, _) = read(&path);
        let err = ring.unwrap_err();
        assert!(
            err.contains("larger than 1024 KiB") && err.contains("key file"),
            "{err}"
        );
        // Exactly at the cap is still read.
        let mut text = b"AKID1 key1\n".to_vec();
        text.resize(MAX_KEY_FILE_LEN, b'\n');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read(&path).0.unwrap().len(), 1);
        std::fs::remove_file(&path).unwrap();
        // Endless input stops one byte past the cap.
        let mut endless = std::io::repeat(b'#');
        assert!(read_capped(&mut endless, 0, 4096).unwrap().is_none());
    }

    #[test]
    fn reading_in_short_pieces_keeps_every_byte_in_wiped_buffers() {
        /// Hands out one byte per read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let text: Vec<u8> = (0..5000u32)
            .map(|i| b"AKID key\n"[(i % 9) as usize])
            .collect();
        // The size the file system gave may be wrong (0 for a pipe): the buffer grows.
        for hint in [0, 10, 5000, u64::MAX] {
            let got: Zeroizing<Vec<u8>> = read_capped(&mut Trickle(&text), hint, MAX_KEY_FILE_LEN)
                .unwrap()
                .unwrap();
            assert_eq!(got.as_slice(), text.as_slice(), "{hint}");
        }
        let got: Zeroizing<String> = read_key_text(&mut Trickle(b"AKID1 key1\n"), 0, "f").unwrap();
        assert_eq!(got.as_str(), "AKID1 key1\n");
    }

    #[test]
    fn a_key_file_that_is_not_utf8_names_the_line() {
        let err =
            read_key_text(&mut &b"# ok\nAKID1 s3cr\xffet\n"[..], 0, "key file k").unwrap_err();
        assert_eq!(err.to_string(), "key file k, line 2: not valid UTF-8");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_warned_about_unless_marked_as_examples() {
        let keys = b"AKID1 key1\n";
        for (mode, warned) in [
            (0o600, false),
            (0o400, false),
            (0o644, true),
            (0o640, true),
            (0o602, true),
        ] {
            let path = temp_file(&format!("mode{mode:o}"), keys, mode);
            let (ring, warnings) = read(&path);
            assert_eq!(ring.unwrap().len(), 1);
            assert_eq!(
                warnings.len(),
                usize::from(warned),
                "{mode:o}: {warnings:?}"
            );
            if warned {
                let w = &warnings[0];
                assert!(
                    w.contains(&path.display().to_string())
                        && w.contains(&format!("mode 0{mode:o}"))
                        && w.contains("chmod 600"),
                    "{w}"
                );
                assert!(!w.contains("key1"), "{w}");
            }
            std::fs::remove_file(&path).unwrap();
        }
        let marked = temp_file(
            "marked",
            b"# cloudsig: example keys, not secret\nAKID1 key1\n",
            0o644,
        );
        let (ring, warnings) = read(&marked);
        assert_eq!(
            (ring.unwrap().len(), warnings.len()),
            (1, 0),
            "{warnings:?}"
        );
        std::fs::remove_file(&marked).unwrap();
    }

    #[test]
    fn the_repository_example_key_files_carry_the_marker() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut seen = std::collections::BTreeSet::new();
        for dir in ["examples", "vectors/captures", "vectors/captures/sdk"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let candidates = if path.is_dir() {
                    vec![path.join("keys.txt")]
                } else {
                    vec![path]
                };
                for p in candidates {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    if p.is_file() && (name.ends_with(".keys") || name == "keys.txt") {
                        let text = std::fs::read_to_string(&p).unwrap();
                        assert!(
                            text.lines().any(|l| l.starts_with(EXAMPLE_KEYS_MARKER)),
                            "{}",
                            p.display()
                        );
                        seen.insert(p.canonicalize().unwrap());
                    }
                }
            }
        }
        assert_eq!(seen.len(), 14, "{seen:?}");
    }

    #[test]
    fn a_key_replaced_by_a_later_source_is_warned_about_by_id() {
        let mut sources = KeySources::new();
        let mut warnings = Vec::new();
        let mut warn = |w: String| warnings.push(w);
        sources.add(
            KeyRing::parse("AKID1 first1\nAKID2 same2\n", "x").unwrap(),
            ENV_SECRET_ID,
            &mut warn,
        );
        sources.add(
            KeyRing::parse("AKID1 second1\nAKID2 same2\nAKID3 k3\n", "x").unwrap(),
            "key file a",
            &mut warn,
        );
        sources.add(
            KeyRing::parse("AKID2 same2 tok\n", "x").unwrap(),
            "key file b",
            &mut warn,
        );
        assert_eq!(
            warnings,
            [
                "key id AKID1 is in TENCENTCLOUD_SECRET_ID and in key file a with different keys: the one from key file a is used",
                "key id AKID2 is in key file a and in key file b with different keys: the one from key file b is used",
            ]
        );
        assert!(
            warnings
                .iter()
                .all(|w| !w.contains("first1") && !w.contains("second1") && !w.contains("same2"))
        );
        let ring = sources.into_ring();
        assert_eq!(ring.len(), 3);
        assert_eq!(
            ring.get("AKID1").unwrap().secret_key().expose_secret(),
            b"second1"
        );
        assert_eq!(ring.get("AKID2").unwrap().token(), Some("tok"));
    }
}
