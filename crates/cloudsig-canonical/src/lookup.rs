//! Finding the values of many header names in one request at a cost that stays
//! linear-logarithmic in the request's size.
//!
//! A canonical builder looks up every name of `SignedHeaders` among the request's
//! headers. Scanning the headers once per name costs names × headers comparisons, which
//! a request with tens of thousands of signed names (a few hundred kilobytes, no key
//! needed to send it) turns into seconds. [`Lookup`] scans when only a few names are
//! looked up (the usual two to eight: no allocation, no sorting) and otherwise sorts
//! the header positions by lower-cased name once and binary-searches each name.

use alloc::vec::Vec;
use core::cmp::Ordering;

/// Up to this many names are looked up by scanning the headers (at most this many
/// passes over them); more sort the headers once.
pub(crate) const SCAN_NAMES: usize = 8;

#[cfg(test)]
extern crate std;

#[cfg(test)]
std::thread_local! {
    /// Header-name comparisons made on this thread, for the tests that bound the work.
    static COMPARISONS: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Header-name comparisons made on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn comparisons() -> u64 {
    COMPARISONS.with(core::cell::Cell::get)
}

/// Counts one header-name comparison (tests only; nothing otherwise). Called by every
/// comparison of a header name with a wanted name: [`crate::scan::eq_lower`],
/// [`crate::Request::headers_named`] and this module's sort and search.
#[inline(always)]
pub(crate) fn counted() {
    #[cfg(test)]
    COMPARISONS.with(|c| c.set(c.get() + 1));
}

/// `name` lower-cased (ASCII) compared with `lower`, byte by byte.
fn cmp_lower(name: &str, lower: &str) -> Ordering {
    counted();
    name.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(lower.bytes())
}

/// Two header names compared as lower-cased (ASCII).
fn cmp_names(a: &str, b: &str) -> Ordering {
    counted();
    a.bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

/// The headers of a request, ready to be asked for many names.
pub(crate) struct Lookup<'r, 'a> {
    headers: &'r [(&'a str, &'a str)],
    /// Positions of the headers sorted by lower-cased name, equal names in request
    /// order; empty (and unused) when the headers are scanned.
    sorted: Vec<usize>,
    indexed: bool,
}

impl<'r, 'a> Lookup<'r, 'a> {
    /// Prepares `headers` for `names` lookups.
    pub(crate) fn new(headers: &'r [(&'a str, &'a str)], names: usize) -> Self {
        if names <= SCAN_NAMES {
            return Self {
                headers,
                sorted: Vec::new(),
                indexed: false,
            };
        }
        let mut sorted: Vec<usize> = (0..headers.len()).collect();
        let name = |i: &usize| headers.get(*i).map_or("", |(n, _)| *n);
        // Stable: equal names keep their request order.
        sorted.sort_by(|a, b| cmp_names(name(a), name(b)));
        Self {
            headers,
            sorted,
            indexed: true,
        }
    }

    /// The values of the headers named `lower` (a lower-case name; the request's names
    /// are compared without regard to ASCII case), in request order.
    pub(crate) fn values<'s>(&'s self, lower: &'s str) -> impl Iterator<Item = &'a str> + 's {
        let (positions, scanned): (&[usize], &[(&'a str, &'a str)]) = if self.indexed {
            let name = |i: &usize| self.headers.get(*i).map_or("", |(n, _)| *n);
            let start = self
                .sorted
                .partition_point(|i| cmp_lower(name(i), lower) == Ordering::Less);
            let rest = self.sorted.get(start..).unwrap_or_default();
            let len = rest.partition_point(|i| cmp_lower(name(i), lower) == Ordering::Equal);
            (rest.get(..len).unwrap_or_default(), &[])
        } else {
            (&[], self.headers)
        };
        positions
            .iter()
            .filter_map(|i| self.headers.get(*i).map(|(_, v)| *v))
            .chain(
                scanned
                    .iter()
                    .filter_map(move |(n, v)| crate::scan::eq_lower(n, lower).then_some(*v)),
            )
    }
}

/// `n` signed names `x-h0`… besides content-type and host: the headers (sent in
/// reverse order, names in capitals, `x-h<i>` with the value `v<i>`), the
/// `SignedHeaders` value, and the canonical header lines expected.
#[cfg(test)]
pub(crate) fn many_signed(
    n: usize,
) -> (
    Vec<(alloc::string::String, alloc::string::String)>,
    alloc::string::String,
    alloc::string::String,
) {
    use alloc::format;
    use alloc::string::{String, ToString};
    let mut headers = alloc::vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Host".to_string(), "cvm.tencentcloudapi.com".to_string()),
    ];
    headers.extend((0..n).rev().map(|i| (format!("X-H{i}"), format!("v{i}"))));
    let mut names: Vec<String> = (0..n).map(|i| format!("x-h{i}")).collect();
    names.extend(["content-type".into(), "host".into()]);
    names.sort();
    let lines: String = names
        .iter()
        .map(|name| match name.strip_prefix("x-h") {
            Some(i) => format!("{name}:v{i}\n"),
            None if name == "host" => "host:cvm.tencentcloudapi.com\n".into(),
            None => "content-type:application/json\n".into(),
        })
        .collect();
    (headers, names.join(";"), lines)
}

/// Owned header pairs as borrowed ones.
#[cfg(test)]
pub(crate) fn borrowed(
    owned: &[(alloc::string::String, alloc::string::String)],
) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// The values by the definition: every header whose name equals `lower` ignoring
    /// ASCII case, in order.
    fn naive<'a>(headers: &[(&'a str, &'a str)], lower: &str) -> Vec<&'a str> {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(lower))
            .map(|(_, v)| *v)
            .collect()
    }

    #[test]
    fn scanning_and_indexing_find_the_same_values_in_request_order() {
        let headers = [
            ("Host", "a"),
            ("X-B", "1"),
            ("x-a", "2"),
            ("HOST", "b"),
            ("x-b", "3"),
            ("X-Aa", "4"),
            ("", "5"),
            ("host", "c"),
        ];
        for lower in ["host", "x-a", "x-aa", "x-b", "x-c", "", "a", "zzz"] {
            let expected = naive(&headers, lower);
            for names in [1, SCAN_NAMES, SCAN_NAMES + 1, 1000] {
                let lookup = Lookup::new(&headers, names);
                assert_eq!(lookup.indexed, names > SCAN_NAMES);
                assert_eq!(
                    lookup.values(lower).collect::<Vec<_>>(),
                    expected,
                    "{lower}"
                );
            }
        }
        assert_eq!(naive(&headers, "host"), ["a", "b", "c"]);
        let none: [(&str, &str); 0] = [];
        assert_eq!(Lookup::new(&none, 100).values("host").count(), 0);
    }

    #[test]
    fn a_few_names_are_scanned_without_allocating_an_index() {
        let headers = vec![("Host", "h"); 3];
        let lookup = Lookup::new(&headers, 2);
        assert!(lookup.sorted.is_empty() && lookup.sorted.capacity() == 0);
    }
}
