//! Request content made safe to print on a terminal.
//!
//! A captured request is the sender's text: a header value, a path or a JSON body may
//! hold terminal escape sequences (`ESC [ 2 J`, a title change, a hyperlink) that a
//! report echoing it would play on the reader's terminal. Every text report writes the
//! request's text through [`Escaped`]: each control character (C0 `U+0000`–`U+001F`,
//! DEL `U+007F`, C1 `U+0080`–`U+009F`) is written as a visible escape, `\x1b` for C0
//! and DEL and `\u{9b}` for C1; everything else is written as it is. A backslash is
//! not escaped: the point is what a terminal does with the text, not reading it back.

use std::borrow::Cow;
use std::fmt;

/// Writes its text with every control character escaped.
///
/// ```
/// use cloudsig_verify::escape::Escaped;
/// assert_eq!(Escaped("a\u{1b}[2Jb\u{9b}c\td").to_string(), "a\\x1b[2Jb\\u{9b}c\\x09d");
/// assert_eq!(Escaped("plain: é ✓").to_string(), "plain: é ✓");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

/// Whether `c` is a C0 or C1 control character or DEL.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut start = 0;
        for (i, c) in text.char_indices().filter(|(_, c)| is_control(*c)) {
            f.write_str(text.get(start..i).unwrap_or_default())?;
            if c < '\u{80}' {
                write!(f, "\\x{:02x}", u32::from(c))?;
            } else {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            }
            start = i + c.len_utf8();
        }
        f.write_str(text.get(start..).unwrap_or_default())
    }
}

/// `text` with every control character escaped as [`Escaped`] writes it; borrowed when
/// it holds none.
///
/// ```
/// use cloudsig_verify::escape::escape;
/// assert_eq!(escape("x-tc-action:\u{7f}"), "x-tc-action:\\x7f");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_control) {
        Cow::Owned(Escaped(text).to_string())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_and_only_those_is_escaped() {
        for c in (0u32..=0x3000)
            .chain([0xfeff, 0x10ffff])
            .filter_map(char::from_u32)
        {
            let text = format!("a{c}b");
            let out = Escaped(&text).to_string();
            if is_control(c) {
                assert!(!out.contains(c), "{:x}", u32::from(c));
                assert!(out.starts_with("a\\") && out.ends_with('b'), "{out}");
            } else {
                assert_eq!(out, text);
            }
        }
        assert_eq!(
            escape("\u{0}\u{1f}\u{7f}\u{80}\u{9f}\u{a0}"),
            "\\x00\\x1f\\x7f\\u{80}\\u{9f}\u{a0}"
        );
    }
}
