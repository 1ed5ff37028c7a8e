//! `cloudsig serve` as its own process on 127.0.0.1:0 against bad input: many
//! concurrent connections (10,000 where the open-file limit allows, else as many as it
//! allows, printed), oversized and too many headers, slow senders (slowloris), malformed
//! HTTP and abrupt disconnects. Each part is bounded in count and time; after each the
//! server is alive and answers a signed request; its memory (VmHWM from /proc, Linux) stays
//! under a bound.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cloudsig_canonical::tencent::{Credentials, SystemClock, Tc3Call, sign_tc3};

const ID: &str = "AKIDserveBadInput";
const SECRET: &str = "serveBadInputSecretKey";
/// The aim for concurrent connections (issue 14).
const AIM: usize = 10_000;

/// The server process, killed when dropped (also when the test fails).
struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start(extra: &[&str]) -> Server {
    let dir = std::env::temp_dir().join(format!("cloudsig-serve-bad-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    std::fs::write(&keys, format!("{ID} {SECRET}\n")).unwrap();
    let mut child = common::cloudsig()
        .args(["serve", "--listen", "127.0.0.1:0", "--key-file"])
        .arg(&keys)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    Server {
        child,
        addr,
        _dir: TempDir(dir),
    }
}

impl Server {
    /// A /proc/PID/status field in kB (VmRSS, VmHWM).
    fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// A TC3 request signed now, with `Connection: close`, and the answer's Tencent code
    /// (`None` for a success).
    fn signed_request_code(&self) -> Option<String> {
        let creds = Credentials::new(ID, SECRET).unwrap();
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .host(self.addr.to_string())
            .body("{}");
        let raw = sign_tc3(&creds, &call, &SystemClock)
            .unwrap()
            .into_http()
            .to_http();
        let raw = String::from_utf8(raw)
            .unwrap()
            .replacen("\r\n", "\r\nConnection: close\r\n", 1);
        let answer = exchange(self.addr, raw.as_bytes());
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(v["Response"]["RequestId"].is_string(), "{answer}");
        v["Response"]["Error"]["Code"].as_str().map(str::to_string)
    }
}

/// Sends `raw` on a new connection and reads until the server closes it (at most 20 s).
fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The soft limit on open files of this process (the server inherits it), from
/// /proc/self/limits.
fn open_file_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024)
}

