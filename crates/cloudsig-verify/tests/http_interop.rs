//! `http` interop: every scheme signs an `http::Request` in place (expected signatures
//! from the clouds' documentation, or the high-level API for ROA, which has no documented
//! example), and the verifier reads the signed `http::Request` back and accepts it; a
//! header changed after signing makes it fail.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use cloudsig_canonical::http::{alibaba as ah, huawei as hh, tencent as th};
use cloudsig_canonical::tencent::FixedClock;
use cloudsig_verify::http::{captured_from_parts, captured_from_request};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::{KeyCache, Options, Verdict, Verifier};

fn verdict<B: AsRef<[u8]>>(keys: &str, req: &http::Request<B>, now: i64) -> Verdict {
    let ring = KeyRing::parse(keys, "test").unwrap();
    let cap = captured_from_request(req).unwrap();
    Verifier::new(ring, Options::at(now))
        .check(&cap, &mut KeyCache::default())
        .verdict
}

fn header<B>(req: &http::Request<B>, name: &str) -> String {
    req.headers()[name].to_str().unwrap().to_string()
}

const TC3_KEYS: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE ********************************";

fn tc3_request(uri: &str) -> http::Request<Vec<u8>> {
    http::Request::post(uri)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("X-TC-Action", "DescribeInstances")
        .header("X-TC-Version", "2017-03-12")
        .header("X-TC-Region", "ap-guangzhou")
        .body(
            br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#
                .to_vec(),
        )
        .unwrap()
}

#[test]
fn tc3_request_signed_in_place_matches_the_documentation_and_verifies() {
    let creds = cloudsig_canonical::tencent::Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "********************************",
    )
    .unwrap();
    let mut req = tc3_request("https://cvm.tencentcloudapi.com/");
    th::sign_tc3(
        &mut req,
        &creds,
        &FixedClock(1551113065),
        &Default::default(),
    )
    .unwrap();
    // Tencent Cloud, "Signature v3", the example's final Authorization.
    assert_eq!(
        header(&req, "authorization"),
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"
    );
    assert_eq!(header(&req, "x-tc-timestamp"), "1551113065");
    assert_eq!(verdict(TC3_KEYS, &req, 1551113065), Verdict::Valid);
    req.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    assert_eq!(verdict(TC3_KEYS, &req, 1551113065), Verdict::Invalid);
}

#[test]
fn a_local_endpoint_with_a_host_header_is_signed_for_the_cloud_host() {
    let creds = cloudsig_canonical::tencent::Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "********************************",
    )
    .unwrap();
    let mut req = tc3_request("http://127.0.0.1:9/");
    req.headers_mut()
        .insert("host", "cvm.tencentcloudapi.com".parse().unwrap());
    th::sign_tc3(
        &mut req,
        &creds,
        &FixedClock(1551113065),
        &Default::default(),
    )
    .unwrap();
    assert!(
        header(&req, "authorization").ends_with(
            "Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"
        )
    );
    assert_eq!(req.uri().to_string(), "http://127.0.0.1:9/");
    // The verifier's input from the parts and the body, as a server has them.
    let (parts, body) = req.into_parts();
    let cap = captured_from_parts(&parts, &body).unwrap();
    assert_eq!(cap.host(), Some("cvm.tencentcloudapi.com"));
    let ring = KeyRing::parse(TC3_KEYS, "test").unwrap();
    let report = Verifier::new(ring, Options::at(1551113065)).check(&cap, &mut KeyCache::default());
    assert_eq!(report.verdict, Verdict::Valid);
}

