//! Inserts per second into the nonce replay store (`ReplayGuard`), by number of nonces:
//! `replay-store MODE N` with MODE
//!
//! - `v1`: N authenticated v1 nonces (distinct numbers, one SecretId), all within the
//!   window of each other and of the clock, so none expires: the store ends up holding
//!   all N (its cap raised to N);
//! - `alibaba`: the same with Alibaba signature nonces (32 hex digits, as the SDKs make);
//! - `v1-moving`: N v1 nonces, 1,000 a second of timestamps, the clock advanced to each
//!   second as it comes (a server's case): nonces expire two windows (600 s) after their
//!   second, so about 600,000 are held at a time.
//!
//! Prints the wall and CPU time, the inserts per second (of CPU time: the machine may be
//! shared), the nonces held at the end and the peak
//! resident memory of the process. Run the sizes in separate processes (the peak memory
//! is the process's).

use std::time::Instant;

use cloudsig_verify::capture::{CaptureError, Location};
use cloudsig_verify::conformance::ReplayGuard;
use cloudsig_verify::{Report, unreadable};

/// The report of an authenticated request from `id`, with no nonce yet.
fn authenticated(id: &str) -> Report {
    let mut r = unreadable(&CaptureError {
        location: Location::default(),
        reason: String::new(),
    });
    r.findings.clear();
    r.verdict = cloudsig_verify::Verdict::Valid;
    r.secret_id = Some(id.to_string());
    r.authenticated = true;
    r
}

/// Peak resident memory of this process, from `/proc/self/status`.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// CPU time of this process so far (user + system), in seconds, from `/proc/self/stat`
/// (clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the command name (in parentheses, which may hold spaces).
            let rest = s.get(s.rfind(')')? + 2..)?;
            let f: Vec<&str> = rest.split(' ').collect();
            let ticks = |i: usize| f.get(i)?.parse::<f64>().ok();
            Some((ticks(11)? + ticks(12)?) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(n)) = (args.get(1), args.get(2)) else {
        return Err("usage: replay-store v1|alibaba|v1-moving N".into());
    };
    let n: u64 = n.replace('_', "").parse()?;
    let start_ts: i64 = 1_700_000_000;
    let limit = usize::try_from(n)?.max(1);
    let mut guard = ReplayGuard::new(300).with_limit(limit);
    guard.advance(start_ts);
    let mut report = authenticated("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE");
    let mut replays = 0u64;
    let cpu = cpu_seconds();
    let t = Instant::now();
    match mode.as_str() {
        "v1" => {
            for i in 0..n {
                report.nonce = Some(i + 1);
                report.timestamp = Some(start_ts + i64::try_from(i % 200)?);
                report.location.index = usize::try_from(i)?;
                guard.observe(&mut report);
                replays += u64::from(!report.findings.is_empty());
            }
        }
        "alibaba" => {
            report.secret_id = Some("LTAI5tExample0000000".into());
            for i in 0..n {
                // A UUID-like nonce: 32 hex digits.
                report.signature_nonce = Some(format!(
                    "{:016x}{:016x}",
                    i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    i
                ));
                report.timestamp = Some(start_ts + i64::try_from(i % 200)?);
                report.location.index = usize::try_from(i)?;
                guard.observe(&mut report);
                replays += u64::from(!report.findings.is_empty());
            }
        }
        "v1-moving" => {
            for i in 0..n {
                let ts = start_ts + i64::try_from(i / 1000)?;
                if i % 1000 == 0 {
                    guard.advance(ts);
                }
                report.nonce = Some(i + 1);
                report.timestamp = Some(ts);
                report.location.index = usize::try_from(i)?;
                guard.observe(&mut report);
                replays += u64::from(!report.findings.is_empty());
            }
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    let elapsed = t.elapsed();
    let cpu = cpu_seconds() - cpu;
    if replays != 0 || guard.forgotten() != 0 {
        return Err(format!("{replays} false replays, {} forgotten", guard.forgotten()).into());
    }
    println!(
        "{mode} {n} nonces: {:.2} s wall, {cpu:.2} s CPU, {:.0} inserts/s of CPU ({:.0} of wall), {} held at the end, expiry work {}, peak RSS {}",
        elapsed.as_secs_f64(),
        n as f64 / cpu,
        n as f64 / elapsed.as_secs_f64(),
        guard.len(),
        guard.expiry_work(),
        peak_rss()
    );
    Ok(())
}
