//! Answering one request: read it within the limits, verify it with the verifier of
//! `cloudsig verify` at the time it arrives, check its nonce in the replay store, and
//! answer in the detected cloud's shape (or forward it upstream).

use std::cell::RefCell;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cloudsig_verify::capture::{Location, RequestView};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Report, Verdict, Verifier};
use http_body_util::{BodyExt, Full, Limited, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

use crate::cloud::{Answer, Cloud, Context, Refusal};
use crate::documented::{Called, Documented};
use crate::metrics::Metrics;
use crate::replay::{ReplayStore, has_nonce};
use crate::settings::Settings;
use crate::upstream::{Upstream, UpstreamError};

/// The body type of every answer: a whole JSON body, or an upstream's streamed one.
pub type Body = BoxBody<Bytes, hyper::Error>;

/// The number of the next key set given to a server (any server of this process), so that
/// a worker thread's [`KeyCache`] is never used with keys other than those it was filled
/// from.
static NEXT_KEYS: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Each worker thread's cache of derived signing keys, with the number of the key set
    /// it was filled from. Deriving a TC3 key is four HMACs, about a third of the
    /// instructions `cloudsig serve` spent per valid TC3 request when each request had a
    /// fresh cache (`benches/serve-callgrind.sh`: 149,241 → 96,528 instructions per request).
    static KEY_CACHE: RefCell<(u64, KeyCache)> = RefCell::new((0, KeyCache::default()));
}

/// A server's state, shared by its connections: the keys (replaced whole on reload),
/// the verification options, the replay store, the counters and the upstream.
#[derive(Debug)]
pub struct App {
    /// The keys and their set's number (from [`NEXT_KEYS`]).
    keys: RwLock<(Arc<KeyRing>, u64)>,
    options: Options,
    store: Arc<dyn ReplayStore>,
    metrics: Metrics,
    upstream: Option<Upstream>,
    settings: Settings,
    served: AtomicUsize,
    documented: Documented,
}

impl App {
    /// A server's state: verifies with `keys`, records nonces in `store`, forwards valid
    /// requests to `upstream` if given (else answers them as an emulator).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use cloudsig_serve::{App, Settings, replay::MemoryStore};
    /// use cloudsig_verify::keys::KeyRing;
    /// let settings = Settings::default();
    /// let store = Arc::new(MemoryStore::new(settings.window));
    /// let app = App::new(settings, KeyRing::default(), store, None);
    /// assert!(app.metrics().render().contains("cloudsig_requests_total"));
    /// ```
    pub fn new(
        settings: Settings,
        keys: KeyRing,
        store: Arc<dyn ReplayStore>,
        upstream: Option<Upstream>,
    ) -> Self {
        // The diagnosis is never answered (it holds the expected signature), so it is
        // not searched for.
        // Settings keep the command line's "300 means each cloud's own" (Tencent's is
        // 300 s); the verifier's window is an Option.
        let window = (settings.window != cloudsig_verify::conformance::DEFAULT_WINDOW)
            .then_some(settings.window);
        let options = Options::at(0)
            .window(window)
            .diagnose(false)
            .host_names_service(settings.strict_host);
        Self {
            keys: RwLock::new((Arc::new(keys), NEXT_KEYS.fetch_add(1, Ordering::Relaxed))),
            options,
            store,
            metrics: Metrics::default(),
            upstream,
            settings,
            served: AtomicUsize::new(0),
            documented: Documented::builtin(),
        }
    }

    /// Replaces the keys (a reloaded key file); requests being verified finish with
    /// the keys they started with.
    pub fn set_keys(&self, keys: KeyRing) {
        let number = NEXT_KEYS.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut k) = self.keys.write() {
            *k = (Arc::new(keys), number);
        }
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The keys in use and their set's number.
    fn keys(&self) -> (Arc<KeyRing>, u64) {
        let k = match self.keys.read() {
            Ok(k) => k,
            Err(poisoned) => poisoned.into_inner(),
        };
        (Arc::clone(&k.0), k.1)
    }

