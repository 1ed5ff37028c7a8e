//! Checks of the ACS3 and SDK-HMAC signing hot paths (issue 17 item 1, session 26): the
//! same answers as the staged builders' checks, each done once and without branching
//! per byte where the compiler can then work on many bytes at a time.

use crate::request::Request;

/// Whether the method and path pass [`Request::validate_target`]'s checks (upper-case
/// ASCII method; a path that starts with `/` and has no space, control character, `?`
/// or `#`). The query's own check there is left out: the hot paths take only a query
/// that [`crate::sigv4::sorted_unreserved_pairs`] accepts, whose bytes are unreserved,
/// `=` and `&`, none of which that check refuses.
#[inline]
pub(crate) fn method_and_path_ok(req: &Request<'_>) -> bool {
    let method = req.method();
    let path = req.path();
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && path.starts_with('/')
        && !crate::scan::any_ctl_space_or(path, [b'?', b'#'])
}

/// [`method_and_path_ok`] for a path already known to hold only unreserved bytes and
/// `/` ([`unreserved_path`]), which its scan for spaces, control characters, `?` and
/// `#` would not refuse: the method and the leading `/` only.
#[inline]
pub(crate) fn method_and_leading_slash_ok(req: &Request<'_>) -> bool {
    let method = req.method();
    !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && req.path().starts_with('/')
}

/// [`crate::sigv4::unreserved_path`] (every byte `/` or RFC 3986 unreserved), as a fold
/// without a branch per byte, which the compiler vectorises: callgrind counted the
/// byte-by-byte loop at 460 instructions for SDK-HMAC's documented 41-byte path.
#[inline]
pub(crate) fn unreserved_path(path: &str) -> bool {
    path.bytes().fold(true, |ok, b| {
        let letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let digit = b.wrapping_sub(b'0') < 10;
        let mark = (b == b'-') | (b == b'.') | (b == b'_') | (b == b'~') | (b == b'/');
        ok & (letter | digit | mark)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_path_answers_as_the_byte_by_byte_check() {
        // Every byte alone, at every place of a short path, and every pair.
        for b in 0..=255u8 {
            for at in 0..3 {
                let mut bytes = *b"/ab";
                bytes[at] = b;
                if let Ok(path) = core::str::from_utf8(&bytes) {
                    assert_eq!(
                        unreserved_path(path),
                        crate::sigv4::unreserved_path(path),
                        "{bytes:?}"
                    );
                }
            }
        }
        let long = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs-_.~/x";
        assert!(unreserved_path(long) && unreserved_path("") && unreserved_path("/"));
        for bad in [
            "/a b",
            "/a%20b",
            "/a*b",
            "/é",
            "/a?b",
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs!",
        ] {
            assert!(!unreserved_path(bad), "{bad}");
        }
    }

    #[test]
    fn method_and_path_ok_answers_as_validate_target_for_a_canonical_query() {
        for (method, path) in [
            ("GET", "/"),
            ("POST", "/a/b"),
            ("", "/"),
            ("get", "/"),
            ("GET", "a"),
            ("GET", ""),
            ("GET", "/a b"),
            ("GET", "/a?b"),
            ("GET", "/a#b"),
            ("GET", "/a\u{7f}"),
            ("GE T", "/"),
        ] {
            let req = Request::new(method, path).query("a=1&b=2");
            assert_eq!(
                method_and_path_ok(&req),
                req.validate_target().is_ok(),
                "{method:?} {path:?}"
            );
            if unreserved_path(path) {
                assert_eq!(
                    method_and_leading_slash_ok(&req),
                    req.validate_target().is_ok(),
                    "{method:?} {path:?}"
                );
            }
        }
    }
}
