//! The INI files the SDKs read with Python's `configparser` (its defaults: strict, no
//! inline comments, empty lines allowed in values), rule for rule, because the SDKs'
//! choice of credentials depends on them: `[section]` headers (the name runs to the last
//! `]`; a section given twice is an error), `key = value` or `key: value` options (split
//! at the first `=` or `:`, keys lower-cased, values stripped; a key given twice in a
//! section is an error), whole-line `#` and `;` comments, indented lines continuing the
//! previous value (joined with a newline), and `[DEFAULT]`, whose options every section
//! inherits when read through [`Ini::items`] (configparser's `items(section)`) but not
//! through [`Ini::section`] (its raw `_sections`). Written here because no crate
//! implements configparser's rules and the subset is small.

use std::collections::BTreeMap;

use zeroize::Zeroize;

/// configparser's `default_section`.
const DEFAULT_SECTION: &str = "DEFAULT";

/// Parsed sections, each a map of lower-case keys to stripped values, and the
/// `[DEFAULT]` options. Values are wiped when dropped.
#[derive(Default)]
pub(crate) struct Ini {
    sections: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    defaults: BTreeMap<String, Vec<String>>,
}

impl Drop for Ini {
    fn drop(&mut self) {
        for s in self.sections.values_mut().chain(Some(&mut self.defaults)) {
            for v in s.values_mut().flatten() {
                v.zeroize();
            }
        }
    }
}

fn join(lines: &[String]) -> String {
    lines.join("\n").trim_end().to_string()
}

impl Ini {
    /// Parses `text` as configparser's `read` does; the errors it raises (an option
    /// before any section, a line that is neither a header nor an option, an empty key,
    /// a section or key given twice) are errors naming the line number.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut ini = Self::default();
        // The section being filled (None: none yet; Some(None): [DEFAULT]) and its key.
        let mut current: Option<Option<String>> = None;
        let mut key: Option<String> = None;
        let mut indent_level = 0usize;
        let mut seen_sections: Vec<String> = Vec::new();
        let mut seen_keys: Vec<(Option<String>, String)> = Vec::new();
        let mut first_error: Option<String> = None;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let stripped = line.trim();
            if stripped.starts_with('#') || stripped.starts_with(';') {
                continue; // a comment; not even an empty line of a value
            }
            // An empty line inside a value, or an indented continuation of it.
            let indent = line.chars().take_while(|c| c.is_whitespace()).count();
            if stripped.is_empty() || indent > indent_level {
                if let (Some(section), Some(k)) = (&current, &key)
                    && let Some(v) = ini.options_mut(section).get_mut(k)
                {
                    v.push(stripped.to_string());
                    continue;
                }
                if stripped.is_empty() {
                    continue;
                }
            }
            indent_level = indent;
            if let Some(header) = section_header(stripped) {
                if header == DEFAULT_SECTION {
                    current = Some(None);
                } else {
                    if seen_sections.iter().any(|s| s == header) {
                        return Err(format!("line {n}: section [{header}] given twice"));
                    }
                    seen_sections.push(header.to_string());
                    ini.sections.entry(header.to_string()).or_default();
                    current = Some(Some(header.to_string()));
                }
                key = None;
                continue;
            }
            let Some(section) = &current else {
                return Err(format!("line {n}: an option before any [section]"));
            };
            let Some(cut) = stripped.find(['=', ':']) else {
                first_error.get_or_insert(format!("line {n}: neither `=` nor `:`"));
                continue;
            };
            let (k, value) = stripped.split_at(cut);
            let k = k.trim_end();
            if k.is_empty() {
                first_error.get_or_insert(format!("line {n}: an option without a name"));
            }
            let k = k.to_lowercase();
            let entry = (section.clone(), k.clone());
            if seen_keys.contains(&entry) {
                return Err(format!("line {n}: option `{k}` given twice in its section"));
            }
            seen_keys.push(entry);
            let value = value.get(1..).unwrap_or_default().trim().to_string();
            ini.options_mut(section).insert(k.clone(), vec![value]);
            key = Some(k);
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(ini),
        }
    }

    fn options_mut(&mut self, section: &Option<String>) -> &mut BTreeMap<String, Vec<String>> {
        match section {
            None => &mut self.defaults,
            Some(name) => self.sections.entry(name.clone()).or_default(),
        }
    }

    /// A section's own options, without `[DEFAULT]`'s (configparser's `_sections`).
    pub(crate) fn section(&self, name: &str) -> Option<Options> {
        let s = self.sections.get(name)?;
        Some(Options(
            s.iter().map(|(k, v)| (k.clone(), join(v))).collect(),
        ))
    }

    /// A section's options over `[DEFAULT]`'s (configparser's `items(section)`); None
    /// when the section does not exist (`[DEFAULT]` itself is not a section).
    pub(crate) fn items(&self, name: &str) -> Option<Options> {
        let s = self.sections.get(name)?;
        Some(Options(
            self.defaults
                .iter()
                .chain(s.iter())
                .map(|(k, v)| (k.clone(), join(v)))
                .collect(),
        ))
    }
}

