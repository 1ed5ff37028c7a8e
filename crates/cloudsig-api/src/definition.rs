//! The definitions (format `cloudsig-api/1`) as loaded: products, actions, parameter schemas.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

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
    /// The actions by name, as loaded (see [`Product::action`]).
    index: NameIndex,
    /// `cloud/name/version` as loaded, for verdicts ([`kept`]).
    pub(crate) label: Cow<'static, str>,
}

/// `name` kept for the life of the process, once however many catalogs load it, for the
/// verdicts' product and action names: a verdict then borrows them instead of allocating
/// two `String`s a request, whose `malloc` and `free` were the one cost of the API checks
/// that grew with a second thread (callgrind, 20,000 seed ES requests: 75 more
/// instructions a request in the per-thread arenas' `free` and `malloc`, none without the
/// checks). Bounded by the definitions loaded, never by requests; beyond `MAX_KEPT`
/// names, a name is owned (and cloned per verdict) instead.
pub(crate) fn kept(name: String) -> Cow<'static, str> {
    const MAX_KEPT: usize = 1 << 16;
    static KEPT: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let Ok(mut set) = KEPT.lock() else {
        return Cow::Owned(name);
    };
    if let Some(k) = set.get(name.as_str()) {
        return Cow::Borrowed(k);
    }
    if set.len() >= MAX_KEPT {
        return Cow::Owned(name);
    }
    let k: &'static str = Box::leak(name.into_boxed_str());
    set.insert(k);
    Cow::Borrowed(k)
}

/// Names (a product's actions, an action's regions) by name: an open-addressed hash table
/// of indices into their list (the hash of `fast::name_hash`: length and three bytes). A
/// binary search over the action names cost about 380 instructions a request (callgrind,
/// 20,000 seed ES requests, five comparisons of names sharing their first words), the
/// scan of the region list about 115; one probe and one comparison do.
#[derive(Debug, Default)]
struct NameIndex {
    /// Indices into the list, `u32::MAX` where free; a power of two long, at least twice
    /// the number of names (so that a probe always ends at a free slot).
    table: Vec<u32>,
    /// 64 minus log2 of the table's length.
    shift: u32,
}

impl NameIndex {
    const FREE: u32 = u32::MAX;

    fn new<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let size = (names.len() * 2).next_power_of_two().max(2);
        let mut table = vec![Self::FREE; size];
        let shift = 64 - size.trailing_zeros();
        for (i, name) in names.enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let mut slot = (crate::fast::name_hash(name.as_bytes()) >> shift) as usize;
            while table.get(slot).is_some_and(|&t| t != Self::FREE) {
                slot = (slot + 1) & (size - 1);
            }
            if let Some(t) = table.get_mut(slot) {
                *t = i;
            }
        }
        NameIndex { table, shift }
    }

    /// The index of the first name equal to `name` (earlier ones sit earlier on a probe's
    /// path), if the table has it; `name_of(i)` reads the list's `i`th name (a list
    /// changed since the table was made can only make it miss).
    fn find<'a>(&self, name_of: impl Fn(usize) -> Option<&'a str>, name: &[u8]) -> Option<usize> {
        let mask = self.table.len().checked_sub(1)?;
        let mut slot = (crate::fast::name_hash(name) >> self.shift) as usize & mask;
        for _ in 0..self.table.len() {
            let i = *self.table.get(slot)?;
            if i == Self::FREE {
                return None;
            }
            let i = i as usize;
            if crate::fast::same(name_of(i)?.as_bytes(), name) {
                return Some(i);
            }
            slot = (slot + 1) & mask;
        }
        None
    }
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
    /// The fast path's compiled `body` schema (the one position every request has), kept
    /// apart from `fast` so that a request costs no map look-up: `None` inside when the
    /// action has no body schema.
    fast_body: OnceLock<Option<crate::fast::Schema>>,
    /// The name as loaded, for verdicts ([`kept`]).
    pub(crate) label: Cow<'static, str>,
    /// The regions by name, as loaded (see [`Action::has_region`]).
    region_index: NameIndex,
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
        if position == "body" {
            return self.fast_body();
        }
        let cell = self.fast.get(position)?;
        let schema = self.params.get(position)?;
        Some(cell.get_or_init(|| crate::fast::Schema::compile(schema, &self.definitions)))
    }

    /// [`Action::fast`] for `body`, without looking the position up by name.
    pub(crate) fn fast_body(&self) -> Option<&crate::fast::Schema> {
        self.fast_body
            .get_or_init(|| {
                let schema = self.params.get("body")?;
                Some(crate::fast::Schema::compile(schema, &self.definitions))
            })
            .as_ref()
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

    /// Whether `region` is one of the action's regions (or the action lists none). Found
    /// by a hash table made as loaded; where that misses, by a scan (a list changed since).
    pub fn has_region(&self, region: &str) -> bool {
        let Some(list) = &self.regions else {
            return true;
        };
        let name_of = |i: usize| list.get(i).map(String::as_str);
        self.region_index.find(name_of, region.as_bytes()).is_some()
            || list.iter().any(|r| r == region)
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
            let name = text(a, "name", file)?;
            let regions: Option<Vec<String>> =
                a.get("regions").and_then(Value::as_array).map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                });
            actions.push(Action {
                region_index: NameIndex::new(
                    regions
                        .as_deref()
                        .unwrap_or_default()
                        .iter()
                        .map(String::as_str),
                ),
                label: kept(name.clone()),
                name,
                method: text(a, "method", file)?,
                path: text(a, "path", file)?,
                regions,
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
                fast_body: OnceLock::new(),
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
        let index = NameIndex::new(actions.iter().map(|a| a.name.as_str()));
        let (cloud, name, version) = (
            text(v, "cloud", file)?,
            text(v, "product", file)?,
            text(v, "version", file)?,
        );
        self.products.push(Product {
            label: kept(format!("{cloud}/{name}/{version}")),
            cloud,
            name,
            version,
            actions,
            definitions,
            index,
        });
        Ok(())
    }

    /// The products of one cloud.
    pub fn of_cloud<'a>(&'a self, cloud: &'a str) -> impl Iterator<Item = &'a Product> + 'a {
        self.products.iter().filter(move |p| p.cloud == cloud)
    }
}

