//! The one tolerant `ALG k=v, k=v` Authorization grammar that TC3, ACS3 and Huawei's
//! SDK-HMAC/V11 share, the form of the separators ([`AuthForm`]) and the typed error
//! every Authorization parser returns ([`AuthorizationError`]).
//!
//! Each cloud's `auth.rs` keeps only its own rules: the algorithm names, the part
//! names, what a credential holds, and which spacing its SDKs send.

use std::borrow::Cow;
use std::fmt;

/// How the parts of an Authorization header were separated.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthForm {
    /// `, ` between the parts, as documented and as every official SDK sends it.
    Documented,
    /// `,` with no space, as some third-party signers send it.
    Compact,
    /// Mixed or extra whitespace.
    Irregular,
}

/// Why an Authorization value could not be read. The message says what is malformed,
/// in words; [`AuthorizationError::kind`] says which rule it broke.
///
/// ```
/// use cloudsig_verify::authorization::{AuthorizationErrorKind, parts};
/// let err = parts("Credential=a, Foo=b", ["Credential", "SignedHeaders", "Signature"]).unwrap_err();
/// assert_eq!(err.kind(), AuthorizationErrorKind::UnknownPart);
/// assert_eq!(err.to_string(), "unknown part `Foo`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationError {
    kind: AuthorizationErrorKind,
    message: Cow<'static, str>,
}

/// Which rule of the Authorization grammar a value broke.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorizationErrorKind {
    /// The algorithm is missing, unknown, or not followed by a space.
    Algorithm,
    /// A part has no `=`.
    NoEquals,
    /// A part's name is not one of the scheme's.
    UnknownPart,
    /// A part appears twice.
    Twice,
    /// A required part is missing.
    Missing,
    /// A part's value is empty or not of the scheme's form (a credential scope, the
    /// `AK:signature` pair).
    Malformed,
}

impl AuthorizationError {
    /// An error of `kind` with `message`.
    pub fn new(kind: AuthorizationErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Which rule the value broke.
    pub fn kind(&self) -> AuthorizationErrorKind {
        self.kind
    }

    /// Whether the message contains `text` (a shorthand for tests and callers that
    /// matched on the old `String` error).
    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthorizationError {}

/// The three `name=value` parts of an Authorization value after its algorithm, in the
/// order of the names asked for, and how they were separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The values, in the order of the names given to [`parts`].
    pub values: [&'a str; 3],
    /// Separators that are `, ` (one space).
    pub spaced: usize,
    /// Separators that are `,` alone.
    pub compact: usize,
    /// Separators with other whitespace, and whitespace before a comma.
    pub irregular: usize,
}

impl Parts<'_> {
    /// The form the separators make, for schemes documented with `, `: all `, ` (or
    /// one part) is documented, all `,` compact, anything else irregular.
    pub fn form(&self) -> AuthForm {
        match (self.spaced, self.compact, self.irregular) {
            (_, 0, 0) => AuthForm::Documented,
            (0, _, 0) => AuthForm::Compact,
            _ => AuthForm::Irregular,
        }
    }
}

/// Whether `rest`, what follows an algorithm name, starts with exactly one space and
/// then a part: the documented separator of every scheme. A tab, or more than one
/// blank, is understood by the parsers but irregular.
///
/// ```
/// use cloudsig_verify::authorization::one_space_after_algorithm;
/// assert!(one_space_after_algorithm(" Credential=a"));
/// assert!(!one_space_after_algorithm("\tCredential=a"));
/// assert!(!one_space_after_algorithm("  Credential=a"));
/// ```
pub fn one_space_after_algorithm(rest: &str) -> bool {
    rest.strip_prefix(' ')
        .is_some_and(|r| !r.starts_with(char::is_whitespace))
}

/// Reads `rest` (what follows the algorithm and its whitespace) as `k=v` parts
/// separated by `,`, in any order, with any whitespace around the parts; every name
/// must be one of `names`, each exactly once.
///
/// ```
/// use cloudsig_verify::authorization::{AuthForm, parts};
/// let p = parts("Signature=ab,SignedHeaders=host, Credential=AK", ["Credential", "SignedHeaders", "Signature"])?;
/// assert_eq!(p.values, ["AK", "host", "ab"]);
/// assert_eq!(p.form(), AuthForm::Irregular);
/// # Ok::<(), cloudsig_verify::authorization::AuthorizationError>(())
/// ```
pub fn parts<'a>(rest: &'a str, names: [&str; 3]) -> Result<Parts<'a>, AuthorizationError> {
    use AuthorizationErrorKind as K;
    let mut values: [Option<&'a str>; 3] = [None; 3];
    let (mut spaced, mut compact, mut irregular) = (0, 0, 0);
    for (i, part) in split_ascii(rest, b',').enumerate() {
        if i > 0 {
            let lead = part.len() - part.trim_start().len();
            match (lead, part.starts_with(' ')) {
                (0, _) => compact += 1,
                (1, true) => spaced += 1,
                _ => irregular += 1,
            }
        }
        if part.ends_with(char::is_whitespace) {
            // Whitespace before a comma (the value as a whole is trimmed).
            irregular += 1;
        }
        let part = part.trim();
        let (key, val) = split_once_ascii(part, b'=').ok_or_else(|| {
            AuthorizationError::new(K::NoEquals, format!("part {} has no `=`", i + 1))
        })?;
        let key = key.trim_end();
        let Some(slot) = names
            .iter()
            .position(|n| *n == key)
            .and_then(|p| values.get_mut(p))
        else {
            return Err(AuthorizationError::new(
                K::UnknownPart,
                format!("unknown part `{}`", key.escape_debug()),
            ));
        };
        if slot.replace(val.trim_start()).is_some() {
            return Err(AuthorizationError::new(
                K::Twice,
                format!("`{}` appears twice", key.escape_debug()),
            ));
        }
    }
    let mut out = [""; 3];
    for ((value, name), slot) in values.iter().zip(names).zip(out.iter_mut()) {
        *slot = value.ok_or_else(|| AuthorizationError::new(K::Missing, format!("no {name}")))?;
    }
    Ok(Parts {
        values: out,
        spaced,
        compact,
        irregular,
    })
}

