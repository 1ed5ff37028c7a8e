//! A fast path that confirms a JSON body satisfies an action's parameter schema straight from
//! its bytes, without building a `serde_json::Value`.
//!
//! Every finding still comes from `jsonschema` (see [`crate::schema`]): this module answers
//! only "certainly valid" ([`Fast::Valid`]) or "don't know" ([`Fast::Unsure`]), and on
//! "don't know" the caller parses the body into a `Value` and runs the crate's validator,
//! unchanged. It says "don't know" for any body it does not fully understand: a schema
//! keyword outside the small set below, a string with a backslash escape, a number with an
//! exponent or of more than 18 digits, a fraction where the schema has bounds or wants an
//! integer, a property sent twice, nesting deeper than 64, anything that is not strict
//! JSON (`serde_json` would refuse it, and the checker then reports a wrong type at the
//! root), and every body that breaks the schema.
//!
//! Supported keywords (what the built-in definitions use): `type`, `enum` (of strings),
//! `minLength`/`maxLength`, `pattern` (see [`Pattern`]), `minimum`/`maximum` (integer
//! limits), `properties`/`required`/`additionalProperties`, `items` (one schema),
//! `minItems`/`maxItems`, and `$ref` to `#/definitions/NAME`. `description`, `title`,
//! `default`, `examples`, `$comment` and `x-*` keys are annotations, as for `jsonschema`.
//!
//! Why hand-written rather than the well-kept crate alone: `jsonschema` validates a
//! `serde_json::Value`, and building and dropping that tree (an `IndexMap` and a `String`
//! per key and string value, with the `preserve_order` feature) was most of the API checks'
//! cost. Under callgrind, a release `cloudsig verify` over 20,000 signed seed ES requests
//! (benches/README.md, "API-level checks"): parsing each body into a `Value` took 156.0M
//! instructions and dropping it 52.7M, about 10,400 a request, against 15,200 for the whole
//! API check; with the checks on, verification cost 1.314× the instructions of
//! `--no-api-check`, over issue 13's 1.3× (and about 1.7× in CPU time). With this path:
//! 1.188× in instructions, about 1.3× in CPU time (benches/README.md has the runs).

use std::collections::BTreeMap;

use serde_json::Value;

/// The fast path's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fast {
    /// The body parses as JSON (as `serde_json` would) and satisfies the schema.
    Valid,
    /// Not known: the caller must run the full validation.
    Unsure,
}

/// Deepest nesting the fast path follows (`serde_json` itself stops at 128).
const MAX_DEPTH: u32 = 64;
/// Most `$ref` hops followed to reach a schema with checks (a cycle of bare references).
const MAX_HOPS: u32 = 16;
/// Most properties an object schema may list (the seen/required sets are one `u128`).
const MAX_PROPERTIES: usize = 128;

const T_NULL: u8 = 1;
const T_BOOL: u8 = 2;
const T_INT: u8 = 4;
const T_NUM: u8 = 8;
const T_STR: u8 = 16;
const T_ARR: u8 = 32;
const T_OBJ: u8 = 64;

/// A `pattern` the fast path can decide.
///
/// `jsonschema` gives patterns ECMA-262 meaning (translating them for its own engine); the
/// `regex` crate agrees with it only on a plain subset. A pattern is compiled here only if it
/// is made of ASCII letters, digits, `^ $ [ ] ( ) | ? * + { } , - _ : / = ! @ # % ; ' "`
/// space, and `\` before one of `. - / \ ^ $ | ? * + ( ) [ ] { }`, with no `[` inside a
/// class, no `--`, `[]`, `[^]` or `(?`: no `.`, no class escapes (`\d`, `\w`, `\s`, `\b`), no
/// look-around and no class set operations, whose meanings differ. Any other pattern makes
/// its schema unsupported.
#[derive(Debug)]
pub(crate) struct Pattern(regex::bytes::Regex);

