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
    let mut signatures = Vec::with_capacity(4);
    let n = allocations(|| {
        let canonical = CanonicalRequest::new(&req, &sh, &settings).unwrap();
        std::hint::black_box(canonical.hashed());
        let scope = CredentialScope::for_timestamp(1_551_113_065, "cvm").unwrap();
        let per_call = tc3::sign(&req, &sh, &settings, 1_551_113_065, scope, &secret).unwrap();
        let key = SigningKey::derive(&secret, &scope.date(), "cvm").unwrap();
        let cached = tc3::sign_with_key(&req, &sh, &settings, 1_551_113_065, scope, &key).unwrap();
        let three = tc3::sign_with_key(&req, &three, &settings, 1_551_113_065, scope, &key);
        let three = three.unwrap();
        COUNTING.with(|on| on.set(false));
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
    assert_eq!(signatures[..2], [seed, seed]);
    assert_ne!(signatures[2], seed);
}
