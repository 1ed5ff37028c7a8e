//! Proves that TC3 and v1 signing in cloudsig-core never touch the heap.
//!
//! A counting global allocator counts allocations made on the current thread while a
//! flag is set; the test harness's own allocations on other threads do not count.
#![allow(unsafe_code, clippy::unwrap_used, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write;

use cloudsig_core::{
    SecretKey, Sha256Hasher, UtcDate, UtcDateTime, alibaba, constant_time_eq, sha256_hex, tc3, v1,
};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // try_with: thread-locals may be gone while a thread shuts down.
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

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
    f();
    COUNTING.with(|on| on.set(false));
    COUNT.with(Cell::get)
}

/// A fixed-size stack buffer for `write!` that allocates nothing.
struct StackBuf {
    buf: [u8; 512],
    len: usize,
}

impl Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

const CANONICAL: &str = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n99d58dfbc6745f6747f36bfca17dee5e6881dc0428a0a36f96199342bc5b4907";
const V1_STS: &str = "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12";

#[test]
fn the_allocator_counts() {
    // Control: the counter does see a heap allocation.
    let n = allocations(|| {
        let v: Vec<u8> = Vec::with_capacity(10);
        std::hint::black_box(v);
    });
    assert_eq!(n, 1);
}

#[test]
fn tc3_signing_allocates_nothing() {
    let mut tc3_sig = String::new();
    let mut cached_sig = String::new();
    let n = allocations(|| {
        let secret = SecretKey::new(b"********************************").unwrap();
        let date = UtcDate::from_unix(1_551_113_065).unwrap();
        let _ = UtcDateTime::from_unix(1_551_113_065)
            .unwrap()
            .to_basic_iso();
        // Payload and canonical request hashed incrementally, in pieces.
        let mut payload = Sha256Hasher::new();
        payload.update(br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "#);
        payload.update(br#""Name": "instance-name"}]}"#);
        let payload = payload.finalize_hex();
        let (content_type, host) = ("application/json; charset=utf-8", "cvm.tencentcloudapi.com");
        let mut canonical = Sha256Hasher::new();
        write!(
            canonical,
            "POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n"
        )
        .unwrap();
        write!(canonical, "content-type;host\n{payload}").unwrap();
        let hashed = canonical.finalize_hex();
        assert_eq!(hashed, sha256_hex(CANONICAL.as_bytes()));

        // Key derived per call.
        let key = tc3::SigningKey::derive(&secret, &date, "cvm").unwrap();
        let sig = key.sign_parts(1_551_113_065, &date, "cvm", hashed.as_str());
        // Cached key, signature into the caller's buffer, compared in constant time.
        let mut sts = StackBuf {
            buf: [0; 512],
            len: 0,
        };
        tc3::write_string_to_sign(&mut sts, 1_551_113_065, &date, "cvm", hashed.as_str()).unwrap();
        let mut out = [0u8; 64];
        let cached = key.sign_into(sts.buf.get(..sts.len).unwrap(), &mut out);
        assert!(constant_time_eq(cached.as_bytes(), sig.as_bytes()));
        std::hint::black_box((&sig, cached));
        COUNTING.with(|on| on.set(false));
        tc3_sig.push_str(sig.as_str());
        cached_sig.push_str(cached);
        COUNTING.with(|on| on.set(true));
    });
    assert_eq!(n, 0, "TC3 signing allocated {n} times");
    // From vectors/tencent/tc3.json (the documented TC3 example, SecretKey = 32 `*`).
    assert_eq!(
        tc3_sig,
        "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"
    );
    assert_eq!(cached_sig, tc3_sig);
}

#[test]
fn v1_signing_allocates_nothing() {
    let mut got = String::new();
    let n = allocations(|| {
        let secret = SecretKey::new(b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE").unwrap();
        let whole = v1::sign(&secret, v1::Algorithm::HmacSha1, V1_STS.as_bytes());
        let mut streamed = v1::Signer::new(&secret, v1::Algorithm::HmacSha1);
        for piece in V1_STS.split_inclusive('&') {
            write!(streamed, "{piece}").unwrap();
        }
        let streamed = streamed.finish();
        let mut out = [0u8; 44];
        let into = v1::sign_into(
            &secret,
            v1::Algorithm::HmacSha256,
            V1_STS.as_bytes(),
            &mut out,
        );
        std::hint::black_box(into);
        assert_eq!(whole, streamed);
        COUNTING.with(|on| on.set(false));
        got.push_str(whole.as_str());
        COUNTING.with(|on| on.set(true));
    });
    assert_eq!(n, 0, "v1 signing allocated {n} times");
    // From vectors/tencent/v1.json (the documented v1 HmacSHA1 example).
    assert_eq!(got, "EliP9YW3pW28FpsEdkXt/+WcGeI=");
}

const ACS3_CANONICAL: &str = "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\nhost:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\nhost;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const RPC_STS: &str = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26";

#[test]
fn alibaba_signing_allocates_nothing() {
    let mut got = (String::new(), String::new(), String::new(), String::new());
    let n = allocations(|| {
        let secret = SecretKey::new(b"YourAccessKeySecret").unwrap();
        // ACS3-HMAC-SHA256: payload hash, canonical request hashed in pieces, string to
        // sign written into a stack buffer, HMAC streamed.
        let payload = alibaba::hash_hex(alibaba::Algorithm::HmacSha256, b"");
        let mut h = alibaba::Hasher::new(alibaba::Algorithm::HmacSha256);
        for line in ACS3_CANONICAL.split_inclusive('\n') {
            write!(h, "{line}").unwrap();
        }
        let hashed = h.finalize_hex();
        let mut sts = StackBuf {
            buf: [0; 512],
            len: 0,
        };
        alibaba::write_acs3_string_to_sign(
            &mut sts,
            alibaba::Algorithm::HmacSha256,
            hashed.as_str(),
        )
        .unwrap();
        let mut signer = alibaba::Acs3Signer::new(&secret, alibaba::Algorithm::HmacSha256);
        signer.update(sts.buf.get(..sts.len).unwrap());
        let acs3 = signer.finish();
        // The cached key's template, and a key made per call.
        let key = alibaba::SigningKey::new(&secret, alibaba::Algorithm::HmacSha256);
        let cached = key.sign_hashed(&hashed);
        let per_call = alibaba::sign_acs3_hashed(&secret, alibaba::Algorithm::HmacSha256, &hashed);
        // ACS3-HMAC-SM3 over the same text.
        let sm3 = alibaba::sign_acs3(
            &secret,
            alibaba::Algorithm::HmacSm3,
            ACS3_CANONICAL.as_bytes(),
        );
        // RPC (secret + "&") streamed, and ROA.
        let rpc_secret = SecretKey::new(b"testsecret").unwrap();
        let mut rpc = alibaba::RpcSigner::new(&rpc_secret);
        for piece in RPC_STS.split_inclusive("%26") {
            write!(rpc, "{piece}").unwrap();
        }
        let rpc = rpc.finish();
        let roa = alibaba::sign_roa(&rpc_secret, RPC_STS.as_bytes());
        std::hint::black_box((&payload, &sm3, &roa));
        assert!(cached == acs3 && per_call == acs3);
        COUNTING.with(|on| on.set(false));
        got.0.push_str(hashed.as_str());
        got.1.push_str(acs3.as_str());
        got.2.push_str(rpc.as_str());
        got.3.push_str(payload.as_str());
        COUNTING.with(|on| on.set(true));
    });
    assert_eq!(n, 0, "Alibaba signing allocated {n} times");
    // From vectors/alibaba/acs3.json and rpc.json (the documented examples).
    assert_eq!(
        got.0,
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    assert_eq!(
        got.1,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
    assert_eq!(got.2, "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
    assert_eq!(got.3, sha256_hex(b"").as_str());
}

/// The documented Huawei request (vectors/huawei/sdk_hmac.json) and the expected signatures of the
/// three algorithms from vectors/huawei/sdk_hmac.json (made by recompute_huawei.py).
#[test]
fn huawei_signing_allocates_nothing() {
    use cloudsig_core::huawei::{Algorithm, Hasher, Scope, SdkDate, SigningKey};
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../vectors/huawei/sdk_hmac.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let want = |id: &str| -> String {
        json["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id)
            .unwrap()["expected"]["signature"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let expected = [
        want("sdk-hmac-sha256-vpcs-documented"),
        want("sdk-hmac-sm3-vpcs"),
        want("v11-hmac-sha256-vpcs"),
    ];
    let mut got = [[0u8; 64]; 3];
    let n = allocations(|| {
        let sk = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc").unwrap();
        let date = SdkDate::parse("20191115T033655Z").unwrap();
        let scope = Scope::new(&date, "cn-north-4", "vpc").unwrap();
        for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
            let mut body = Hasher::new(alg);
            body.update(b"");
            let body = body.finalize_hex();
            let mut canonical = Hasher::new(alg);
            write!(
                canonical,
                "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n\
                 limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n\
                 content-type:application/json\nhost:service.region.example.com\n\
                 x-sdk-date:{date}\n\ncontent-type;host;x-sdk-date\n{body}"
            )
            .unwrap();
            let hashed = canonical.finalize_hex();
            let key = SigningKey::new(alg, "QTWAOYTTINDUT2QVKYUC", &sk, Some(&scope)).unwrap();
            let sig = key.sign_parts(&date, Some(&scope), &hashed);
            got[i].copy_from_slice(sig.as_bytes());
        }
    });
    assert_eq!(n, 0, "Huawei signing allocated {n} times");
    for (g, w) in got.iter().zip(&expected) {
        assert_eq!(std::str::from_utf8(g).unwrap(), w);
    }
}
