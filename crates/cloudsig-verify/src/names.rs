//! Header names compared with the names the rules look for, ASCII case ignored, a word
//! of eight bytes at a time: the rules ask this of every header of every request.
//!
//! Byte by byte (`str::eq_ignore_ascii_case`), the Tencent rules' duplicate check alone
//! cost 2,100 instructions a request of the 46,100 that verifying a `make-jsonl` TC3
//! request takes (callgrind, `cloudsig verify --threads 1`; 1,640 fewer with this), and
//! each `RequestView::header` lookup scans the headers again.

/// Words of eight bytes a looked-for name fits in (the longest, `x-acs-signature-version`,
/// has 23 bytes).
const WORDS: usize = 3;

/// A header name a rule looks for, prepared for [`HeaderName::is`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderName {
    /// The name's length in bytes.
    len: usize,
    /// The name's bytes, zero-padded, as little-endian words.
    words: [u64; WORDS],
    /// `0x20` in each byte of `words` that is an ASCII letter: the one bit in which the
    /// letter's two cases differ, so the one bit allowed to differ.
    letters: [u64; WORDS],
}

impl HeaderName {
    /// `name` prepared; at most 24 bytes (a longer one is refused where the constant
    /// is compiled).
    // Evaluated only in constants: an index out of bounds here (a name longer than
    // `WORDS` words) is a compile error, never a panic at run time.
    #[allow(clippy::indexing_slicing)]
    pub(crate) const fn new(name: &str) -> Self {
        let bytes = name.as_bytes();
        let mut words = [0u64; WORDS];
        let mut letters = [0u64; WORDS];
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            words[i / 8] |= (b as u64) << ((i % 8) * 8);
            if b.is_ascii_alphabetic() {
                letters[i / 8] |= 0x20 << ((i % 8) * 8);
            }
            i += 1;
        }
        Self {
            len: bytes.len(),
            words,
            letters,
        }
    }

    /// Whether the header name whose [`NameWords`] are `h` is this one, ASCII case
    /// ignored: the bytes may differ only in the case bit of letters. The answer of
    /// `str::eq_ignore_ascii_case` (test `word_matching_agrees_with_eq_ignore_ascii_case`).
    pub(crate) fn is(&self, h: &NameWords) -> bool {
        h.len == self.len
            && h.words
                .iter()
                .zip(self.words.iter().zip(&self.letters))
                .all(|(h, (n, l))| (h ^ n) & !l == 0)
    }
}

/// A header name of a request as zero-padded little-endian words, made once and
/// compared with several [`HeaderName`]s.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameWords {
    len: usize,
    words: [u64; WORDS],
}

impl NameWords {
    /// `name`'s words, or `None` when it is longer than any looked-for name.
    pub(crate) fn of(name: &str) -> Option<Self> {
        let bytes = name.as_bytes();
        let mut padded = [0u8; WORDS * 8];
        padded.get_mut(..bytes.len())?.copy_from_slice(bytes);
        let mut words = [0u64; WORDS];
        for (word, chunk) in words.iter_mut().zip(padded.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *word = u64::from_le_bytes(b);
        }
        Some(Self {
            len: bytes.len(),
            words,
        })
    }
}

/// The value of the first header of each of `names` (as
/// [`RequestView::header`](crate::capture::RequestView::header) finds it, ASCII case
/// ignored), in one pass over `headers` instead of one per name.
pub(crate) fn first_of<'a, const N: usize>(
    headers: &[(&'a str, &'a str)],
    names: &[HeaderName; N],
) -> [Option<&'a str>; N] {
    let mut found = [None; N];
    let mut missing = N;
    for (name, value) in headers {
        if missing == 0 {
            break;
        }
        let Some(words) = NameWords::of(name) else {
            continue;
        };
        if let Some(slot) = names
            .iter()
            .zip(found.iter_mut())
            .find_map(|(n, slot)| n.is(&words).then_some(slot))
            && slot.is_none()
        {
            *slot = Some(*value);
            missing = missing.saturating_sub(1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duplicates::{ALIBABA, HUAWEI, TENCENT};

    /// The word-at-a-time test against `str::eq_ignore_ascii_case` (the independent
    /// answer), on every watched name and variants of it: each byte with its case bit or
    /// another bit flipped, the name shortened and lengthened, wholly upper and lower
    /// case, and the other names.
    #[test]
    fn word_matching_agrees_with_eq_ignore_ascii_case() {
        let all: Vec<&str> = TENCENT
            .iter()
            .chain(ALIBABA)
            .chain(HUAWEI)
            .map(|w| w.name)
            .chain(["x-tc-content-sha256", "a", "-", "0123456789-_"])
            .collect();
        let mut candidates: Vec<Vec<u8>> = Vec::new();
        for name in &all {
            let n = name.as_bytes();
            candidates.push(n.to_vec());
            candidates.push(n.to_ascii_uppercase());
            candidates.push(n.to_ascii_lowercase());
            candidates.push(n[..n.len() - 1].to_vec());
            candidates.push([n, b"x"].concat());
            for i in 0..n.len() {
                for flip in [0x20u8, 0x01, 0x80, 0x10, 0x40] {
                    let mut v = n.to_vec();
                    v[i] ^= flip;
                    candidates.push(v);
                }
            }
        }
        candidates.push(vec![b'a'; 30]);
        candidates.push(Vec::new());
        let mut matched = 0;
        for c in &candidates {
            let candidate = String::from_utf8_lossy(c);
            let words = NameWords::of(&candidate);
            for name in &all {
                let expected = candidate.eq_ignore_ascii_case(name);
                let got = words.is_some_and(|w| HeaderName::new(name).is(&w));
                assert_eq!(got, expected, "{candidate:?} against {name:?}");
                matched += usize::from(got);
            }
        }
        assert!(matched > 3 * all.len(), "{matched}");
    }

    #[test]
    fn first_of_finds_the_first_of_each_as_header_does() {
        let headers = [
            ("X-Other", "0"),
            ("host", "a"),
            ("HOST", "b"),
            ("X-TC-Token", "t"),
            ("x-tc-action", "A"),
        ];
        let names = [
            HeaderName::new("Host"),
            HeaderName::new("X-TC-Action"),
            HeaderName::new("X-TC-Version"),
            HeaderName::new("x-tc-token"),
        ];
        let view = crate::capture::RequestView {
            location: crate::capture::Location::default(),
            method: "GET",
            target: "/",
            headers: headers.to_vec(),
            body: b"",
        };
        let expected =
            ["Host", "X-TC-Action", "X-TC-Version", "x-tc-token"].map(|n| view.header(n));
        assert_eq!(first_of(&headers, &names), expected);
        assert_eq!(expected, [Some("a"), Some("A"), None, Some("t")]);
    }
}
