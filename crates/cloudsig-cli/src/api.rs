//! `cloudsig api`: what the API-level checker knows — the covered products, their actions,
//! and one action's parameters, as a table or as JSON.

use clap::{Args, ValueEnum};
use cloudsig_api::{Action, Catalog, Product};
use serde_json::{Value, json};

/// Arguments of `cloudsig api`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// A product (`es`, `elasticsearch`, `kafka`, `ecs`); without it, the products are listed.
    product: Option<String>,
    /// An action of the product; without it, the product's actions are listed.
    action: Option<String>,
    /// Check a Tencent request's JSON body (a file, `-` for standard input) against the action
    /// instead of listing its parameters; prints the findings with the cloud's codes.
    #[arg(long, value_name = "FILE", requires = "action")]
    check: Option<std::path::PathBuf>,
    /// The region of the checked request (`X-TC-Region`).
    #[arg(long, requires = "check")]
    region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// How `cloudsig api` prints.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn type_of(schema: &Value) -> String {
    if let Some(t) = schema.get("x-doc-type").and_then(Value::as_str) {
        return t.to_owned();
    }
    match schema.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "any".to_owned(),
    }
}

fn constraints(schema: &Value) -> String {
    let mut out = Vec::new();
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        let items: Vec<String> = e
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        out.push(format!("one of {}", items.join("|")));
    }
    for (key, word) in [
        ("minLength", "len>="),
        ("maxLength", "len<="),
        ("minimum", ">="),
        ("maximum", "<="),
    ] {
        if let Some(v) = schema.get(key) {
            out.push(format!("{word}{v}"));
        }
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        out.push(format!("pattern {p}"));
    }
    out.join(", ")
}

fn parameters(action: &Action) -> Vec<Value> {
    let mut rows = Vec::new();
    for (position, schema) in &action.params {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, p) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            rows.push(json!({
                "name": name,
                "in": position,
                "required": required.contains(&name.as_str()),
                "type": type_of(p),
                "constraints": constraints(p),
                "code": action.parameter_codes.get(name),
            }));
        }
    }
    rows
}

fn product_json(p: &Product) -> Value {
    json!({"cloud": p.cloud, "product": p.name, "version": p.version, "actions": p.actions.len()})
}

fn action_json(a: &Action) -> Value {
    json!({"name": a.name, "method": a.method, "path": a.path, "regions": a.regions})
}

/// `cloudsig api PRODUCT ACTION --check FILE`: the verdict on one Tencent request body.
fn check(
    catalog: &Catalog,
    product: &Product,
    action: &Action,
    file: &std::path::Path,
    region: Option<&str>,
    format: Format,
) -> Result<bool, String> {
    if product.cloud != "tencent" {
        return Err("--check takes a Tencent request body; Alibaba and Huawei requests are checked by the library".to_owned());
    }
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("standard input: {e}"))?
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?
    };
    let body: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
    let call = cloudsig_api::tencent::TencentCall {
        service: &product.name,
        action: &action.name,
        version: &product.version,
        region,
        params: &body,
    };
    let verdict = cloudsig_api::tencent::check(catalog, &call);
    let findings = verdict.findings();
    match format {
        Format::Json => {
            let rows: Vec<Value> = findings
                .iter()
                .map(|f| json!({"code": f.code, "path": f.path, "rule": f.rule, "message": f.message}))
                .collect();
            let v = json!({"valid": verdict.is_valid(), "findings": rows});
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        }
        Format::Table if verdict.is_valid() => println!("valid: {} {}", product.name, action.name),
        Format::Table => {
            for f in findings {
                println!("{f}");
            }
        }
    }
    Ok(verdict.is_valid())
}

/// Runs `cloudsig api`; false when a checked request has findings.
pub fn run(args: ApiArgs) -> Result<bool, String> {
    list(args)
}

fn list(args: ApiArgs) -> Result<bool, String> {
    let catalog = Catalog::builtin().map_err(|e| e.to_string())?;
    let Some(product_name) = args.product else {
        let rows: Vec<Value> = catalog.products.iter().map(product_json).collect();
        return print(
            args.format,
            &rows,
            &["cloud", "product", "version", "actions"],
        )
        .map(|()| true);
    };
    let product = catalog
        .products
        .iter()
        .find(|p| p.name == product_name)
        .ok_or_else(|| {
            format!("no API definition for product `{product_name}` (see `cloudsig api`)")
        })?;
    let Some(action_name) = args.action else {
        let rows: Vec<Value> = product.actions.iter().map(action_json).collect();
        return print(args.format, &rows, &["name", "method", "path"]).map(|()| true);
    };
    let action = product.action(&action_name).ok_or_else(|| {
        format!(
            "`{product_name}` has no action `{action_name}` (see `cloudsig api {product_name}`)"
        )
    })?;
    if let Some(file) = &args.check {
        return check(
            &catalog,
            product,
            action,
            file,
            args.region.as_deref(),
            args.format,
        );
    }
    let rows = parameters(action);
    match args.format {
        Format::Json => {
            let mut v = action_json(action);
            if let Value::Object(map) = &mut v {
                map.insert("parameters".to_owned(), Value::Array(rows));
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
            Ok(true)
        }
        Format::Table => {
            println!("{} {} {}", action.name, action.method, action.path);
            if let Some(r) = &action.regions {
                println!("regions: {}", r.join(", "));
            }
            print(
                Format::Table,
                &rows,
                &["name", "in", "required", "type", "constraints", "code"],
            )
            .map(|()| true)
        }
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn print(format: Format, rows: &[Value], columns: &[&str]) -> Result<(), String> {
    if let Format::Json = format {
        println!(
            "{}",
            serde_json::to_string_pretty(rows).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            rows.iter()
                .map(|r| cell(r.get(*c).unwrap_or(&Value::Null)).chars().count())
                .max()
                .unwrap_or(0)
                .max(c.len())
        })
        .collect();
    let line = |cells: Vec<String>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(columns.iter().map(|c| (*c).to_owned()).collect());
    for r in rows {
        line(
            columns
                .iter()
                .map(|c| cell(r.get(*c).unwrap_or(&Value::Null)))
                .collect(),
        );
    }
    Ok(())
}
