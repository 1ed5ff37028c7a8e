//! The checks every cloud shares, below the clouds' own rules: the clock skew of a
//! timestamp (with the whole-hours offset that names a local time written as UTC), the
//! one token check, and the nonce replay guard. Each cloud words the findings with its
//! own codes (`tencent/rules.rs`, `alibaba/mod.rs`, `huawei/mod.rs`).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::hash::{BuildHasher, RandomState};

use cloudsig_canonical::Credentials;

use crate::report::Report;
use crate::tencent::codes;

/// Tencent Cloud refuses timestamps further than this from its clock (seconds).
pub const DEFAULT_WINDOW: i64 = 300;
/// How far a timestamp is outside the window, as [`skew`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skew {
    /// The timestamp minus the verification time, in seconds (negative: behind).
    pub seconds: i64,
    /// The whole hours (UTC-12 to UTC+14, not 0) that bring the timestamp within the
    /// window: a clock's local time written as UTC.
    pub local_offset_h: Option<i64>,
}

impl Skew {
    /// `behind` or `ahead of`, for messages.
    pub fn side(&self) -> &'static str {
        if self.seconds < 0 {
            "behind"
        } else {
            "ahead of"
        }
    }
}

/// The skew of `timestamp` from `now` when it is more than `window` seconds; `None`
/// when it is within. Every cloud's time-window check.
///
/// ```
/// use cloudsig_verify::conformance::skew;
/// assert_eq!(skew(1000, 1000 + 300, 300), None);
/// let s = skew(8 * 3600, 0, 900).unwrap();
/// assert_eq!((s.seconds, s.side(), s.local_offset_h), (28800, "ahead of", Some(8)));
/// ```
pub fn skew(timestamp: i64, now: i64, window: i64) -> Option<Skew> {
    let seconds = timestamp.saturating_sub(now);
    let window = window.unsigned_abs();
    if seconds.unsigned_abs() <= window {
        return None;
    }
    let local_offset_h = (-12..=14i64)
        .filter(|h| *h != 0)
        .find(|h| seconds.saturating_sub(h * 3600).unsigned_abs() <= window);
    Some(Skew {
        seconds,
        local_offset_h,
    })
}

/// What the one token check found: the token a request sent against the key's.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// The key has a token and the request sent it (or neither has one).
    Agrees,
    /// The key has a token and the request sent another (compared in constant time).
    Mismatch,
    /// The key has a token and the request sent none.
    Missing,
    /// The request sent a token and the key has none to check it against.
    Unchecked,
}

/// The one token check: `sent` against the token of `creds`, byte for byte (a cloud
/// that ignores surrounding whitespace passes `sent` trimmed).
pub fn token_check(creds: &Credentials, sent: Option<&str>) -> TokenCheck {
    match (creds.token(), sent) {
        (Some(want), Some(got)) => {
            if cloudsig_core::constant_time_eq(want.as_bytes(), got.as_bytes()) {
                TokenCheck::Agrees
            } else {
                TokenCheck::Mismatch
            }
        }
        (Some(_), None) => TokenCheck::Missing,
        (None, Some(_)) => TokenCheck::Unchecked,
        (None, None) => TokenCheck::Agrees,
    }
}

/// How many nonces of each kind (v1 numbers, Alibaba strings) a [`ReplayGuard`]
/// remembers at most, unless told otherwise with [`ReplayGuard::with_limit`]: a full
/// store of either kind takes about 150 MB at its peak (measured with
/// `benches/src/bin/replay-store.rs`; the hash table has room for 1,835,008 before it
/// doubles). 1,000 requests a second for 30 minutes fit.
pub const MAX_NONCES: usize = 1_800_000;

