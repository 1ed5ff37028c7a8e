//! Verification of captured requests (issue 3).