/// One section's options (lower-case keys, joined values), wiped when dropped.
pub(crate) struct Options(BTreeMap<String, String>);

impl Options {
    /// An option's value.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        for v in self.0.values_mut() {
            v.zeroize();
        }
    }
}

/// configparser's `\[(?P<header>.+)\]`, matched at the start of the stripped line: the
/// name runs to the last `]` on the line and must not be empty; anything after is
/// ignored.
fn section_header(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    rest.get(..end).filter(|h| !h.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Expected values: what Python 3.11's configparser gives for the same text
    // (`ConfigParser().read_string(text)`, then `_sections` / `items(section)`).
    #[test]
    fn sections_keys_and_comments() {
        let ini =
            Ini::parse("# c\n[default]\nSecret_Id = a \n; c\nsecret_key: b\n[x]\nk=v=w\n").unwrap();
        let d = ini.section("default").unwrap();
        assert_eq!(d.get("secret_id"), Some("a"));
        assert_eq!(d.get("secret_key"), Some("b"));
        assert_eq!(ini.section("x").unwrap().get("k"), Some("v=w"));
        assert!(Ini::parse("k=v\n").is_err());
        assert!(Ini::parse("[a]\nnovalue\n").is_err());
        assert!(Ini::parse("[a]\n=v\n").is_err());
    }

    #[test]
    fn strict_duplicates_are_errors() {
        assert!(Ini::parse("[a]\nk=1\n[a]\nk=2\n").is_err());
        assert!(Ini::parse("[a]\nk=1\nK=2\n").is_err());
        // [DEFAULT] may be given twice (configparser does not track it), its keys not.
        assert!(Ini::parse("[DEFAULT]\nk=1\n[DEFAULT]\nj=2\n").is_ok());
        assert!(Ini::parse("[DEFAULT]\nk=1\n[DEFAULT]\nk=2\n").is_err());
    }

    #[test]
    fn continuation_lines_and_headers() {
        // configparser: {'k': 'v\nmore', 'j': 'x'}; header "a] b" (to the last `]`).
        let ini = Ini::parse("[s]\nk = v\n  more\n\nj = x\n\n[a] b] tail\n").unwrap();
        let s = ini.section("s").unwrap();
        assert_eq!(s.get("k"), Some("v\nmore"));
        assert_eq!(s.get("j"), Some("x"));
        assert!(ini.section("a] b").is_some());
        assert!(Ini::parse("[]\nk=v\n").is_err());
    }

    #[test]
    fn default_section_is_inherited_by_items_only() {
        let ini = Ini::parse("[DEFAULT]\ntype = access_key\n[default]\nid = x\n").unwrap();
        assert_eq!(ini.section("default").unwrap().get("type"), None);
        assert_eq!(
            ini.items("default").unwrap().get("type"),
            Some("access_key")
        );
        assert!(ini.items("DEFAULT").is_none());
    }
}
