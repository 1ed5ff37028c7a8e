//! `cloudsig`: sign Tencent Cloud API requests (TC3-HMAC-SHA256 and v1) from the command
//! line, printing the signed request as a curl command, raw HTTP or JSON.
//!
//! Credentials come from `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY` or a key
//! file (`--key-file`), never from the command line.

mod api;
mod api_catalog;
mod endpoint;
mod output;
mod profile;
mod progress;
mod serve;
mod sign;
mod sign_check;
mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// `--version`: the version and the schemes this build signs and verifies.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (signs and verifies Tencent Cloud TC3-HMAC-SHA256 and v1 HmacSHA1/HmacSHA256; ",
    "Alibaba Cloud ACS3-HMAC-SHA256/SM3, ROA and RPC HMAC-SHA1; ",
    "Huawei Cloud SDK-HMAC-SHA256/SM3 and V11-HMAC-SHA256)"
);

/// Sign and verify cloud API requests.
///
/// Colour: clap colours help and errors only when writing to a terminal, and never when
/// `NO_COLOR` is set; cloudsig's own output has no colour.
#[derive(Debug, Parser)]
#[command(name = "cloudsig", version = VERSION, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Sign a request and print it (curl command, raw HTTP or JSON).
    #[command(subcommand)]
    Sign(sign::SignCommand),
    /// Verify captured requests (raw HTTP, curl, HAR, JSON lines) and diagnose failures.
    #[command(after_help = verify::EXIT_STATUS_HELP)]
    Verify(verify::VerifyArgs),
    /// Serve an endpoint that verifies every request and answers like the cloud
    /// (emulator), or forwards valid requests to an upstream (gateway).
    Serve(serve::ServeArgs),
    /// List what the API-level checker knows: products, actions, one action's parameters.
    Api(api::ApiArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout: `cloudsig man > cloudsig.1`.
    Man,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(cmd) => sign::run(cmd).map(|()| true),
        Command::Verify(args) => verify::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Api(args) => api::run(args),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "cloudsig", &mut std::io::stdout());
            Ok(true)
        }
        Command::Man => clap_mangen::Man::new(Cli::command().version(env!("CARGO_PKG_VERSION")))
            .render(&mut std::io::stdout())
            .map(|()| true)
            .map_err(|e| format!("standard output: {e}")),
    };
    match result {
        Ok(true) => ExitCode::from(verify::EXIT_VALID),
        Ok(false) => ExitCode::from(verify::EXIT_INVALID),
        Err(message) => {
            eprintln!("cloudsig: error: {message}");
            ExitCode::from(verify::EXIT_ERROR)
        }
    }
}

/// Prints a warning on stderr (never a key: the callers pass ids, paths and modes).
pub(crate) fn warn(message: String) {
    eprintln!("cloudsig: warning: {message}");
}
