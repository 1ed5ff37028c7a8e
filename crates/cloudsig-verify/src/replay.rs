//! The replay store as a seam: where the nonces of verified requests are remembered.
//!
//! [`NonceStore`] is what a [`Session`](crate::Session) and the
//! [`pipeline`](crate::pipeline) functions ask; the in-memory
//! [`ReplayGuard`] is one implementation, and a
//! service plugs in its own (a database shared by several instances). The trait is
//! synchronous, as the rest of this crate is: `cloudsig-serve` wraps a `NonceStore` in
//! its asynchronous `ReplayStore`, next to its Redis store.
//!
//! A store that cannot be asked answers [`StoreError`], and the request is refused
//! (fail closed): [`reject_unchecked`] is the finding the callers here add.

use std::fmt;

use crate::conformance::ReplayGuard;
use crate::report::Report;

/// The code a refusal for an unanswered store carries: the clouds' common
/// `InternalError` (the request was not judged, the service failed).
pub const INTERNAL_ERROR: &str = "InternalError";

/// Checks a verified request's nonce and records it.
///
/// Called for every report, in capture order; a store does nothing for one without a
/// nonce, and records a nonce only for a request whose signature verified and whose
/// timestamp is within the window (as [`ReplayGuard`] does). A nonce used again within
/// its window adds the cloud's `nonce-replay` finding to the report.
pub trait NonceStore {
    /// Checks and records the nonce of `report`, verified at `now` (Unix seconds). `Err`
    /// means the nonce could not be checked: the caller refuses the request, never
    /// accepts it unchecked.
    fn check(&mut self, report: &mut Report, now: i64) -> Result<(), StoreError>;
}

impl NonceStore for ReplayGuard {
    /// Moves the guard's clock to `now` ([`ReplayGuard::advance`]) and observes the
    /// report ([`ReplayGuard::observe`]); never fails.
    fn check(&mut self, report: &mut Report, now: i64) -> Result<(), StoreError> {
        self.advance(now);
        self.observe(report);
        Ok(())
    }
}

impl<S: NonceStore + ?Sized> NonceStore for &mut S {
    fn check(&mut self, report: &mut Report, now: i64) -> Result<(), StoreError> {
        (**self).check(report, now)
    }
}

impl<S: NonceStore + ?Sized> NonceStore for Box<S> {
    fn check(&mut self, report: &mut Report, now: i64) -> Result<(), StoreError> {
        (**self).check(report, now)
    }
}

/// The store could not be asked: the request's nonce was not checked.
#[derive(Debug)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with a message (never a key or a nonce).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replay store: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

/// Asks `store` about `report`'s nonce, and refuses the request when the store cannot
/// answer: a `replay-store` finding, so the verdict is no longer valid.
pub fn check_or_reject<S: NonceStore + ?Sized>(store: &mut S, report: &mut Report, now: i64) {
    if let Err(e) = store.check(report, now) {
        reject_unchecked(report, &e);
    }
}

/// Marks `report` refused because its nonce could not be checked (`error` says why).
pub fn reject_unchecked(report: &mut Report, error: &StoreError) {
    report.reject(
        INTERNAL_ERROR,
        "replay-store",
        format!("the nonce could not be checked: {error}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Location;
    use crate::report::{Scheme, Verdict};

    /// A store that is down.
    struct Down;

    impl NonceStore for Down {
        fn check(&mut self, _: &mut Report, _: i64) -> Result<(), StoreError> {
            Err(StoreError::new("down"))
        }
    }

    fn valid_with_nonce() -> Report {
        let mut r = Report::new(Location::default(), Scheme::V1HmacSha1);
        r.verdict = Verdict::Valid;
        r.authenticated = true;
        r.nonce = Some(1);
        r.timestamp = Some(1_000_000);
        r.secret_id = Some("AKID".into());
        r
    }

    #[test]
    fn a_store_that_cannot_answer_refuses_the_request() {
        let mut r = valid_with_nonce();
        check_or_reject(&mut Down, &mut r, 1_000_000);
        assert_ne!(r.verdict, Verdict::Valid);
        assert!(r.findings.iter().any(|f| f.rule == "replay-store"));
    }

    #[test]
    fn the_guard_through_the_trait_flags_the_second_use() {
        let mut guard = ReplayGuard::new(300);
        let store: &mut dyn NonceStore = &mut guard;
        let mut first = valid_with_nonce();
        check_or_reject(store, &mut first, 1_000_000);
        assert_eq!(first.verdict, Verdict::Valid);
        let mut second = valid_with_nonce();
        check_or_reject(store, &mut second, 1_000_010);
        assert!(second.findings.iter().any(|f| f.rule == "nonce-replay"));
    }
}