    /// Answers one request. Never fails: every problem is an answer.
    pub async fn handle(&self, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
        let start = Instant::now();
        if let Some(answer) = self.operations(&req) {
            return Ok(answer);
        }
        let (parts, body) = req.into_parts();
        let query = parts.uri.query().unwrap_or("");
        let text_headers: Vec<(&str, &str)> = parts
            .headers
            .iter()
            .filter_map(|(n, v)| {
                std::str::from_utf8(v.as_bytes())
                    .ok()
                    .map(|v| (n.as_str(), v))
            })
            .collect();
        let cloud = Cloud::guess(text_headers.iter().copied(), query);
        let request_id = cloud.request_id();
        let host = text_headers
            .iter()
            .find(|(n, _)| *n == "host")
            .map(|(_, v)| *v);
        let ctx = Context {
            request_id: &request_id,
            host,
            max_body: self.settings.max_body,
        };
        let refuse = |cloud: Cloud, why: Refusal| {
            let answer = cloud.refusal(why, &ctx);
            self.finish(cloud, "refused", None, &answer, start);
            Ok(to_response(answer))
        };
        if text_headers.len() != parts.headers.len() {
            return refuse(cloud, Refusal::Unreadable);
        }
        let declared = parts
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.settings.max_body) {
            return refuse(cloud, Refusal::TooLarge);
        }
        let limit = usize::try_from(self.settings.max_body).unwrap_or(usize::MAX);
        let collected = tokio::time::timeout(
            self.settings.body_timeout,
            Limited::new(body, limit).collect(),
        )
        .await;
        let body = match collected {
            Err(_) => return refuse(cloud, Refusal::Timeout),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                return refuse(cloud, Refusal::TooLarge);
            }
            // The client went away or sent a broken body: nobody to answer.
            Ok(Err(_)) => return refuse(cloud, Refusal::BrokenBody),
            Ok(Ok(c)) => c.to_bytes(),
        };

        let now = unix_now();
        let (mut report, api_finding) = self.verify(&parts, &text_headers, &body, now);
        let cloud = Cloud::of_report(&report, cloud);
        if report.verdict == Verdict::Unsigned {
            // `Authorization: SKIP` proves nothing: this server answers and forwards
            // only requests signed by a known key.
            report.reject(
                cloudsig_verify::codes::INVALID_AUTHORIZATION,
                "authorization",
                "Authorization: SKIP is not accepted here: sign the request",
            );
        }
        if has_nonce(&report)
            && let Err(e) = self.store.observe(&mut report, now).await
        {
            self.metrics.store_error();
            tracing::warn!(error = %e, cloud = cloud.name(), "replay store unavailable: refusing a nonce-bearing request");
            return refuse(cloud, Refusal::StoreUnavailable);
        }
        if report.verdict != Verdict::Valid {
            let answer = cloud.rejection(&report, &ctx);
            self.finish(cloud, report.verdict.name(), Some(&report), &answer, start);
            return Ok(to_response(answer));
        }
        if let Some(finding) = api_finding {
            // Authenticated, but not a call its API accepts: the cloud's API-level error,
            // never forwarded.
            let answer = cloud.api_error(&finding, &ctx);
            self.finish(cloud, "invalid", Some(&report), &answer, start);
            return Ok(to_response(answer));
        }
        let Some(upstream) = &self.upstream else {
            let called = Called {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query,
                headers: &text_headers,
            };
            let answer = match self.documented.body(cloud, &called) {
                Some(body) => self.documented.documented_success(cloud, body, &ctx),
                None => self.documented.success(cloud, &ctx),
            };
            self.finish(cloud, "valid", Some(&report), &answer, start);
            return Ok(to_response(answer));
        };
        let key_id = report.secret_id.as_deref().unwrap_or_default();
        match upstream.forward(&parts, body, key_id).await {
            Ok(resp) => {
                let took = start.elapsed();
                self.metrics.request(cloud.name(), "valid", "", took);
                log(cloud, "valid", Some(&report), resp.status(), None, took);
                Ok(resp)
            }
            Err(e) => {
                self.metrics.upstream_error();
                let why = match e {
                    UpstreamError::Timeout => Refusal::GatewayTimeout,
                    UpstreamError::Unreachable => Refusal::BadGateway,
                };
                refuse(cloud, why)
            }
        }
    }

    /// Verifies the request as received, at `now`; when its signature is valid (and the
    /// API checks are on), also its first API-level finding.
    fn verify(
        &self,
        parts: &hyper::http::request::Parts,
        headers: &[(&str, &str)],
        body: &[u8],
        now: i64,
    ) -> (Report, Option<cloudsig_api::Finding>) {
        let mut options = self.options;
        options.now = now;
        let (keys, number) = self.keys();
        let verifier = Verifier::shared(keys, options);
        // The target as received: origin-form (the path and query as they are, without
        // formatting the URI anew), or absolute-form from a proxy client.
        let target = match parts.uri.path_and_query() {
            Some(pq) if parts.uri.scheme().is_none() && parts.uri.authority().is_none() => {
                std::borrow::Cow::Borrowed(pq.as_str())
            }
            _ => std::borrow::Cow::Owned(parts.uri.to_string()),
        };
        let view = RequestView {
            location: Location {
                index: self.served.fetch_add(1, Ordering::Relaxed),
                ..Location::default()
            },
            method: parts.method.as_str(),
            target: target.as_ref(),
            headers: headers.to_vec(),
            body,
        };
        // This thread's cache, emptied first if it was filled from other keys (a reload,
        // or another server in this process); a fresh one if it is somehow in use.
        let report = KEY_CACHE
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut cached) => {
                    if cached.0 != number {
                        *cached = (number, KeyCache::default());
                    }
                    verifier.check_view(&view, &mut cached.1)
                }
                Err(_) => verifier.check_view(&view, &mut KeyCache::default()),
            })
            .unwrap_or_else(|_| verifier.check_view(&view, &mut KeyCache::default()));
        let api_finding = match self.documented.catalog() {
            Some(catalog) if self.settings.api_check && report.verdict == Verdict::Valid => {
                crate::api::first_finding(catalog, &view, report.scheme)
            }
            _ => None,
        };
        (report, api_finding)
    }

    /// `/healthz` and `/metrics`, for GET requests that carry no signature.
    fn operations(&self, req: &Request<Incoming>) -> Option<Response<Body>> {
        if req.method() != Method::GET
            || req.uri().query().is_some()
            || req.headers().contains_key(hyper::header::AUTHORIZATION)
        {
            return None;
        }
        let (content_type, body) = match req.uri().path() {
            "/healthz" => ("text/plain", "ok\n".to_string()),
            "/metrics" => (
                "text/plain; version=0.0.4; charset=utf-8",
                self.metrics.render(),
            ),
            _ => return None,
        };
        Some(to_response(Answer {
            status: StatusCode::OK,
            headers: vec![("content-type", content_type.to_string())],
            body: Bytes::from(body),
            code: None,
        }))
    }

    fn finish(
        &self,
        cloud: Cloud,
        verdict: &'static str,
        report: Option<&Report>,
        answer: &Answer,
        start: Instant,
    ) {
        let took = start.elapsed();
        let code = answer.code.as_deref();
        self.metrics
            .request(cloud.name(), verdict, code.unwrap_or(""), took);
        log(cloud, verdict, report, answer.status, code, took);
    }
}

