//! Rendering reports for people (one line, or an explanation) and machines (JSON).

use std::fmt::Write;
use std::io;

use serde::Serialize;
use serde_json::{Value, json};

use crate::escape::Escaped;
use crate::report::Report;

/// What a rendering may show beyond the report's safe fields.
///
/// The default, [`Reveal::Nothing`], is what any report may carry to a log, a ticket or
/// an answer from a server: where the stages diverge, the canonical request and string
/// to sign (built from the request as sent, so they tell nothing secret), never the
/// expected signature nor any derived key.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reveal {
    /// Only what is safe to show anyone who sent the request.
    #[default]
    Nothing,
    /// Also the expected signature: the signature that would make the request verify.
    /// Only for debugging requests you signed yourself: for anyone else's request it is
    /// a signing oracle (pasted into a forged request, it makes that request verify).
    ExpectedSignature,
}

impl Reveal {
    fn expected(self, c: &crate::report::Computed) -> Option<&str> {
        (self == Self::ExpectedSignature).then(|| c.expected_signature.reveal())
    }
}

/// The report as one JSON object (one line of `--format json`).
///
/// Fields: `index` (1-based), `offset`, `line`, `verdict`, `scheme`, `secret_id`, `code`,
/// `timestamp`, `findings` (`code`, `rule`, `message`), `notes`, and `diagnosis`
/// (`mistake` with `id` and `description`, `tried`, `diverges_at`, `canonical_request`,
/// `string_to_sign`, `received_signature`, and `expected_signature` only with
/// [`Reveal::ExpectedSignature`]) or null, and `api` (the API-level verdict, see
/// [`crate::api_check::to_json`]; null when the API checks were off).
///
/// ```
/// use cloudsig_verify::{capture::Location, render::{self, Reveal}};
/// # use cloudsig_verify::{capture::CaptureError, unreadable};
/// let r = unreadable(&CaptureError { location: Location::default(), reason: "truncated".into() });
/// assert_eq!(render::to_json(&r, Reveal::default())["verdict"], "unreadable");
/// ```
pub fn to_json(r: &Report, reveal: Reveal) -> Value {
    let mut v = json!({
        "index": r.location.index + 1,
        "offset": r.location.offset,
        "line": r.location.line,
        "verdict": r.verdict.name(),
        "scheme": r.scheme.name(),
        "secret_id": r.secret_id,
        "code": r.code(),
        "timestamp": r.timestamp,
        "findings": r.findings.iter().map(|f| json!({"code": f.code, "rule": f.rule, "message": f.message})).collect::<Vec<_>>(),
        "notes": r.notes,
        "diagnosis": r.diagnosis.as_ref().map(|d| json!({
            "mistake": d.mistake.as_ref().map(|m| json!({"id": m.id, "description": m.description})),
            "tried": d.tried,
            "diverges_at": d.diverges_at(),
            "canonical_request": d.computed.canonical_request,
            "string_to_sign": d.computed.string_to_sign,
            "received_signature": d.computed.received_signature,
        })),
        "api": crate::api_check::to_json(r.api.as_ref()),
    });
    if let (Some(d), Some(obj)) = (
        &r.diagnosis,
        v.get_mut("diagnosis").and_then(Value::as_object_mut),
    ) && let Some(expected) = reveal.expected(&d.computed)
    {
        obj.insert("expected_signature".into(), expected.into());
    }
    v
}

