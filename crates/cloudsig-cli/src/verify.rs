//! `cloudsig verify`: verify captured requests and say, for each one that fails, why.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use clap::{Args, ValueEnum};
use cloudsig_canonical::tencent::{Clock, SystemClock};
use cloudsig_verify::capture::detect::{DETECT_MAX, Format, detect_reader};
use cloudsig_verify::capture::{CaptureError, Item, Limits, Location, curl, har, http};
use cloudsig_verify::conformance::ReplayGuard;
use cloudsig_verify::escape::Escaped;
use cloudsig_verify::keys::{
    ENV_ALIBABA_ACCESS_KEY_ID, ENV_ALIBABA_ACCESS_KEY_SECRET, ENV_HUAWEI_AK, ENV_HUAWEI_SK,
    ENV_SECRET_ID, ENV_SECRET_KEY, KeyRing, KeySources,
};
use cloudsig_verify::pipeline::{self, Summary};
use cloudsig_verify::{Options, Verdict, Verifier, render};

/// Exit status when every request is valid (or unsigned).
pub const EXIT_VALID: u8 = 0;
/// Exit status when any request is invalid or unreadable.
pub const EXIT_INVALID: u8 = 1;
/// Exit status for bad usage or input that could not be read; it wins over [`EXIT_INVALID`].
pub const EXIT_ERROR: u8 = 2;

/// The exit statuses, as `cloudsig verify --help` prints them; the README says the same.
pub const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  every request is valid (or unsigned: `Authorization: SKIP`)
  1  some request is invalid or unreadable (an input whose format cannot be told counts as one unreadable request)
  2  bad usage, an input that cannot be opened or read, no request at all (unless --allow-empty), or reports that cannot be written; 2 wins over 1
A missing or unreadable input is reported on stderr and the others are still verified.
A closed standard output (`| head`) stops the printing, not the verifying: the status covers every request.";

/// The most worker threads `--threads` accepts.
const MAX_THREADS: u16 = 256;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Capture files: raw HTTP, curl command lines, HAR or JSON lines (default: standard
    /// input; `-` also means standard input).
    files: Vec<PathBuf>,
    /// The capture format (default: detected from each file, reading as far as needed).
    #[arg(long, value_enum, default_value_t = Input::Auto)]
    input: Input,
    /// How to print reports: one line per request, or one JSON object per line.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
    /// A key file of `SecretId SecretKey [Token]` lines, at most 1 MiB (repeatable); the
    /// variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and the Alibaba and
    /// Huawei SDKs' ones) are used too when set; for an id given twice the last wins.
    #[arg(long, value_name = "FILE")]
    key_file: Vec<PathBuf>,
    /// The time to check timestamps against, in Unix seconds (default: now).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// The allowed clock skew in seconds, for every cloud (default: each cloud's own,
    /// Tencent 300 s, Alibaba and Huawei 15 minutes).
    #[arg(long, value_name = "SECONDS", value_parser = non_negative)]
    window: Option<i64>,
    /// For each request that fails, print every finding, where the stages diverge, and
    /// the canonical request and string to sign that were computed (not the expected
    /// signature: see --reveal-expected-signature).
    #[arg(long)]
    explain: bool,
    /// With --explain or --format json, also print the expected signature of each failed
    /// request: the signature that would make the request verify. Only for debugging
    /// requests you signed yourself: for anyone else's request it is the answer a forger
    /// wants (pasted into a forged request, it makes it verify), so never use it on
    /// requests you did not send, nor paste its output into logs or tickets. Without it,
    /// reports say where the stages diverge, not the answer.
    #[arg(long)]
    reveal_expected_signature: bool,
    /// Print only the requests that are not valid (and the summary). With JSON-lines
    /// input, valid requests are then only counted, without making their reports: the
    /// common TC3 request is confirmed by a report-free path, anything else is verified
    /// and explained in full.
    #[arg(long)]
    only_invalid: bool,
    /// Do not search for the client mistake behind a mismatch (never searched when a
    /// request signs more than 64 headers or its canonical request is over 64 KiB).
    #[arg(long)]
    no_diagnose: bool,
    /// Worker threads, 1 to 256 (default: the number of cores, at most 256).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_THREADS)))]
    threads: Option<u16>,
    /// Exit 0 (not 2) when the input holds no request at all.
    #[arg(long)]
    allow_empty: bool,
    /// Do not check requests' action, version, region and parameters against the API
    /// definitions (checked by default, after the signature, for every request to a
    /// product the definitions cover; others are reported as not checked).
    #[arg(long)]
    no_api_check: bool,
    /// API definitions to check requests against besides the built-in ones (repeatable):
    /// a tccli `api.json` (tccli/services/SERVICE/VERSION/api.json), a `cloudsig-api/1`
    /// file, or a folder of them (such as tccli's `services` folder). A file's product
    /// replaces the built-in definition of the same product and version.
    #[arg(long, value_name = "PATH", conflicts_with = "no_api_check")]
    spec: Vec<PathBuf>,
    /// No progress indicator and no notice on standard error (reports, warnings and the
    /// summary are still printed). The indicator appears only when standard error is a
    /// terminal and standard output is not, after a second of verifying.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Input {
    Auto,
    Http,
    Curl,
    Har,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
}

