//! Verifying one captured request: a dispatcher over the clouds' wings. Each wing
//! ([`crate::wing::Wing`]) recognises its requests, recomputes the signature through the
//! same canonical builders as signing, compares in constant time, applies its protocol
//! rules and diagnoses a mismatch; the verifier asks each in turn.

use std::sync::Arc;

use crate::alibaba::Alibaba;
use crate::cache::KeyCache;
use crate::capture::{Captured, Item, RequestView};
use crate::conformance::ReplayGuard;
use crate::huawei::Huawei;
use crate::keys::{KeyProvider, KeyRing};
use crate::options::{Ctx, Options};
use crate::replay::{NonceStore, check_or_reject};
use crate::report::{Report, Scheme, Verdict};
use crate::tencent::{self, Tencent};
use crate::wing::Wing;

/// The wings, asked in turn. Adding a cloud is adding its wing here. (Alibaba before
/// Tencent: a request with no Authorization header is Alibaba's when it has Alibaba's
/// RPC parameters, else Tencent's v1 or unsigned.)
const WINGS: [&dyn Wing; 3] = [&Alibaba, &Huawei, &Tencent];

/// The header every wing reads first.
const AUTHORIZATION: crate::names::HeaderName = crate::names::HeaderName::new("Authorization");

/// The wing whose rules answer a request that no wing claims.
const DEFAULT_WING: &dyn Wing = &Tencent;

/// Verifies captured requests against a key ring, or any other [`KeyProvider`]
/// (`K`: a service's own store, or `Arc<dyn KeyProvider>`).
///
/// The time checked against is the options' `now`; a long-lived verifier (a server's)
/// takes each request's arrival time with [`Verifier::at`].
///
/// [`Verifier::check`] is stateless apart from the key cache it is given, so workers can
/// share a verifier; [`Session`] adds the in-order nonce replay check.
///
/// ```
/// use cloudsig_verify::{capture::{Captured, Location}, keys::KeyRing, Options, Session, Verifier, Verdict};
/// let keys = KeyRing::parse("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE ********************************", "inline")?;
/// let body = br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
/// let cap = Captured {
///     location: Location::default(),
///     method: "POST".into(),
///     target: "/".into(),
///     headers: [
///         ("Authorization", "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"),
///         ("Content-Type", "application/json; charset=utf-8"),
///         ("Host", "cvm.tencentcloudapi.com"),
///         ("X-TC-Action", "DescribeInstances"),
///         ("X-TC-Timestamp", "1551113065"),
///         ("X-TC-Version", "2017-03-12"),
///     ].iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
///     body: body.to_vec(),
/// };
/// let mut session = Session::new(Verifier::new(keys, Options::at(1551113065)));
/// let report = session.verify(&cap);
/// assert_eq!(report.verdict, Verdict::Valid, "{report}");
/// // Ten minutes later the same request has expired.
/// let mut late = Session::new(Verifier::new(session.verifier().keys().clone(), Options::at(1551113665)));
/// assert_eq!(late.verify(&cap).code(), Some("AuthFailure.SignatureExpire"));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug)]
pub struct Verifier<K = KeyRing> {
    keys: Arc<K>,
    options: Options,
    api: Option<Api>,
}

/// The API catalog a verifier checks requests against, and what the report-free path
/// reads of it on every request.
#[derive(Debug, Clone)]
pub(crate) struct Api {
    /// The catalog.
    pub(crate) catalog: Arc<cloudsig_api::Catalog>,
    /// The names of its Tencent products, found once (a catalog does not change once
    /// shared): [`Verifier::certainly_valid`] asks on every request whether the
    /// request's service is one of them, which took a scan of the products. Sorted and
    /// without repeats, so that it is asked with a binary search.
    pub(crate) tencent_services: Arc<[String]>,
}

impl<K> Clone for Verifier<K> {
    fn clone(&self) -> Self {
        Self {
            keys: Arc::clone(&self.keys),
            options: self.options,
            api: self.api.clone(),
        }
    }
}

impl<K: KeyProvider> Verifier<K> {
    /// A verifier for `keys` with `options`.
    pub fn new(keys: K, options: Options) -> Self {
        Self::shared(Arc::new(keys), options)
    }