#[test]
fn ten_thousand_concurrent_connections_are_served_in_bounded_memory() {
    // Each connection costs this process one descriptor and the server one; keep 200
    // for everything else (cargo's test harness, the server's own files).
    let limit = open_file_limit();
    let n = AIM.min(limit.saturating_sub(200));
    eprintln!("open-file limit {limit}: {n} concurrent connections (aim {AIM})");
    assert!(
        n >= 500,
        "the open-file limit {limit} is too low for this test"
    );
    // Room for the held connections and the signed requests sent meanwhile.
    let max = (n + 10).to_string();
    // The head timeout also ends a connection idle between requests: long enough here to
    // hold them all while they are opened on a loaded machine.
    let mut server = start(&["--max-connections", &max, "--header-timeout", "120"]);
    let idle_rss = server.memory_kb("VmRSS");
    let deadline = Instant::now() + Duration::from_secs(120);

    // Open them all, each with a request (keep-alive), and hold them; then read every
    // answer.
    let req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut conns = Vec::with_capacity(n);
    let opening = Instant::now();
    for _ in 0..n {
        assert!(Instant::now() < deadline, "opening took over 120 s");
        let mut s = TcpStream::connect(server.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(req).unwrap();
        conns.push(s);
    }
    eprintln!("{n} connections opened in {:?}", opening.elapsed());
    let mut answered = 0;
    for s in &mut conns {
        assert!(Instant::now() < deadline, "answers took over 120 s");
        let mut buf = [0u8; 512];
        let mut got = Vec::new();
        while !got.ends_with(b"ok\n") {
            let k = s.read(&mut buf).unwrap();
            assert!(
                k > 0,
                "connection closed: {}",
                String::from_utf8_lossy(&got)
            );
            got.extend_from_slice(&buf[..k]);
        }
        assert!(got.starts_with(b"HTTP/1.1 200"));
        answered += 1;
    }
    assert_eq!(answered, n);
    assert!(server.alive());
    assert_eq!(server.signed_request_code(), None);
    let held_rss = server.memory_kb("VmRSS");
    let peak = server.memory_kb("VmHWM");
    eprintln!("server RSS: idle {idle_rss} kB, {n} connections held {held_rss} kB, peak {peak} kB");
    // Bounded memory: under 32 kB a connection (measured: about 14 kB; hyper starts a
    // connection with an 8 kB read buffer),
    // plus the idle process.
    let bound = idle_rss + (n as u64) * 32;
    assert!(peak < bound, "peak {peak} kB over {bound} kB");

    // Gone all at once (some mid-request): the server stays up and serving.
    for (i, s) in conns.iter_mut().enumerate() {
        if i % 2 == 0 {
            let _ = s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
        }
    }
    drop(conns);
    std::thread::sleep(Duration::from_millis(200));
    assert!(server.alive());
    assert_eq!(server.signed_request_code(), None);
}

#[test]
fn oversized_heads_slow_senders_and_malformed_http_get_clear_errors() {
    let mut server = start(&["--header-timeout", "1"]);
    let addr = server.addr;

    // A header over the 64 KiB head limit: 431 before the head is read whole.
    let big = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let a = exchange(addr, big.as_bytes());
    assert!(a.starts_with("HTTP/1.1 431"), "{a}");
    // Too many headers (hyper's limit is 100): also 431.
    let mut many = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for i in 0..500 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("Connection: close\r\n\r\n");
    let a = exchange(addr, many.as_bytes());
    assert!(a.starts_with("HTTP/1.1 431"), "{a}");

    // Malformed HTTP of several kinds: 400 each, never a crash.
    for bad in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"GET / HTTP/1.1\r\nBad Header Name: v\r\n\r\n",
        b"\xff\xfe\xfd\r\n\r\n",
    ] {
        let a = exchange(addr, bad);
        assert!(
            a.is_empty() || a.starts_with("HTTP/1.1 400"),
            "{:?} -> {a}",
            String::from_utf8_lossy(bad)
        );
    }
    // A chunked body that is not chunked: the cloud's shape (Tencent: 200, InvalidParameter)
    // saying so.
    let a = exchange(
        addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nX-TC-Action: A\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\n",
    );
    assert!(a.starts_with("HTTP/1.1 200"), "{a}");
    assert!(a.contains(r#""Code":"InvalidParameter""#), "{a}");
    assert!(a.contains("request body could not be read"), "{a}");
    assert!(server.alive());

    // Slowloris: 300 connections each sending its head a byte at a time, slower than the
    // 1 s head timeout allows; meanwhile a signed request is served; then each slow
    // sender finds its connection cut (bounded: 10 s at most).
    let mut slow: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
            s
        })
        .collect();
    assert_eq!(server.signed_request_code(), None);
    let start = Instant::now();
    // Dribble one byte a connection every 200 ms for 3 s (a write to a connection already
    // cut may fail: that is the point).
    for _ in 0..15 {
        for s in &mut slow {
            let _ = s.write_all(b"X");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut cut = 0;
    for mut s in slow {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = Vec::new();
        match s.read_to_end(&mut out) {
            Ok(_) => cut += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => cut += 1,
            Err(e) => panic!("a slow sender was not cut off: {e}"),
        }
    }
    assert_eq!(cut, 300);
    assert!(start.elapsed() < Duration::from_secs(60));
    assert!(server.alive());
    assert_eq!(server.signed_request_code(), None);
}