/// Runs the command; `Ok(true)` when every request was valid, `Err` (exit status 2) when
/// an input could not be read or held no request, after verifying every other input.
pub fn run(a: VerifyArgs) -> Result<bool, String> {
    let keys = load_keys(&a.key_file)?;
    if keys.is_empty() {
        eprintln!(
            "cloudsig: warning: no keys (set TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY or pass --key-file): every signed request will be AuthFailure.SecretIdNotFound"
        );
    }
    let now = a.now.unwrap_or_else(|| SystemClock.now_unix());
    let options = Options::at(now).window(a.window).diagnose(!a.no_diagnose);
    let mut verifier = Verifier::new(keys, options);
    if !a.no_api_check {
        verifier = verifier.with_api_catalog(crate::api_catalog::load(&a.spec)?);
    }
    let threads = a.threads.map_or_else(
        || {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(usize::from(MAX_THREADS))
        },
        usize::from,
    );

    let stdout = io::stdout();
    let mut out = Reports {
        w: BufWriter::with_capacity(1 << 16, stdout.lock()),
        closed: false,
        failed: None,
    };
    let mut total = Summary::default();
    let files: Vec<Option<PathBuf>> = if a.files.is_empty() {
        vec![None]
    } else {
        a.files
            .iter()
            .map(|p| (p.as_os_str() != "-").then(|| p.clone()))
            .collect()
    };
    let several = files.len() > 1;
    let reveal = if a.reveal_expected_signature {
        render::Reveal::ExpectedSignature
    } else {
        render::Reveal::Nothing
    };
    let mut not_read = 0usize;
    let progress = crate::progress::Progress::for_process(a.quiet);
    // One replay store for the whole run: a nonce used in one file is a replay in the next.
    let mut replay = ReplayGuard::new(verifier.options().replay_window());
    for file in &files {
        let name = file
            .as_ref()
            .map_or_else(|| "standard input".to_string(), |p| p.display().to_string());
        let read_error = Arc::new(OnceLock::new());
        let reader: Box<dyn BufRead + Send> = match file {
            Some(p) => match File::open(p) {
                Ok(f) => {
                    let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                    let f = progress.counted(Watched::new(f, &read_error), &name, len);
                    Box::new(BufReader::with_capacity(1 << 18, f))
                }
                Err(e) => {
                    eprintln!("cloudsig: error: {}: {e}", Escaped(&name));
                    not_read += 1;
                    continue;
                }
            },
            None => {
                let notice = crate::progress::stdin_notice(io::stdin().is_terminal(), a.quiet);
                if let Some(notice) = notice {
                    eprintln!("{notice}");
                }
                let stdin = progress.counted(Watched::new(io::stdin(), &read_error), &name, None);
                Box::new(BufReader::with_capacity(1 << 18, stdin))
            }
        };
        // The header line goes out before the file's first shown report.
        let mut header =
            (several && a.format == Output::Text).then(|| format!("== {}", Escaped(&name)));
        replay.set_source(name.clone());
        let shown = |r: &cloudsig_verify::Report| {
            !(a.only_invalid && matches!(r.verdict, Verdict::Valid | Verdict::Unsigned))
        };
        let sink = |r: cloudsig_verify::Report| {
            if !shown(&r) {
                return Ok(());
            }
            out.write_with(|w| {
                if let Some(h) = header.take() {
                    writeln!(w, "{h}")?;
                }
                match a.format {
                    Output::Json => render::write_json(&r, Some(&name), reveal, w),
                    Output::Text if a.explain && !r.is_ok() => {
                        write!(w, "{}", render::explain(&r, reveal))
                    }
                    Output::Text => writeln!(w, "{r}"),
                }
            })
        };
        let summary = match choose_format(a.input, reader) {
            // With --only-invalid no valid request is printed: the common valid request
            // is confirmed by the report-free path and only counted (anything else gets
            // its report as before). Without it every report is made and printed.
            Ok((Format::JsonLines, reader)) if a.only_invalid => {
                pipeline::verify_jsonl_valid_counted(
                    reader,
                    &verifier,
                    Limits::default(),
                    threads,
                    &mut replay,
                    shown,
                    sink,
                )
            }
            Ok((Format::JsonLines, reader)) => pipeline::verify_jsonl_where_with_replay(
                reader,
                &verifier,
                Limits::default(),
                threads,
                &mut replay,
                shown,
                sink,
            ),
            Ok((format, reader)) => pipeline::verify_items_with_replay(
                open(format, reader),
                &verifier,
                threads,
                &mut replay,
                sink,
            ),
            Err(e) if e.read_failed => Err(io::Error::other(e.message)),
            // Counted and reported as one unreadable request, as a named format would.
            Err(e) => {
                eprintln!("cloudsig: warning: {}: {}", Escaped(&name), e.message);
                let item = Err(CaptureError {
                    location: Location::default(),
                    reason: e.message,
                });
                pipeline::verify_items_with_replay(
                    std::iter::once(item),
                    &verifier,
                    1,
                    &mut replay,
                    sink,
                )
            }
        };
        // A read error is an input error (exit 2) even where a reader reported it as an
        // unreadable request; a failed write ends the run.
        let failed = match summary {
            Err(_) if out.failed.is_some() => break,
            Ok(s) => {
                total.merge(&s);
                read_error.get().cloned()
            }
            Err(e) => Some(read_error.get().cloned().unwrap_or_else(|| e.to_string())),
        };
        if let Some(e) = failed {
            eprintln!("cloudsig: error: {}: {e}", Escaped(&name));
            not_read += 1;
        }
    }
    out.finish();
    progress.finish();
    eprintln!("{total}");
    if let Some(e) = out.failed {
        return Err(format!("writing reports: {e}"));
    }
    if replay.forgotten() > 0 {
        eprintln!(
            "cloudsig: warning: the replay store was full: {} nonces were forgotten within their window, and replays of them were not detected",
            replay.forgotten()
        );
    }
    if not_read > 0 {
        return Err(format!(
            "{not_read} of {} inputs could not be read",
            files.len()
        ));
    }
    if total.total == 0 && !a.allow_empty {
        return Err(
            "no request in the input (pass --allow-empty to accept an empty capture)".into(),
        );
    }
    Ok(total.all_ok())
}

