//! Paths a client may have signed before its HTTP library removed a `.` segment from them
//! (RFC 3986 section 5.2.4, done by urllib3 2.x when it parses the URL): a path parameter
//! `.` is signed as a segment of its own and is gone from the request as sent (issue 16,
//! A8 and H3). A `..` segment removes the segment before it as well, which the request as
//! sent no longer names, so only the `.` case can be reproduced.

/// At most this many variants (one per `/` of the path) are tried.
const MAX_VARIANTS: usize = 32;

/// The path with a `.` segment inserted after each of its `/`-separated segments, and
/// before the first: `/a/b` gives `/./a/b`, `/a/./b` and `/a/b/.`.
pub(crate) fn with_dot_inserted(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in path.match_indices('/').take(MAX_VARIANTS) {
        let (before, after) = path.split_at(i);
        out.push(format!("{before}/.{after}"));
    }
    if !path.ends_with('/') {
        out.push(format!("{path}/."));
    } else if let Some(stem) = path.strip_suffix('/') {
        out.push(format!("{stem}/./"));
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::with_dot_inserted;

    #[test]
    fn a_dot_after_each_segment() {
        assert_eq!(with_dot_inserted("/a/b"), ["/./a/b", "/a/./b", "/a/b/."]);
        assert_eq!(with_dot_inserted("/a/"), ["/./a/", "/a/./"]);
    }
}