impl Pattern {
    fn compile(p: &str) -> Option<Self> {
        let (mut escaped, mut in_class) = (false, false);
        for c in p.chars() {
            if escaped {
                if !".-/\\^$|?*+()[]{}".contains(c) {
                    return None;
                }
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '[' {
                if in_class {
                    return None;
                }
                in_class = true;
            } else if c == ']' {
                in_class = false;
            } else if !(c.is_ascii_alphanumeric() || "^$()|?*+{},-_:/=!@#%;'\" ".contains(c)) {
                return None;
            }
        }
        if escaped || in_class || ["(?", "--", "[]", "[^]"].iter().any(|bad| p.contains(bad)) {
            return None;
        }
        // on bytes (the fast path checks them as UTF-8 first): the same matches as on `&str`
        regex::bytes::Regex::new(p).ok().map(Pattern)
    }
}

#[derive(Debug)]
enum Additional {
    Allow,
    Deny,
    Schema(usize),
}

#[derive(Debug)]
struct Checks {
    /// Allowed instance types (bits `T_*`); 0: any.
    types: u8,
    enum_str: Option<Vec<String>>,
    min_len: Option<u64>,
    max_len: Option<u64>,
    pattern: Option<Pattern>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    /// The listed properties; the bit of a property is its index.
    properties: Props,
    required: u128,
    additional: Additional,
    items: Option<usize>,
    min_items: Option<u64>,
    max_items: Option<u64>,
}

#[derive(Debug)]
enum Node {
    /// `true`, or a schema of annotations only.
    Any,
    /// `false`.
    Never,
    /// A keyword or form the fast path does not decide.
    Unsupported,
    /// A `$ref`, resolved.
    Ref(usize),
    Checks(Box<Checks>),
}

/// One compiled schema (the action's parameter schema with its product's definitions).
#[derive(Debug)]
pub(crate) struct Schema {
    nodes: Vec<Node>,
}

struct Compiler<'a> {
    definitions: &'a Value,
    nodes: Vec<Node>,
    by_name: BTreeMap<String, usize>,
}

/// Keys that do not validate (`definitions`: the product's own replace any the schema has,
/// and `$ref` always resolves against them).
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "examples",
    "$comment",
    "definitions",
];

impl Compiler<'_> {
    fn push(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn set(&mut self, at: usize, node: Node) {
        if let Some(slot) = self.nodes.get_mut(at) {
            *slot = node;
        }
    }

    fn compile(&mut self, schema: &Value, depth: u32) -> usize {
        let at = self.push(Node::Unsupported);
        if depth > MAX_DEPTH {
            return at;
        }
        let node = match schema {
            Value::Bool(true) => Node::Any,
            Value::Bool(false) => Node::Never,
            Value::Object(map) => self.object(map, depth).unwrap_or(Node::Unsupported),
            _ => Node::Unsupported,
        };
        self.set(at, node);
        at
    }

    fn reference(&mut self, r: &str, depth: u32) -> Option<usize> {
        let name = r.strip_prefix("#/definitions/")?;
        if name.contains(['/', '~', '%']) {
            return None;
        }
        if let Some(&at) = self.by_name.get(name) {
            return Some(at);
        }
        let target = self.definitions.get(name)?;
        // a placeholder first, so that a recursive definition refers to itself
        let at = self.push(Node::Unsupported);
        self.by_name.insert(name.to_owned(), at);
        let inner = self.compile(target, depth + 1);
        self.set(at, Node::Ref(inner));
        Some(at)
    }

    fn object(&mut self, map: &serde_json::Map<String, Value>, depth: u32) -> Option<Node> {
        if let Some(r) = map.get("$ref") {
            // draft 7: the siblings of `$ref` are ignored; only annotations are accepted here
            let alone = map
                .keys()
                .all(|k| k == "$ref" || k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str()));
            return if alone {
                Some(Node::Ref(self.reference(r.as_str()?, depth)?))
            } else {
                None
            };
        }
        let mut c = Checks {
            types: 0,
            enum_str: None,
            min_len: None,
            max_len: None,
            pattern: None,
            minimum: None,
            maximum: None,
            properties: Props::default(),
            required: 0,
            additional: Additional::Allow,
            items: None,
            min_items: None,
            max_items: None,
        };
        let mut any = true;
        let mut required: Vec<&str> = Vec::new();
        for (k, v) in map {
            if k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str()) {
                continue;
            }
            any = false;
            match k.as_str() {
                "type" => c.types = types(v)?,
                "enum" => {
                    let options = v.as_array()?;
                    c.enum_str = Some(
                        options
                            .iter()
                            .map(|o| o.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()?,
                    );
                }
                "minLength" => c.min_len = Some(v.as_u64()?),
                "maxLength" => c.max_len = Some(v.as_u64()?),
                "pattern" => c.pattern = Some(Pattern::compile(v.as_str()?)?),
                "minimum" => c.minimum = Some(v.as_i64()?),
                "maximum" => c.maximum = Some(v.as_i64()?),
                "minItems" => c.min_items = Some(v.as_u64()?),
                "maxItems" => c.max_items = Some(v.as_u64()?),
                "required" => {
                    required = v
                        .as_array()?
                        .iter()
                        .map(Value::as_str)
                        .collect::<Option<Vec<_>>>()?;
                }
                "additionalProperties" => {
                    c.additional = match v {
                        Value::Bool(true) => Additional::Allow,
                        Value::Bool(false) => Additional::Deny,
                        other => Additional::Schema(self.compile(other, depth + 1)),
                    }
                }
                "items" => {
                    if !(v.is_object() || v.is_boolean()) {
                        return None;
                    }
                    c.items = Some(self.compile(v, depth + 1));
                }
                "properties" => {
                    let props = v.as_object()?;
                    if props.len() > MAX_PROPERTIES {
                        return None;
                    }
                    let mut list = Vec::with_capacity(props.len());
                    for (name, ps) in props {
                        list.push((name.clone(), self.compile(ps, depth + 1)));
                    }
                    c.properties = Props::new(list);
                }
                _ => return None,
            }
        }
        if any {
            return Some(Node::Any);
        }
        for name in required {
            // a required name outside `properties` is left to the full validation
            let bit = c.properties.find(name.as_bytes())?;
            c.required |= 1u128 << bit;
        }
        Some(Node::Checks(Box::new(c)))
    }
}

