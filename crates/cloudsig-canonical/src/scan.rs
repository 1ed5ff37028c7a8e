//! Byte-class tests eight bytes at a time (SWAR), for the checks every signature runs
//! over its method, path, query and signed header values.
//!
//! Each test answers whether *any* byte of a text is in a class, which is what the
//! validation needs (the texts are short and almost always clean). The word formulas are
//! the classic exact ones for "some byte is zero / less than n / between m and n"; the
//! tests hold each equal to the byte-by-byte definition for every byte value at every
//! position.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
const LOWS7: u64 = u64::from_ne_bytes([0x7f; 8]);

/// High bit set in some byte iff some byte of `x` is zero.
#[inline(always)]
const fn zero_byte(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Non-zero iff some byte of `x` equals `c`.
#[inline(always)]
pub(crate) const fn eq(x: u64, c: u8) -> u64 {
    zero_byte(x ^ (ONES * c as u64))
}

/// Non-zero iff some byte of `x` is less than `n` (`n` at most 128).
#[inline(always)]
pub(crate) const fn less(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * n as u64) & !x & HIGHS
}

/// Non-zero iff some byte `b` of `x` has `m < b < n` (`m` at most 127, `n` at most 128).
#[inline(always)]
pub(crate) const fn between(x: u64, m: u8, n: u8) -> u64 {
    let low7 = x & LOWS7;
    (ONES * (127 + n as u64)).wrapping_sub(low7)
        & !x
        & low7.wrapping_add(ONES * (127 - m as u64))
        & HIGHS
}

/// Whether `test` finds its class in any byte of `s`. `test` takes eight bytes as a
/// little-endian word. A text of eight bytes or more ends with its last eight bytes
/// (overlapping the previous word, which an "any" test allows); a shorter one is padded
/// with `filler`, which must not be in the class. The words are assembled in registers:
/// copying the tail to memory and reading it back as a word would stall on the
/// store-to-load forwarding.
#[inline(always)]
pub(crate) fn any(s: &[u8], filler: u8, test: impl Fn(u64) -> u64) -> bool {
    let (words, tail) = s.as_chunks::<8>();
    let mut found = 0;
    for w in words {
        found |= test(u64::from_le_bytes(*w));
    }
    if !tail.is_empty() {
        let last = match s.last_chunk::<8>() {
            Some(last) => u64::from_le_bytes(*last),
            None => tail
                .iter()
                .rev()
                .fold(u64::from_le_bytes([filler; 8]), |w, b| {
                    (w << 8) | u64::from(*b)
                }),
        };
        found |= test(last);
    }
    found != 0
}

/// The word `x` with its ASCII upper-case letters lower-cased.
#[inline(always)]
const fn to_lower(x: u64) -> u64 {
    // The high bit of each upper-case byte, moved to 0x20.
    x | (between(x, b'A' - 1, b'Z' + 1) >> 2)
}

/// Eight bytes of `s` from `at` as a little-endian word, the missing ones zero.
#[inline(always)]
fn word_at(s: &[u8], at: usize) -> u64 {
    match s.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        Some(w) => u64::from_le_bytes(*w),
        None => s
            .get(at..)
            .unwrap_or_default()
            .iter()
            .rev()
            .fold(0, |w, b| (w << 8) | u64::from(*b)),
    }
}

/// Whether `a` equals `lower`, ignoring ASCII case, where `lower` has no upper-case
/// letter (as the names of `SignedHeaders`): `a.eq_ignore_ascii_case(lower)`, a word at
/// a time.
#[inline]
pub(crate) fn eq_lower(a: &str, lower: &str) -> bool {
    crate::lookup::counted();
    let (a, b) = (a.as_bytes(), lower.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    // Eight bytes or more: whole words, then the last eight bytes as one more
    // (overlapping) word, so no word is assembled byte by byte (issue 17 item 1,
    // session 24: the signers' one-pass header look-up spent most of its 1,280
    // instructions on the ACS3 example's six matches here).
    if let (Some(la), Some(lb)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        let (wa, _) = a.as_chunks::<8>();
        let (wb, _) = b.as_chunks::<8>();
        let mut differ = to_lower(u64::from_le_bytes(*la)) ^ u64::from_le_bytes(*lb);
        for (x, y) in wa.iter().zip(wb) {
            differ |= to_lower(u64::from_le_bytes(*x)) ^ u64::from_le_bytes(*y);
        }
        return differ == 0;
    }
    to_lower(word_at(a, 0)) == word_at(b, 0)
}

/// The high bit of each byte of `x` that equals `c`, and of no other: exact per byte
/// (the carries of [`eq`]'s formula can mark a byte above a match), so that the marked
/// bytes name positions.
#[inline(always)]
pub(crate) const fn eq_each(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * c as u64);
    !(((y & LOWS7) + LOWS7) | y) & HIGHS
}