/// `s.split(c)` for an ASCII `c`, with the `memchr` crate: the standard library's
/// `char` pattern costs more to set up for each of an Authorization header's short
/// pieces, and a plain byte loop takes a branch per byte. Cutting at an ASCII byte
/// keeps every piece valid UTF-8.
pub(crate) fn split_ascii(s: &str, c: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(c, r.as_bytes()) {
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `s.split_once(c)` for an ASCII `c`, with the `memchr` crate.
pub(crate) fn split_once_ascii(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(c, s.as_bytes())?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 3] = ["Credential", "SignedHeaders", "Signature"];

    #[test]
    fn ascii_splits_are_the_char_splits() {
        for s in [
            "", ",", "a", "a,", ",a", "a,,b", "é,ü,", "x=y=z", "=", "a=", "/a/b/",
        ] {
            for c in [',', '=', '/'] {
                let want: Vec<&str> = s.split(c).collect();
                let got: Vec<&str> = split_ascii(s, c as u8).collect();
                assert_eq!(got, want, "{s:?} {c:?}");
                assert_eq!(split_once_ascii(s, c as u8), s.split_once(c), "{s:?} {c:?}");
            }
        }
    }

    #[test]
    fn forms_and_kinds() {
        let documented = parts("Credential=a, SignedHeaders=h, Signature=s", NAMES).unwrap();
        assert_eq!(documented.form(), AuthForm::Documented);
        assert_eq!(documented.values, ["a", "h", "s"]);
        let compact = parts("Credential=a,SignedHeaders=h,Signature=s", NAMES).unwrap();
        assert_eq!(compact.form(), AuthForm::Compact);
        let mixed = parts("Credential=a,SignedHeaders=h, Signature=s", NAMES).unwrap();
        assert_eq!(mixed.form(), AuthForm::Irregular);
        let before = parts("Credential=a , SignedHeaders=h, Signature=s", NAMES).unwrap();
        assert_eq!(before.form(), AuthForm::Irregular);
        for (value, kind, message) in [
            (
                "Credential",
                AuthorizationErrorKind::NoEquals,
                "part 1 has no `=`",
            ),
            (
                "Foo=1",
                AuthorizationErrorKind::UnknownPart,
                "unknown part `Foo`",
            ),
            (
                "Signature=1, Signature=2",
                AuthorizationErrorKind::Twice,
                "`Signature` appears twice",
            ),
            (
                "Credential=a, SignedHeaders=h",
                AuthorizationErrorKind::Missing,
                "no Signature",
            ),
        ] {
            let err = parts(value, NAMES).unwrap_err();
            assert_eq!(
                (err.kind(), err.to_string().as_str()),
                (kind, message),
                "{value}"
            );
        }
    }
}
