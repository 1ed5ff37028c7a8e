//! `cloudsig verify`'s progress indicator and terminal notice appear on a terminal only.
//! A pseudo-terminal comes from util-linux `script` (`script -qec CMD /dev/null`: the
//! command's standard input and error are the pty, whose output `script` copies to its
//! standard output); where `script` is missing those checks are skipped, saying so. The
//! indicator's one-second delay is set to 0 through CLOUDSIG_PROGRESS_DELAY_MS, so that
//! nothing here depends on timing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};

use common::{ROOT, cloudsig};

const KEYS: &str = "vectors/captures/sdk/keys.txt";
const CAPTURE: &str = "vectors/captures/sdk/python/tc3-get-empty.http";

fn have_script() -> bool {
    let found = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("util-linux `script` not found: the pseudo-terminal checks are skipped");
    }
    found
}

/// Runs `cloudsig ARGS` under a pseudo-terminal (standard output to /dev/null unless
/// `keep_stdout`), feeding Ctrl-D to its terminal; returns what the terminal showed.
fn on_a_terminal(args: &str, env: &[(&str, &str)], keep_stdout: bool) -> String {
    let redirect = if keep_stdout { "" } else { " > /dev/null" };
    let cmd = format!("{} {args}{redirect}", env!("CARGO_BIN_EXE_cloudsig"));
    let mut c = Command::new("timeout");
    c.args(["60", "script", "-qec", &cmd, "/dev/null"])
        .current_dir(ROOT)
        .env("CLOUDSIG_PROGRESS_DELAY_MS", "0")
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Ctrl-D: the end of input for a command that reads the terminal.
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"\x04").unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_indicator_shows_on_a_terminal_unless_quiet_dumb_or_reports_share_it() {
    if !have_script() {
        return;
    }
    let args = format!("verify --key-file {KEYS} --now 1551113065 {CAPTURE}");
    let shown = on_a_terminal(&args, &[], false);
    assert!(
        shown.contains(&format!("verifying {CAPTURE}: ")),
        "{shown:?}"
    );
    assert!(shown.contains("1 requests: 1 valid"), "{shown:?}");
    for (why, args, env, keep) in [
        ("--quiet", format!("{args} --quiet"), vec![], false),
        ("-q", format!("{args} -q"), vec![], false),
        ("TERM=dumb", args.clone(), vec![("TERM", "dumb")], false),
        ("reports on the terminal", args.clone(), vec![], true),
    ] {
        let out = on_a_terminal(&args, &env, keep);
        assert!(!out.contains("verifying"), "{why}: {out:?}");
        assert!(out.contains("1 requests: 1 valid"), "{why}: {out:?}");
    }
}

#[test]
fn a_terminal_on_standard_input_gets_a_notice() {
    if !have_script() {
        return;
    }
    let args = format!("verify --key-file {KEYS} --allow-empty");
    let out = on_a_terminal(&args, &[], false);
    assert!(
        out.contains("cloudsig: reading requests from the terminal (standard input)"),
        "{out:?}"
    );
    let quiet = on_a_terminal(&format!("{args} --quiet"), &[], false);
    assert!(!quiet.contains("reading requests"), "{quiet:?}");
    assert!(quiet.contains("0 requests"), "{quiet:?}");
}

#[test]
fn nothing_of_the_kind_when_not_on_a_terminal() {
    // Standard error and input are pipes here.
    let out = cloudsig()
        .args(["verify", "--key-file", KEYS, "--now", "1551113065", CAPTURE])
        .env("CLOUDSIG_PROGRESS_DELAY_MS", "0")
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "1 requests: 1 valid, 0 unsigned, 0 invalid, 0 unreadable\n"
    );
    let out = cloudsig()
        .args(["verify", "--key-file", KEYS, "--allow-empty"])
        .env("CLOUDSIG_PROGRESS_DELAY_MS", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("reading requests"), "{stderr}");
}
