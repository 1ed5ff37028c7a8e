//! Counters for `/metrics`, in the Prometheus text format: requests by verdict and
//! code, a latency histogram, replay-store and upstream errors. Written by hand (a few
//! counters and one histogram) rather than with a metrics crate: the exposition format
//! is small and stable, and this keeps the dependency tree to hyper and tokio.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The latency histogram's upper bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests by (cloud, verdict, code); the code is empty for a success.
    requests: Mutex<BTreeMap<(&'static str, &'static str, String), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    store_errors: AtomicU64,
    upstream_errors: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, cloud: &'static str, verdict: &'static str, code: &str, took: Duration) {
        if let Ok(mut map) = self.requests.lock() {
            // The code is the server's own (a verifier code or a refusal's), never the
            // client's text, so the number of series is bounded.
            *map.entry((cloud, verdict, code.to_string())).or_default() += 1;
        }
        let seconds = took.as_secs_f64();
        for (bound, count) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts one failed replay-store call.
    pub fn store_error(&self) {
        self.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one failed or timed-out upstream call.
    pub fn upstream_error(&self) {
        self.upstream_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The replay-store errors so far.
    pub fn store_errors(&self) -> u64 {
        self.store_errors.load(Ordering::Relaxed)
    }

    /// The counters in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP cloudsig_requests_total Requests answered, by cloud, verdict and error code.\n",
        );
        out.push_str("# TYPE cloudsig_requests_total counter\n");
        if let Ok(map) = self.requests.lock() {
            for ((cloud, verdict, code), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "cloudsig_requests_total{{cloud=\"{cloud}\",verdict=\"{verdict}\",code=\"{}\"}} {n}",
                    code.escape_default()
                );
            }
        }
        out.push_str("# HELP cloudsig_request_duration_seconds Time from the request's head to the answer.\n");
        out.push_str("# TYPE cloudsig_request_duration_seconds histogram\n");
        for (bound, count) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "cloudsig_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "cloudsig_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        #[allow(clippy::cast_precision_loss)]
        let sum = self.latency_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "cloudsig_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "cloudsig_request_duration_seconds_count {count}");
        out.push_str("# HELP cloudsig_replay_store_errors_total Replay-store calls that failed (their requests were refused with 503).\n");
        out.push_str("# TYPE cloudsig_replay_store_errors_total counter\n");
        let _ = writeln!(
            out,
            "cloudsig_replay_store_errors_total {}",
            self.store_errors()
        );
        out.push_str(
            "# HELP cloudsig_upstream_errors_total Upstream calls that failed or timed out.\n",
        );
        out.push_str("# TYPE cloudsig_upstream_errors_total counter\n");
        let _ = writeln!(
            out,
            "cloudsig_upstream_errors_total {}",
            self.upstream_errors.load(Ordering::Relaxed)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_rendered_by_label_and_bucket() {
        let m = Metrics::default();
        m.request("tencent", "valid", "", Duration::from_micros(300));
        m.request(
            "tencent",
            "invalid",
            "AuthFailure.SignatureFailure",
            Duration::from_millis(3),
        );
        m.request(
            "tencent",
            "invalid",
            "AuthFailure.SignatureFailure",
            Duration::from_millis(3),
        );
        m.store_error();
        let text = m.render();
        assert!(
            text.contains(
                "cloudsig_requests_total{cloud=\"tencent\",verdict=\"valid\",code=\"\"} 1\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("code=\"AuthFailure.SignatureFailure\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("_bucket{le=\"0.00025\"} 0\n"), "{text}");
        assert!(text.contains("_bucket{le=\"0.0005\"} 1\n"), "{text}");
        assert!(text.contains("_bucket{le=\"0.005\"} 3\n"), "{text}");
        assert!(text.contains("_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(
            text.contains("cloudsig_replay_store_errors_total 1\n"),
            "{text}"
        );
    }
}
