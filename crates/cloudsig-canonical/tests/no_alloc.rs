//! Proves that building, hashing and signing a TC3 canonical request touches no heap
//! when the signed header values need no lower-casing and there are at most four.
//!
//! A counting global allocator counts allocations made on the current thread while a
//! flag is set (as in cloudsig-core's no_alloc test).
#![allow(unsafe_code, clippy::unwrap_used, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cloudsig_canonical::Request;
use cloudsig_canonical::tc3::{self, CanonicalRequest, CredentialScope, Settings, SignedHeaders};
use cloudsig_core::{SecretKey, tc3::SigningKey};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
    f();
    COUNTING.with(|on| on.set(false));
    COUNT.with(Cell::get)
}

const BODY: &[u8] =
    br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;

#[test]
fn the_allocator_counts() {
    let n = allocations(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(10));
    });
    assert_eq!(n, 1);
}

#[test]
fn tc3_canonical_request_and_signing_allocate_nothing() {
    let req = Request::new("POST", "/")
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Host", "cvm.tencentcloudapi.com")
        .header("X-TC-Action", "describeinstances")
        .body(BODY);
    let sh = SignedHeaders::default();
    let three = SignedHeaders::new(["content-type", "host", "x-tc-action"]).unwrap();
    let settings = Settings::default();
    let secret = SecretKey::new(b"********************************").unwrap();
    let mut signatures = Vec::with_capacity(6);
    // Made once, outside the count (it copies the request); signing with it is counted.
    let template = tc3::RequestTemplate::new(&req, &sh, &settings).unwrap();
    let n = allocations(|| {
        let canonical = CanonicalRequest::new(&req, &sh, &settings).unwrap();
        std::hint::black_box(canonical.hashed());
        let scope = CredentialScope::for_timestamp(1_551_113_065, "cvm").unwrap();
        let per_call = tc3::sign(&req, &sh, &settings, 1_551_113_065, scope, &secret).unwrap();
        let key = SigningKey::derive(&secret, &scope.date(), "cvm").unwrap();
        let cached = tc3::sign_with_key(&req, &sh, &settings, 1_551_113_065, scope, &key).unwrap();
        let three = tc3::sign_with_key(&req, &three, &settings, 1_551_113_065, scope, &key);
        let three = three.unwrap();
        let body = cloudsig_canonical::Payload::Bytes(BODY);
        let t_cached = template
            .sign_with_key(body, 1_551_113_065, scope, &key)
            .unwrap();
        let t_per_call = template.sign(body, 1_551_113_065, scope, &secret).unwrap();
        COUNTING.with(|on| on.set(false));
        signatures.push(t_cached.signature().to_string());
        signatures.push(t_per_call.signature().to_string());
        signatures.push(per_call.signature().to_string());
        signatures.push(cached.signature().to_string());
        signatures.push(three.signature().to_string());
        COUNTING.with(|on| on.set(true));
    });
    assert_eq!(
        n, 0,
        "TC3 canonical request and signing allocated {n} times"
    );
    // From vectors/tencent/tc3.json (the documented TC3 example, SecretKey = 32 `*`).
    let seed = "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2";
    assert_eq!(signatures[..4], [seed, seed, seed, seed]);
    assert_ne!(signatures[4], seed);
}