/// Writes the report as one line of JSON, the object of [`to_json`] with a last field
/// `"file"` when `file` is given, followed by `\n`: the same bytes as printing
/// `to_json`'s value with `file` inserted, without building the value (which cost more
/// than verifying the request), except that DEL and the C1 controls are written as
/// `\u007f`–`\u009f` (serde_json escapes only C0), so that no line printed on a terminal
/// plays an escape sequence of the request. `reveal` as for [`to_json`].
///
/// ```
/// use cloudsig_verify::{capture::{CaptureError, Location}, render::{self, Reveal}, unreadable};
/// let r = unreadable(&CaptureError { location: Location::default(), reason: "truncated".into() });
/// let mut out = Vec::new();
/// render::write_json(&r, Some("capture.jsonl"), Reveal::Nothing, &mut out)?;
/// let mut want = render::to_json(&r, Reveal::Nothing);
/// want.as_object_mut().unwrap().insert("file".into(), "capture.jsonl".into());
/// assert_eq!(out, format!("{want}\n").into_bytes());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_json(
    r: &Report,
    file: Option<&str>,
    reveal: Reveal,
    out: &mut impl io::Write,
) -> io::Result<()> {
    let line = JsonReport {
        index: r.location.index + 1,
        offset: r.location.offset,
        line: r.location.line,
        verdict: r.verdict.name(),
        scheme: r.scheme.name(),
        secret_id: r.secret_id.as_deref(),
        code: r.code(),
        timestamp: r.timestamp,
        findings: r
            .findings
            .iter()
            .map(|f| JsonFinding {
                code: f.code,
                rule: f.rule,
                message: &f.message,
            })
            .collect(),
        notes: &r.notes,
        diagnosis: r.diagnosis.as_ref().map(|d| JsonDiagnosis {
            mistake: d.mistake.as_ref().map(|m| JsonMistake {
                id: m.id,
                description: &m.description,
            }),
            tried: d.tried,
            diverges_at: d.diverges_at(),
            canonical_request: d.computed.canonical_request.as_deref(),
            string_to_sign: &d.computed.string_to_sign,
            received_signature: &d.computed.received_signature,
            expected_signature: reveal.expected(&d.computed),
        }),
        api: crate::api_check::to_json(r.api.as_ref()),
        file,
    };
    line.serialize(&mut serde_json::Serializer::with_formatter(
        &mut *out,
        TerminalSafe,
    ))?;
    out.write_all(b"\n")
}

/// serde_json's compact output, but writing DEL and the C1 controls as `\u` escapes
/// too (serde_json escapes C0 only; the others are valid JSON as they are, but a
/// terminal may act on them when the JSON lines are printed).
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // DEL is 0x7f and every C1 control 0xc2 0x80..=0x9f in UTF-8: bytes that no
        // other character's encoding starts with, so most fragments take the fast path.
        if !fragment.bytes().any(|b| b == 0x7f || b == 0xc2) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment
            .char_indices()
            .filter(|(_, c)| matches!(c, '\u{7f}'..='\u{9f}'))
        {
            w.write_all(fragment.get(start..i).unwrap_or_default().as_bytes())?;
            write!(w, "\\u{:04x}", u32::from(c))?;
            start = i + c.len_utf8();
        }
        w.write_all(fragment.get(start..).unwrap_or_default().as_bytes())
    }
}

/// [`to_json`]'s object, field for field in the same order.
#[derive(Serialize)]
struct JsonReport<'a> {
    index: usize,
    offset: u64,
    line: Option<u64>,
    verdict: &'a str,
    scheme: &'a str,
    secret_id: Option<&'a str>,
    code: Option<&'a str>,
    timestamp: Option<i64>,
    findings: Vec<JsonFinding<'a>>,
    notes: &'a [String],
    diagnosis: Option<JsonDiagnosis<'a>>,
    api: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    rule: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnosis<'a> {
    mistake: Option<JsonMistake<'a>>,
    tried: usize,
    diverges_at: &'a str,
    canonical_request: Option<&'a str>,
    string_to_sign: &'a str,
    received_signature: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_signature: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonMistake<'a> {
    id: &'a str,
    description: &'a str,
}