    /// A verifier for keys shared with others (a server's key ring, replaced whole
    /// when its key file is reloaded).
    pub fn shared(keys: Arc<K>, options: Options) -> Self {
        Self {
            keys,
            options,
            api: None,
        }
    }

    /// The same keys and options, checking timestamps against `now` (Unix seconds):
    /// a server verifies each request at the time it arrives. Costs a reference count.
    ///
    /// ```
    /// use cloudsig_verify::{keys::KeyRing, Options, Verifier};
    /// let v = Verifier::new(KeyRing::default(), Options::at(0));
    /// assert_eq!(v.at(1_700_000_000).options().now, 1_700_000_000);
    /// ```
    pub fn at(&self, now: i64) -> Self {
        let mut options = self.options;
        options.now = now;
        Self {
            keys: Arc::clone(&self.keys),
            options,
            api: self.api.clone(),
        }
    }

    /// The same verifier, also checking each request's action, version, region and
    /// parameters against `catalog` after the signature (see [`crate::api_check`]).
    pub fn with_api_catalog(mut self, catalog: Arc<cloudsig_api::Catalog>) -> Self {
        let mut tencent_services: Vec<String> = catalog
            .of_cloud("tencent")
            .map(|p| p.name.clone())
            .collect();
        tencent_services.sort_unstable();
        tencent_services.dedup();
        self.api = Some(Api {
            catalog,
            tencent_services: tencent_services.into(),
        });
        self
    }

    /// The keys (the key ring, or the provider given).
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Verifies one request. Never panics, whatever the request holds.
    pub fn check(&self, cap: &Captured, cache: &mut KeyCache) -> Report {
        self.check_view(&cap.view(), cache)
    }

    /// Whether [`Self::check_view`] would certainly call `cap` valid, answered without
    /// building a [`Report`]: the report-free path for the common request (a TC3 POST with a
    /// JSON body whose signature verifies and which breaks no rule). `false` means "not
    /// certainly", not "invalid": ask [`Self::check_view`] for the verdict and its reasons.
    /// Never `true` where `check_view` says anything but [`Verdict::Valid`] (test
    /// `tests/fast_path.rs`); about half the CPU of `check_view` on such a request.
    ///
    /// Replay is the caller's: a valid TC3 request carries no nonce, so a
    /// [`NonceStore`] has nothing to record for it (see [`crate::pipeline`]).
    ///
    /// ```
    /// use cloudsig_verify::{capture::{Captured, Location}, keys::KeyRing, KeyCache, Options, Verifier};
    /// let keys = KeyRing::parse("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE ********************************", "inline")?;
    /// let mut cap = Captured {
    ///     location: Location::default(),
    ///     method: "POST".into(),
    ///     target: "/".into(),
    ///     headers: [
    ///         ("Authorization", "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"),
    ///         ("Content-Type", "application/json; charset=utf-8"),
    ///         ("Host", "cvm.tencentcloudapi.com"),
    ///         ("X-TC-Action", "DescribeInstances"),
    ///         ("X-TC-Timestamp", "1551113065"),
    ///         ("X-TC-Version", "2017-03-12"),
    ///     ].iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
    ///     body: br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#.to_vec(),
    /// };
    /// let v = Verifier::new(keys, Options::at(1551113065));
    /// assert!(v.certainly_valid(&cap.view(), &mut KeyCache::default()));
    /// cap.body.push(b' ');
    /// assert!(!v.certainly_valid(&cap.view(), &mut KeyCache::default()));
    /// # Ok::<(), String>(())
    /// ```
    pub fn certainly_valid(&self, cap: &RequestView<'_>, cache: &mut KeyCache) -> bool {
        let ctx = Ctx::new(&*self.keys, &self.options);
        tencent::fast::certainly_valid(&ctx, self.api.as_ref(), cap, cache)
    }

