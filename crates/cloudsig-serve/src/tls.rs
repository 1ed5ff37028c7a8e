//! Optional TLS with a given certificate (rustls, ring provider), for clients that insist
//! on https: a certificate chain and its private key, both PEM.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// A certificate or key that cannot be used; names the file, never prints the key.
#[derive(Debug)]
pub struct TlsError {
    message: String,
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLS: {}", self.message)
    }
}

impl std::error::Error for TlsError {}

fn error(message: String) -> TlsError {
    TlsError { message }
}

/// The TLS side of a server: accepts TLS 1.2 and 1.3 with one certificate chain, and
/// offers HTTP/1.1 by ALPN.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// From a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1
    /// or SEC1), as bytes.
    ///
    /// ```
    /// let key = rcgen::KeyPair::generate()?;
    /// let cert = rcgen::CertificateParams::new(vec!["localhost".into()])?.self_signed(&key)?;
    /// let tls = cloudsig_serve::tls::Tls::from_pem(cert.pem().as_bytes(), key.serialize_pem().as_bytes());
    /// assert!(tls.is_ok());
    /// assert!(cloudsig_serve::tls::Tls::from_pem(b"", b"").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_pem(cert_chain: &[u8], key: &[u8]) -> Result<Self, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<_, _>>()
            .map_err(|e| error(format!("the certificate chain is not PEM: {e}")))?;
        if chain.is_empty() {
            return Err(error("no certificate in the certificate file".into()));
        }
        // The key's own error is not printed: it could quote the key.
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|_| {
            error("no PEM private key (PKCS#8, PKCS#1 or SEC1) in the key file".into())
        })?;
        // ring rather than the default aws-lc-rs, whose build needs cmake and a C toolchain
        // for aws-lc; ring has no post-quantum key exchange, which a test emulator can spare.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| error(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| error(format!("the key does not fit the certificate: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// From a certificate chain file and a key file (both PEM); errors name the file.
    pub fn from_files(cert_chain: &Path, key: &Path) -> Result<Self, TlsError> {
        let read =
            |p: &Path| std::fs::read(p).map_err(|e| error(format!("reading {}: {e}", p.display())));
        Self::from_pem(&read(cert_chain)?, &read(key)?)
    }

    pub(crate) fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }
}