/// The family's other two schemes on their documented examples (vectors/alibaba/acs3.json
/// `acs3-doc-ecs-run-instances`, vectors/huawei/sdk_hmac.json
/// `sdk-hmac-sha256-vpcs-documented`): their queries are already sorted and unreserved
/// and their values single, so the canonical request borrows everything, and building,
/// hashing and signing touch no heap.
#[test]
fn acs3_and_sdk_hmac_canonical_request_and_signing_allocate_nothing() {
    use cloudsig_canonical::{alibaba::acs3, huawei};
    use cloudsig_core::alibaba::Algorithm as Acs3;
    use cloudsig_core::huawei::{Algorithm, SdkDate, SigningKey};
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let acs3_req = Request::new("POST", "/")
        .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
        .header("host", "ecs.cn-shanghai.aliyuncs.com")
        .header("x-acs-action", "RunInstances")
        .header("x-acs-version", "2014-05-26")
        .header("x-acs-date", "2023-10-26T10:22:32Z")
        .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
        .header("x-acs-content-sha256", empty);
    let acs3_sh = acs3::signed_headers_of(&acs3_req).unwrap();
    let acs3_secret = SecretKey::new(b"YourAccessKeySecret").unwrap();
    let hw_req = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
        .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
        .header("Content-Type", "application/json")
        .header("Host", "service.region.example.com")
        .header("X-Sdk-Date", "20191115T033655Z");
    let hw_sh = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"]).unwrap();
    let hw_sk = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc").unwrap();
    let date = SdkDate::parse("20191115T033655Z").unwrap();
    let mut signatures = Vec::with_capacity(3);
    // A cached ACS3 key (session 24), made outside the counted closure as a signer would.
    let acs3_key = cloudsig_core::alibaba::SigningKey::new(&acs3_secret, Acs3::HmacSha256);
    // Session 28: the request shape prepared once (`acs3::RequestTemplate`, made outside
    // the count: it allocates its text), signing with it counted.
    let acs3_template =
        acs3::RequestTemplate::new(&acs3_req, &acs3_sh, &acs3::Settings::default()).unwrap();
    let acs3_call = acs3::PerCall::new(
        "2023-10-26T10:22:32Z",
        "3156853299f313e23d1673dc12e1703d",
        empty,
    );
    let hw_template = huawei::RequestTemplate::new(&hw_req, &hw_sh, &Default::default()).unwrap();
    let hw_cached = SigningKey::new(Algorithm::SdkHmacSha256, "ak", &hw_sk, None).unwrap();
    let n = allocations(|| {
        let settings = acs3::Settings::default();
        let a = acs3::sign(
            &acs3_req,
            &acs3_sh,
            Acs3::HmacSha256,
            &settings,
            &acs3_secret,
        );
        let a = a.unwrap();
        let cached = acs3::sign_with_key(&acs3_req, &acs3_sh, &settings, &acs3_key).unwrap();
        let body = cloudsig_canonical::Payload::Bytes(b"");
        let t_cached = acs3_template
            .sign_with_key(acs3_call, body, &acs3_key)
            .unwrap();
        let t_per_call = acs3_template
            .sign(acs3_call, body, Acs3::HmacSha256, &acs3_secret)
            .unwrap();
        let key = SigningKey::new(Algorithm::SdkHmacSha256, "ak", &hw_sk, None).unwrap();
        let settings = huawei::Settings::default();
        let h = huawei::sign_with_key(&hw_req, &key, &hw_sh, &settings, date, None).unwrap();
        let body = cloudsig_canonical::Payload::Bytes(b"");
        let h_t_cached = hw_template
            .sign_with_key(&hw_cached, &date, None, body)
            .unwrap();
        let h_t_per_call = hw_template
            .sign(Algorithm::SdkHmacSha256, "ak", &hw_sk, &date, None, body)
            .unwrap();
        COUNTING.with(|on| on.set(false));
        signatures.push(a.signature().to_string());
        signatures.push(h.signature().to_string());
        signatures.push(cached.signature().to_string());
        signatures.push(t_cached.signature().to_string());
        signatures.push(t_per_call.signature().to_string());
        signatures.push(h_t_cached.signature().to_string());
        signatures.push(h_t_per_call.signature().to_string());
        COUNTING.with(|on| on.set(true));
    });
    assert_eq!(n, 0, "ACS3 and SDK-HMAC-SHA256 signing allocated {n} times");
    assert_eq!(
        signatures,
        [
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        ]
    );
}
