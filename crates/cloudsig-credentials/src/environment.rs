//! The process environment a provider reads: variables, the home directory and the
//! system configuration directory, replaceable as a whole for tests and tools.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zeroize::Zeroize;

/// Variables, home directory and system configuration directory (`/etc`).
///
/// Variable values may be secrets: they are wiped when the environment is dropped.
#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
    system_dir: Option<PathBuf>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Environment")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("home", &self.home)
            .field("system_dir", &self.system_dir)
            .finish()
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        for v in self.vars.values_mut() {
            v.zeroize();
        }
    }
}

impl Environment {
    /// No variables, no home directory, `/etc` as the system directory.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The process's variables (those that are Unicode) and home directory (`HOME`, else
    /// `USERPROFILE`, else `HOMEPATH`, as the SDKs look it up).
    pub fn process() -> Self {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = ["HOME", "USERPROFILE", "HOMEPATH"]
            .iter()
            .find_map(|k| vars.get(*k).filter(|v| !v.is_empty()).map(PathBuf::from));
        Self {
            vars,
            home,
            system_dir: None,
        }
    }

    /// Sets a variable (and, for `HOME`, the home directory).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let value = value.into();
        if name == "HOME" {
            self.home = Some(PathBuf::from(&value));
        }
        self.vars.insert(name, value);
        self
    }

    /// Sets the home directory.
    pub fn home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Replaces `/etc` (where Tencent's system-wide credentials file lives).
    pub fn system_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.system_dir = Some(dir.into());
        self
    }

    /// A variable's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// A variable's value, unless unset or empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The home directory.
    pub fn home_dir(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// `/etc`, or its replacement.
    pub fn system_config_dir(&self) -> &Path {
        self.system_dir.as_deref().unwrap_or(Path::new("/etc"))
    }
}
