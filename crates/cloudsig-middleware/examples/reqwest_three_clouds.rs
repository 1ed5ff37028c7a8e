//! Signs one call per cloud through reqwest with `SigningMiddleware` and sends it to a
//! local endpoint this example starts (on 127.0.0.1), which verifies the signature as the
//! cloud would and answers with its verdict. Run: `cargo run -p cloudsig-middleware
//! --example reqwest_three_clouds`.
//!
//! The user's own code is the `use cloudsig_middleware` line and, per cloud, the block
//! between `// user:` and `// end user`: a middleware signing with the official SDK's
//! default credentials chain, a client, and one call (six lines per cloud in all,
//! counted by `tests/examples.rs`). Against the real clouds, drop `.endpoint(..)?` and
//! enable a TLS feature of reqwest; in an application, `env` is `Environment::process()`.

#[path = "common/mod.rs"]
mod common;

use cloudsig_middleware::{ApiCall, SigningMiddleware};

/// Runs the example.
#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cloud = format!("http://{}", common::start_verifying_endpoint(3).await?);
    let env = common::environment();
    let mut verdicts = Vec::new();

    // user: Tencent Cloud, TC3-HMAC-SHA256
    let middleware = SigningMiddleware::tc3_from_env(env.clone());
    let client = middleware.endpoint(&cloud)?.client();
    let request = client.post("https://cvm.tencentcloudapi.com/");
    let request = request.tencent_action("DescribeRegions", "2017-03-12");
    let response = request.json(&serde_json::json!({})).send().await?;
    // end user
    verdicts.push(("tencent TC3", response.text().await?));

    // user: Alibaba Cloud, ACS3-HMAC-SHA256
    let middleware = SigningMiddleware::acs3_from_env(env.clone());
    let client = middleware.endpoint(&cloud)?.client();
    let request = client.post("https://ecs.cn-hangzhou.aliyuncs.com/?RegionId=cn-hangzhou");
    let request = request.alibaba_action("DescribeRegions", "2014-05-26");
    let response = request.send().await?;
    // end user
    verdicts.push(("alibaba ACS3", response.text().await?));

    // user: Huawei Cloud, SDK-HMAC-SHA256
    let middleware = SigningMiddleware::huawei_from_env(env);
    let client = middleware.endpoint(&cloud)?.client();
    let request = client.get("https://iam.cn-north-4.myhuaweicloud.com/v3/projects?limit=2");
    let request = request.header("Content-Type", "application/json");
    let response = request.send().await?;
    // end user
    verdicts.push(("huawei SDK-HMAC-SHA256", response.text().await?));

    for (cloud, verdict) in &verdicts {
        println!("{cloud}: {verdict}");
    }
    if verdicts.iter().any(|(_, verdict)| verdict != "valid") {
        return Err("the local endpoint did not accept every signature".into());
    }
    Ok(())
}
