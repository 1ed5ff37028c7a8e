//! The definitions (format `cloudsig-api/1`) as loaded: products, actions, parameter schemas.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// The format string every definition file carries; a file with another one is refused.
pub const FORMAT: &str = "cloudsig-api/1";

/// The seed products' definitions, built into the crate.
const BUILTIN: &[(&str, &str)] = &[
    (
        "tencent/es-2018-04-16.json",
        include_str!("../specs/tencent/es-2018-04-16.json"),
    ),
    (
        "alibaba/elasticsearch-2017-06-13.json",
        include_str!("../specs/alibaba/elasticsearch-2017-06-13.json"),
    ),
    (
        "huawei/kafka-v2.json",
        include_str!("../specs/huawei/kafka-v2.json"),
    ),
    (
        "huawei/ecs-v2.1.json",
        include_str!("../specs/huawei/ecs-v2.1.json"),
    ),
];

/// A definition file that could not be used.
#[derive(Debug)]
pub struct LoadError {
    /// Which file (or built-in name).
    pub file: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API definition {}: {}", self.file, self.reason)
    }
}

impl std::error::Error for LoadError {}

/// Every product the checker knows.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The products, in load order.
    pub products: Vec<Product>,
}

/// One product at one version (`es` 2018-04-16, `kafka` v2, ...).
#[derive(Debug)]
pub struct Product {
    /// `tencent`, `alibaba` or `huawei`.
    pub cloud: String,
    /// The product's short name (`es`, `elasticsearch`, `kafka`, `ecs`).
    pub name: String,
    /// The API version.
    pub version: String,
    /// Its actions / operations, sorted by name.
    pub actions: Vec<Action>,
    /// Named structures the parameter schemas refer to (`#/definitions/NodeInfo`).
    pub definitions: Value,
}

/// One action (Tencent) or REST/ROA operation (Alibaba, Huawei).
#[derive(Debug)]
pub struct Action {
    /// The action's name (`CreateIndex`, `UpgradeEngineVersion`, `CreateServer`).
    pub name: String,
    /// HTTP method (Tencent actions: `POST`).
    pub method: String,
    /// Path template (`/openapi/instances/{InstanceId}/actions/upgrade-version`; Tencent: `/`).
    pub path: String,
    /// The regions the action supports, where the document lists them.
    pub regions: Option<Vec<String>>,
    /// A parameter's own error code where the document lists one (`InstanceId` →
    /// `InvalidParameter.InvalidInstanceId`).
    pub parameter_codes: BTreeMap<String, String>,
    /// The parameter schemas by position (`body`, `query`, `path`).
    pub params: BTreeMap<String, Value>,
    /// The documented examples, as written in the definition.
    pub examples: Vec<Value>,
    /// The documented success responses (`{"status", "body"}`), in the document's order.
    pub responses: Vec<Value>,
    validators: BTreeMap<String, OnceLock<Option<jsonschema::Validator>>>,
    fast: BTreeMap<String, OnceLock<crate::fast::Schema>>,
    /// The product's definitions, shared by its actions: a copy each cost 4.9M instructions
    /// to make and more to drop, loading the built-in catalog (callgrind, benches/README.md).
    definitions: Arc<Value>,
}

impl Action {
    /// The compiled validator for one position, built on first use; `None` if the position
    /// has no schema (or the schema does not compile, which the crate's tests rule out for
    /// the built-in definitions).
    pub(crate) fn validator(&self, position: &str) -> Option<&jsonschema::Validator> {
        let cell = self.validators.get(position)?;
        cell.get_or_init(|| {
            let mut schema = self.params.get(position)?.clone();
            if let Value::Object(map) = &mut schema {
                map.insert("definitions".into(), Value::clone(&self.definitions));
            }
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .build(&schema)
                .ok()
        })
        .as_ref()
    }

    /// The fast path's compiled form of one position's schema (see [`crate::fast`]), built
    /// on first use; `None` if the position has no schema.
    pub(crate) fn fast(&self, position: &str) -> Option<&crate::fast::Schema> {
        let cell = self.fast.get(position)?;
        let schema = self.params.get(position)?;
        Some(cell.get_or_init(|| crate::fast::Schema::compile(schema, &self.definitions)))
    }

    /// Whether `body` (JSON text; empty or blank stands for `{}`) certainly satisfies the
    /// schema of `position`, decided from the text without building a `serde_json::Value`.
    /// `false` means "not known": the body may still be valid (the fast path leaves escapes,
    /// exponents, duplicate names and keywords it does not know to the full validation).
    ///
    /// ```
    /// let catalog = cloudsig_api::Catalog::builtin()?;
    /// let es = catalog.products.iter().find(|p| p.name == "es").ok_or("no es")?;
    /// let restart = es.action("RestartKibana").ok_or("no action")?;
    /// assert!(restart.certainly_valid("body", br#"{"InstanceId": "es-xxxxxxxx"}"#));
    /// assert!(!restart.certainly_valid("body", br#"{"InstanceId": 7}"#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn certainly_valid(&self, position: &str, body: &[u8]) -> bool {
        self.fast(position)
            .is_some_and(|f| f.check(body) == crate::fast::Fast::Valid)
    }

    /// The schema of one top-level parameter at a position, if documented.
    pub fn parameter(&self, position: &str, name: &str) -> Option<&Value> {
        self.params.get(position)?.get("properties")?.get(name)
    }
}