/// Gathers the keys: the three clouds' environment variables, then each key file in
/// order; a later source replacing a different key for the same id is warned about.
pub(crate) fn load_keys(files: &[PathBuf]) -> Result<KeyRing, String> {
    let warn = &mut crate::warn;
    let mut sources = KeySources::new();
    sources.add(
        KeyRing::from_env()?,
        &format!("{ENV_SECRET_ID}/{ENV_SECRET_KEY}"),
        warn,
    );
    sources.add(
        KeyRing::from_env_alibaba()?,
        &format!("{ENV_ALIBABA_ACCESS_KEY_ID}/{ENV_ALIBABA_ACCESS_KEY_SECRET}"),
        warn,
    );
    sources.add(
        KeyRing::from_env_huawei()?,
        &format!("{ENV_HUAWEI_AK}/{ENV_HUAWEI_SK}"),
        warn,
    );
    for path in files {
        let ring = KeyRing::read_file(path, warn)?;
        sources.add(ring, &format!("key file {}", path.display()), warn);
    }
    Ok(sources.into_ring())
}

/// Standard output for reports. Once it is closed (`| head`), reports are dropped and
/// verifying goes on, so that the exit status covers every request; any other write
/// error stops the run.
struct Reports<W: Write> {
    w: W,
    closed: bool,
    failed: Option<io::Error>,
}

