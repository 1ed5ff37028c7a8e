//! A no_std staticlib that signs with cloudsig-core; see Cargo.toml for why it exists.
#![no_std]

use cloudsig_core::{SecretKey, UtcDate, tc3, v1};

/// Signs the seed's TC3 example and writes the 64 hex characters into `out`.
#[unsafe(no_mangle)]
pub extern "C" fn cloudsig_nostd_tc3(out: &mut [u8; 64]) -> bool {
    let Ok(secret) = SecretKey::new(b"********************************") else {
        return false;
    };
    let Ok(date) = UtcDate::from_unix(1551113065) else {
        return false;
    };
    let Ok(key) = tc3::SigningKey::derive(&secret, &date, "cvm") else {
        return false;
    };
    let sig = key.sign_parts(
        1551113065,
        &date,
        "cvm",
        "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a",
    );
    out.copy_from_slice(sig.as_bytes());
    let _ = v1::sign(&secret, v1::Algorithm::HmacSha256, b"x");
    true
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