/// Remembers the nonces of authenticated requests, per key id, and reports a nonce used
/// again within the window: Tencent v1 `Nonce` numbers (by SecretId) and Alibaba
/// signature nonces (`x-acs-signature-nonce`, `SignatureNonce`, by AccessKeyId).
///
/// **Which requests use up a nonce.** Every report with a nonce, a key id and a
/// timestamp is checked against the nonces remembered, whatever its verdict. A nonce is
/// remembered only when the request's signature verified ([`Report::authenticated`]) and
/// its timestamp is within the window of the verification time, as the cloud records a
/// nonce once it has authenticated the request: a forged copy (wrong signature, unknown
/// key) placed before the genuine request does not make the genuine one a replay, and an
/// expired request, which the cloud refuses whatever its signature, uses nothing up. A request
/// whose signature verified but which breaks another rule (a stale token, a content type
/// its algorithm does not allow, a body that is not the one hashed in a signed header)
/// does use up its nonce: it was made by the key's holder, and any other request with the
/// same nonce within the window is a replay of it. A replay keeps the first use; a nonce
/// used again outside the window is remembered at the later of the two timestamps.
///
/// **Time.** Two uses of a nonce are a replay when their timestamps are at most the
/// window apart (Tencent: the verifier's window; Alibaba: 15 minutes, or the verifier's
/// window if longer), in whatever order they arrive: capture order need not be time
/// order. The store's clock is the verification time given to [`Self::advance`] (the
/// pipeline and [`crate::Session`] give the verifier's), never a request's timestamp, so a
/// request from far in the future or the past changes nothing for the others. Once the
/// clock has passed a nonce's timestamp by two windows, no request still accepted at that
/// clock could replay it, and it is forgotten. (Within one run of `cloudsig verify` the
/// verification time is fixed: every nonce remembered is within the window of it, none
/// expires, and the cap below is the bound.)
///
/// **Cost and memory.** Nonces are kept in a hash table and, by timestamp, in a
/// time-ordered queue (one-second buckets), so each is inserted once and expired or
/// evicted once: the work per request is amortised constant (plus a logarithm of the
/// number of distinct seconds held), whatever the number of nonces. The store holds only
/// nonces within two windows of the clock, and at most [`MAX_NONCES`] of each kind (about
/// 85 bytes a nonce, Alibaba's by a fingerprint). When it is full, the nonce with the oldest
/// timestamp is forgotten to make room: the first report that causes this gets a note,
/// [`Self::forgotten`] counts them, and a replay of a forgotten nonce is no longer
/// detected. A nonce still remembered is always detected.
///
/// **Several inputs.** One guard can serve several captures (files) in turn: name each
/// with [`Self::set_source`] and a replay across them names the file and request it
/// repeats.
///
/// Feed it reports in capture order.
#[derive(Debug)]
pub struct ReplayGuard {
    numeric: Store<u64>,
    /// Textual nonces (Alibaba), by a 128-bit fingerprint: two SipHashes under keys
    /// drawn at random for this guard. Two different nonces of one key id share a
    /// fingerprint with a probability of about 2^-128 a pair (no one who does not know
    /// the keys can make them collide), and the store holds no string.
    text: Store<[u64; 2]>,
    fingerprint: [RandomState; 2],
    /// Key ids of remembered nonces, numbered (only ids whose signature verified, so at
    /// most the key ring's).
    ids: HashMap<Box<str>, u32>,
    /// The names given to [`Self::set_source`], in turn; source `n` is `sources[n - 1]`,
    /// source 0 the unnamed one before any.
    sources: Vec<Box<str>>,
    source: u32,
    clock: i64,
    noted: bool,
}

impl Default for ReplayGuard {
    fn default() -> Self {
        Self::new(DEFAULT_WINDOW)
    }
}

/// Where and when a nonce was used.
#[derive(Debug, Clone, Copy)]
struct Seen {
    ts: i64,
    index: usize,
    source: u32,
}

/// The nonces of one kind by (key id number, nonce), with a queue of their keys in time
/// order.
#[derive(Debug)]
struct Store<N> {
    seen: HashMap<(u32, N), Seen>,
    /// The keys of `seen`, by timestamp. A key whose entry was replaced by a later use
    /// stays in its old bucket too; it is skipped when that bucket is expired.
    by_time: BTreeMap<i64, Vec<(u32, N)>>,
    /// Keys held in `by_time`.
    slots: usize,
    /// The window in seconds.
    window: u64,
    limit: usize,
    forgotten: u64,
    /// Queue slots examined by expiry and eviction.
    work: u64,
}

