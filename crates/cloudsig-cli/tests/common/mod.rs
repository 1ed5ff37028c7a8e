//! Helpers shared by the CLI's integration tests: the binary run hermetically from the
//! repository root, and a run fed on standard input.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The repository root, where the tests' relative paths (vectors/, examples/) start.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Every cloud's credential variables that the CLI reads: removed from each run, so that
/// the developer's environment changes no test (a test sets the ones it means to use).
pub const CREDENTIAL_VARS: [&str; 8] = [
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
];

/// The `cloudsig` binary, run from the repository root without any cloud's credential
/// variables.
pub fn cloudsig() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudsig"));
    c.current_dir(ROOT);
    for var in CREDENTIAL_VARS {
        c.env_remove(var);
    }
    c
}

/// Runs `cmd` with `input` on its standard input and collects its output.
pub fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}
