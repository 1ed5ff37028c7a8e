//! An open-loop, rate-limited HTTP/1.1 load generator for `benches/serve-load.sh`: request
//! `i` is due at `start + i / RATE` whatever the server does, and its latency is counted
//! from that due time (so a slow server cannot slow the generator down and hide its own
//! queueing: no coordinated omission). Written here because neither `oha -q` nor wrk2 is
//! packaged for this machine's registries; bounded by RATE × SECONDS requests.
//!
//! The requests are signed before the clock starts (cloudsig-canonical's Tencent signers):
//! `tc3` the same TC3 request each time (TC3 has no nonce), `v1` a v1 HmacSHA256 request
//! with its own nonce each time (so a replay store is asked and records every one).
//!
//! ```text
//! open-loop HOST:PORT RATE SECONDS CONNECTIONS tc3|v1
//! ```
//!
//! Credentials from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY. Prints one line:
//! `sent N ok N errors N rate R/s p50 X ms p99 Y ms max Z ms`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cloudsig_canonical::tencent::{Credentials, SystemClock, Tc3Call, V1Call, sign_tc3, sign_v1};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, rate, secs, conns, scheme] = args.as_slice() else {
        return Err("usage: open-loop HOST:PORT RATE SECONDS CONNECTIONS tc3|v1".into());
    };
    let rate: f64 = rate.parse()?;
    let secs: f64 = secs.parse()?;
    let conns: usize = conns.parse()?;
    let total = (rate * secs) as usize;
    let creds = Credentials::new(
        std::env::var("TENCENTCLOUD_SECRET_ID")?,
        &std::env::var("TENCENTCLOUD_SECRET_KEY")?,
    )?;
    let mut requests = Vec::with_capacity(if scheme == "v1" { total } else { 1 });
    for i in 0..if scheme == "v1" { total } else { 1 } {
        let http = if scheme == "v1" {
            let call = V1Call::new(addr.clone(), "DescribeInstances", "2017-03-12")
                .nonce(1_000_000 + i as u64);
            sign_v1(&creds, &call, &SystemClock)?.into_http()
        } else {
            let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
                .host(addr.clone())
                .body(r#"{"Limit": 1}"#);
            sign_tc3(&creds, &call, &SystemClock)?.into_http()
        };
        requests.push(http.to_http());
    }
    let requests = Arc::new(requests);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (latencies, errors) = runtime.block_on(async move {
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now() + Duration::from_millis(100);
        let mut tasks = Vec::new();
        for _ in 0..conns {
            let (next, requests, addr) = (Arc::clone(&next), Arc::clone(&requests), addr.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                let mut conn: Option<TcpStream> = None;
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    tokio::time::sleep_until(due.into()).await;
                    let Some(req) = requests.get(i % requests.len().max(1)) else {
                        break;
                    };
                    if conn.is_none() {
                        conn = TcpStream::connect(&addr).await.ok();
                        if let Some(c) = &conn {
                            let _ = c.set_nodelay(true);
                        }
                    }
                    let ok = match &mut conn {
                        Some(c) => exchange(c, req, &mut buf).await,
                        None => false,
                    };
                    if ok {
                        lat.push(due.elapsed());
                    } else {
                        errors += 1;
                        conn = None;
                    }
                }
                (lat, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            if let Ok((l, e)) = t.await {
                all.extend(l);
                errors += e;
            }
        }
        (all, errors)
    });
    let mut latencies = latencies;
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "sent {total} ok {} errors {errors} rate {rate:.0}/s p50 {:.2} ms p99 {:.2} ms max {:.2} ms",
        latencies.len(),
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}

/// Sends one request and reads one answer (head, then Content-Length bytes); true if it
/// was a 200 whose body holds no error envelope.
async fn exchange(c: &mut TcpStream, req: &[u8], buf: &mut [u8]) -> bool {
    if c.write_all(req).await.is_err() {
        return false;
    }
    let mut got = Vec::new();
    loop {
        let Ok(k) = c.read(buf).await else {
            return false;
        };
        if k == 0 {
            return false;
        }
        got.extend_from_slice(buf.get(..k).unwrap_or_default());
        let Some(head_end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head =
            String::from_utf8_lossy(got.get(..head_end).unwrap_or_default()).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if got.len() >= head_end + 4 + len {
            let body = got.get(head_end + 4..).unwrap_or_default();
            return head.starts_with("http/1.1 200") && !body.windows(7).any(|w| w == b"\"Error\"");
        }
    }
}