/// The words that stand for a header name of at least one byte in [`name_matches`]: up
/// to eight bytes, the bytes zero-padded into one little-endian word (and zeros); more,
/// the first eight bytes, the last eight, and (more than 16) the eight from the ninth.
#[inline(always)]
pub(crate) fn name_words(s: &[u8]) -> [u64; 3] {
    match (s.first_chunk::<8>(), s.last_chunk::<8>()) {
        (Some(first), Some(last)) => [
            u64::from_le_bytes(*first),
            u64::from_le_bytes(*last),
            match s.get(8..).and_then(<[u8]>::first_chunk::<8>) {
                Some(second) if s.len() > 16 => u64::from_le_bytes(*second),
                _ => 0,
            },
        ],
        _ => [short_word(s), 0, 0],
    }
}

/// `0x20` in each byte of `x` that is a lower-case ASCII letter, zero in the others: the
/// bit that, set in a header name's byte, lower-cases it where the wanted name has a
/// letter.
#[inline(always)]
pub(crate) const fn letters(x: u64) -> u64 {
    between(x, b'a' - 1, b'z' + 1) >> 2
}

/// The bytes of `s` (fewer than eight) zero-padded into a little-endian word: four to
/// seven bytes as two overlapping 4-byte reads, fewer byte by byte.
#[inline(always)]
fn short_word(s: &[u8]) -> u64 {
    match (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        (Some(first), Some(last)) => {
            // `s` is shorter than eight bytes: the shift is at most 24.
            u64::from(u32::from_le_bytes(*first))
                | (u64::from(u32::from_le_bytes(*last)) << (8 * (s.len() & 7).saturating_sub(4)))
        }
        _ => s.iter().rev().fold(0, |w, b| (w << 8) | u64::from(*b)),
    }
}

/// Whether the header name `name` equals `lower` (a lower-case name of the same
/// length, at least one byte) ignoring ASCII case, given `lower`'s [`name_words`] and
/// their [`letters`]: a byte of `name` with the letter bit set where `lower` has a letter
/// equals `lower`'s exactly when the two are equal ignoring case (`lower`'s letters have
/// the bit; elsewhere the bytes must be equal as they are), so a name of up to 24 bytes
/// is up to three ORs and comparisons, and [`middle_eq`] does the rest beyond that. The
/// same answer as `eq_lower(name, lower)`.
#[inline(always)]
pub(crate) fn name_matches(name: &[u8], words: &[u64; 6], lower: &[u8]) -> bool {
    crate::lookup::counted();
    let [w0, w1, w2, l0, l1, l2] = *words;
    let [h0, h1, h2] = name_words(name);
    (h0 | l0) == w0
        && (h1 | l1) == w1
        && (h2 | l2) == w2
        && (name.len() <= 24 || middle_eq(name, lower))
}

/// Whether the words of `name` from its seventeenth byte up to its last eight bytes
/// equal `lower`'s, `name` lower-cased (the others compared already).
#[inline(never)]
fn middle_eq(name: &[u8], lower: &[u8]) -> bool {
    let mut at = 16;
    // Each word starts before the last eight bytes, so it is whole.
    while at + 8 < name.len() {
        match (
            name.get(at..).and_then(<[u8]>::first_chunk::<8>),
            lower.get(at..).and_then(<[u8]>::first_chunk::<8>),
        ) {
            (Some(a), Some(b)) if to_lower(u64::from_le_bytes(*a)) == u64::from_le_bytes(*b) => {}
            _ => return false,
        }
        at += 8;
    }
    true
}

/// Any ASCII upper-case letter.
#[inline]
pub(crate) fn any_upper(s: &str) -> bool {
    any(s.as_bytes(), b'a', |x| between(x, b'A' - 1, b'Z' + 1))
}