/// The one-line report followed by every finding, note and, for a mismatch, where the
/// stages diverge and what the verifier computed at each stage it may show (`reveal`
/// as for [`to_json`]). The request's text is written with its control characters
/// escaped ([`Escaped`]), so that no report plays a terminal escape sequence.
pub fn explain(r: &Report, reveal: Reveal) -> String {
    let mut out = format!("{r}\n");
    for f in &r.findings {
        let _ = writeln!(out, "    {} [{}]: {}", f.code, f.rule, Escaped(&f.message));
    }
    for n in &r.notes {
        let _ = writeln!(out, "    note: {}", Escaped(n));
    }
    out.push_str(&crate::api_check::explain(r.api.as_ref()));
    if let Some(d) = &r.diagnosis {
        let _ = match &d.mistake {
            Some(m) => writeln!(
                out,
                "    diverges at: {} (cause: {})",
                d.diverges_at(),
                m.id
            ),
            None => writeln!(out, "    diverges at: {}", d.diverges_at()),
        };
        if let Some(c) = &d.computed.canonical_request {
            let _ = writeln!(out, "    computed canonical request:\n{}", indent(c));
        }
        let _ = writeln!(
            out,
            "    computed string to sign:\n{}",
            indent(&d.computed.string_to_sign)
        );
        if let Some(expected) = reveal.expected(&d.computed) {
            let _ = writeln!(out, "    expected signature: {expected}");
        }
        let _ = writeln!(
            out,
            "    received signature: {}",
            Escaped(&d.computed.received_signature)
        );
        match &d.mistake {
            Some(m) => {
                let _ = writeln!(out, "    diagnosis ({}): {}", m.id, Escaped(&m.description));
            }
            None if d.tried == 0 => {
                let _ = writeln!(out, "    diagnosis: no client mistake was searched for");
            }
            None => {
                let _ = writeln!(
                    out,
                    "    diagnosis: none of {} known client mistakes reproduces the received signature",
                    d.tried
                );
            }
        }
    }
    out
}

