//! Signs a TC3 call with the tower `SigningLayer` in front of hyper's client and sends it
//! to a local endpoint this example starts (on 127.0.0.1), which verifies it and answers
//! with its verdict. Run: `cargo run -p cloudsig-middleware --example tower_tc3`.

#[path = "common/mod.rs"]
mod common;

use cloudsig_credentials::Credentials;
use cloudsig_middleware::{Scheme, Signer, SigningLayer};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use tower::{ServiceBuilder, ServiceExt};

/// Runs the example.
#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = common::start_verifying_endpoint(1).await?;

    let creds = Credentials::new(
        "AKIDexample0000000000000000000000000",
        "tencentExampleSecretKey0000000000",
        "example",
    );
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let service = ServiceBuilder::new()
        .layer(SigningLayer::new(Signer::new(Scheme::tc3(), creds)))
        .map_request(|req: http::Request<Vec<u8>>| req.map(|b| Full::new(Bytes::from(b))))
        .service(client);

    let request = http::Request::post(format!("http://{addr}/"))
        .header("Host", "cvm.tencentcloudapi.com")
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeRegions")
        .header("X-TC-Version", "2017-03-12")
        .body(b"{}".to_vec())?;
    let response = service.oneshot(request).await.map_err(|e| e.to_string())?;
    let verdict = String::from_utf8(response.into_body().collect().await?.to_bytes().to_vec())?;
    println!("tencent TC3 through tower: {verdict}");
    if verdict != "valid" {
        return Err("the local endpoint did not accept the signature".into());
    }
    Ok(())
}
