//! # cloudsig-serve
//!
//! `cloudsig serve` as a library: an HTTP/1.1 endpoint (tokio + hyper) that verifies
//! every request with the verifier of `cloudsig verify` at the time it arrives and
//! answers in the detected cloud's own envelope and status: an **emulator** for SDK
//! clients (a valid request gets its action's documented success response, or an empty
//! success, with a fresh request id), or a
//! **verifying gateway** in front of an upstream ([`upstream::Upstream`]). Nonces are
//! checked in a [`replay::ReplayStore`]: in memory for one instance, in Redis for
//! several behind a load balancer, failing closed (503) when the store is unreachable.
//! Optionally over TLS with a given certificate ([`tls::Tls`], [`serve_with`]).
//!
//! It is a crate of its own so that the verify library does not bring in an async
//! runtime, an HTTP server and a Redis client.
//!
//! Never does an answer hold the expected signature or any computed stage.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use std::sync::Arc;
//! use cloudsig_serve::{App, Settings, replay::MemoryStore, serve};
//! use cloudsig_verify::keys::KeyRing;
//! let keys = KeyRing::parse("AKIDEXAMPLE secretEXAMPLE", "inline").map_err(std::io::Error::other)?;
//! let settings = Settings::default();
//! let store = Arc::new(MemoryStore::new(settings.window));
//! let app = Arc::new(App::new(settings, keys, store, None));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, app, async { let _ = tokio::signal::ctrl_c().await; }).await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
pub mod cloud;
mod documented;
pub mod metrics;
pub mod replay;
mod server;
mod service;
mod settings;
pub mod tls;
pub mod upstream;

pub use server::{serve, serve_with};
pub use service::{App, Body};
pub use settings::{DEFAULT_MAX_BODY, Settings};