fn types(v: &Value) -> Option<u8> {
    let one = |t: &str| -> Option<u8> {
        Some(match t {
            "null" => T_NULL,
            "boolean" => T_BOOL,
            "integer" => T_INT,
            "number" => T_NUM | T_INT,
            "string" => T_STR,
            "array" => T_ARR,
            "object" => T_OBJ,
            _ => return None,
        })
    };
    match v {
        Value::String(t) => one(t),
        Value::Array(list) if !list.is_empty() => list
            .iter()
            .try_fold(0u8, |acc, t| Some(acc | one(t.as_str()?)?)),
        _ => None,
    }
}

impl Schema {
    /// Compiles `schema`, whose `$ref`s name entries of `definitions`. Never fails: what it
    /// does not support compiles to a node that answers [`Fast::Unsure`].
    pub(crate) fn compile(schema: &Value, definitions: &Value) -> Self {
        let mut c = Compiler {
            definitions,
            nodes: Vec::new(),
            by_name: BTreeMap::new(),
        };
        c.compile(schema, 0);
        Schema { nodes: c.nodes }
    }

    /// Whether `body` (a request body: empty or blank means `{}`) certainly satisfies the
    /// schema.
    pub(crate) fn check(&self, body: &[u8]) -> Fast {
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}".as_slice()
        } else {
            body
        };
        let mut p = Parser { b: body, i: 0 };
        let ok = p.value(self, 0, 0).is_some() && {
            p.ws();
            p.i == body.len()
        };
        if ok { Fast::Valid } else { Fast::Unsure }
    }

    /// The node with checks (or `Any`/`Never`/`Unsupported`) a node index leads to.
    fn resolve(&self, mut at: usize) -> Option<&Node> {
        for _ in 0..MAX_HOPS {
            match self.nodes.get(at)? {
                Node::Ref(next) => at = *next,
                other => return Some(other),
            }
        }
        None
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of a string (little-endian): the high bit of each byte that ends the plain
/// run is set: a quote, a backslash, a control character (below 0x20) or a non-ASCII byte.
/// Only the lowest flagged byte is exact (a borrow can flag bytes above it), and only it
/// is used.
fn attention(x: u64) -> u64 {
    // a byte below `n` (n <= 0x80) borrows: the classic "has less than" test
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGHS;
    below(x ^ (ONES * u64::from(b'"')), 1)
        | below(x ^ (ONES * u64::from(b'\\')), 1)
        | below(x, 0x20)
        | (x & HIGHS)
}

/// Byte equality of two short slices without a call to `memcmp` (whose set-up cost more
/// than the comparison for names of a few bytes): words of eight bytes, the last one
/// overlapping the one before (no byte-by-byte tail: that tail was a fifth of the
/// property look-up, callgrind, 20,000 seed ES requests).
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(s: &[u8], at: usize) -> Option<[u8; N]> {
        s.get(at..)?.first_chunk::<N>().copied()
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            if word::<8>(a, at) != word::<8>(b, at) {
                return false;
            }
            at += 8;
        }
        return word::<8>(a, n - 8) == word::<8>(b, n - 8);
    }
    if n >= 4 {
        return word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4);
    }
    if n >= 2 {
        return word::<2>(a, 0) == word::<2>(b, 0) && word::<2>(a, n - 2) == word::<2>(b, n - 2);
    }
    a == b
}

