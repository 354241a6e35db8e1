//! The recorded tables: tab-separated rows, as `interp/bootstrap/record.js` writes them
//! from Node 20 (its doc comment describes each column).

/// V8's builtins table: `NAME SIZE` per builtin `Code` object.
pub const BUILTIN_CODE: &str = include_str!("v8-builtin-code.tsv");
/// The global object's builtins: `HOLDER NAME KIND LENGTH` per own property.
pub const BUILTINS: &str = include_str!("v8-builtins.tsv");

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

/// One row of [`BUILTINS`].
#[derive(Clone, Copy, Debug)]
pub struct Builtin<'t> {
    /// Path from the global object: `global`, `Array`, `Array.prototype`.
    pub holder: &'t str,
    pub name: &'t str,
    pub kind: PropertyKind,
    pub length: u32,
}

/// The rows of [`BUILTINS`] (a malformed row is a bug in the committed table).
pub fn builtins() -> impl Iterator<Item = Builtin<'static>> {
    rows(BUILTINS).map(|r| Builtin {
        holder: r[0],
        name: r[1],
        kind: PropertyKind::parse(r[2]).expect("v8-builtins.tsv: known kind"),
        length: r[3].parse().expect("v8-builtins.tsv: numeric length"),
    })
}
