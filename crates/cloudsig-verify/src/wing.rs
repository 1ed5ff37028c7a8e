//! The trait each cloud's wing implements, and what the wings share to build the
//! request model. The verifier (`verifier.rs`) is a dispatcher over a list of wings.

use cloudsig_canonical::{Payload, Request};

use crate::cache::KeyCache;
use crate::capture::RequestView;
use crate::options::Ctx;
use crate::report::Report;

/// One cloud's verification: its schemes, its codes, its rules.
pub(crate) trait Wing: Sync {
    /// The report on `cap` when the request is this cloud's (by its `authorization`
    /// value, or by its parameters when it has none), else `None` so the next wing
    /// is asked.
    fn check(
        &self,
        ctx: &Ctx<'_>,
        cap: &RequestView<'_>,
        authorization: Option<&str>,
        cache: &mut KeyCache,
    ) -> Option<Report>;

    /// The cloud's request-wide rules, applied after [`Self::check`] (duplicate
    /// headers, the methods it accepts).
    fn finish(&self, report: &mut Report, cap: &RequestView<'_>);
}

/// The request model of a captured request.
pub(crate) fn request_of<'c>(cap: &'c RequestView<'_>, unsigned: bool) -> Request<'c> {
    let (path, query) = cap.path_and_query();
    Request::new(cap.method, path)
        .query(query)
        .with_headers(&cap.headers)
        .with_payload(if unsigned {
            Payload::Unsigned
        } else {
            Payload::Bytes(cap.body)
        })
}
