//! Signs a TC3 call with the tower `SigningLayer` in front of hyper's client and sends it
//! to a local endpoint this example starts (on 127.0.0.1), which verifies it and answers
//! with its verdict. Run: `cargo run -p cloudsig-middleware --example tower_tc3`.
//!
//! The user's own code is the `use` lines of cloudsig and the block between `// user:`
//! and `// end user` (counted by `tests/examples.rs`): a signing layer with the Tencent
//! Cloud SDK's default credentials chain in front of hyper's client, and one call. The
//! `Host` header names the cloud's host while the URL is the local endpoint; against the
//! real cloud, the URL is `https://cvm.tencentcloudapi.com/` (with a TLS connector) and
//! no `Host` header is needed. In an application, `env` is `Environment::process()`.

#[path = "common/mod.rs"]
mod common;

use cloudsig_credentials::fetch::DefaultChain;
use cloudsig_middleware::{ApiCall, Scheme, Signer, SigningLayer};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{ServiceBuilder, ServiceExt};

/// Runs the example.
#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = common::start_verifying_endpoint(1).await?;

    let env = common::environment();
    let local = format!("http://{addr}/");

    // user: Tencent Cloud through tower, TC3-HMAC-SHA256
    let signing = SigningLayer::new(Signer::new(Scheme::tc3(), DefaultChain::tencent(env)));
    let client = Client::builder(TokioExecutor::new()).build_http();
    let to_hyper = |req: http::Request<Vec<u8>>| req.map(|b| Full::new(Bytes::from(b)));
    let service = ServiceBuilder::new().layer(signing).map_request(to_hyper);
    let req = http::Request::post(local).header("Host", "cvm.tencentcloudapi.com");
    let req = req.header("Content-Type", "application/json");
    let req = req.tencent_action("DescribeRegions", "2017-03-12");
    let sent = service.service(client).oneshot(req.body(b"{}".to_vec())?);
    let response = sent.await.map_err(|e| e.to_string())?;
    // end user
    let verdict = String::from_utf8(response.into_body().collect().await?.to_bytes().to_vec())?;
    println!("tencent TC3 through tower: {verdict}");
    if verdict != "valid" {
        return Err("the local endpoint did not accept the signature".into());
    }
    Ok(())
}