/// Each line of `text` after `        | `, escaped; a line ends at `\n` only, so that a
/// CR in the request shows.
fn indent(text: &str) -> String {
    text.split_terminator('\n')
        .map(|l| format!("        | {}", Escaped(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Location;
    use crate::report::{Computed, Diagnosis, Mistake, Scheme, Verdict};

    fn reports() -> Vec<Report> {
        let location = Location {
            index: 41,
            offset: 1 << 40,
            line: Some(7),
        };
        let valid = Report::new(location, Scheme::Tc3);
        let mut with_id = Report::new(Location::default(), Scheme::V1HmacSha256);
        with_id.secret_id = Some("AKID\"quoted\"\\é\u{1}".into());
        with_id.timestamp = Some(-5);
        with_id.nonce = Some(u64::MAX);
        with_id.notes.push("note \"one\"\n".into());
        with_id.notes.push(String::new());
        let mut failed = Report::new(location, Scheme::Tc3);
        failed.fail(
            "AuthFailure.SignatureFailure",
            "signature",
            "does not match \u{2028}",
        );
        failed.fail("MissingParameter", "common-parameters", "no X-TC-Action");
        failed.diagnosis = Some(Diagnosis {
            computed: Computed {
                canonical_request: Some("POST\n/\n\ncontent-type:application/json\n".into()),
                string_to_sign: "TC3-HMAC-SHA256\n1\n2".into(),
                expected_signature: crate::report::ExpectedSignature::new("ab".repeat(32)),
                received_signature: "c\td".into(),
            },
            mistake: Some(Mistake {
                id: "charset-added-after-signing",
                description: "the client added \"; charset=utf-8\"".into(),
            }),
            tried: 12,
        });
        let mut no_mistake = failed.clone();
        no_mistake.verdict = Verdict::Unreadable;
        if let Some(d) = no_mistake.diagnosis.as_mut() {
            d.mistake = None;
            d.computed.canonical_request = None;
        }
        vec![valid, with_id, failed, no_mistake]
    }

    #[test]
    fn written_json_is_the_value_printed() {
        for r in reports() {
            for (file, reveal) in [
                (None, Reveal::Nothing),
                (Some("dir/capture \"1\".jsonl"), Reveal::Nothing),
                (None, Reveal::ExpectedSignature),
                (Some("f"), Reveal::ExpectedSignature),
            ] {
                let mut out = Vec::new();
                write_json(&r, file, reveal, &mut out).unwrap();
                let mut want = to_json(&r, reveal);
                if let (Some(name), Some(obj)) = (file, want.as_object_mut()) {
                    obj.insert("file".into(), name.into());
                }
                assert_eq!(String::from_utf8(out).unwrap(), format!("{want}\n"));
            }
        }
    }

    /// Issue 11, item 6: the expected signature is printed only when asked for.
    #[test]
    fn the_expected_signature_is_shown_only_when_revealed() {
        let expected = "ab".repeat(32);
        for r in reports() {
            let mut hidden = vec![
                format!("{r}"),
                format!("{r:?}"),
                explain(&r, Reveal::default()),
            ];
            hidden.push(to_json(&r, Reveal::default()).to_string());
            let mut line = Vec::new();
            write_json(&r, Some("f"), Reveal::Nothing, &mut line).unwrap();
            hidden.push(String::from_utf8(line).unwrap());
            for out in &hidden {
                assert!(!out.contains(&expected), "{out}");
            }
            let Some(d) = &r.diagnosis else { continue };
            assert!(explain(&r, Reveal::Nothing).contains("\n    diverges at: signature"));
            assert_eq!(
                to_json(&r, Reveal::Nothing)["diagnosis"]["diverges_at"],
                "signature"
            );
            assert!(
                to_json(&r, Reveal::Nothing)["diagnosis"]
                    .get("expected_signature")
                    .is_none()
            );
            assert!(
                explain(&r, Reveal::ExpectedSignature)
                    .contains(&format!("\n    expected signature: {expected}\n"))
            );
            assert_eq!(
                to_json(&r, Reveal::ExpectedSignature)["diagnosis"]["expected_signature"],
                expected.as_str()
            );
            assert_eq!(d.computed.expected_signature.reveal(), expected);
        }
    }

    /// Issue 11, item 12: no text report, and no JSON line, carries a control character
    /// of the request: each is written as a visible escape.
    #[test]
    fn control_characters_of_the_request_are_escaped() {
        let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{7f}\u{9b}31m\u{85}y";
        let mut r = reports().swap_remove(2);
        r.secret_id = Some(evil.into());
        r.findings[0].message = format!("bad {evil}");
        r.notes.push(evil.into());
        if let Some(d) = r.diagnosis.as_mut() {
            d.computed.canonical_request = Some(format!("POST\n/{evil}\nhost:{evil}\n"));
            d.computed.string_to_sign = evil.into();
            d.computed.received_signature = evil.into();
            if let Some(m) = d.mistake.as_mut() {
                m.description = evil.into();
            }
        }
        let raw =
            |c: char| matches!(c, '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}');
        let line = r.to_string();
        assert!(!line.contains(raw) && !line.contains('\n'), "{line:?}");
        assert!(
            line.contains("x\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x7f\\u{9b}31m\\u{85}y"),
            "{line}"
        );
        for reveal in [Reveal::Nothing, Reveal::ExpectedSignature] {
            let text = explain(&r, reveal);
            assert!(!text.contains(raw), "{text:?}");
            assert_eq!(text.matches(evil).count(), 0);
            assert_eq!(text.matches("\\x1b]0;pwned").count(), 10, "{text}");
            let mut out = Vec::new();
            write_json(&r, Some("f"), reveal, &mut out).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(
                !out.trim_end_matches('\n')
                    .contains(|c: char| c.is_control()),
                "{out:?}"
            );
            let mut want = to_json(&r, reveal);
            if let Some(obj) = want.as_object_mut() {
                obj.insert("file".into(), "f".into());
            }
            assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), want);
        }
    }
}