    /// Verifies one request given as a borrowed view.
    pub fn check_view(&self, cap: &RequestView<'_>, cache: &mut KeyCache) -> Report {
        let ctx = Ctx::new(&*self.keys, &self.options);
        // `RequestView::header` compares byte by byte: 255 instructions a request for
        // this one lookup, against about 40 a word at a time.
        let [authorization] = crate::names::first_of(&cap.headers, &[AUTHORIZATION]);
        let claimed = WINGS.iter().find_map(|wing| {
            wing.check(&ctx, cap, authorization, cache)
                .map(|report| (report, *wing))
        });
        let (mut report, wing) =
            claimed.unwrap_or_else(|| (unclaimed(cap, authorization), DEFAULT_WING));
        report
            .notes
            .extend(crate::capture::obs_text_note(&cap.headers));
        wing.finish(&mut report, cap);
        crate::api_check::apply(self.api.as_ref().map(|a| &*a.catalog), cap, &mut report);
        report.sort_findings();
        report
    }
}

/// The report on a request whose Authorization value no wing claims.
fn unclaimed(cap: &RequestView<'_>, value: Option<&str>) -> Report {
    let mut r = Report::new(cap.location, Scheme::Unknown);
    let hint = if value.is_some_and(|v| v.trim_start().starts_with("Basic ")) {
        " (it is HTTP Basic authentication: an HTTP library replaced the signature, for example Python requests with a ~/.netrc entry for this host)"
    } else {
        ""
    };
    r.fail(
        tencent::codes::INVALID_AUTHORIZATION,
        "authorization",
        format!("the Authorization header is neither TC3-HMAC-SHA256, ACS3-HMAC-*, `acs AK:signature` nor SKIP{hint}"),
    );
    r
}

/// A verifier with its key cache and the in-order replay store (a [`NonceStore`]: in
/// memory by default, a service's own with [`Session::with_store`]): verify a capture's
/// requests one after another.
#[derive(Debug)]
pub struct Session<K = KeyRing, S = ReplayGuard> {
    verifier: Verifier<K>,
    cache: KeyCache,
    replay: S,
}

impl<K: KeyProvider> Session<K> {
    /// A session over `verifier`, its nonces remembered in memory (a [`ReplayGuard`]
    /// for the verifier's window).
    pub fn new(verifier: Verifier<K>) -> Self {
        let replay = ReplayGuard::new(verifier.options.replay_window());
        Self::with_store(verifier, replay)
    }
}

impl<K: KeyProvider, S: NonceStore> Session<K, S> {
    /// A session over `verifier` whose nonces are checked in `store` (a service's
    /// shared store, say): a report whose nonce the store cannot check is refused.
    pub fn with_store(verifier: Verifier<K>, store: S) -> Self {
        Self {
            verifier,
            cache: KeyCache::default(),
            replay: store,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier<K> {
        &self.verifier
    }

    /// Verifies the next request of the capture.
    pub fn verify(&mut self, cap: &Captured) -> Report {
        let mut report = self.verifier.check(cap, &mut self.cache);
        check_or_reject(&mut self.replay, &mut report, self.verifier.options.now);
        report
    }

    /// Verifies an item of a capture parser: a request, or why one could not be read.
    pub fn verify_item(&mut self, item: &Item) -> Report {
        match item {
            Ok(cap) => self.verify(cap),
            Err(e) => unreadable(e),
        }
    }

    /// Applies the replay check to a report made by [`Verifier::check`] elsewhere (for
    /// example on a worker thread). Feed reports in capture order.
    pub fn observe(&mut self, report: &mut Report) {
        check_or_reject(&mut self.replay, report, self.verifier.options.now);
    }
}

/// The report for a request that could not be read.
pub fn unreadable(e: &crate::capture::CaptureError) -> Report {
    let mut r = Report::new(e.location, Scheme::Unknown);
    r.verdict = Verdict::Unreadable;
    r.findings.push(crate::report::Finding {
        code: "Unreadable",
        rule: "capture",
        message: e.reason.clone(),
    });
    r
}

#[cfg(test)]
mod host_tests {
    use super::*;
    use crate::capture::Location;
    use crate::tencent::codes;
    use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};

    /// A TC3 request signed by the canonical signer for service `cvm`, sent to a
    /// server's own address (an SDK whose endpoint setting points at a local server).
    fn to_local_server() -> Captured {
        let creds = Credentials::new("AKIDhost", "hostSecret").unwrap();
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .host("127.0.0.1:8080")
            .body("{}");
        let signed = sign_tc3(&creds, &call, &FixedClock(1_700_000_000)).unwrap();
        Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        }
    }

