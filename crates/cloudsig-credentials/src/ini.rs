//! The INI files the SDKs read with Python's `configparser`: `[section]` lines,
//! `key = value` or `key: value` options, `#` and `;` comment lines, keys compared
//! without case, values stripped. Written here because the subset is a few lines and
//! the SDKs' semantics (no interpolation is ever used by these files) are simple to
//! state; a section given twice merges, a later key wins.

use std::collections::BTreeMap;

use zeroize::Zeroize;

/// Parsed sections, each a map of lower-case keys to stripped values. Values are wiped
/// when dropped.
#[derive(Default)]
pub(crate) struct Ini {
    sections: BTreeMap<String, BTreeMap<String, String>>,
}

impl Drop for Ini {
    fn drop(&mut self) {
        for s in self.sections.values_mut() {
            for v in s.values_mut() {
                v.zeroize();
            }
        }
    }
}

impl Ini {
    /// Parses `text`; an option line outside any section or without `=`/`:` is an error
    /// naming its line number (as configparser refuses the file).
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut ini = Self::default();
        let mut current: Option<String> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest
                    .strip_suffix(']')
                    .ok_or_else(|| format!("line {}: a section header without `]`", i + 1))?;
                ini.sections.entry(name.to_string()).or_default();
                current = Some(name.to_string());
                continue;
            }
            let Some(section) = &current else {
                return Err(format!("line {}: an option before any [section]", i + 1));
            };
            let cut = line
                .find(['=', ':'])
                .ok_or_else(|| format!("line {}: neither `=` nor `:`", i + 1))?;
            let (key, value) = line.split_at(cut);
            let value = value.get(1..).unwrap_or_default().trim().to_string();
            ini.sections
                .entry(section.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value);
        }
        Ok(ini)
    }

    /// A section.
    pub(crate) fn section(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.sections.get(name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sections_keys_and_comments() {
        let ini =
            Ini::parse("# c\n[default]\nSecret_Id = a \n; c\nsecret_key: b\n[x]\nk=v=w\n").unwrap();
        let d = ini.section("default").unwrap();
        assert_eq!(d.get("secret_id").map(String::as_str), Some("a"));
        assert_eq!(d.get("secret_key").map(String::as_str), Some("b"));
        assert_eq!(
            ini.section("x").unwrap().get("k").map(String::as_str),
            Some("v=w")
        );
        assert!(Ini::parse("k=v\n").is_err());
        assert!(Ini::parse("[a]\nnovalue\n").is_err());
    }
}
