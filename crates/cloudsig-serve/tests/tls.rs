//! `cloudsig serve` over TLS on 127.0.0.1:0 with a self-signed certificate generated here
//! (rcgen): a client that trusts only that certificate gets the emulator's answers; a
//! client speaking plain HTTP to the TLS port is refused and the server goes on serving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cloudsig_canonical::tencent::{Credentials, SystemClock, Tc3Call, sign_tc3};
use cloudsig_serve::replay::MemoryStore;
use cloudsig_serve::tls::Tls;
use cloudsig_serve::{App, Settings, serve_with};
use cloudsig_verify::keys::KeyRing;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ID: &str = "AKIDserveTlsTest";
const SECRET: &str = "serveTlsTestSecretKey";

/// A server with a fresh self-signed certificate for `localhost`; returns its address and
/// the certificate (DER) for the client to trust.
async fn start() -> (SocketAddr, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let tls = Tls::from_pem(cert.pem().as_bytes(), key.serialize_pem().as_bytes()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let keys = KeyRing::parse(&format!("{ID} {SECRET}\n"), "test").unwrap();
    let settings = Settings::default().header_timeout(Duration::from_secs(2));
    let store = Arc::new(MemoryStore::new(settings.window));
    let app = Arc::new(App::new(settings, keys, store, None));
    tokio::spawn(serve_with(listener, app, Some(tls), std::future::pending()));
    (addr, cert.der().to_vec())
}

fn connector(trusted: &[u8]) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(trusted.to_vec().into()).unwrap();
    #[allow(deprecated)] // the ring provider, as the server's
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

fn signed(addr: SocketAddr, secret: &str) -> Vec<u8> {
    let creds = Credentials::new(ID, secret).unwrap();
    let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
        .host(format!("localhost:{}", addr.port()))
        .body("{}");
    let raw = sign_tc3(&creds, &call, &SystemClock)
        .unwrap()
        .into_http()
        .to_http();
    String::from_utf8(raw)
        .unwrap()
        .replacen("\r\n", "\r\nConnection: close\r\n", 1)
        .into_bytes()
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, raw: &[u8]) -> String {
    s.write_all(raw).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn code(answer: &str) -> Option<String> {
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(body["Response"]["RequestId"].is_string(), "{answer}");
    body["Response"]["Error"]["Code"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_clients_trusting_the_given_certificate_are_answered() {
    let (addr, cert) = start().await;
    let tls = connector(&cert);
    let name = ServerName::try_from("localhost").unwrap();

    let tcp = TcpStream::connect(addr).await.unwrap();
    let stream = tls.connect(name.clone(), tcp).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(code(&exchange(stream, &signed(addr, SECRET)).await), None);

    let tcp = TcpStream::connect(addr).await.unwrap();
    let stream = tls.connect(name.clone(), tcp).await.unwrap();
    assert_eq!(
        code(&exchange(stream, &signed(addr, "wrongSecret")).await).as_deref(),
        Some("AuthFailure.SignatureFailure")
    );

    // Plain HTTP to the TLS port: no HTTP answer, and the server goes on serving.
    let plain = TcpStream::connect(addr).await.unwrap();
    let answer = exchange(plain, &signed(addr, SECRET)).await;
    assert!(!answer.contains("HTTP/1.1"), "{answer}");
    // A client that does not trust the certificate cannot complete the handshake.
    let other = rcgen::KeyPair::generate().unwrap();
    let other = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&other)
        .unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    assert!(
        connector(other.der())
            .connect(name.clone(), tcp)
            .await
            .is_err()
    );

    let tcp = TcpStream::connect(addr).await.unwrap();
    let stream = tls.connect(name, tcp).await.unwrap();
    assert_eq!(code(&exchange(stream, &signed(addr, SECRET)).await), None);
}
