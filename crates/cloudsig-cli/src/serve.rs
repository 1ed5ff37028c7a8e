//! `cloudsig serve`: a verifying endpoint that answers like the cloud (an emulator), or
//! a verifying gateway in front of an upstream.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use cloudsig_serve::replay::{MemoryStore, RedisStore, ReplayStore};
use cloudsig_serve::tls::Tls;
use cloudsig_serve::upstream::Upstream;
use cloudsig_serve::{App, DEFAULT_MAX_BODY, Settings, serve_with};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (HOST:PORT; port 0 picks a free one, printed on start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// A key file of `KeyId Secret [Token]` lines (repeatable), reloaded on SIGHUP; the
    /// clouds' SDK variables (TENCENTCLOUD_SECRET_ID/…_KEY, ALIBABA_CLOUD_ACCESS_KEY_ID/
    /// …_SECRET, HUAWEICLOUD_SDK_AK/…_SK) are used too when set.
    #[arg(long, value_name = "FILE")]
    key_file: Vec<PathBuf>,
    /// Forward valid requests to this upstream (http://HOST:PORT[/base]) instead of
    /// answering them with an empty success.
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Where nonces are recorded: `memory` (one instance) or `redis://HOST:PORT` (shared
    /// by several instances; unreachable → nonce-bearing requests get 503).
    #[arg(long, default_value = "memory", value_name = "STORE")]
    replay_store: String,
    /// The allowed clock skew in seconds; left at 300, each cloud's own window applies.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    window: i64,
    /// The largest body accepted, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY, value_name = "BYTES")]
    max_body: u64,
    /// The most connections served at once.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    max_connections: usize,
    /// Seconds a client may take to send a request's head (against slow senders).
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    header_timeout: u64,
    /// Seconds the upstream may take to answer (then 504).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    upstream_timeout: u64,
    /// Require a TC3 request's Host to name its credential service (as the cloud's own
    /// endpoints do); by default a mismatch is a log note.
    #[arg(long)]
    strict_host: bool,
    /// Do not check valid requests against their API definitions (action, version, region,
    /// parameters); by default a finding is answered with the cloud's code.
    #[arg(long)]
    no_api_check: bool,
    /// Serve https with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// Runs the server until SIGTERM or ctrl-c; `Err` when it cannot start.
pub fn run(a: ServeArgs) -> Result<bool, String> {
    init_logs();
    let keys = crate::verify::load_keys(&a.key_file)?;
    if keys.is_empty() {
        crate::warn("no keys: every signed request will be refused as from an unknown key".into());
    }
    let settings = Settings::default()
        .window(a.window)
        .max_body(a.max_body)
        .max_connections(a.max_connections)
        .header_timeout(Duration::from_secs(a.header_timeout))
        .upstream_timeout(Duration::from_secs(a.upstream_timeout))
        .strict_host(a.strict_host)
        .api_check(!a.no_api_check);
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(Tls::from_files(cert, key).map_err(|e| e.to_string())?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async move {
        let store: Arc<dyn ReplayStore> = if a.replay_store == "memory" {
            Arc::new(MemoryStore::new(settings.window))
        } else if a.replay_store.starts_with("redis://") {
            Arc::new(
                RedisStore::connect(&a.replay_store, settings.window)
                    .await
                    .map_err(|e| e.to_string())?,
            )
        } else {
            return Err(format!(
                "--replay-store {:?}: expected `memory` or redis://HOST:PORT",
                a.replay_store
            ));
        };
        let upstream = a
            .upstream
            .as_deref()
            .map(|u| Upstream::new(u, settings.upstream_timeout))
            .transpose()?;
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .map_err(|e| format!("listening on {}: {e}", a.listen))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("listening on {}: {e}", a.listen))?;
        let mode = if upstream.is_some() {
            "gateway"
        } else {
            "emulator"
        };
        let app = Arc::new(App::new(settings, keys, store, upstream));
        reload_on_hangup(Arc::clone(&app), a.key_file.clone());
        // The address on stdout, for scripts that start it on port 0.
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("cloudsig serve: listening on {scheme}://{local} ({mode})");
        tracing::info!(%local, mode, scheme, "listening");
        serve_with(listener, app, tls, shutdown_signal()).await;
        tracing::info!("stopped");
        Ok(true)
    })
}

fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

/// Completes on ctrl-c or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {},
                    _ = tokio::signal::ctrl_c() => {},
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: requests in flight finish");
}

/// On SIGHUP, reads the keys again (files and environment); a failed reload keeps the
/// keys in use.
fn reload_on_hangup(app: Arc<App>, files: Vec<PathBuf>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            match crate::verify::load_keys(&files) {
                Ok(keys) => {
                    let n = keys.len();
                    app.set_keys(keys);
                    tracing::info!(keys = n, "keys reloaded");
                }
                Err(e) => tracing::warn!(error = %e, "key reload failed: the keys in use are kept"),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (app, files);
}