impl<N: Hash + Eq + Clone> Store<N> {
    fn new(window: u64) -> Self {
        Self {
            seen: HashMap::new(),
            by_time: BTreeMap::new(),
            slots: 0,
            window,
            limit: MAX_NONCES,
            forgotten: 0,
            work: 0,
        }
    }

    /// The timestamps before this one are dead at `clock`.
    fn cutoff(&self, clock: i64) -> i64 {
        let span = i64::try_from(self.window.saturating_mul(2)).unwrap_or(i64::MAX);
        clock.saturating_sub(span)
    }

    /// The use of `key` within the window of `ts`, if any.
    fn earlier(&self, key: &(u32, N), ts: i64) -> Option<Seen> {
        self.seen
            .get(key)
            .copied()
            .filter(|s| ts.abs_diff(s.ts) <= self.window)
    }

    /// Remembers `key` as used at `at` (unless dead at `clock`, or remembered at a later
    /// time); says whether a live nonce had to be forgotten to make room.
    fn record(&mut self, key: (u32, N), at: Seen, clock: i64) -> bool {
        if at.ts < self.cutoff(clock) || self.seen.get(&key).is_some_and(|s| s.ts >= at.ts) {
            return false;
        }
        let mut evicted = false;
        while self.slots >= self.limit.max(1) {
            match self.pop_oldest() {
                Some(live) => evicted |= live,
                None => break,
            }
        }
        self.by_time.entry(at.ts).or_default().push(key.clone());
        self.slots += 1;
        self.seen.insert(key, at);
        if evicted {
            self.forgotten += 1;
        }
        evicted
    }

    /// Takes the oldest key off the queue and forgets it; `Some(true)` if it was live.
    fn pop_oldest(&mut self) -> Option<bool> {
        let mut first = self.by_time.first_entry()?;
        let ts = *first.key();
        let key = first.get_mut().pop();
        if first.get().is_empty() {
            first.remove();
        }
        let key = key?;
        self.slots = self.slots.saturating_sub(1);
        self.work += 1;
        Some(self.forget(&key, ts))
    }

    /// Forgets `key` if it is remembered at `ts` (not replaced since).
    fn forget(&mut self, key: &(u32, N), ts: i64) -> bool {
        let live = self.seen.get(key).is_some_and(|s| s.ts == ts);
        if live {
            self.seen.remove(key);
        }
        live
    }

    /// Forgets every nonce dead at `clock`.
    fn expire(&mut self, clock: i64) {
        let cutoff = self.cutoff(clock);
        while let Some(first) = self.by_time.first_entry()
            && *first.key() < cutoff
        {
            let (ts, keys) = first.remove_entry();
            self.slots = self.slots.saturating_sub(keys.len());
            for key in keys {
                self.work += 1;
                self.forget(&key, ts);
            }
        }
    }
}

impl ReplayGuard {
    /// A guard for a time window in seconds (the verifier's: Alibaba nonces are kept
    /// for 15 minutes at least), with no clock yet (nothing expires before the first
    /// [`Self::advance`]).
    pub fn new(window: i64) -> Self {
        let window = window.unsigned_abs();
        let alibaba = crate::alibaba::codes::WINDOW.unsigned_abs();
        Self {
            numeric: Store::new(window),
            text: Store::new(window.max(alibaba)),
            fingerprint: [RandomState::new(), RandomState::new()],
            ids: HashMap::new(),
            sources: Vec::new(),
            source: 0,
            clock: i64::MIN,
            noted: false,
        }
    }

