//! Rendering reports for people (one line, or an explanation) and machines (JSON).

use std::fmt::Write;

use serde_json::{Value, json};

use crate::report::Report;

/// The report as one JSON object (one line of `--format json`).
///
/// Fields: `index` (1-based), `offset`, `line`, `verdict`, `scheme`, `secret_id`, `code`,
/// `timestamp`, `findings` (`code`, `rule`, `message`), `notes`, and `diagnosis`
/// (`mistake` with `id` and `description`, `tried`, `canonical_request`,
/// `string_to_sign`, `expected_signature`, `received_signature`) or null.
pub fn to_json(r: &Report) -> Value {
    json!({
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
            "canonical_request": d.computed.canonical_request,
            "string_to_sign": d.computed.string_to_sign,
            "expected_signature": d.computed.expected_signature,
            "received_signature": d.computed.received_signature,
        })),
    })
}

/// The one-line report followed by every finding, note and, for a mismatch, what the
/// verifier computed at each stage.
pub fn explain(r: &Report) -> String {
    let mut out = format!("{r}\n");
    for f in &r.findings {
        let _ = writeln!(out, "    {} [{}]: {}", f.code, f.rule, f.message);
    }
    for n in &r.notes {
        let _ = writeln!(out, "    note: {n}");
    }
    if let Some(d) = &r.diagnosis {
        if let Some(c) = &d.computed.canonical_request {
            let _ = writeln!(out, "    computed canonical request:\n{}", indent(c));
        }
        let _ = writeln!(
            out,
            "    computed string to sign:\n{}",
            indent(&d.computed.string_to_sign)
        );
        let _ = writeln!(
            out,
            "    expected signature: {}",
            d.computed.expected_signature
        );
        let _ = writeln!(
            out,
            "    received signature: {}",
            d.computed.received_signature
        );
        match &d.mistake {
            Some(m) => {
                let _ = writeln!(out, "    diagnosis ({}): {}", m.id, m.description);
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

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("        | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