#[test]
fn v1_get_signs_the_query_in_place_as_the_documentation_does() {
    let creds = cloudsig_canonical::tencent::Credentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    )
    .unwrap();
    let mut req = http::Request::get(
        "https://cvm.tencentcloudapi.com/?Action=DescribeInstances&Version=2017-03-12\
         &Region=ap-guangzhou&InstanceIds.0=ins-09dx96dg&Limit=20&Offset=0",
    )
    .body(Vec::new())
    .unwrap();
    th::sign_v1(
        &mut req,
        &creds,
        &FixedClock(1465185768),
        &th::V1Options::default().nonce(11886),
    )
    .unwrap();
    // Tencent Cloud, "Signature" (v1), the example's Signature, URL-encoded.
    assert!(
        req.uri()
            .query()
            .unwrap()
            .ends_with("&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"),
        "{}",
        req.uri()
    );
    let keys = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    assert_eq!(verdict(keys, &req, 1465185768), Verdict::Valid);
    // A POST carries the same parameters as a signed form body.
    let mut post = http::Request::post(
        "https://cvm.tencentcloudapi.com/?Action=DescribeInstances&Version=2017-03-12",
    )
    .body(Vec::new())
    .unwrap();
    th::sign_v1(
        &mut post,
        &creds,
        &FixedClock(1465185768),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(post.uri().query(), None);
    assert!(
        String::from_utf8(post.body().clone())
            .unwrap()
            .contains("&Signature=")
    );
    assert_eq!(verdict(keys, &post, 1465185768), Verdict::Valid);
    let mut tampered = post.clone();
    *tampered.uri_mut() = "https://cvm.tencentcloudapi.com:8443/".parse().unwrap();
    tampered.headers_mut().remove("host");
    assert_eq!(verdict(keys, &tampered, 1465185768), Verdict::Invalid);
}