/// A property name's hash for [`Props`]: its length and three of its bytes, mixed.
pub(crate) fn name_hash(k: &[u8]) -> u64 {
    let n = k.len();
    let byte = |i: usize| u64::from(k.get(i).copied().unwrap_or(0));
    let mixed = (n as u64) ^ (byte(0) << 8) ^ (byte(n / 2) << 16) ^ (byte(n.wrapping_sub(1)) << 24);
    mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// An object schema's property names, found by an open-addressed hash table (one probe
/// and one comparison for most names) rather than a binary search.
#[derive(Debug, Default)]
struct Props {
    /// The names and their compiled schemas; a property's bit (seen, required) is its index.
    list: Vec<(String, usize)>,
    /// Indices into `list`, `EMPTY_SLOT` where free; its length is a power of two, at
    /// least twice the list's (so a probe always ends).
    table: Vec<u8>,
    /// 64 minus log2 of the table's length.
    shift: u32,
}

const EMPTY_SLOT: u8 = u8::MAX;

impl Props {
    fn new(list: Vec<(String, usize)>) -> Self {
        let size = (list.len() * 2).next_power_of_two().max(2);
        let mut table = vec![EMPTY_SLOT; size];
        let shift = 64 - size.trailing_zeros();
        for (i, (name, _)) in list.iter().enumerate() {
            let mut slot = (name_hash(name.as_bytes()) >> shift) as usize;
            while table.get(slot).is_some_and(|&t| t != EMPTY_SLOT) {
                slot = (slot + 1) & (size - 1);
            }
            if let Some(t) = table.get_mut(slot) {
                // `list` holds at most MAX_PROPERTIES (128) names
                *t = i as u8;
            }
        }
        Props { list, table, shift }
    }

    /// The index of `name` in the list.
    fn find(&self, name: &[u8]) -> Option<usize> {
        let mask = self.table.len().wrapping_sub(1);
        let mut slot = (name_hash(name) >> self.shift) as usize;
        for _ in 0..self.table.len() {
            let i = *self.table.get(slot)?;
            if i == EMPTY_SLOT {
                return None;
            }
            let i = usize::from(i);
            if same(self.list.get(i)?.0.as_bytes(), name) {
                return Some(i);
            }
            slot = (slot + 1) & mask;
        }
        None
    }
}

/// A string's bytes (valid UTF-8), and whether they are all ASCII.
#[derive(Clone, Copy)]
struct Text<'a> {
    bytes: &'a [u8],
    ascii: bool,
}

impl Text<'_> {
    /// Its length in characters (code points, as `minLength`/`maxLength` count).
    fn chars(&self) -> u64 {
        if self.ascii {
            self.bytes.len() as u64
        } else {
            self.bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
        }
    }
}

