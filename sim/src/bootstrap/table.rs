//! The recorded tables: tab-separated rows, as `interp/bootstrap/record.js` writes them
//! from each Node release heapsim simulates, one folder per release (`node20/`, `node22/`,
//! `node24/`; its doc comment describes each column).

use format::Format;

/// V8's tables of one Node release.
#[derive(Clone, Copy, Debug)]
pub struct Tables {
    /// V8's builtins table: `NAME SIZE` per builtin `Code` object.
    pub builtin_code: &'static str,
    /// The global object's builtins: `HOLDER NAME KIND LENGTH` per own property.
    pub builtins: &'static str,
}

macro_rules! release_tables {
    ($dir:literal) => {
        Tables {
            builtin_code: include_str!(concat!($dir, "/v8-builtin-code.tsv")),
            builtins: include_str!(concat!($dir, "/v8-builtins.tsv")),
        }
    };
}

/// The tables recorded from the Node release that writes `release`'s snapshot layout.
pub fn tables(release: Format) -> Tables {
    match release {
        Format::Node20 => release_tables!("node20"),
        Format::Node22 => release_tables!("node22"),
        Format::Node24 => release_tables!("node24"),
    }
}

/// The tab-separated fields of each non-empty line of `table`.
pub fn rows(table: &str) -> impl Iterator<Item = Vec<&str>> {
    table
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').collect())
}

/// What a recorded own property is (the `KIND` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// A function without a `prototype`.
    Function,
    /// A function with a `prototype` (its statics and prototype are holders of their own).
    Constructor,
    /// A namespace object (`Math`, `Intl`), a holder of its own.
    Object,
    /// A getter/setter pair.
    Accessor,
    /// Any other value.
    Value,
}

impl PropertyKind {
    pub fn parse(s: &str) -> Option<PropertyKind> {
        Some(match s {
            "function" => PropertyKind::Function,
            "constructor" => PropertyKind::Constructor,
            "object" => PropertyKind::Object,
            "accessor" => PropertyKind::Accessor,
            "value" => PropertyKind::Value,
            _ => return None,
        })
    }
}

/// One row of [`Tables::builtins`].
#[derive(Clone, Copy, Debug)]
pub struct Builtin<'t> {
    /// Path from the global object: `global`, `Array`, `Array.prototype`.
    pub holder: &'t str,
    pub name: &'t str,
    pub kind: PropertyKind,
    pub length: u32,
}

/// The rows of a [`Tables::builtins`] table (a malformed row is a bug in the committed
/// table).
pub fn builtins(table: &'static str) -> impl Iterator<Item = Builtin<'static>> {
    rows(table).map(|r| Builtin {
        holder: r[0],
        name: r[1],
        kind: PropertyKind::parse(r[2]).expect("v8-builtins.tsv: known kind"),
        length: r[3].parse().expect("v8-builtins.tsv: numeric length"),
    })
}
