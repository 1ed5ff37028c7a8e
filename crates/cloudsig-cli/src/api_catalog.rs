//! The API definitions the `verify` and `sign` commands check requests against: the seed
//! products' definitions built into the binary.

use std::sync::Arc;

use cloudsig_api::Catalog;

/// The built-in definitions.
pub fn load() -> Result<Arc<Catalog>, String> {
    Catalog::builtin().map(Arc::new).map_err(|e| e.to_string())
}
