//! `cloudsig verify`: verify captured requests and say, for each one that fails, why.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cloudsig_canonical::tencent::{Clock, SystemClock};
use cloudsig_verify::capture::detect::{DETECT_MAX, Format, detect_reader};
use cloudsig_verify::capture::{Item, Limits, curl, har, http};
use cloudsig_verify::keys::KeyRing;
use cloudsig_verify::pipeline::{self, Summary};
use cloudsig_verify::{Options, Verdict, Verifier, render};

/// Exit status when any request is not valid.
pub const EXIT_INVALID: u8 = 1;

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
    /// A key file of `SecretId SecretKey [Token]` lines (repeatable); the variables
    /// TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are used too when set.
    #[arg(long, value_name = "FILE")]
    key_file: Vec<PathBuf>,
    /// The time to check timestamps against, in Unix seconds (default: now).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// The allowed clock skew in seconds; left at 300, each cloud's own window applies
    /// (Tencent 300 s, Alibaba and Huawei 15 minutes).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    window: i64,
    /// For each request that fails, print every finding and what was computed at each stage.
    #[arg(long)]
    explain: bool,
    /// Print only the requests that are not valid (and the summary).
    #[arg(long)]
    only_invalid: bool,
    /// Do not search for the client mistake behind a mismatch.
    #[arg(long)]
    no_diagnose: bool,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
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

/// Runs the command; `Ok(true)` when every request was valid.
pub fn run(a: VerifyArgs) -> Result<bool, String> {
    let mut keys = KeyRing::from_env()?;
    keys.merge(KeyRing::from_env_alibaba()?);
    keys.merge(KeyRing::from_env_huawei()?);
    for path in &a.key_file {
        for creds in KeyRing::from_file(path)?.iter() {
            keys.insert(creds.clone());
        }
    }
    if keys.is_empty() {
        eprintln!(
            "cloudsig: warning: no keys (set TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY or pass --key-file): every signed request will be AuthFailure.SecretIdNotFound"
        );
    }
    let now = a.now.unwrap_or_else(|| SystemClock.now_unix());
    let options = Options::at(now).window(a.window).diagnose(!a.no_diagnose);
    let verifier = Verifier::new(keys, options);
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
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
    for file in files {
        let name = file
            .as_ref()
            .map_or_else(|| "standard input".to_string(), |p| p.display().to_string());
        if several && a.format == Output::Text {
            writeln!(out, "== {name}").map_err(|e| format!("writing reports: {e}"))?;
        }
        let reader: Box<dyn BufRead + Send> = match &file {
            Some(p) => Box::new(BufReader::with_capacity(
                1 << 18,
                File::open(p).map_err(|e| format!("{name}: {e}"))?,
            )),
            None => Box::new(BufReader::with_capacity(1 << 18, io::stdin())),
        };
        let (format, reader) =
            choose_format(a.input, reader).map_err(|e| format!("{name}: {e}"))?;
        let shown = |r: &cloudsig_verify::Report| {
            !(a.only_invalid && matches!(r.verdict, Verdict::Valid | Verdict::Unsigned))
        };
        let sink = |r: cloudsig_verify::Report| {
            if !shown(&r) {
                return Ok(());
            }
            match a.format {
                Output::Json => render::write_json(&r, Some(&name), &mut out),
                Output::Text if a.explain && !r.is_ok() => write!(out, "{}", render::explain(&r)),
                Output::Text => writeln!(out, "{r}"),
            }
        };
        let summary = match format {
            Format::JsonLines => pipeline::verify_jsonl_where(
                reader,
                &verifier,
                Limits::default(),
                threads,
                shown,
                sink,
            ),
            _ => pipeline::verify_items(open(format, reader), &verifier, threads, sink),
        };
        let summary = match summary {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(total.all_ok()),
            Err(e) => return Err(format!("writing reports: {e}")),
        };
        merge(&mut total, summary);
    }
    if let Err(e) = out.flush()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return Err(format!("writing reports: {e}"));
    }
    eprintln!("{total}");
    Ok(total.all_ok())
}

fn merge(total: &mut Summary, s: Summary) {
    total.total += s.total;
    total.valid += s.valid;
    total.unsigned += s.unsigned;
    total.invalid += s.invalid;
    total.unreadable += s.unreadable;
}

fn choose_format(
    input: Input,
    mut reader: Box<dyn BufRead + Send>,
) -> Result<(Format, Box<dyn BufRead + Send>), String> {
    let format = match input {
        Input::Http => Format::Http,
        Input::Curl => Format::Curl,
        Input::Har => Format::Har,
        Input::Jsonl => Format::JsonLines,
        Input::Auto => {
            let (format, all) = detect_reader(reader, DETECT_MAX).map_err(|e| e.to_string())?;
            reader = Box::new(all);
            format.ok_or("cannot tell the capture format (raw HTTP, curl, HAR or JSON lines); name it with --input")?
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