    #[test]
    fn a_host_that_is_not_the_clouds_is_a_failure_by_default_and_a_note_when_told() {
        let keys = KeyRing::parse("AKIDhost hostSecret", "test").unwrap();
        let cap = to_local_server();
        let strict = Verifier::new(keys.clone(), Options::at(1_700_000_000));
        let r = strict.check(&cap, &mut KeyCache::default());
        assert_eq!(r.code(), Some(codes::SIGNATURE_FAILURE), "{r}");
        assert_eq!(
            r.findings.first().map(|f| f.rule),
            Some("credential-service")
        );
        let lenient = Verifier::new(keys, Options::at(1_700_000_000).host_names_service(false));
        let r = lenient.check(&cap, &mut KeyCache::default());
        assert_eq!(r.verdict, Verdict::Valid, "{r}");
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("`127`") && n.contains("`cvm`")),
            "{:?}",
            r.notes
        );
        // The time is per verifier: the same ring at another time, an hour later, expired.
        let later = lenient
            .at(1_700_003_600)
            .check(&cap, &mut KeyCache::default());
        assert_eq!(later.code(), Some(codes::SIGNATURE_EXPIRE), "{later}");
    }
}

#[cfg(test)]
mod api_tests {
    use super::*;

    #[test]
    fn the_tencent_service_names_are_those_of_the_catalogs_tencent_products() {
        let catalog = Arc::new(cloudsig_api::Catalog::builtin().unwrap());
        let v = Verifier::new(KeyRing::default(), Options::at(0))
            .with_api_catalog(Arc::clone(&catalog));
        let names = &v.api.as_ref().unwrap().tencent_services;
        for p in &catalog.products {
            let listed = names.contains(&p.name);
            let tencent = catalog.of_cloud("tencent").any(|t| t.name == p.name);
            assert_eq!(listed, tencent, "{} {}", p.cloud, p.name);
        }
        assert!(
            names
                .iter()
                .all(|n| catalog.of_cloud("tencent").any(|p| p.name == *n))
        );
        assert!(names.iter().any(|n| n == "es"));
        assert!(!names.iter().any(|n| n == "cvm"));
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }

    /// The fast path asks for a request's service with a binary search of the names:
    /// with several Tencent products, added out of order and one in two versions, the
    /// names are each listed once, in order, and each is found.
    #[test]
    fn the_tencent_service_names_are_sorted_once_each_for_a_binary_search() {
        let mut catalog = cloudsig_api::Catalog::builtin().unwrap();
        for (cloud, product, version) in [
            ("tencent", "zz", "1"),
            ("tencent", "cvm", "2017-03-12"),
            ("tencent", "aa", "1"),
            ("alibaba", "bb", "1"),
            ("tencent", "mm", "1"),
            ("tencent", "aa", "2"),
        ] {
            let json = format!(
                r#"{{"format": "cloudsig-api/1", "cloud": "{cloud}", "product": "{product}",
                    "version": "{version}",
                    "actions": [{{"name": "A", "method": "POST", "path": "/"}}]}}"#
            );
            catalog.add_json("test.json", &json).unwrap();
        }
        let v =
            Verifier::new(KeyRing::default(), Options::at(0)).with_api_catalog(Arc::new(catalog));
        let names = &v.api.as_ref().unwrap().tencent_services;
        assert_eq!(&names[..], ["aa", "cvm", "es", "mm", "zz"]);
        for n in ["aa", "cvm", "es", "mm", "zz"] {
            assert!(names.binary_search_by(|s| s.as_str().cmp(n)).is_ok(), "{n}");
        }
        for n in ["bb", "a", "zzz", ""] {
            assert!(
                names.binary_search_by(|s| s.as_str().cmp(n)).is_err(),
                "{n}"
            );
        }
    }
}
