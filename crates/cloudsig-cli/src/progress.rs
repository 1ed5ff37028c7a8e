//! `cloudsig verify`'s progress indicator and its notice about a terminal on standard
//! input, both on standard error and only where someone watches it.
//!
//! The indicator counts the bytes read from each input (of its size, for a file). It is
//! shown only when standard error is a terminal, standard output is not (reports printed
//! to the same terminal would be drawn over), `--quiet` is not given and `TERM` is not
//! `dumb`; and only once a verification has run for a second, so short ones stay silent.
//! It has no colour, so `NO_COLOR` holds too.

use std::io::{self, IsTerminal, Read};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a verification runs before the indicator appears; the variable
/// `CLOUDSIG_PROGRESS_DELAY_MS` replaces it (the tests set 0 to see it at once).
const DELAY: Duration = Duration::from_secs(1);

/// Whether to show the indicator, from what the process is attached to.
pub(crate) fn wanted(
    stderr_is_terminal: bool,
    stdout_is_terminal: bool,
    quiet: bool,
    term: Option<&str>,
) -> bool {
    stderr_is_terminal && !stdout_is_terminal && !quiet && term != Some("dumb")
}

/// The notice for a terminal on standard input, unless `quiet`: verify would otherwise
/// seem to hang, waiting for requests typed in.
pub(crate) fn stdin_notice(stdin_is_terminal: bool, quiet: bool) -> Option<&'static str> {
    (stdin_is_terminal && !quiet).then_some(
        "cloudsig: reading requests from the terminal (standard input): type or paste them, then Ctrl-D; or give capture files as arguments",
    )
}

/// The indicator of one run (absent when not wanted).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    delay: Duration,
}

impl Progress {
    /// For this process: shown when [`wanted`] says so.
    pub(crate) fn for_process(quiet: bool) -> Self {
        let term = std::env::var("TERM").ok();
        let on = wanted(
            io::stderr().is_terminal(),
            io::stdout().is_terminal(),
            quiet,
            term.as_deref(),
        );
        let delay = std::env::var("CLOUDSIG_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        Self {
            // Hidden until the delay has passed (see Counted::read).
            bar: on.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())),
            start: Instant::now(),
            delay,
        }
    }

    /// `reader`, counted on the indicator as the input `name` of `len` bytes (when known).
    pub(crate) fn counted<R: Read>(&self, reader: R, name: &str, len: Option<u64>) -> Counted<R> {
        if let Some(bar) = &self.bar {
            bar.set_position(0);
            bar.set_length(len.unwrap_or(0));
            let template = if len.is_some() {
                "{spinner} verifying {msg}: {bytes} of {total_bytes} ({bytes_per_sec}, {eta} left)"
            } else {
                "{spinner} verifying {msg}: {bytes} ({bytes_per_sec})"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.set_message(name.to_string());
        }
        Counted {
            inner: reader,
            bar: self.bar.clone(),
            start: self.start,
            delay: self.delay,
        }
    }

    /// Removes the indicator (before the summary line).
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A reader that advances the indicator by what it reads.
pub(crate) struct Counted<R> {
    inner: R,
    bar: Option<ProgressBar>,
    start: Instant,
    delay: Duration,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(u64::try_from(n).unwrap_or(u64::MAX));
            if bar.is_hidden() && self.start.elapsed() >= self.delay {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                // Drawn now, before the ticker starts: `tick()` does nothing once a
                // steady ticker is installed, so the first frame would wait for the
                // ticker thread and a short run could finish before it ever drew
                // (seen as a flaky `tests/progress.rs` under load).
                bar.force_draw();
                bar.enable_steady_tick(Duration::from_millis(200));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_only_on_a_terminal_that_reports_do_not_use() {
        assert!(wanted(true, false, false, Some("xterm-256color")));
        assert!(wanted(true, false, false, None));
        assert!(
            !wanted(false, false, false, Some("xterm")),
            "stderr not a terminal"
        );
        assert!(
            !wanted(true, true, false, Some("xterm")),
            "reports on the same terminal"
        );
        assert!(!wanted(true, false, true, Some("xterm")), "--quiet");
        assert!(!wanted(true, false, false, Some("dumb")), "TERM=dumb");
    }

    #[test]
    fn the_notice_is_for_a_terminal_on_standard_input_only() {
        assert!(stdin_notice(true, false).is_some_and(|n| n.contains("Ctrl-D")));
        assert_eq!(stdin_notice(false, false), None);
        assert_eq!(stdin_notice(true, true), None);
    }
}
