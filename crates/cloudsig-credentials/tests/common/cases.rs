//! The credential-chain cases of `vectors/credentials/` shared by the SDK-oracle tests:
//! reading a cases or results file, and laying out one case's files and environment.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use cloudsig_credentials::Environment;
use serde_json::Value;

pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/credentials")
}

pub fn load(name: &str) -> Value {
    let path = vectors().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Writes the case's files under a fresh directory and returns it with the case's
/// environment: HOME is ROOT/home, Tencent's /etc is ROOT/etc, `{root}` in a value is ROOT.
pub fn setup(case: &Value) -> (tempfile::TempDir, Environment) {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("home")).unwrap();
    std::fs::create_dir_all(r.join("etc")).unwrap();
    for (rel, text) in case["files"].as_object().unwrap() {
        let path = r.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text.as_str().unwrap()).unwrap();
    }
    let root_text = r.to_str().unwrap().to_string();
    let mut env = Environment::empty()
        .home(r.join("home"))
        .system_dir(r.join("etc"));
    for (k, v) in case["env"].as_object().unwrap() {
        env = env.var(k, v.as_str().unwrap().replace("{root}", &root_text));
    }
    (root, env)
}