/// One log line per verdict: the cloud, scheme, key id (not a secret), verdict, code,
/// rule and status; never a key, a signature or a computed stage.
fn log(
    cloud: Cloud,
    verdict: &'static str,
    report: Option<&Report>,
    status: StatusCode,
    code: Option<&str>,
    took: std::time::Duration,
) {
    let scheme = report.map_or("", |r| r.scheme.name());
    let key_id = report.and_then(|r| r.secret_id.as_deref()).unwrap_or("");
    let rule = report
        .and_then(|r| r.findings.first())
        .map_or("", |f| f.rule);
    let notes = report.map_or(0, |r| r.notes.len());
    tracing::info!(
        cloud = cloud.name(),
        scheme,
        key_id,
        verdict,
        code = code.unwrap_or(""),
        rule,
        notes,
        status = status.as_u16(),
        micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    if let Some(r) = report {
        for note in &r.notes {
            tracing::info!(cloud = cloud.name(), key_id, note = note.as_str(), "note");
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn to_response(answer: Answer) -> Response<Body> {
    let mut resp = Response::new(Full::new(answer.body).map_err(|e| match e {}).boxed());
    *resp.status_mut() = answer.status;
    for (name, value) in answer.headers {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
            resp.headers_mut()
                .append(hyper::header::HeaderName::from_static(name), v);
        }
    }
    resp
}
