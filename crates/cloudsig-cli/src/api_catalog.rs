//! The API definitions the `verify` and `sign` commands check requests against: the seed
//! products' definitions built into the binary, and those a user gives with `--spec`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cloudsig_api::Catalog;

/// The most definition files one `--spec` folder may hold (tccli's services folder holds
/// about 500 versions of about 300 services).
const MAX_FILES: usize = 10_000;

/// The definitions of `specs` (files or folders; in a folder, every `api.json` of tccli
/// and every `cloudsig-api/1` file below it), then the built-in ones of the products the
/// user's files do not define. A user's file wins over the built-in definition of the
/// same product and version.
pub fn load(specs: &[PathBuf]) -> Result<Arc<Catalog>, String> {
    let mut catalog = Catalog::default();
    for spec in specs {
        if spec.is_dir() {
            let mut files = Vec::new();
            walk(spec, &mut files)?;
            files.sort();
            for file in files {
                let text = read(&file)?;
                let name = file.display().to_string();
                let is_tccli = file.file_name().is_some_and(|n| n == "api.json");
                if is_tccli || text.contains("\"cloudsig-api/1\"") {
                    catalog.add_any(&name, &text).map_err(|e| e.to_string())?;
                }
            }
        } else {
            let text = read(spec)?;
            catalog
                .add_any(&spec.display().to_string(), &text)
                .map_err(|e| e.to_string())?;
        }
    }
    let builtin = Catalog::builtin().map_err(|e| e.to_string())?;
    for product in builtin.products {
        if !catalog.has(&product.cloud, &product.name, &product.version) {
            catalog.products.push(product);
        }
    }
    Ok(Arc::new(catalog))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("--spec {}: {e}", path.display()))
}

/// Every `*.json` below `dir` (symbolic links to folders are not followed).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("--spec {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            if out.len() >= MAX_FILES {
                return Err(format!(
                    "--spec {}: more than {MAX_FILES} definition files",
                    dir.display()
                ));
            }
            out.push(path);
        }
    }
    Ok(())
}