#[test]
fn acs3_request_signed_in_place_matches_the_documentation_and_verifies() {
    let creds =
        cloudsig_canonical::alibaba::Credentials::new("YourAccessKeyId", "YourAccessKeySecret")
            .unwrap();
    let mut req = http::Request::post(
        "https://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
    )
    .header("x-acs-action", "RunInstances")
    .header("x-acs-version", "2014-05-26")
    .body(Vec::new())
    .unwrap();
    let options = ah::Options::default().nonce("3156853299f313e23d1673dc12e1703d");
    ah::sign_acs3(&mut req, &creds, &FixedClock(1698315752), &options).unwrap();
    // Alibaba Cloud, "V3 request body and signature", the example's Authorization.
    assert!(
        header(&req, "authorization").ends_with(
            ",Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        ),
        "{}",
        header(&req, "authorization")
    );
    let keys = "YourAccessKeyId YourAccessKeySecret";
    assert_eq!(verdict(keys, &req, 1698315752), Verdict::Valid);
    req.headers_mut()
        .insert("x-acs-version", "2014-05-27".parse().unwrap());
    assert_eq!(verdict(keys, &req, 1698315752), Verdict::Invalid);
}

#[test]
fn roa_request_signed_in_place_equals_the_high_level_call_and_verifies() {
    use cloudsig_canonical::alibaba::{Body, Credentials, RoaCall, sign_roa};
    let creds = Credentials::new("testid", "testsecret").unwrap();
    let body = r#"{"esVersion":"6.7_with_X-Pack"}"#;
    let mut req = http::Request::post(
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances?clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF0001",
    )
    .header("x-acs-version", "2017-06-13")
    .header("content-type", "application/json; charset=utf-8")
    .body(body.as_bytes().to_vec())
    .unwrap();
    ah::sign_roa(
        &mut req,
        &creds,
        &FixedClock(1698315752),
        &ah::Options::default().nonce("fixed"),
    )
    .unwrap();
    let call = RoaCall::new(
        "elasticsearch.cn-hangzhou.aliyuncs.com",
        "2017-06-13",
        "/openapi/instances",
    )
    .query_param("clientToken", "5A2CFF0E-5718-45B5-9D4D-70B3FF0001")
    .body(Body::Json(body.into()))
    .nonce("fixed");
    let expected = sign_roa(&creds, &call, &FixedClock(1698315752)).unwrap();
    assert_eq!(
        header(&req, "authorization"),
        expected.header("Authorization").unwrap()
    );
    let keys = "testid testsecret";
    assert_eq!(verdict(keys, &req, 1698315752), Verdict::Valid);
    // ROA signs Content-MD5 (when sent) rather than the body: change a signed header.
    req.headers_mut()
        .insert("x-acs-version", "2017-06-14".parse().unwrap());
    assert_eq!(verdict(keys, &req, 1698315752), Verdict::Invalid);
}

#[test]
fn rpc_get_signs_the_query_in_place_as_the_documentation_does() {
    let creds = cloudsig_canonical::alibaba::Credentials::new("testid", "testsecret").unwrap();
    let mut req = http::Request::get(
        "https://ecs.cn-beijing.aliyuncs.com/?Action=DescribeDedicatedHosts&Version=2014-05-26&RegionId=cn-beijing",
    )
    .body(Vec::new())
    .unwrap();
    let options = ah::Options::default().nonce("edb2b34af0af9a6d14deaf7c1a5315eb");
    ah::sign_rpc(&mut req, &creds, &FixedClock(1678696470), &options).unwrap();
    // Alibaba Cloud, "RPC signature", the example's Signature, URL-encoded.
    assert!(
        req.uri()
            .query()
            .unwrap()
            .ends_with("&Signature=9NaGiOspFP5UPcwX8Iwt2YJXXuk%3D"),
        "{}",
        req.uri()
    );
    let keys = "testid testsecret";
    assert_eq!(verdict(keys, &req, 1678696470), Verdict::Valid);
    let tampered = req.uri().to_string().replace("cn-beijing&", "cn-hangzhou&");
    *req.uri_mut() = tampered.parse().unwrap();
    assert_eq!(verdict(keys, &req, 1678696470), Verdict::Invalid);
}

#[test]
fn huawei_request_signed_in_place_matches_the_documented_example_and_verifies() {
    let creds = cloudsig_canonical::huawei::Credentials::new(
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    )
    .unwrap();
    let mut req = http::Request::get(
        "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?marker=13551d6b-755d-4757-b956-536f674975c0&limit=2",
    )
    .header("content-type", "application/json")
    .body(Vec::new())
    .unwrap();
    hh::sign(
        &mut req,
        &creds,
        &FixedClock(1573789015),
        &Default::default(),
    )
    .unwrap();
    // Huawei Cloud API Gateway's AK/SK signing example (X-Sdk-Date 20191115T033655Z).
    assert_eq!(
        header(&req, "authorization"),
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
         Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    let keys = "QTWAOYTTINDUT2QVKYUC MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    assert_eq!(verdict(keys, &req, 1573789015), Verdict::Valid);
    req.headers_mut()
        .insert("content-type", "text/plain".parse().unwrap());
    assert_eq!(verdict(keys, &req, 1573789015), Verdict::Invalid);
}

#[test]
fn missing_call_headers_and_foreign_bodies_are_named_errors() {
    let creds = cloudsig_canonical::tencent::Credentials::new("AKIDexample", "secret").unwrap();
    let mut req = http::Request::post("https://cvm.tencentcloudapi.com/")
        .header("X-TC-Version", "2017-03-12")
        .body(Vec::new())
        .unwrap();
    let err = th::sign_tc3(&mut req, &creds, &FixedClock(0), &Default::default()).unwrap_err();
    assert_eq!(err.field(), "header `x-tc-action`");
    let mut req = http::Request::post("https://cvm.tencentcloudapi.com/?Action=A&Version=1")
        .header("content-type", "application/json")
        .body(b"{}".to_vec())
        .unwrap();
    let err = th::sign_v1(&mut req, &creds, &FixedClock(0), &Default::default()).unwrap_err();
    assert_eq!(err.field(), "body");
    let mut req = http::Request::post("/").body(Vec::new()).unwrap();
    let err = th::sign_tc3(&mut req, &creds, &FixedClock(0), &Default::default()).unwrap_err();
    assert_eq!(err.field(), "host");
}

#[test]
fn a_header_that_is_not_text_is_named() {
    let mut req = http::Request::get("https://a.example/")
        .body(Vec::new())
        .unwrap();
    req.headers_mut()
        .insert("x-bin", http::HeaderValue::from_bytes(b"\xff").unwrap());
    assert_eq!(captured_from_request(&req).unwrap_err().name, "x-bin");
}
