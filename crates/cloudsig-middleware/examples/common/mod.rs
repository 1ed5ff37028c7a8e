//! The examples' local endpoint: an HTTP server on 127.0.0.1 (an ephemeral port) that
//! verifies every request it receives with `cloudsig-verify` and answers with the
//! verdict (`valid`, or `invalid CODE`), standing in for the cloud.

use std::convert::Infallible;
use std::net::SocketAddr;

use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The example credentials (one line per cloud: id, secret).
pub const KEYS: &str = "AKIDexample0000000000000000000000000 tencentExampleSecretKey0000000000\n\
                        LTAIexample alibabaExampleSecret\n\
                        HWEXAMPLEAK huaweiExampleSK";

/// The user's environment, standing in for the process's (which an application reads
/// with `Environment::process()`): the example credentials in the variables the official
/// SDKs read first (`TENCENTCLOUD_SECRET_ID`/`_KEY`, `ALIBABA_CLOUD_ACCESS_KEY_ID`/
/// `_SECRET`, `HUAWEICLOUD_SDK_AK`/`_SK`), without changing this process's variables.
#[allow(dead_code)] // the tower example gives its credentials directly
pub fn environment() -> cloudsig_credentials::Environment {
    cloudsig_credentials::Environment::empty()
        .var(
            "TENCENTCLOUD_SECRET_ID",
            "AKIDexample0000000000000000000000000",
        )
        .var(
            "TENCENTCLOUD_SECRET_KEY",
            "tencentExampleSecretKey0000000000",
        )
        .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample")
        .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "alibabaExampleSecret")
        .var("HUAWEICLOUD_SDK_AK", "HWEXAMPLEAK")
        .var("HUAWEICLOUD_SDK_SK", "huaweiExampleSK")
}

/// Starts the verifying endpoint; it serves at most `max` connections, then stops.
pub async fn start_verifying_endpoint(
    max: usize,
) -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let ring = KeyRing::parse(KEYS, "example")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        .try_into()?;
    let verifier = std::sync::Arc::new(Verifier::new(ring, Options::at(now)));
    tokio::spawn(async move {
        for _ in 0..max {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<Incoming>| {
                    let verifier = verifier.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let answer = match cloudsig_verify::http::captured_from_parts(&parts, &body)
                        {
                            Err(e) => format!("unreadable {e}"),
                            Ok(cap) => {
                                let report = verifier.check(&cap, &mut KeyCache::default());
                                match report.verdict {
                                    Verdict::Valid => "valid".to_string(),
                                    v => format!(
                                        "{} {}",
                                        v.name(),
                                        report.code().unwrap_or_default()
                                    ),
                                }
                            }
                        };
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from(answer))))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok(addr)
}
