//! Replay stores: where the nonces of authenticated requests are recorded for their
//! window, in memory for one instance or in Redis for several behind a load balancer.
//!
//! The seam itself is `cloudsig_verify::replay::NonceStore`, synchronous as the verify
//! library is. This crate's [`ReplayStore`] is its asynchronous form, because a shared
//! store is reached over the network (tokio): [`MemoryStore`] puts any `NonceStore`
//! behind a lock (by default the verifier's own [`ReplayGuard`], so a single instance
//! behaves exactly as `cloudsig verify` does), and [`RedisStore`] is the shared one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use cloudsig_verify::Report;
use cloudsig_verify::conformance::ReplayGuard;
use cloudsig_verify::replay::NonceStore;
use sha2::{Digest, Sha256};

/// A boxed future, as the store methods return (no `async fn` in a dyn-compatible trait).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The store could not be asked: verify's error, so one error type serves both seams.
pub use cloudsig_verify::replay::StoreError;

/// Checks a verified request's nonce and records it.
///
/// Called for every report; a store does nothing for one without a nonce, and records
/// a nonce only for a request whose signature verified and whose timestamp is within
/// the window (as [`ReplayGuard`] does). A nonce used again within its window adds the
/// cloud's replay finding to the report. `Err` means the nonce could not be checked:
/// the server then refuses the request (fail closed), never accepts it unchecked.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Checks and records the nonce of `report`, verified at `now` (Unix seconds).
    fn observe<'a>(
        &'a self,
        report: &'a mut Report,
        now: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Whether a report has a nonce for the store to check.
pub fn has_nonce(report: &Report) -> bool {
    report.nonce.is_some() || report.signature_nonce.is_some()
}

/// One instance's store: a synchronous [`NonceStore`] behind a lock, by default the
/// verifier's [`ReplayGuard`].
#[derive(Debug)]
pub struct MemoryStore<S = ReplayGuard> {
    guard: Mutex<S>,
}

impl MemoryStore {
    /// A store for the verifier's window in seconds.
    pub fn new(window: i64) -> Self {
        Self::with_store(ReplayGuard::new(window))
    }
}

impl<S> MemoryStore<S> {
    /// A store asking `store` (a library user's [`NonceStore`]).
    pub fn with_store(store: S) -> Self {
        Self {
            guard: Mutex::new(store),
        }
    }
}

impl<S: NonceStore + Send + fmt::Debug> ReplayStore for MemoryStore<S> {
    fn observe<'a>(
        &'a self,
        report: &'a mut Report,
        now: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let result = match self.guard.lock() {
            Ok(mut guard) => guard.check(report, now),
            Err(_) => Err(StoreError::new("the in-memory store's lock is poisoned")),
        };
        Box::pin(std::future::ready(result))
    }
}

/// A store shared by several instances: one Redis key per (key id, nonce), set with
/// `SET key 1 NX PX <ttl>`: the first instance to set it records the nonce, and any
/// later `SET` within the time to live finds it taken, which is a replay.
///
/// The key is `cloudsig:nonce:` and the SHA-256 of the kind, the key id and the nonce
/// (so its length is bounded whatever the client sends, and no nonce is stored in
/// clear). The time to live is two windows (the longest time a replay of it could
/// still be accepted: its timestamp is within one window of the first verification,
/// and the replay's within one window of its own). Tencent v1 nonces use the
/// verifier's window, Alibaba signature nonces 15 minutes at least.
///
/// Unlike the in-memory store, a request whose signature did not verify is not looked
/// up (it is refused for its own reason and uses nothing up), so a shared store is
/// asked only on behalf of the keys' holders.
pub struct RedisStore {
    connection: redis::aio::ConnectionManager,
    window: i64,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://HOST:PORT[/DB]`); the connection is re-established
    /// by itself after Redis goes away and comes back. Fails if Redis cannot be reached
    /// now.
    pub async fn connect(url: &str, window: i64) -> Result<Self, StoreError> {
        let client =
            redis::Client::open(url).map_err(|e| StoreError::new(format!("bad Redis URL: {e}")))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(1)
            .set_connection_timeout(std::time::Duration::from_secs(2))
            .set_response_timeout(std::time::Duration::from_secs(2));
        let connection = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| StoreError::new(format!("cannot reach Redis: {e}")))?;
        Ok(Self { connection, window })
    }

    fn key(kind: &str, id: &str, nonce: &str) -> String {
        let mut h = Sha256::new();
        for part in [kind, id, nonce] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        format!("cloudsig:nonce:{}", base16ct::lower::encode_string(&digest))
    }

    /// Sets `key` if absent; `Ok(true)` when it was already there (a replay). A
    /// connection that broke (Redis went away and came back) is re-established by the
    /// manager, and the command is sent once more on the new one.
    async fn taken(&self, key: &str, seconds: i64) -> Result<bool, StoreError> {
        let ms = seconds.saturating_mul(2_000).max(1);
        let mut last = None;
        for _ in 0..2 {
            let mut connection = self.connection.clone();
            let set: Result<Option<String>, redis::RedisError> = redis::cmd("SET")
                .arg(key)
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(ms)
                .query_async(&mut connection)
                .await;
            match set {
                Ok(set) => return Ok(set.is_none()),
                Err(e)
                    if e.is_io_error()
                        || e.is_connection_dropped()
                        || e.is_connection_refusal() =>
                {
                    last = Some(e);
                }
                Err(e) => return Err(StoreError::new(e.to_string())),
            }
        }
        Err(StoreError::new(last.map_or_else(
            || "unreachable".to_string(),
            |e| e.to_string(),
        )))
    }
}

impl ReplayStore for RedisStore {
    fn observe<'a>(
        &'a self,
        report: &'a mut Report,
        _now: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let remember = report.authenticated
                && !report.findings.iter().any(|f| f.rule == "timestamp-window");
            if !remember || !has_nonce(report) {
                return Ok(());
            }
            let Some(id) = report.secret_id.clone() else {
                return Ok(());
            };
            if let Some(nonce) = report.nonce {
                let key = Self::key("v1", &id, &nonce.to_string());
                if self.taken(&key, self.window).await? {
                    report.reject(
                        cloudsig_verify::codes::INVALID_PARAMETER_VALUE,
                        "nonce-replay",
                        format!("Nonce {nonce} was already used within the window (replay)"),
                    );
                }
            }
            if let Some(nonce) = report.signature_nonce.clone() {
                let key = Self::key("alibaba", &id, &nonce);
                let window = self.window.max(cloudsig_verify::alibaba::codes::WINDOW);
                if self.taken(&key, window).await? {
                    report.reject(
                        cloudsig_verify::alibaba::codes::SIGNATURE_NONCE_USED,
                        "nonce-replay",
                        format!(
                            "signature nonce `{}` was already used within the window (replay)",
                            nonce.escape_debug()
                        ),
                    );
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_keys_are_bounded_and_separate_kinds_and_ids() {
        let a = RedisStore::key("v1", "AKID", "1");
        assert_eq!(a.len(), "cloudsig:nonce:".len() + 64);
        assert_ne!(a, RedisStore::key("alibaba", "AKID", "1"));
        assert_ne!(a, RedisStore::key("v1", "AKID2", "1"));
        // The separator keeps (id, nonce) pairs apart: "AK" + "ID1" is not "AKID" + "1".
        assert_ne!(RedisStore::key("v1", "AK", "ID1"), a);
        assert_eq!(
            RedisStore::key("v1", "x".repeat(10_000).as_str(), "1").len(),
            a.len()
        );
    }
}
