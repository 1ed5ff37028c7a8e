//! What every cloud's canonical request shares about headers: the [`SignedHeaders`] list,
//! the token-character test of header names ([`is_tchar`]) and value trimming
//! ([`trim_blanks`]).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::error::{Error, Stage};

/// The list of signed header names, lower case, in the order they are signed.
///
/// [`SignedHeaders::new`] sorts and de-duplicates, as a signer must;
/// [`SignedHeaders::parse`] keeps the order of a received `SignedHeaders=` value so a
/// verifier recomputes exactly what the client claimed. The default is
/// `content-type;host`, what every official SDK signs.
///
/// ```
/// use cloudsig_canonical::headers::SignedHeaders;
/// let s = SignedHeaders::new(["X-TC-Action", "Host", "content-type", "host"])?;
/// assert_eq!(s.to_string(), "content-type;host;x-tc-action");
/// assert_eq!(SignedHeaders::parse("content-type;host")?, SignedHeaders::default());
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignedHeaders {
    names: Vec<String>,
    /// The names joined with `;`, as the canonical request and the Authorization header
    /// write them: one piece to hash instead of two per name (issue 17).
    joined: String,
}

impl Default for SignedHeaders {
    fn default() -> Self {
        Self {
            names: alloc::vec!["content-type".into(), "host".into()],
            joined: "content-type;host".into(),
        }
    }
}

impl SignedHeaders {
    /// Lower-cases, sorts by byte order and de-duplicates the names.
    pub fn new<I, S>(names: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut names: Vec<String> = names
            .into_iter()
            .map(|n| n.as_ref().to_ascii_lowercase())
            .collect();
        names.sort_unstable();
        names.dedup();
        Self::checked(names)
    }

    /// Parses a `SignedHeaders` value (`a;b;c`) keeping its order. Names must already be
    /// lower case, as the scheme requires.
    pub fn parse(value: &str) -> Result<Self, Error> {
        let names: Vec<String> = value.split(';').map(ToString::to_string).collect();
        if let Some(n) = names
            .iter()
            .find(|n| n.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Err(Error::new(
                crate::ErrorKind::InvalidHeaderName,
                Stage::CanonicalRequest,
                "SignedHeaders",
                alloc::format!("`{}` is not lower case", n.escape_debug()),
            ));
        }
        Self::checked(names)
    }

    fn checked(names: Vec<String>) -> Result<Self, Error> {
        if names.is_empty() || names.iter().any(String::is_empty) {
            return Err(Error::new(
                crate::ErrorKind::InvalidHeaderName,
                Stage::CanonicalRequest,
                "SignedHeaders",
                "is empty or has an empty name",
            ));
        }
        for n in &names {
            crate::request::validate_header(n, "").map_err(|_| {
                Error::new(
                    crate::ErrorKind::InvalidHeaderName,
                    Stage::CanonicalRequest,
                    "SignedHeaders",
                    alloc::format!("`{}` is not an HTTP token", n.escape_debug()),
                )
            })?;
        }
        let joined = names.join(";");
        Ok(Self { names, joined })
    }

    /// How many names are signed.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name is signed (never true of a checked list).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names joined with `;` (`content-type;host`), as [`fmt::Display`] writes them.
    pub fn joined(&self) -> &str {
        &self.joined
    }

    /// The names in signing order, as a slice.
    pub(crate) fn name_list(&self) -> &[String] {
        &self.names
    }

    /// The names in signing order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// Whether `name` (lower case) is signed.
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The first name, in signing order, that no header of `headers` carries (names
    /// compared without regard to ASCII case): what a verifier reports before it builds
    /// the canonical request. Sorts the headers once when many names are signed, so a
    /// list of thousands of names costs n log n, not names × headers.
    ///
    /// ```
    /// use cloudsig_canonical::headers::SignedHeaders;
    /// let s = SignedHeaders::parse("content-type;host;x-tc-region")?;
    /// let headers = [("Host", "cvm.tencentcloudapi.com"), ("Content-Type", "application/json")];
    /// assert_eq!(s.first_missing(&headers), Some("x-tc-region"));
    /// assert_eq!(SignedHeaders::default().first_missing(&headers), None);
    /// # Ok::<(), cloudsig_canonical::Error>(())
    /// ```
    pub fn first_missing(&self, headers: &[(&str, &str)]) -> Option<&str> {
        let lookup = crate::lookup::Lookup::new(headers, self.names.len());
        self.names().find(|n| lookup.values(n).next().is_none())
    }

    /// Whether the names are sorted and unique, as the documentation requires.
    pub fn is_sorted(&self) -> bool {
        self.names.windows(2).all(|w| matches!(w, [a, b] if a < b))
    }
}

impl fmt::Display for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.joined)
    }
}

/// `s` without leading and trailing spaces and horizontal tabs (the optional whitespace
/// of RFC 9110 around a field value).
///
/// ```
/// assert_eq!(cloudsig_canonical::headers::trim_blanks(" \ta b\t "), "a b");
/// ```
#[inline]
pub fn trim_blanks(s: &str) -> &str {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = s.as_bytes();
    let Some(start) = bytes.iter().position(|b| !blank(b)) else {
        return "";
    };
    let end = bytes
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |e| e + 1);
    // Both ends are next to ASCII bytes, so they are character boundaries.
    s.get(start..end).unwrap_or_default()
}

/// Whether `b` is a token character of RFC 9110 (a header name is a non-empty run of
/// them): letters, digits and ``!#$%&'*+-.^_`|~``. The one copy for every crate.
///
/// ```
/// use cloudsig_canonical::headers::is_tchar;
/// assert!(b"X-TC-Action".iter().all(|&b| is_tchar(b)));
/// assert!(!is_tchar(b':') && !is_tchar(b' '));
/// ```
///
/// A lookup in a 256-entry table built at compile time from the RFC's list. Measured
/// against the `match` it is built from: the JSON-lines reader (which tests every header
/// name byte) spent 10.5 M more instructions on 20,000 requests with the `match` inlined
/// (callgrind, `cloudsig verify --threads 1` on a `make-jsonl` capture: 1.035 G against
/// 1.024 G in all), so the table is the one copy.
#[inline]
pub fn is_tchar(b: u8) -> bool {
    TCHAR.get(usize::from(b)) == Some(&true)
}

/// Which bytes are RFC 9110 `tchar`s, by byte value (evaluated at compile time: an
/// index out of bounds could only fail the build).
#[allow(clippy::indexing_slicing)]
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        // `b < 256`: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let c = b as u8;
        t[b] = tchar_by_rule(c);
        b += 1;
    }
    t
};

/// The token characters of RFC 9110: letters, digits and ``!#$%&'*+-.^_`|~``.
const fn tchar_by_rule(b: u8) -> bool {
    matches!(
        b,
        b'0'..=b'9'
            | b'a'..=b'z'
            | b'A'..=b'Z'
            | b'!'
            | b'#'
            | b'$'
            | b'%'
            | b'&'
            | b'\''
            | b'*'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~'
    )
}
