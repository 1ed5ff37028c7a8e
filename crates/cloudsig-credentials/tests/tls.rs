//! The fetch client speaks HTTPS with the feature `tls`: against a TLS server on
//! 127.0.0.1 whose certificate a test CA issued, it gets the answer when it trusts that
//! CA, and refuses the connection with its default roots (Mozilla's), which do not hold
//! it. Plain `http://` (the metadata services) still works alongside.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cloudsig_credentials::ErrorKind;
use cloudsig_credentials::fetch::HttpClient;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn tls_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tls")
}

/// A server answering `hello over tls` to each of at most `n` connections, over TLS
/// when `tls`.
async fn server(tls: bool, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = tls.then(|| {
        let certs = vec![CertificateDer::from_pem_file(tls_dir().join("server.pem")).unwrap()];
        let key = PrivateKeyDer::from_pem_file(tls_dir().join("server.key")).unwrap();
        #[allow(deprecated)] // ring, as the client (see fetch::tls_connector)
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    });
    tokio::spawn(async move {
        for _ in 0..n {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\nhello over tls";
                let mut buf = [0u8; 4096];
                match acceptor {
                    Some(a) => {
                        let Ok(mut s) = a.accept(sock).await else {
                            return;
                        };
                        let _ = s.read(&mut buf).await;
                        let _ = s.write_all(answer).await;
                        let _ = s.shutdown().await;
                    }
                    None => {
                        let mut s = sock;
                        let _ = s.read(&mut buf).await;
                        let _ = s.write_all(answer).await;
                    }
                }
            });
        }
    });
    format!("{}://{addr}/", if tls { "https" } else { "http" })
}

fn get(uri: &str) -> http::Request<Vec<u8>> {
    http::Request::get(uri).body(Vec::new()).unwrap()
}

#[tokio::test]
async fn https_with_the_right_roots_and_refused_with_the_default_ones() {
    let uri = server(true, 2).await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(tls_dir().join("ca.pem")).unwrap())
        .unwrap();
    let trusting = HttpClient::with_roots(roots, Duration::from_secs(10));
    let (status, body) = trusting.send("test", get(&uri)).await.unwrap();
    assert_eq!(
        (status.as_u16(), body.as_slice()),
        (200, &b"hello over tls"[..])
    );

    let default = HttpClient::new(Duration::from_secs(10));
    let err = default.send("test", get(&uri)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Fetch);
    assert!(
        err.to_string().starts_with("test: https://127.0.0.1:"),
        "{err}"
    );
}

#[tokio::test]
async fn plain_http_still_works_with_tls_enabled() {
    let uri = server(false, 1).await;
    let (status, body) = HttpClient::default().send("test", get(&uri)).await.unwrap();
    assert_eq!(
        (status.as_u16(), body.as_slice()),
        (200, &b"hello over tls"[..])
    );
}