/// Any CR, LF or NUL: what would forge a line of a canonical request.
///
/// All three are below 14, so a text with no byte below 14 (almost every header value)
/// is answered by that one test, three operations a word against eleven for the three
/// exact ones (issue 17 item 1, session 27); only a text with a tab or another control
/// character below 14 is then tested exactly.
#[inline]
pub(crate) fn any_line_break_or_nul(s: &str) -> bool {
    let s = s.as_bytes();
    any(s, b'a', |x| less(x, 14)) && any(s, b'a', |x| eq(x, b'\r') | eq(x, b'\n') | eq(x, 0))
}

/// Any control character, space or DEL, or one of `extra` (at most two bytes).
#[inline]
pub(crate) fn any_ctl_space_or(s: &str, extra: [u8; 2]) -> bool {
    let [e1, e2] = extra;
    any(s.as_bytes(), b'a', |x| {
        less(x, b' ' + 1) | eq(x, 0x7f) | eq(x, e1) | eq(x, e2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_byte_everywhere(check: impl Fn(&[u8]) -> (bool, bool)) {
        for b in 0..=255u8 {
            for len in 1..=17 {
                for at in 0..len {
                    let mut s = [b'x'; 17];
                    s[at] = b;
                    let (got, want) = check(&s[..len]);
                    assert_eq!(got, want, "byte {b:#04x} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn word_tests_match_byte_tests() {
        every_byte_everywhere(|s| {
            (
                any(s, b'x', |x| between(x, b'A' - 1, b'Z' + 1)),
                s.iter().any(u8::is_ascii_uppercase),
            )
        });
        every_byte_everywhere(|s| {
            (
                any(s, b'x', |x| eq(x, b'\r') | eq(x, b'\n') | eq(x, 0)),
                s.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)),
            )
        });
        every_byte_everywhere(|s| {
            (
                any(s, b'x', |x| {
                    less(x, b' ' + 1) | eq(x, 0x7f) | eq(x, b'?') | eq(x, b'#')
                }),
                s.iter()
                    .any(|&b| b <= b' ' || b == 0x7f || b == b'?' || b == b'#'),
            )
        });
    }

    #[test]
    fn eq_lower_is_eq_ignore_ascii_case_against_lower_case() {
        for b in 0..=255u8 {
            for len in 1..=17 {
                for at in 0..len {
                    let mut lower = [b'x'; 17];
                    lower[at] = b.to_ascii_lowercase();
                    let mut a = [b'X'; 17];
                    a[at] = b;
                    let (a, lower) = (&a[..len], &lower[..len]);
                    let (Ok(a), Ok(lower)) = (std::str::from_utf8(a), std::str::from_utf8(lower))
                    else {
                        continue;
                    };
                    assert_eq!(eq_lower(a, lower), a.eq_ignore_ascii_case(lower), "{a:?}");
                    let other = format!("{}y", &lower[..len - 1]);
                    assert_eq!(eq_lower(a, &other), a.eq_ignore_ascii_case(&other), "{a:?}");
                }
            }
        }
        assert!(eq_lower("Content-Type", "content-type"));
        assert!(!eq_lower("Content-Type", "content-typ"));
        assert!(!eq_lower("Content_Type", "content-type"));
        assert!(eq_lower("", ""));
    }

    #[test]
    fn any_line_break_or_nul_is_the_byte_test() {
        every_byte_everywhere(|s| {
            let Ok(text) = core::str::from_utf8(s) else {
                return (false, false);
            };
            (
                any_line_break_or_nul(text),
                s.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)),
            )
        });
        // A tab (below 14, not refused) beside each refused byte, and alone.
        for (text, refused) in [
            ("a\tb", false),
            ("\t\r", true),
            ("\n\t", true),
            ("\t\0", true),
        ] {
            assert_eq!(any_line_break_or_nul(text), refused, "{text:?}");
        }
    }

    #[test]
    fn text_tests() {
        assert!(!any_upper(""));
        assert!(!any_upper("application/json; charset=utf-8"));
        assert!(any_upper("application/JSON"));
        assert!(any_upper("\u{e9}\u{c9}Z"));
        assert!(!any_upper("\u{e9}\u{c9}"));
        assert!(any_line_break_or_nul("a\nb"));
        assert!(!any_line_break_or_nul("cvm.tencentcloudapi.com"));
        assert!(any_ctl_space_or("/a?b", [b'?', b'#']));
        assert!(!any_ctl_space_or("/a/b", [b'?', b'#']));
        assert!(any_ctl_space_or("Limit=10&x=\u{7f}", [b'#', b'#']));
    }
}
