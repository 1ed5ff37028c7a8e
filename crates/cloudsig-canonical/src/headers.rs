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
    /// What [`SignedHeaders::find_few`] needs of the names, made once with the list
    /// (`None` when there are more than [`FEW`] names or one is longer than 255 bytes).
    index: Option<FewIndex>,
}

impl Default for SignedHeaders {
    fn default() -> Self {
        let names = alloc::vec!["content-type".into(), "host".into()];
        Self {
            index: FewIndex::new(&names),
            names,
            joined: "content-type;host".into(),
        }
    }
}

/// Up to this many signed names are indexed for [`SignedHeaders::find_few`], the
/// signers' one-pass look-up: the SDKs sign two to eight.
pub(crate) const FEW: usize = 8;

// Every name found has a slot among the inline values of a canonical request.
const _: () = assert!(FEW <= crate::sigv4::INLINE_VALUES);

/// The signed names' lengths and words, for matching a request's header names against
/// them without reading the names themselves (issue 17 item 1, session 27).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FewIndex {
    /// Each name's length as one byte of a little-endian word, in signing order; zero
    /// past the last name (no name is empty).
    lens: u64,
    /// Each name's [`crate::scan::name_words`], then their [`crate::scan::letters`].
    words: [[u64; 6]; FEW],
}

impl FewIndex {
    /// The index of `names`: `None` when there are more than [`FEW`] or one is longer
    /// than 255 bytes.
    fn new(names: &[String]) -> Option<Self> {
        if names.len() > FEW {
            return None;
        }
        let mut lens = [0u8; 8];
        let mut words = [[0; 6]; FEW];
        for ((len, word), name) in lens.iter_mut().zip(&mut words).zip(names) {
            *len = u8::try_from(name.len()).ok()?;
            let [w0, w1, w2] = crate::scan::name_words(name.as_bytes());
            *word = [
                w0,
                w1,
                w2,
                crate::scan::letters(w0),
                crate::scan::letters(w1),
                crate::scan::letters(w2),
            ];
        }
        Some(Self {
            lens: u64::from_le_bytes(lens),
            words,
        })
    }
}

