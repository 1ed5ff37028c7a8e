//! The accept loop: HTTP/1.1 connections on tokio + hyper, at most
//! [`Settings::max_connections`] at once, each with the head size limit and head read
//! timeout, and graceful shutdown (requests in flight finish).

use std::future::Future;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::service::App;
use crate::tls::Tls;

/// Serves `listener` until `shutdown` completes, then stops accepting, lets the
/// requests in flight finish (for at most [`crate::Settings::shutdown_grace`]) and
/// returns.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use std::sync::Arc;
/// use cloudsig_serve::{App, Settings, replay::MemoryStore, serve};
/// use cloudsig_verify::keys::KeyRing;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let app = Arc::new(App::new(Settings::default(), KeyRing::default(), Arc::new(MemoryStore::new(300)), None));
/// serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await;
/// # Ok(()) }
/// ```
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) {
    serve_with(listener, app, None, shutdown).await;
}

/// As [`serve`], over TLS with `tls` when given: the TLS handshake must finish within the
/// head timeout, and a failed one ends only its connection.
pub async fn serve_with(
    listener: TcpListener,
    app: Arc<App>,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) {
    let settings = app.settings().clone();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .max_buf_size(settings.max_header_bytes.max(8192))
        // The read buffer's limit alone lets a larger head through (hyper 1.13 grows its
        // buffer past it while parsing): the head limit itself answers 431.
        .max_header_size(settings.max_header_bytes.max(8192))
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let (stream, _peer) = match accepted {
            Ok(s) => s,
            Err(e) => {
                // Out of descriptors and the like: wait a moment rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = Arc::clone(&app);
        let service = service_fn(move |req| {
            let app = Arc::clone(&app);
            async move { app.handle(req).await }
        });
        if let Some(tls) = &tls {
            let handshake = tls.acceptor().accept(stream);
            let (builder, watcher) = (builder.clone(), graceful.watcher());
            let timeout = settings.header_timeout;
            tokio::spawn(async move {
                match tokio::time::timeout(timeout, handshake).await {
                    Ok(Ok(stream)) => {
                        let connection = builder.serve_connection(TokioIo::new(stream), service);
                        if let Err(e) = watcher.watch(connection).await {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                    }
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
                drop(permit);
            });
            continue;
        }
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(settings.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("shutdown: requests still in flight after the grace period were cut off");
    }
}