    /// The same, remembering at most `limit` nonces of each kind (at least one).
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.numeric.limit = limit.max(1);
        self.text.limit = limit.max(1);
        self
    }

    /// Moves the clock to the verification time `now` (it never goes back) and forgets
    /// the nonces that no request accepted at `now` or later could replay.
    pub fn advance(&mut self, now: i64) {
        self.clock = self.clock.max(now);
        self.numeric.expire(self.clock);
        self.text.expire(self.clock);
    }

    /// The reports observed from now on come from the input `name` (a file): a replay
    /// found later names it when it is not the input of the replaying request. Indexes
    /// in the messages are those of each input.
    pub fn set_source(&mut self, name: impl Into<String>) {
        self.sources.push(name.into().into_boxed_str());
        self.source = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.numeric.seen.len() + self.text.seen.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many nonces were forgotten before their time because the store was full.
    pub fn forgotten(&self) -> u64 {
        self.numeric.forgotten + self.text.forgotten
    }

    /// How many remembered nonces expiry and eviction have examined so far: at most one
    /// for each nonce ever remembered (tests hold the store to that).
    pub fn expiry_work(&self) -> u64 {
        self.numeric.work + self.text.work
    }

    /// Checks the report's nonce (v1 `Nonce` or Alibaba signature nonce) against those
    /// remembered, adds a `nonce-replay` finding if it was used within the window, and
    /// remembers it if the request is authenticated and not expired (see the type's
    /// documentation).
    pub fn observe(&mut self, report: &mut Report) {
        // The nonce first: most requests have none.
        if report.nonce.is_none() && report.signature_nonce.is_none() {
            return;
        }
        let (Some(ts), Some(id)) = (report.timestamp, report.secret_id.as_deref()) else {
            return;
        };
        let remember =
            report.authenticated && !report.findings.iter().any(|f| f.rule == "timestamp-window");
        let id = match self.ids.get(id) {
            Some(n) => *n,
            // A key id with nothing remembered: nothing to find.
            None if !remember => return,
            None => {
                let Ok(n) = u32::try_from(self.ids.len()) else {
                    return;
                };
                self.ids.insert(id.into(), n);
                n
            }
        };
        let here = Seen {
            ts,
            index: report.location.index,
            source: self.source,
        };
        let mut evicted = false;
        if let Some(nonce) = report.nonce {
            let key = (id, nonce);
            if let Some(earlier) = self.numeric.earlier(&key, ts) {
                let message = format!(
                    "Nonce {nonce} was already used by {} (replay)",
                    self.describe(earlier, ts)
                );
                report.fail(codes::INVALID_PARAMETER_VALUE, "nonce-replay", message);
                report.sort_findings();
            } else if remember {
                evicted |= self.numeric.record(key, here, self.clock);
            }
        }
        if let Some(nonce) = report.signature_nonce.as_deref() {
            let [a, b] = &self.fingerprint;
            let key = (id, [a.hash_one(nonce), b.hash_one(nonce)]);
            if let Some(earlier) = self.text.earlier(&key, ts) {
                let message = format!(
                    "signature nonce `{}` was already used by {} (replay)",
                    nonce.escape_debug(),
                    self.describe(earlier, ts)
                );
                report.fail(
                    crate::alibaba::codes::SIGNATURE_NONCE_USED,
                    "nonce-replay",
                    message,
                );
                report.sort_findings();
            } else if remember {
                evicted |= self.text.record(key, here, self.clock);
            }
        }
        if evicted && !self.noted {
            self.noted = true;
            report.notes.push(format!(
                "the replay store is full ({} nonces): from here on the oldest are forgotten, and a replay of one forgotten is not detected",
                self.numeric.limit
            ));
        }
    }

    /// The earlier use, for a request at `ts`: `request #3 of a.http, signed 10 s earlier`.
    fn describe(&self, earlier: Seen, ts: i64) -> String {
        let n = earlier.index.saturating_add(1);
        let name = |source: u32| {
            let i = usize::try_from(source).ok()?.checked_sub(1)?;
            self.sources.get(i).map(|s| s.escape_debug().to_string())
        };
        let which = if earlier.source == self.source {
            format!("request #{n}")
        } else {
            match (name(earlier.source), name(self.source)) {
                (Some(then), Some(now)) if then == now => {
                    format!("request #{n} of an earlier pass over {then}")
                }
                (Some(then), _) => format!("request #{n} of {then}"),
                (None, _) => format!("request #{n} of an earlier input"),
            }
        };
        let when = match ts.cmp(&earlier.ts) {
            std::cmp::Ordering::Greater => format!("signed {} s earlier", ts.abs_diff(earlier.ts)),
            std::cmp::Ordering::Less => format!("signed {} s later", ts.abs_diff(earlier.ts)),
            std::cmp::Ordering::Equal => "signed in the same second".to_string(),
        };
        format!("{which}, {when}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Location;
    use crate::report::{Scheme, Verdict};
    use crate::tencent::codes;

    /// A v1 report with a nonce, from SecretId `AKID`.
    fn v1(index: usize, nonce: u64, ts: i64, authenticated: bool) -> Report {
        let mut r = Report::new(
            Location {
                index,
                ..Location::default()
            },
            Scheme::V1HmacSha1,
        );
        r.secret_id = Some("AKID".into());
        r.nonce = Some(nonce);
        r.timestamp = Some(ts);
        r.authenticated = authenticated;
        r
    }

    /// An Alibaba RPC report with a signature nonce, from AccessKeyId `testid`.
    fn rpc(index: usize, nonce: &str, ts: i64, authenticated: bool) -> Report {
        let mut r = Report::new(
            Location {
                index,
                ..Location::default()
            },
            Scheme::RpcHmacSha1,
        );
        r.secret_id = Some("testid".into());
        r.signature_nonce = Some(nonce.into());
        r.timestamp = Some(ts);
        r.authenticated = authenticated;
        r
    }

    fn replayed(guard: &mut ReplayGuard, mut r: Report) -> Option<String> {
        guard.observe(&mut r);
        r.findings
            .iter()
            .find(|f| f.rule == "nonce-replay")
            .map(|f| f.message.clone())
    }

    #[test]
    fn replay_guard_flags_a_nonce_reused_within_the_window() {
        let mut guard = ReplayGuard::new(300);
        let mut first = v1(0, 7, 1000, true);
        guard.observe(&mut first);
        assert_eq!(first.verdict, Verdict::Valid);
        let mut again = v1(1, 7, 1100, true);
        guard.observe(&mut again);
        assert_eq!(again.code(), Some(codes::INVALID_PARAMETER_VALUE));
        assert!(again.findings[0].message.contains("request #1"));
        let mut later = v1(2, 7, 1500, true);
        guard.observe(&mut later);
        assert_eq!(later.verdict, Verdict::Valid);
        let mut other = v1(3, 8, 1500, true);
        guard.observe(&mut other);
        assert_eq!(other.verdict, Verdict::Valid);
    }

    #[test]
    fn replay_store_past_two_to_the_twenty_nonces_does_bounded_work_and_forgets_nothing() {
        // Issue 11, defect 2: past 2^20 nonces the store scanned its whole table on every
        // insert (1.06M requests took 124 s), and one request from far in the future
        // flushed it. Here 2^20 + 256 nonces, all within the window of each other.
        const N: u64 = (1 << 20) + 256;
        let mut guard = ReplayGuard::new(300);
        guard.advance(1_000_000);
        for i in 0..N {
            let ts = 1_000_000 + i64::try_from(i % 200).unwrap();
            let mut r = v1(usize::try_from(i).unwrap(), i + 1, ts, true);
            guard.observe(&mut r);
            assert_eq!(r.verdict, Verdict::Valid, "{i}");
        }
        assert_eq!(guard.len(), usize::try_from(N).unwrap());
        // At most one unit of expiry work per nonce remembered, not one per nonce held
        // per insert (the old table did 256 scans of over a million entries here).
        assert!(
            guard.expiry_work() <= N,
            "{} entries examined",
            guard.expiry_work()
        );
        // Authenticated requests from far in the future and the past, in any order.
        for (nonce, ts) in [(N + 1, i64::MAX), (N + 2, i64::MIN), (N + 3, 0)] {
            assert_eq!(replayed(&mut guard, v1(0, nonce, ts, true)), None);
        }
        // Every nonce is still remembered: the first, one in the middle, the last.
        for nonce in [1, N / 2, N] {
            let message = replayed(&mut guard, v1(0, nonce, 1_000_100, true));
            assert!(message.is_some(), "nonce {nonce} forgotten");
        }
        assert!(
            replayed(&mut guard, v1(0, N + 1, i64::MAX - 5, true)).is_some(),
            "the far-future nonce forgotten"
        );
        // Two windows after the last timestamp, the clock forgets all but the far-future
        // nonce, each examined once more at most.
        guard.advance(1_000_200 + 600);
        assert_eq!(guard.len(), 1);
        assert!(guard.expiry_work() <= N + 4, "{}", guard.expiry_work());
        assert_eq!(guard.forgotten(), 0);
    }

    #[test]
    fn replay_timestamps_may_arrive_out_of_order() {
        let mut guard = ReplayGuard::new(300);
        guard.advance(10_000);
        assert_eq!(replayed(&mut guard, v1(0, 1, 10_000, true)), None);
        assert_eq!(replayed(&mut guard, v1(1, 2, 9_800, true)), None);
        // The first use may be the later one in time, and the reverse.
        let m = replayed(&mut guard, v1(2, 1, 9_750, true)).unwrap();
        assert!(m.contains("request #1, signed 250 s later"), "{m}");
        let m = replayed(&mut guard, v1(3, 2, 10_050, true)).unwrap();
        assert!(m.contains("request #2, signed 250 s earlier"), "{m}");
        let m = replayed(&mut guard, v1(4, 2, 9_800, false)).unwrap();
        assert!(m.contains("request #2, signed in the same second"), "{m}");
        // Outside the window, either way: not a replay.
        assert_eq!(replayed(&mut guard, v1(5, 1, 9_699, true)), None);
        assert_eq!(replayed(&mut guard, v1(6, 2, 10_101, true)), None);
        // The clock moving to 10,500 forgets nothing a request accepted then could
        // replay (timestamps from 9,900 on)...
        guard.advance(10_500);
        assert!(replayed(&mut guard, v1(7, 2, 10_400, false)).is_some());
        // ...and it never goes back. Nonce 2 was last used at 10,101 (the use at 9,800
        // is replaced); at 10,700 nonce 1 (10,000) is forgotten and nonce 2 is not.
        guard.advance(0);
        guard.advance(10_700);
        assert_eq!(guard.len(), 1);
        assert!(replayed(&mut guard, v1(8, 2, 10_400, false)).is_some());
        assert_eq!(replayed(&mut guard, v1(9, 1, 10_000, false)), None);
    }

    #[test]
    fn only_authenticated_unexpired_requests_use_up_a_nonce() {
        // Issue 11, defect 3: a forged copy placed first made the genuine request a replay.
        let mut guard = ReplayGuard::new(300);
        guard.advance(1000);
        assert_eq!(replayed(&mut guard, v1(0, 5, 1010, false)), None);
        assert_eq!(replayed(&mut guard, v1(1, 5, 1000, true)), None);
        // A forged copy after the genuine request is caught.
        let m = replayed(&mut guard, v1(2, 5, 1010, false)).unwrap();
        assert!(m.contains("request #2, signed 10 s earlier"), "{m}");
        // An expired request, even authenticated, uses nothing up.
        let mut expired = v1(3, 6, 1000, true);
        crate::tencent::rules::timestamp_window(&mut expired, 1000, 2000, 300);
        assert_eq!(replayed(&mut guard, expired), None);
        assert_eq!(replayed(&mut guard, v1(4, 6, 1000, true)), None);
        // An authenticated request breaking another rule does.
        let mut stale_token = v1(5, 7, 1000, true);
        stale_token.fail(codes::TOKEN_FAILURE, "token", "stale");
        assert_eq!(replayed(&mut guard, stale_token), None);
        assert!(replayed(&mut guard, v1(6, 7, 1000, true)).is_some());
        // The same for Alibaba's textual nonces (15 minutes).
        assert_eq!(replayed(&mut guard, rpc(7, "n-1", 1000, false)), None);
        assert_eq!(replayed(&mut guard, rpc(8, "n-1", 1000, true)), None);
        let mut again = rpc(9, "n-1", 1800, true);
        guard.observe(&mut again);
        assert_eq!(
            again.code(),
            Some(crate::alibaba::codes::SIGNATURE_NONCE_USED)
        );
        assert!(
            again.findings[0]
                .message
                .contains("request #9, signed 800 s earlier"),
            "{again:?}"
        );
        // Nonces 5, 6 and 7 and `n-1`; a key id seen only in forged requests is never
        // stored.
        assert_eq!(guard.len(), 4);
        let mut other = v1(10, 5, 1000, false);
        other.secret_id = Some("AKID-OTHER".into());
        assert_eq!(replayed(&mut guard, other), None);
        assert_eq!((guard.len(), guard.ids.len()), (4, 2));
    }

    #[test]
    fn alibaba_nonces_expire_two_windows_after_the_clock() {
        let mut guard = ReplayGuard::new(300);
        guard.advance(10_000);
        assert_eq!(replayed(&mut guard, rpc(0, "x", 10_000, true)), None);
        assert_eq!(replayed(&mut guard, v1(1, 1, 10_000, true)), None);
        guard.advance(10_601);
        // v1 (300 s): gone; Alibaba (900 s): kept until 11,800.
        assert_eq!(guard.len(), 1);
        guard.advance(11_800);
        assert_eq!(guard.len(), 1);
        assert!(replayed(&mut guard, rpc(2, "x", 10_900, false)).is_some());
        guard.advance(11_801);
        assert!(guard.is_empty());
    }

    #[test]
    fn a_full_replay_store_forgets_the_oldest_and_says_so() {
        let mut guard = ReplayGuard::new(300).with_limit(3);
        guard.advance(0);
        for (i, (nonce, ts)) in [(2, 20), (1, 10), (3, 30)].into_iter().enumerate() {
            let mut r = v1(i, nonce, ts, true);
            guard.observe(&mut r);
            assert!(r.notes.is_empty());
        }
        let mut fourth = v1(3, 4, 25, true);
        guard.observe(&mut fourth);
        assert!(
            fourth
                .notes
                .iter()
                .any(|n| n.contains("replay store is full")),
            "{fourth:?}"
        );
        assert_eq!((guard.len(), guard.forgotten()), (3, 1));
        // The oldest timestamp (nonce 1) was forgotten; every other is still caught.
        assert_eq!(replayed(&mut guard, v1(4, 1, 10, false)), None);
        for nonce in [2, 3, 4] {
            assert!(replayed(&mut guard, v1(5, nonce, 30, false)).is_some());
        }
        // The note is given once.
        let mut fifth = v1(6, 5, 40, true);
        guard.observe(&mut fifth);
        assert!(fifth.notes.is_empty());
        assert_eq!(guard.forgotten(), 2);
    }

    #[test]
    fn a_replay_across_inputs_names_the_input() {
        let mut guard = ReplayGuard::new(300);
        guard.set_source("a.http");
        assert_eq!(replayed(&mut guard, v1(0, 9, 1000, true)), None);
        assert_eq!(replayed(&mut guard, rpc(1, "n", 1000, true)), None);
        guard.set_source("b.jsonl");
        let m = replayed(&mut guard, v1(0, 9, 990, true)).unwrap();
        assert_eq!(
            m,
            "Nonce 9 was already used by request #1 of a.http, signed 10 s later (replay)"
        );
        guard.set_source("a.http");
        let m = replayed(&mut guard, rpc(1, "n", 1000, true)).unwrap();
        assert_eq!(
            m,
            "signature nonce `n` was already used by request #2 of an earlier pass over a.http, signed in the same second (replay)"
        );
    }
}