/// What a value turned out to be, for the type and enum checks.
enum Scalar<'a> {
    Null,
    Bool,
    Int(i64),
    Fraction,
    Str(Text<'a>),
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// A string without escapes (after the opening quote), checked as UTF-8 (when it is not
    /// ASCII: most are, and `from_utf8` on each cost more than the scan). Scanned eight
    /// bytes at a time ([`attention`]): byte by byte, this scan was the fast path's largest
    /// cost (1,445 of about 4,300 instructions a request, callgrind, 20,000 seed ES requests).
    #[inline(always)]
    fn string(&mut self) -> Option<Text<'a>> {
        let rest = self.b.get(self.i..)?;
        let mut at = 0;
        let mut ascii = true;
        loop {
            if let Some((chunk, _)) = rest.get(at..).and_then(<[u8]>::split_first_chunk::<8>) {
                let flags = attention(u64::from_le_bytes(*chunk));
                if flags == 0 {
                    at += 8;
                    continue;
                }
                at += (flags.trailing_zeros() / 8) as usize;
            } else {
                while let Some(&c) = rest.get(at) {
                    if c == b'"' || c == b'\\' || !(0x20..0x80).contains(&c) {
                        break;
                    }
                    at += 1;
                }
            }
            match *rest.get(at)? {
                b'"' => break,
                c if c >= 0x80 => {
                    ascii = false;
                    at += 1;
                }
                // an escape (left to `serde_json`) or a raw control character (not JSON)
                _ => return None,
            }
        }
        let bytes = rest.get(..at)?;
        if !ascii {
            std::str::from_utf8(bytes).ok()?;
        }
        self.i += at + 1;
        Some(Text { bytes, ascii })
    }

    /// A number in JSON's grammar; `Int` for at most 18 digits and no fraction or exponent.
    fn number(&mut self) -> Option<Scalar<'a>> {
        let start = self.i;
        self.eat(b'-');
        let digits_from = self.i;
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        let int_digits = self.i - digits_from;
        // `-0` is a float to `serde_json`: left to it
        let negative_zero = self.i == digits_from + 1
            && start != digits_from
            && self.b.get(digits_from) == Some(&b'0');
        let mut fraction = false;
        if self.eat(b'.') {
            let from = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            if self.i == from {
                return None;
            }
            fraction = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            return None;
        }
        if fraction {
            return Some(Scalar::Fraction);
        }
        if int_digits > 18 || negative_zero {
            return None;
        }
        // at most 18 digits: no overflow
        let digits = self.b.get(digits_from..self.i)?;
        let n = digits
            .iter()
            .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
        Some(Scalar::Int(if start == digits_from { n } else { -n }))
    }

    /// Parses one value at the cursor and checks it against `node`; `None`: unsure.
    fn value(&mut self, schema: &Schema, node: usize, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let checks = match schema.resolve(node)? {
            Node::Any => None,
            Node::Checks(c) => Some(&**c),
            Node::Never | Node::Unsupported | Node::Ref(_) => return None,
        };
        let types = checks.map_or(0, |c| c.types);
        let allowed = |t: u8| types == 0 || types & t != 0;
        let scalar = match self.peek()? {
            b'{' => {
                if !allowed(T_OBJ) || checks.is_some_and(|c| c.enum_str.is_some()) {
                    return None;
                }
                self.i += 1;
                return self.object(schema, checks, depth);
            }
            b'[' => {
                if !allowed(T_ARR) || checks.is_some_and(|c| c.enum_str.is_some()) {
                    return None;
                }
                self.i += 1;
                return self.array(schema, checks, depth);
            }
            b'"' => {
                self.i += 1;
                Scalar::Str(self.string()?)
            }
            b't' => {
                self.literal(b"true")?;
                Scalar::Bool
            }
            b'f' => {
                self.literal(b"false")?;
                Scalar::Bool
            }
            b'n' => {
                self.literal(b"null")?;
                Scalar::Null
            }
            _ => self.number()?,
        };
        let Some(c) = checks else { return Some(()) };
        match scalar {
            Scalar::Null => (allowed(T_NULL) && c.enum_str.is_none()).then_some(()),
            Scalar::Bool => (allowed(T_BOOL) && c.enum_str.is_none()).then_some(()),
            Scalar::Fraction => {
                // 1.0 is an integer to `jsonschema`; bounds on fractions are left to it
                let plain = types == 0 || types & T_NUM != 0;
                (plain && c.enum_str.is_none() && c.minimum.is_none() && c.maximum.is_none())
                    .then_some(())
            }
            Scalar::Int(n) => (allowed(T_INT)
                && c.enum_str.is_none()
                && c.minimum.is_none_or(|m| n >= m)
                && c.maximum.is_none_or(|m| n <= m))
            .then_some(()),
            Scalar::Str(s) => {
                if !allowed(T_STR) {
                    return None;
                }
                if let Some(options) = &c.enum_str
                    && !options.iter().any(|o| same(o.as_bytes(), s.bytes))
                {
                    return None;
                }
                if c.min_len.is_some() || c.max_len.is_some() {
                    let n = s.chars();
                    if c.min_len.is_some_and(|m| n < m) || c.max_len.is_some_and(|m| n > m) {
                        return None;
                    }
                }
                match &c.pattern {
                    Some(p) if !p.0.is_match(s.bytes) => None,
                    _ => Some(()),
                }
            }
        }
    }

    fn object(&mut self, schema: &Schema, checks: Option<&Checks>, depth: u32) -> Option<()> {
        let mut seen: u128 = 0;
        self.ws();
        if !self.eat(b'}') {
            loop {
                self.ws();
                if !self.eat(b'"') {
                    return None;
                }
                let key = self.string()?;
                self.ws();
                if !self.eat(b':') {
                    return None;
                }
                let target = match checks {
                    None => None,
                    Some(c) => match c.properties.find(key.bytes) {
                        Some(bit) => {
                            let mask = 1u128 << bit;
                            if seen & mask != 0 {
                                // sent twice: `serde_json` keeps the last, in the first's place
                                return None;
                            }
                            seen |= mask;
                            Some(c.properties.list.get(bit)?.1)
                        }
                        None => match c.additional {
                            Additional::Allow => None,
                            Additional::Deny => return None,
                            Additional::Schema(at) => Some(at),
                        },
                    },
                };
                match target {
                    Some(at) => self.value(schema, at, depth + 1)?,
                    None => self.any(depth + 1)?,
                }
                self.ws();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        let c = match checks {
            Some(c) => c,
            None => return Some(()),
        };
        (seen & c.required == c.required).then_some(())
    }

    fn array(&mut self, schema: &Schema, checks: Option<&Checks>, depth: u32) -> Option<()> {
        let mut n: u64 = 0;
        self.ws();
        if !self.eat(b']') {
            loop {
                match checks.and_then(|c| c.items) {
                    Some(at) => self.value(schema, at, depth + 1)?,
                    None => self.any(depth + 1)?,
                }
                n += 1;
                self.ws();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b']') {
                    break;
                }
                return None;
            }
        }
        let Some(c) = checks else { return Some(()) };
        (c.min_items.is_none_or(|m| n >= m) && c.max_items.is_none_or(|m| n <= m)).then_some(())
    }

    /// Any JSON value (checked for syntax only).
    fn any(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => {
                self.i += 1;
                self.object_any(depth)
            }
            b'[' => {
                self.i += 1;
                self.array(&EMPTY, None, depth)
            }
            b'"' => {
                self.i += 1;
                self.string().map(|_| ())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    fn object_any(&mut self, depth: u32) -> Option<()> {
        self.object(&EMPTY, None, depth)
    }
}

/// The schema used where any value is accepted (no nodes are ever looked up in it).
static EMPTY: Schema = Schema { nodes: Vec::new() };

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::{Fast, Schema};
    use serde_json::{Value, json};

    fn fast(schema: Value, body: &str) -> Fast {
        let defs = json!({
            "Node": {"type": "object", "properties": {"N": {"type": "integer"}}, "required": ["N"],
                     "description": "x", "x-doc-type": "Node"},
            "Tree": {"type": "object", "properties": {"Kids": {"type": "array", "items": {"$ref": "#/definitions/Tree"}}}}
        });
        Schema::compile(&schema, &defs).check(body.as_bytes())
    }

    fn js(schema: &Value, body: &str) -> bool {
        let mut s = schema.clone();
        if let Value::Object(m) = &mut s {
            m.insert(
                "definitions".into(),
                json!({
                    "Node": {"type": "object", "properties": {"N": {"type": "integer"}}, "required": ["N"]},
                    "Tree": {"type": "object", "properties": {"Kids": {"type": "array", "items": {"$ref": "#/definitions/Tree"}}}}
                }),
            );
        }
        let v: Value = if body.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(body).unwrap_or(Value::Null)
        };
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .build(&s)
            .map(|val| val.is_valid(&v))
            .unwrap_or(false)
    }

    /// Each case: the fast path's answer, and `jsonschema`'s own on the same body (so that an
    /// expected `Valid` is confirmed independently).
    fn case(schema: Value, body: &str, want: Fast) {
        assert_eq!(fast(schema.clone(), body), want, "{schema} on {body}");
        if want == Fast::Valid {
            assert!(
                js(&schema, body),
                "jsonschema disagrees: {schema} on {body}"
            );
        }
    }

    #[test]
    fn same_is_slice_equality() {
        // every length up to 20 against every one-byte change and every other length
        let base: Vec<u8> = (b'a'..=b'z').collect();
        for n in 0..=20 {
            let a = &base[..n];
            for m in 0..=20 {
                assert_eq!(super::same(a, &base[..m]), n == m, "{n} {m}");
            }
            for at in 0..n {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!super::same(a, &b), "{n}: byte {at} changed");
            }
        }
    }

    #[test]
    fn object_properties_required_additional() {
        let s = json!({"type": "object", "properties": {"A": {"type": "string"}, "B": {"type": "integer"}},
                       "required": ["A"], "additionalProperties": false});
        case(s.clone(), r#"{"A": "x", "B": 3}"#, Fast::Valid);
        case(s.clone(), r#" {"A":"x"} "#, Fast::Valid);
        case(s.clone(), r#"{"B": 3}"#, Fast::Unsure); // missing required
        case(s.clone(), r#"{"A": "x", "C": 1}"#, Fast::Unsure); // additional
        case(s.clone(), r#"{"A": "x", "A": "y"}"#, Fast::Unsure); // duplicate
        case(s.clone(), r#"{"A": 1}"#, Fast::Unsure); // type
        case(s.clone(), r#"{"A": "x"} x"#, Fast::Unsure); // trailing
        case(s.clone(), r#"{"A": "x",}"#, Fast::Unsure); // not JSON
        case(s, "  ", Fast::Unsure); // blank is {}: A is missing
        let open = json!({"type": "object", "properties": {"A": {"type": "string"}}});
        case(open.clone(), "", Fast::Valid);
        case(
            open.clone(),
            r#"{"Z": [1, {"q": null}], "A": "s"}"#,
            Fast::Valid,
        );
        case(open, r#"{"Z": [1, {"q": nul}]}"#, Fast::Unsure);
        let typed = json!({"type": "object", "additionalProperties": {"type": "string"}});
        case(typed.clone(), r#"{"k": "v"}"#, Fast::Valid);
        case(typed, r#"{"k": 1}"#, Fast::Unsure);
    }

    #[test]
    fn types_and_numbers() {
        let s = json!({"type": "object", "properties": {"I": {"type": "integer"}, "N": {"type": "number"},
                       "B": {"type": "boolean"}, "Z": {"type": "null"}, "IS": {"type": ["integer", "string"]}}});
        case(
            s.clone(),
            r#"{"I": -12, "N": 1.5, "B": false, "Z": null, "IS": "7"}"#,
            Fast::Valid,
        );
        case(s.clone(), r#"{"IS": 7}"#, Fast::Valid);
        case(s.clone(), r#"{"I": 1.5}"#, Fast::Unsure);
        case(s.clone(), r#"{"I": 1.0}"#, Fast::Unsure); // an integer to jsonschema: left to it
        case(s.clone(), r#"{"N": 1e400}"#, Fast::Unsure); // serde_json refuses it
        case(s.clone(), r#"{"I": 01}"#, Fast::Unsure);
        case(s.clone(), r#"{"I": 12345678901234567890}"#, Fast::Unsure);
        case(s.clone(), r#"{"I": "1"}"#, Fast::Unsure);
        case(s.clone(), r#"{"B": "true"}"#, Fast::Unsure);
        case(s, r#"{"IS": true}"#, Fast::Unsure);
    }

    #[test]
    fn enum_and_lengths_and_pattern() {
        let s = json!({"type": "object", "properties": {
            "E": {"type": "string", "enum": ["hotData", "warmData"]},
            "L": {"type": "string", "minLength": 2, "maxLength": 3},
            "P": {"type": ["integer", "string"], "pattern": "^-?[0-9]+$"}}});
        case(
            s.clone(),
            r#"{"E": "warmData", "L": "中文", "P": "-12"}"#,
            Fast::Valid,
        );
        case(s.clone(), r#"{"P": 5}"#, Fast::Valid); // the pattern applies to strings only
        case(s.clone(), r#"{"E": "coldData"}"#, Fast::Unsure);
        case(s.clone(), r#"{"L": "a"}"#, Fast::Unsure);
        case(s.clone(), r#"{"L": "abcd"}"#, Fast::Unsure);
        case(s.clone(), r#"{"P": "12a"}"#, Fast::Unsure);
        case(s.clone(), r#"{"E": "warm\u0044ata"}"#, Fast::Unsure); // escapes: left to serde_json
        case(s, "{\"L\": \"a\tb\"}", Fast::Unsure); // a raw control character: not JSON
    }

    #[test]
    fn minimum_maximum() {
        let s = json!({"type": "object", "properties": {"M": {"type": "integer", "minimum": 1, "maximum": 9}}});
        case(s.clone(), r#"{"M": 1}"#, Fast::Valid);
        case(s.clone(), r#"{"M": 9}"#, Fast::Valid);
        case(s.clone(), r#"{"M": 0}"#, Fast::Unsure);
        case(s.clone(), r#"{"M": 10}"#, Fast::Unsure);
        case(s, r#"{"M": 5.5}"#, Fast::Unsure);
    }

    #[test]
    fn arrays_items() {
        let s = json!({"type": "object", "properties": {
            "A": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 2}}});
        case(s.clone(), r#"{"A": ["x"]}"#, Fast::Valid);
        case(s.clone(), r#"{"A": ["x", "y"]}"#, Fast::Valid);
        case(s.clone(), r#"{"A": []}"#, Fast::Unsure);
        case(s.clone(), r#"{"A": ["x", "y", "z"]}"#, Fast::Unsure);
        case(s.clone(), r#"{"A": ["x", 1]}"#, Fast::Unsure);
        case(s, r#"{"A": "x"}"#, Fast::Unsure);
    }

    #[test]
    fn references_and_recursion() {
        let s = json!({"type": "object", "properties": {
            "N": {"$ref": "#/definitions/Node", "description": "d", "x-doc-type": "Node"},
            "T": {"$ref": "#/definitions/Tree"}}});
        case(
            s.clone(),
            r#"{"N": {"N": 1}, "T": {"Kids": [{"Kids": []}, {}]}}"#,
            Fast::Valid,
        );
        case(s.clone(), r#"{"N": {}}"#, Fast::Unsure);
        case(
            s.clone(),
            r#"{"T": {"Kids": [{"Kids": [1]}]}}"#,
            Fast::Unsure,
        );
        let deep = format!(
            "{{\"T\": {}}}",
            "{\"Kids\": [".repeat(100) + &"]}".repeat(100)
        );
        case(s, &deep, Fast::Unsure); // deeper than the fast path follows
        // a sibling of `$ref` that validates (ignored by draft 7): not decided here
        let sib = json!({"type": "object", "properties": {"N": {"$ref": "#/definitions/Node", "type": "string"}}});
        case(sib, r#"{"N": {"N": 1}}"#, Fast::Unsure);
    }

    #[test]
    fn unsupported_keywords_are_unsure() {
        for s in [
            json!({"type": "object", "properties": {"A": {"oneOf": [{"type": "string"}]}}}),
            json!({"type": "object", "properties": {"A": {"type": "string", "format": "email"}}}),
            json!({"type": "object", "properties": {"A": {"type": "string", "pattern": "^\\d+$"}}}),
            json!({"type": "object", "properties": {"A": {"type": "string", "pattern": "^a.b$"}}}),
            json!({"type": "object", "properties": {"A": {"enum": [1, 2]}}}),
            json!({"type": "object", "properties": {"A": {"$ref": "#/definitions/Missing"}}}),
            json!({"type": "object", "properties": {"A": {"$ref": "other.json#/A"}}}),
            json!({"type": "object", "properties": {"A": {"type": "string"}}, "required": ["B"]}),
        ] {
            case(s, r#"{"A": "1"}"#, Fast::Unsure);
        }
        // an unsupported keyword on a property not sent is never reached
        let s =
            json!({"type": "object", "properties": {"A": {"type": "string"}, "B": {"not": {}}}});
        case(s, r#"{"A": "1"}"#, Fast::Valid);
    }
}
