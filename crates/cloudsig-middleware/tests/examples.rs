//! Runs the examples (each signs, sends to its own local verifying endpoint, and fails
//! unless every signature is accepted), so `cargo test` proves they work.
// Each example includes the shared endpoint module; loaded twice here, on purpose.
#![allow(clippy::duplicate_mod)]

#[path = "../examples/reqwest_three_clouds.rs"]
mod reqwest_three_clouds;

#[path = "../examples/tower_tc3.rs"]
mod tower_tc3;

#[test]
fn reqwest_example_signs_every_cloud_acceptably() {
    assert!(reqwest_three_clouds::main().is_ok());
}

#[test]
fn tower_example_signs_acceptably() {
    assert!(tower_tc3::main().is_ok());
}