impl<W: Write> Reports<W> {
    fn write_with(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match f(&mut self.w) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => {
                let copy = io::Error::new(e.kind(), e.to_string());
                self.failed = Some(e);
                Err(copy)
            }
            Ok(()) => Ok(()),
        }
    }

    fn finish(&mut self) {
        if let Err(e) = self.write_with(|w| w.flush())
            && self.failed.is_none()
        {
            self.failed = Some(e);
        }
    }
}

/// A reader that keeps its first I/O error: the capture readers report one as an
/// unreadable request and go on, but the input was not read whole.
struct Watched<R> {
    inner: R,
    error: Arc<OnceLock<String>>,
}

impl<R> Watched<R> {
    fn new(inner: R, error: &Arc<OnceLock<String>>) -> Self {
        Self {
            inner,
            error: Arc::clone(error),
        }
    }
}

impl<R: Read> Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).inspect_err(|e| {
            if e.kind() != io::ErrorKind::Interrupted {
                let _ = self.error.set(e.to_string());
            }
        })
    }
}

/// A number of seconds that is not negative.
fn non_negative(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(_) => Err("must not be negative".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Why no format was chosen: the input could not be read, or its format not told.
#[derive(Debug)]
struct NoFormat {
    read_failed: bool,
    message: String,
}

fn choose_format(
    input: Input,
    mut reader: Box<dyn BufRead + Send>,
) -> Result<(Format, Box<dyn BufRead + Send>), NoFormat> {
    let format = match input {
        Input::Http => Format::Http,
        Input::Curl => Format::Curl,
        Input::Har => Format::Har,
        Input::Jsonl => Format::JsonLines,
        Input::Auto => {
            let (format, all) = detect_reader(reader, DETECT_MAX).map_err(|e| NoFormat {
                read_failed: true,
                message: e.to_string(),
            })?;
            reader = Box::new(all);
            format.ok_or_else(|| NoFormat {
                read_failed: false,
                message: "cannot tell the capture format (raw HTTP, curl, HAR or JSON lines); name it with --input".into(),
            })?
        }
    };
    Ok((format, reader))
}

fn open(format: Format, reader: Box<dyn BufRead + Send>) -> Box<dyn Iterator<Item = Item> + Send> {
    let limits = Limits::default();
    match format {
        Format::Curl => Box::new(curl::CurlReader::new(reader, limits)),
        Format::Har => Box::new(har::HarReader::new(reader, limits)),
        _ => Box::new(http::HttpReader::new(reader, limits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Standard input that arrives a byte or two at a time, as a pipe written in pieces.
    struct Pieces(Vec<u8>, usize);

    impl io::Read for Pieces {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.1 += 1;
            let n = (1 + self.1 % 2).min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }

    /// Issue 11, item 5 (a): the format of input arriving in pieces is the format of
    /// the whole input, and nothing of it is lost.
    #[test]
    fn the_format_of_input_arriving_in_pieces_is_told() {
        for (input, format) in [
            (&b"POST / HTTP/1.1\r\nHost: h\r\n\r\n"[..], Format::Http),
            (b"curl https://h/\n", Format::Curl),
            (
                b"{\"method\":\"GET\",\"url\":\"http://h/\"}\n",
                Format::JsonLines,
            ),
            (b"{\n \"log\": {\"entries\": []}}\n", Format::Har),
        ] {
            let stdin = Box::new(BufReader::new(Pieces(input.to_vec(), 0)));
            let (got, mut reader) = choose_format(Input::Auto, stdin).unwrap();
            assert_eq!(got, format);
            let mut all = Vec::new();
            io::Read::read_to_end(&mut reader, &mut all).unwrap();
            assert_eq!(all, input);
        }
    }
}
