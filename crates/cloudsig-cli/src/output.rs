//! What every `cloudsig sign` subcommand shares: the output options, the output
//! format, the clock, reading `text | @FILE | @-` arguments, and writing the signed
//! request.

use std::io::{Read, Write};

use clap::{Args, ValueEnum};
use cloudsig_canonical::HttpRequest;
use cloudsig_canonical::{Clock, FixedClock, SystemClock};

/// How to print a signed request, and when to sign it.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// How to print the signed request.
    #[arg(long, value_enum, default_value_t = Format::Curl)]
    pub(crate) format: Format,
    /// Also print each intermediate stage (canonical request, string to sign) on stderr.
    #[arg(long)]
    pub(crate) show_stages: bool,
    /// The Unix timestamp to sign at (default: now).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub(crate) timestamp: Option<i64>,
    /// Send the printed request to this URL's scheme, host and port (such as
    /// http://127.0.0.1:8080); the Host header and the signature keep the cloud's host.
    /// With --format http, the request target is written in absolute form at the URL.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint: Option<crate::endpoint::Endpoint>,
    /// Sign even when the request breaks its API definition (by default a request to a
    /// covered product whose action, version, region or parameters the cloud would refuse
    /// is not signed: the command says why, with the cloud's code, and exits 2).
    #[arg(long)]
    pub(crate) no_api_check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A curl command line.
    Curl,
    /// The raw HTTP/1.1 request, as `cloudsig verify` reads it.
    Http,
    /// JSON: method, url, headers, body and stages.
    Json,
}

pub(crate) fn clock(args: &OutputArgs) -> Box<dyn Clock> {
    match args.timestamp {
        Some(ts) => Box::new(FixedClock(ts)),
        None => Box::new(SystemClock),
    }
}

/// Reads `text`, `@FILE` or `@-` (standard input).
pub(crate) fn read_arg(value: &str) -> Result<Vec<u8>, String> {
    match value.strip_prefix('@') {
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("standard input: {e}"))?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("{path}: {e}")),
        None => Ok(value.as_bytes().to_vec()),
    }
}

/// Prints a signed request of any cloud as `out` asks: its stages on standard error with
/// `--show-stages` (`stages` renders them, per cloud), then the request itself (`json`
/// renders the JSON form, per cloud).
pub(crate) fn print_signed(
    http: &HttpRequest,
    out: &OutputArgs,
    stages: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Result<(), String> {
    if out.show_stages {
        eprint!("{}", stages());
    }
    write_request(
        http,
        out.format,
        out.endpoint.as_ref(),
        !out.no_api_check,
        json,
    )
}

/// Writes a signed request of any cloud to standard output in `format`; `json` renders the
/// JSON form, which differs per cloud by its stages. A body holding a NUL byte is refused for
/// `curl`, since no shell argument can carry it.
pub(crate) fn write_request(
    http: &HttpRequest,
    format: Format,
    endpoint: Option<&crate::endpoint::Endpoint>,
    api_check: bool,
    json: impl FnOnce() -> String,
) -> Result<(), String> {
    if api_check {
        crate::sign_check::refuse_if_invalid(http)?;
    }
    let at_endpoint = |text: String| match endpoint {
        Some(e) => e.rewrite(&text, &http.url()),
        None => text,
    };
    if matches!(format, Format::Curl) && !http.curl_can_carry_body() {
        return Err(
            "the body holds a NUL byte, which a shell argument cannot carry: use --format http"
                .into(),
        );
    }
    let mut stdout = std::io::stdout().lock();
    let written = match format {
        Format::Curl => writeln!(stdout, "{}", at_endpoint(http.to_curl())),
        Format::Http => stdout.write_all(&match endpoint {
            Some(e) => e.absolute_form(&http.to_http(), &http.url()),
            None => http.to_http(),
        }),
        Format::Json => writeln!(stdout, "{}", at_endpoint(json())),
    };
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("standard output: {e}"))
}