impl Product {
    /// The action of this name (the first of that name). Found by a hash table made as
    /// loaded; where that misses, by a binary search (the actions being sorted by name as
    /// loaded), then by a scan (a list changed since).
    pub fn action(&self, name: &str) -> Option<&Action> {
        let name_of = |i: usize| self.actions.get(i).map(|a| a.name.as_str());
        if let Some(a) = self.index.find(name_of, name.as_bytes()) {
            return self.actions.get(a);
        }
        let at = self.actions.partition_point(|a| a.name.as_str() < name);
        match self.actions.get(at) {
            Some(a) if a.name == name => Some(a),
            _ => self.actions.iter().find(|a| a.name == name),
        }
    }

    /// Whether this is the product `name` of `cloud` at `version` (compared without
    /// `memcmp`, as [`Product::action`] compares).
    pub(crate) fn is(&self, cloud: &str, name: &str, version: &str) -> bool {
        use crate::fast::same;
        same(self.name.as_bytes(), name.as_bytes())
            && same(self.version.as_bytes(), version.as_bytes())
            && same(self.cloud.as_bytes(), cloud.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::{Action, Catalog, NameIndex};

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn the_action_index_finds_every_action_itself() -> Outcome {
        let catalog = Catalog::builtin()?;
        for p in &catalog.products {
            let name_of = |i: usize| p.actions.get(i).map(|a| a.name.as_str());
            for a in &p.actions {
                let found = p.index.find(name_of, a.name.as_bytes());
                let found = found.and_then(|i| p.actions.get(i));
                assert!(found.is_some_and(|f| std::ptr::eq(f, a)), "{}", a.name);
                // the regions, by their own table
                let list = a.regions.as_deref().unwrap_or_default();
                let region_of = |i: usize| list.get(i).map(String::as_str);
                for (i, r) in list.iter().enumerate() {
                    assert_eq!(a.region_index.find(region_of, r.as_bytes()), Some(i), "{r}");
                    assert!(a.has_region(r));
                }
                assert!(a.region_index.find(region_of, b"ap-nowhere").is_none());
                assert_eq!(a.has_region("ap-nowhere"), a.regions.is_none());
                assert!(std::ptr::eq(p.action(&a.name).ok_or("no action")?, a));
            }
            assert!(p.index.find(name_of, b"NoSuchAction").is_none());
            assert!(p.action("NoSuchAction").is_none());
        }
        Ok(())
    }

    #[test]
    fn a_valid_verdict_borrows_its_names_kept_once() -> Outcome {
        use std::borrow::Cow;
        let (a, b) = (Catalog::builtin()?, Catalog::builtin()?);
        let call = crate::tencent::TencentJsonCall {
            service: "es",
            action: "RestartKibana",
            version: "2018-04-16",
            region: Some("ap-guangzhou"),
            body: br#"{"InstanceId": "es-xxxxxxxx"}"#,
        };
        let (va, vb) = (
            crate::tencent::check_json(&a, &call),
            crate::tencent::check_json(&b, &call),
        );
        let (
            crate::Verdict::Checked {
                product: Cow::Borrowed(pa),
                action: Some(Cow::Borrowed(aa)),
                findings,
            },
            crate::Verdict::Checked {
                product: Cow::Borrowed(pb),
                action: Some(Cow::Borrowed(ab)),
                ..
            },
        ) = (&va, &vb)
        else {
            return Err(format!("not borrowed: {va:?}").into());
        };
        assert!(findings.is_empty());
        assert_eq!((*pa, *aa), ("tencent/es/2018-04-16", "RestartKibana"));
        // one copy for both catalogs
        assert!(std::ptr::eq(*pa, *pb) && std::ptr::eq(*aa, *ab));
        Ok(())
    }

    #[test]
    fn the_action_index_holds_many_and_keeps_the_first_of_a_name() -> Outcome {
        // 600 actions (more than a byte indexes), each name twice: the first is found
        let names: Vec<String> = (0..300).map(|i| format!("Action{i}")).collect();
        let actions: Vec<serde_json::Value> = names
            .iter()
            .chain(&names)
            .enumerate()
            .map(|(i, n)| serde_json::json!({"name": n, "method": "POST", "path": format!("/{i}")}))
            .collect();
        let file = serde_json::json!({"format": crate::definition::FORMAT, "cloud": "tencent",
            "product": "many", "version": "1", "actions": actions});
        let mut catalog = Catalog::default();
        catalog.add_json("many.json", &file.to_string())?;
        let p = &catalog.products[0];
        let name_of = |i: usize| p.actions.get(i).map(|a| a.name.as_str());
        for n in &names {
            let i = p.index.find(name_of, n.as_bytes()).ok_or("not found")?;
            let a: &Action = p.actions.get(i).ok_or("no action")?;
            assert_eq!(&a.name, n);
            let first = p.actions.iter().find(|x| &x.name == n).ok_or("none")?;
            assert!(std::ptr::eq(a, first), "{n}");
        }
        let empty = NameIndex::new(std::iter::empty());
        assert!(empty.find(name_of, b"Action1").is_none());
        Ok(())
    }
}