fn text(v: &Value, key: &str, file: &str) -> Result<String, LoadError> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| LoadError {
            file: file.to_owned(),
            reason: format!("missing string field `{key}`"),
        })
}

impl Catalog {
    /// The seed products' definitions built into the crate.
    pub fn builtin() -> Result<Self, LoadError> {
        let mut catalog = Catalog::default();
        for (name, json) in BUILTIN {
            catalog.add_json(name, json)?;
        }
        Ok(catalog)
    }

    /// Adds one definition file's products (format `cloudsig-api/1`).
    pub fn add_json(&mut self, file: &str, json: &str) -> Result<(), LoadError> {
        let v: Value = serde_json::from_str(json).map_err(|e| LoadError {
            file: file.to_owned(),
            reason: format!("not JSON: {e}"),
        })?;
        self.add_value(file, &v)
    }

    /// Adds one tccli `api.json` (see [`crate::tccli`]): its service at its version.
    pub fn add_tccli(&mut self, file: &str, json: &str) -> Result<(), LoadError> {
        let v: Value = serde_json::from_str(json).map_err(|e| LoadError {
            file: file.to_owned(),
            reason: format!("not JSON: {e}"),
        })?;
        let definition = crate::tccli::to_definition(file, &v)?;
        self.add_value(file, &definition)
    }

    /// Adds one file of either kind: `cloudsig-api/1` (it has a `format`) or a tccli
    /// `api.json` (it has `actions`, `objects` and `metadata`); any other JSON is refused.
    pub fn add_any(&mut self, file: &str, json: &str) -> Result<(), LoadError> {
        let v: Value = serde_json::from_str(json).map_err(|e| LoadError {
            file: file.to_owned(),
            reason: format!("not JSON: {e}"),
        })?;
        if v.get("format").is_none() && crate::tccli::is_tccli(&v) {
            let definition = crate::tccli::to_definition(file, &v)?;
            return self.add_value(file, &definition);
        }
        self.add_value(file, &v)
    }

    /// Whether a product of this cloud, name and version is loaded.
    pub fn has(&self, cloud: &str, name: &str, version: &str) -> bool {
        self.products
            .iter()
            .any(|p| p.cloud == cloud && p.name == name && p.version == version)
    }

    fn add_value(&mut self, file: &str, v: &Value) -> Result<(), LoadError> {
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(LoadError {
                file: file.to_owned(),
                reason: format!("format is not {FORMAT}"),
            });
        }
        let definitions = v
            .get("definitions")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        let shared = Arc::new(definitions.clone());
        let mut actions = Vec::new();
        for a in v
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let params: BTreeMap<String, Value> = a
                .get("params")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            actions.push(Action {
                name: text(a, "name", file)?,
                method: text(a, "method", file)?,
                path: text(a, "path", file)?,
                regions: a.get("regions").and_then(Value::as_array).map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                }),
                parameter_codes: a
                    .get("parameter_codes")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default(),
                validators: params
                    .keys()
                    .map(|k| (k.clone(), OnceLock::new()))
                    .collect(),
                fast: params
                    .keys()
                    .map(|k| (k.clone(), OnceLock::new()))
                    .collect(),
                params,
                examples: a
                    .get("examples")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                responses: a
                    .get("responses")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                definitions: Arc::clone(&shared),
            });
        }
        actions.sort_by(|a, b| a.name.cmp(&b.name));
        self.products.push(Product {
            cloud: text(v, "cloud", file)?,
            name: text(v, "product", file)?,
            version: text(v, "version", file)?,
            actions,
            definitions,
        });
        Ok(())
    }

    /// The products of one cloud.
    pub fn of_cloud<'a>(&'a self, cloud: &'a str) -> impl Iterator<Item = &'a Product> + 'a {
        self.products.iter().filter(move |p| p.cloud == cloud)
    }
}

impl Product {
    /// The action of this name (the first of that name). Found by a binary search, the
    /// actions being sorted by name as loaded; by a scan if that misses (a list built
    /// otherwise).
    pub fn action(&self, name: &str) -> Option<&Action> {
        let at = self.actions.partition_point(|a| a.name.as_str() < name);
        match self.actions.get(at) {
            Some(a) if a.name == name => Some(a),
            _ => self.actions.iter().find(|a| a.name == name),
        }
    }
}