/// The values of a few signed names found by [`SignedHeaders::find_few`].
pub(crate) struct FoundFew<'a> {
    /// The last value sent of each name, in signing order; `""` past the last name.
    pub(crate) values: [&'a str; FEW],
    /// Whether some name was sent more than once.
    pub(crate) repeated: bool,
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
        Ok(Self {
            index: FewIndex::new(&names),
            names,
            joined,
        })
    }

    /// The values of the names (at most [`FEW`]) among `headers`, found in one pass
    /// over them: the signers' hot path (issue 17 item 1, session 27). `None` when
    /// there are more names, when some name is not sent, or when one is listed twice
    /// (its second place is never filled).
    ///
    /// Each header's name is matched by its length against all the names' lengths at
    /// once (one word), then, where a length agrees, against the words indexed when the
    /// list was made (its first and last eight bytes, case folded by one OR with the
    /// letter bits, and the eight from the ninth of a name longer than 16); only a name
    /// longer than 24 bytes has the rest compared from the strings.
    /// Session 26's scan compared the lengths one name at a time and each candidate a
    /// word at a time from both strings (callgrind: 758 instructions for the ACS3
    /// example's six headers).
    #[inline]
    pub(crate) fn find_few<'a>(&self, headers: &[(&'a str, &'a str)]) -> Option<FoundFew<'a>> {
        let index = self.index.as_ref()?;
        let mut values = [""; FEW];
        let mut seen = 0u32;
        let mut repeated = false;
        for &(name, value) in headers {
            let bytes = name.as_bytes();
            let Ok(len) = u8::try_from(bytes.len()) else {
                continue;
            };
            // A name is never empty, so an empty header name matches no slot, used or not.
            let mut candidates = crate::scan::eq_each(index.lens, len);
            if len == 0 {
                candidates = 0;
            }
            while candidates != 0 {
                // The byte of the lowest candidate: at most 7.
                let i = (candidates.trailing_zeros() / 8) as usize;
                candidates &= candidates - 1;
                let (Some(words), Some(wanted)) = (index.words.get(i), self.names.get(i)) else {
                    break;
                };
                if crate::scan::name_matches(bytes, words, wanted.as_bytes()) {
                    let bit = 1u32 << i;
                    repeated |= seen & bit != 0;
                    seen |= bit;
                    if let Some(slot) = values.get_mut(i) {
                        *slot = value;
                    }
                    break;
                }
            }
        }
        let all = (1u32 << self.names.len()) - 1;
        (seen == all).then_some(FoundFew { values, repeated })
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
    // What the SDKs send: neither end blank, nothing to search (issue 17 item 1,
    // session 27).
    if let (Some(first), Some(last)) = (bytes.first(), bytes.last())
        && !blank(first)
        && !blank(last)
    {
        return s;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use alloc::format;

    /// `find_few` by the definition: the last value of each name compared without
    /// regard to ASCII case, `None` when one is missing; and whether one was repeated.
    fn naive<'a>(
        names: &SignedHeaders,
        headers: &[(&'a str, &'a str)],
    ) -> Option<(Vec<&'a str>, bool)> {
        let mut values = Vec::new();
        let mut repeated = false;
        for name in names.names() {
            let found: Vec<&str> = headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .collect();
            values.push(*found.last()?);
            repeated |= found.len() > 1;
        }
        Some((values, repeated))
    }

    fn found<'a>(
        names: &SignedHeaders,
        headers: &[(&'a str, &'a str)],
    ) -> Option<(Vec<&'a str>, bool)> {
        let f = names.find_few(headers)?;
        assert!(f.values[names.len()..].iter().all(|v| v.is_empty()));
        Some((f.values[..names.len()].to_vec(), f.repeated))
    }

    #[test]
    fn find_few_finds_the_last_value_of_each_name() {
        let headers = [
            ("Host", "a"),
            ("X-B", "1"),
            ("x-a", "2"),
            ("HOST", "b"),
            ("X-Aa", "4"),
            ("", "5"),
            ("host", "c"),
            ("X-Acs-Signature-Nonce", "n"),
            ("x-acs-signature-noncf", "m"),
            ("x-acs-signaturE-nonce", "o"),
        ];
        for list in [
            "host;x-a;x-aa;x-b",
            "host;x-a;x-aa;x-b;x-c;zz",
            "x-acs-signature-nonce;host",
            "x-acs-signature-noncf",
            "a;b;c;d;e;f;g;h",
        ] {
            let names = SignedHeaders::parse(list).unwrap();
            assert_eq!(found(&names, &headers), naive(&names, &headers), "{list}");
        }
        let names = SignedHeaders::parse("host;x-a;x-b").unwrap();
        assert_eq!(found(&names, &headers), Some((vec!["c", "2", "1"], true)));
        let once = [("x-b", "1"), ("X-A", "2"), ("Host", "h")];
        assert_eq!(found(&names, &once), Some((vec!["h", "2", "1"], false)));
        // A name listed twice (`parse` keeps the list as received): not found, so the
        // staged path builds it.
        let twice = SignedHeaders::parse("x-b;host;x-b").unwrap();
        assert!(twice.find_few(&headers).is_none());
        // More than FEW names, or a name of more than 255 bytes: no index.
        let many: Vec<String> = (0..=FEW).map(|i| format!("n{i}")).collect();
        assert!(SignedHeaders::new(&many).unwrap().find_few(&once).is_none());
        let long = "x".repeat(256);
        assert!(
            SignedHeaders::new([long.as_str()])
                .unwrap()
                .find_few(&[(long.as_str(), "v")])
                .is_none()
        );
        let long = "x".repeat(255);
        let f = SignedHeaders::new([long.as_str()]).unwrap();
        assert_eq!(found(&f, &[(long.as_str(), "v")]), Some((vec!["v"], false)));
    }

    #[test]
    fn find_few_matches_as_eq_ignore_ascii_case_for_every_byte_everywhere() {
        // A signed name of each length from 1 to 40, against a header name with one
        // byte changed to every value at every place (and the same name at other lengths).
        for len in 1..=40usize {
            let wanted: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let names = SignedHeaders::new([wanted.as_str(), "zz-other"]).unwrap();
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = wanted.clone().into_bytes();
                    bytes[at] = b;
                    let Ok(name) = std::str::from_utf8(&bytes) else {
                        continue;
                    };
                    let headers = [(name, "v"), ("ZZ-Other", "w")];
                    assert_eq!(found(&names, &headers), naive(&names, &headers), "{name:?}");
                }
            }
            for other in [len - 1, len + 1, len + 8] {
                let name: String = (0..other)
                    .map(|i| (b'A' + (i % 26) as u8) as char)
                    .collect();
                let headers = [(name.as_str(), "v"), ("zz-other", "w")];
                assert_eq!(found(&names, &headers), naive(&names, &headers), "{name:?}");
            }
        }
    }
}
