//! Signs one call per cloud through reqwest with `SigningMiddleware` and sends it to a
//! local endpoint this example starts (on 127.0.0.1), which verifies the signature as the
//! cloud would and answers with its verdict. Run: `cargo run -p cloudsig-middleware
//! --example reqwest_three_clouds`. Against the real clouds, drop the `Host` headers and
//! use the clouds' URLs (with a TLS feature of reqwest enabled).

#[path = "common/mod.rs"]
mod common;

use cloudsig_credentials::Credentials;
use cloudsig_middleware::{Scheme, Signer, SigningMiddleware};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};

fn client(scheme: Scheme, id: &str, secret: &str) -> ClientWithMiddleware {
    let signer = Signer::new(scheme, Credentials::new(id, secret, "example"));
    ClientBuilder::new(reqwest::Client::new())
        .with(SigningMiddleware::new(signer))
        .build()
}

/// Runs the example.
#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = common::start_verifying_endpoint(3).await?;
    let local = format!("http://{addr}/");

    // Tencent Cloud, TC3: the user's own code is these few lines.
    let tencent = client(
        Scheme::tc3(),
        "AKIDexample0000000000000000000000000",
        "tencentExampleSecretKey0000000000",
    );
    let verdict = tencent
        .post(&local)
        .header("Host", "cvm.tencentcloudapi.com")
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeRegions")
        .header("X-TC-Version", "2017-03-12")
        .body("{}")
        .send()
        .await?
        .text()
        .await?;
    println!("tencent TC3: {verdict}");
    let mut all_valid = verdict == "valid";

    // Alibaba Cloud, ACS3-HMAC-SHA256.
    let alibaba = client(Scheme::acs3(), "LTAIexample", "alibabaExampleSecret");
    let verdict = alibaba
        .post(format!("{local}?RegionId=cn-hangzhou"))
        .header("Host", "ecs.cn-hangzhou.aliyuncs.com")
        .header("x-acs-action", "DescribeRegions")
        .header("x-acs-version", "2014-05-26")
        .send()
        .await?
        .text()
        .await?;
    println!("alibaba ACS3: {verdict}");
    all_valid &= verdict == "valid";

    // Huawei Cloud, SDK-HMAC-SHA256.
    let huawei = client(Scheme::huawei(), "HWEXAMPLEAK", "huaweiExampleSK");
    let verdict = huawei
        .get(format!("{local}v3/projects?limit=2"))
        .header("Host", "iam.cn-north-4.myhuaweicloud.com")
        .header("Content-Type", "application/json")
        .send()
        .await?
        .text()
        .await?;
    println!("huawei SDK-HMAC-SHA256: {verdict}");
    all_valid &= verdict == "valid";

    if !all_valid {
        return Err("the local endpoint did not accept every signature".into());
    }
    Ok(())
}
