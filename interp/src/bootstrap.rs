//! Node's bootstrap: what a Node 20, 22 or 24 process has loaded before the first line of a
//! script, on top of V8's native context (`sim::bootstrap`).
//!
//! Node's startup (`lib/internal/bootstrap/realm.js`, `node.js`, `main/run_main_module.js`)
//! loads its internal modules through `BuiltinModule` (`lib/internal/bootstrap/realm.js`):
//! one `BuiltinModule` record per builtin id in `BuiltinModule.map`, and for each module
//! actually loaded (`process.moduleLoadList`) its compiled wrapper:
//!
//! * a `Context` holding the module's top-level bindings: its exports, `primordials`
//!   ([`primordials`]) and the exports of the modules it `require`s (the recorded import
//!   graph), so modules reach each other as in Node, through a mesh of contexts rather
//!   than one list;
//! * its exports object: closures (`JSFunction` + `SharedFunctionInfo` located in
//!   `node:ID`, with bytecode as a `Code` object) and classes with their prototypes; the
//!   loader's export `Module` is the interpreter's own `Module` class, whose `_cache` is
//!   `require.cache`, as in Node;
//! * anonymous closures over that context for its other function literals, listed with the
//!   context and exports in the compiled script V8's compilation cache keeps (a
//!   `(Compilation cache)` root).
//!
//! Beside them: Node's 281 error classes (`internal/errors`' `codes`), the C++ internal
//! bindings (plain objects of native functions) in the
//! loader's cache, the globals Node adds (`URL`, `EventTarget`, … — the exporting module's
//! own value when one exports the name, so the global object reaches the module graph as
//! Node's does), `process.moduleLoadList`, and the identifiers of the loaded sources in the
//! string table (`node-names.txt`). The loaders' state (`BuiltinModule` and its `map`, the
//! binding cache) is the context of `internalBinding`, which Node's realm holds in a
//! persistent handle (`Realm::internal_binding_loader`), here a global handle.
//!
//! The tables (`interp/bootstrap/nodeNN/node-modules.tsv`, `node-names.txt`,
//! `startup.tsv`) are recorded from each real Node release by `interp/bootstrap/record.js`:
//! ids, source lengths, function-literal counts, export names and kinds, imports,
//! identifiers, two figures of its compiled code and sources — never sources. What differs
//! between releases beyond the tables' rows:
//!
//! * bytecode: Node 20's rule is a third of a module's source per module (its code cache),
//!   and a later release has as much more as its snapshot shows of V8's per-function code
//!   objects per source character ([`Startup::bytecode_per_char`]: Node 22 compiles far
//!   more of its builtins eagerly into its startup snapshot);
//! * line ends: Node 22's snapshot keeps a line-end table per loaded script (`(script line
//!   ends)`, [`Startup::line_ends_per_char`]), which the others do not show;
//! * sources: Node keeps its modules' sources in its binary and V8 sees them as external
//!   strings. Node 20 and 22 count those outside the JavaScript heap, so they are not
//!   allocated; Node 24's snapshots count each at its length, so for Node 24 each loaded
//!   module's compiled script holds a string of the recorded length (its text is not
//!   recorded: a placeholder naming the module).
//!
//! Everything is built in bulk on the heap (no code runs), in old space as V8's startup
//! snapshot is. A script calling one of these functions gets a `TypeError` naming it
//! (`Interp::not_callable`): they exist for the heap's sake.

use std::collections::HashMap;

use sim::bootstrap::natives::{self, Origin};
use sim::object::code::CodeKind;
use sim::{Handle, Tagged};

use crate::builtins::property;
use crate::eval::{Interp, JsResult};
use format::Format;

/// What `record.js` recorded from one Node release.
#[derive(Clone, Copy, Debug)]
pub struct Tables {
    /// `node-modules.tsv` (see `interp/bootstrap/record.js` for its columns).
    pub modules: &'static str,
    /// `node-names.txt`: the identifiers of the loaded modules' sources, one a line.
    pub names: &'static str,
    /// `startup.tsv`.
    pub startup: &'static str,
}

macro_rules! release_tables {
    ($dir:literal) => {
        Tables {
            modules: include_str!(concat!("../bootstrap/", $dir, "/node-modules.tsv")),
            names: include_str!(concat!("../bootstrap/", $dir, "/node-names.txt")),
            startup: include_str!(concat!("../bootstrap/", $dir, "/startup.tsv")),
        }
    };
}

/// The tables of the Node release that writes `release`'s snapshot layout.
pub fn tables(release: Format) -> Tables {
    match release {
        Format::Node20 => release_tables!("node20"),
        Format::Node22 => release_tables!("node22"),
        Format::Node24 => release_tables!("node24"),
    }
}

/// `startup.tsv`'s figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Startup {
    /// Bytes of V8's per-function code objects per source character of the loaded modules.
    pub bytecode_per_char: f64,
    /// Bytes of the scripts' line-end tables per source character (0: none kept).
    pub line_ends_per_char: f64,
    /// Whether snapshots count the modules' (external) sources at their length.
    pub sources_in_heap: bool,
}

impl Startup {
    fn parse(table: &str) -> Startup {
        let value = |key: &str| {
            sim::bootstrap::table::rows(table)
                .find(|r| r[0] == key)
                .and_then(|r| r.get(1).and_then(|v| v.parse::<f64>().ok()))
                .unwrap_or_else(|| panic!("startup.tsv: no numeric {key}"))
        };
        Startup {
            bytecode_per_char: value("bytecode_per_char"),
            line_ends_per_char: value("line_ends_per_char"),
            sources_in_heap: value("sources_in_heap") != 0.0,
        }
    }
}

/// One release's tables as the builders read them.
struct Release {
    tables: Tables,
    /// V8's tables of the same release (`primordials` mirrors its builtins).
    v8: sim::bootstrap::table::Tables,
    /// The factor on Node 20's bytecode rule.
    bytecode_scale: f64,
    line_ends_per_char: f64,
    sources_in_heap: bool,
}

impl Release {
    fn of(release: Format) -> Release {
        let tables = tables(release);
        let startup = Startup::parse(tables.startup);
        let node20 = Startup::parse(self::tables(Format::Node20).startup);
        Release {
            tables,
            v8: sim::bootstrap::table::tables(release),
            bytecode_scale: startup.bytecode_per_char / node20.bytecode_per_char,
            line_ends_per_char: startup.line_ends_per_char,
            sources_in_heap: startup.sources_in_heap,
        }
    }
}

/// What Node's loaders keep, in the context of `internalBinding`
/// (`lib/internal/bootstrap/realm.js`'s closure over them).
const LOADER_STATE: [&str; 2] = ["BuiltinModule", "bindingObj"];

/// The module whose context holds the Node globals no module exports (it sets up the
/// process's globals before the main script runs).
const GLOBALS_HOME: &str = "internal/process/pre_execution";

/// One row of [`Tables::modules`].
struct Row<'t> {
    kind: &'t str,
    id: &'t str,
    source: usize,
    functions: usize,
    exports: &'t str,
    imports: &'t str,
}

fn rows(table: &'static str) -> impl Iterator<Item = Row<'static>> {
    sim::bootstrap::table::rows(table).map(|r| Row {
        kind: r[0],
        id: r[1],
        source: r[2].parse().unwrap_or(0),
        functions: r[3].parse().unwrap_or(0),
        exports: r.get(4).copied().unwrap_or(""),
        imports: r.get(5).copied().unwrap_or(""),
    })
}

/// A loaded module's wrapper context and exports.
#[derive(Clone, Copy)]
struct Loaded {
    context: Handle,
    exports: Handle,
    /// Context slots before the imports (one per export).
    first_import: usize,
}

/// Builds the bootstrap state of the Node release that writes `release`'s snapshots into
/// the realm (after the prelude, which made `process`).
pub fn install(it: &mut Interp<'_>, release: Format) -> JsResult<()> {
    let was = it.heap.set_pretenuring(true);
    let scope = it.heap.open_handle_scope();
    let r = install_all(it, &Release::of(release));
    it.heap.close_handle_scope(scope);
    it.heap.set_pretenuring(was);
    r
}

fn install_all(it: &mut Interp<'_>, release: &Release) -> JsResult<()> {
    for name in release.tables.names.lines() {
        it.heap.internalize(name)?;
    }
    let registry = it.heap.alloc_js_map()?;
    let registry = it.heap.handle(registry);
    let bindings = it.plain_object(4)?;
    let primordials = primordials(it, release.v8.builtins)?;
    let mut loaded: HashMap<&str, Loaded> = HashMap::new();
    let mut load_list = Vec::new();
    for row in rows(release.tables.modules) {
        match row.kind {
            "module" => {
                let m = module(it, &row, primordials, release)?;
                builtin_module(it, row.id, Some(m.exports), registry)?;
                loaded.insert(row.id, m);
                load_list.push(format!("NativeModule {}", row.id));
            }
            "unloaded" => builtin_module(it, row.id, None, registry)?,
            "binding" => {
                binding(it, &row, bindings)?;
                load_list.push(format!("Internal Binding {}", row.id));
            }
            _ => {}
        }
    }
    link_imports(it, &loaded, release.tables.modules);
    error_codes(it, &loaded, release.tables.modules)?;
    for row in rows(release.tables.modules).filter(|r| r.kind == "global") {
        node_global(it, &row, &loaded, release.tables.modules)?;
    }
    let loader = loader(it, registry, bindings)?;
    it.heap.new_global_handle(loader);
    let items = load_list
        .iter()
        .map(|e| it.string(e))
        .collect::<JsResult<Vec<_>>>()?;
    let list = it.array(&items)?;
    let process = global_value(it, "process")?;
    property(it, process, "moduleLoadList", list)
}

fn global_value(it: &mut Interp<'_>, name: &str) -> JsResult<Handle> {
    let n = it.intern(name)?;
    let g = it.heap.global();
    let g = it.heap.handle(g);
    it.get(g, n)
}

/// `NAME/KIND` pairs of an exports column.
fn exports(col: &str) -> impl Iterator<Item = (&str, &str)> {
    col.split(',')
        .filter(|e| !e.is_empty())
        .map(|e| e.rsplit_once('/').unwrap_or((e, "v")))
}

/// The ids of an imports column.
fn imports(col: &str) -> impl Iterator<Item = &str> {
    col.split(',').filter(|e| !e.is_empty())
}

/// A loaded module: its wrapper's context, its exports object, and closures for its other
/// function literals, listed in its compiled script under the compilation cache root (with
/// its source, where the release counts it).
fn module(
    it: &mut Interp<'_>,
    row: &Row<'_>,
    primordials: Handle,
    release: &Release,
) -> JsResult<Loaded> {
    let script = format!("node:{}", row.id);
    let mut names: Vec<&str> = exports(row.exports).map(|(n, _)| n).collect();
    let own = names.len();
    names.push("primordials");
    names.extend(imports(row.imports));
    let u = it.heap.undefined_value();
    let ctx = it.heap.alloc_context(u, &names)?;
    let p = it.heap.get(primordials);
    it.heap.context_set(ctx, own, p);
    let ctx = it.heap.handle(ctx);
    let first_import = own + 1;
    let exp = it.plain_object(own.min(4))?;
    let bytecode = bytecode_size(row, release.bytecode_scale);
    let mut closures = 0;
    for (i, (name, kind)) in exports(row.exports).enumerate() {
        let v = match export(it, row.id, name, kind, &script, ctx, bytecode)? {
            Some(v) => v,
            None => continue,
        };
        closures += matches!(kind, "f" | "c") as usize;
        property(it, exp, name, v)?;
        let (c, v) = (it.heap.get(ctx), it.heap.get(v));
        it.heap.context_set(c, i, v);
    }
    let others = row.functions.saturating_sub(closures);
    // Context, exports, then what the release keeps of the script, then the closures.
    let script_parts = script_parts(it, row, release)?;
    let first_closure = 2 + script_parts.len();
    let list = it.heap.alloc_fixed_array(first_closure + others)?;
    let (x, e) = (it.heap.get(ctx), it.heap.get(exp));
    it.heap.fixed_array_set(list, 0, x);
    it.heap.fixed_array_set(list, 1, e);
    for (i, part) in script_parts.into_iter().enumerate() {
        let p = it.heap.get(part);
        it.heap.fixed_array_set(list, 2 + i, p);
    }
    let list = it.heap.handle(list);
    // The module's other function literals: anonymous closures over its context (inner
    // functions, callbacks, methods of unexported classes).
    for i in 0..others {
        let f = closure(it, "", &script, ctx, bytecode, false)?;
        let (l, f) = (it.heap.get(list), it.heap.get(f));
        it.heap.fixed_array_set(l, first_closure + i, f);
    }
    let l = it.heap.get(list);
    it.heap.add_root(sim::RootKind::CompilationCache, l);
    Ok(Loaded {
        context: ctx,
        exports: exp,
        first_import,
    })
}

/// The value of export `name` of kind `kind` (`None` for a value the table does not
/// record).
fn export(
    it: &mut Interp<'_>,
    id: &str,
    name: &str,
    kind: &str,
    script: &str,
    ctx: Handle,
    bytecode: usize,
) -> JsResult<Option<Handle>> {
    Ok(Some(match kind {
        "c" if id == "internal/modules/cjs/loader" && name == "Module" => {
            crate::modules::module_class(it)
        }
        "f" => closure(it, name, script, ctx, bytecode, false)?,
        "c" => closure(it, name, script, ctx, bytecode, true)?,
        "o" => it.plain_object(0)?,
        _ => return Ok(None),
    }))
}

/// A closure `name` of `script` over `ctx`, with its bytecode; a class when `class`.
fn closure(
    it: &mut Interp<'_>,
    name: &str,
    script: &str,
    ctx: Handle,
    bytecode: usize,
    class: bool,
) -> JsResult<Handle> {
    let code = it
        .heap
        .alloc_code(name, bytecode, CodeKind::BytecodeHandler)?;
    let origin = Origin {
        script,
        context: it.heap.get(ctx),
    };
    let f = if class {
        natives::constructor(&mut it.heap, name, 0, origin, Some(code), name)?
    } else {
        natives::function(&mut it.heap, name, 0, origin, Some(code))?
    };
    Ok(it.heap.handle(f))
}

/// Node's `primordials` (`lib/internal/per_context/primordials.js`), which every builtin
/// module's wrapper receives: each builtin constructor and namespace under its name, their
/// static methods as themselves under `NameKey` (`ObjectKeys`), and their prototype methods
/// uncurried (`uncurryThis`: a new function taking `this` first) under `NamePrototypeKey`
/// (`ArrayPrototypePush`). Past V8's fast-property limit the object is in dictionary mode,
/// as Node's is.
fn primordials(it: &mut Interp<'_>, builtins: &'static str) -> JsResult<Handle> {
    let p = it.plain_object(4)?;
    let script = "node:internal/per_context/primordials";
    let u = it.undefined();
    for b in sim::bootstrap::table::builtins(builtins) {
        use sim::bootstrap::table::PropertyKind;
        let top = !b.holder.contains('.') && b.holder != "global";
        let value = match b.kind {
            PropertyKind::Constructor | PropertyKind::Object if b.holder == "global" => {
                natives::resolve(&it.heap, b.name)
            }
            PropertyKind::Function if top => {
                natives::resolve(&it.heap, b.holder).and_then(|h| it.heap.get_property(h, b.name))
            }
            PropertyKind::Function
                if b.holder.matches('.').count() == 1 && b.holder.ends_with(".prototype") =>
            {
                let f = closure(it, b.name, script, u, 0, false)?;
                Some(it.heap.get(f))
            }
            _ => None,
        };
        let Some(v) = value else { continue };
        let key = if b.holder == "global" {
            b.name.to_string()
        } else {
            natives::builtin_name(b.holder, b.name)
        };
        let v = it.heap.handle(v);
        property(it, p, &key, v)?;
    }
    Ok(p)
}

/// Node's error classes (`lib/internal/errors.js`: `E(code, message, Base)` makes each
/// with `makeNodeErrorWithCode`): per code in `codes`, a `NodeError` closure and its
/// prototype's own `toString`, closures of the same two function literals over the
/// module's context, the prototype of class `Base` (`TypeError`) as V8 names it.
fn error_codes(
    it: &mut Interp<'_>,
    loaded: &HashMap<&str, Loaded>,
    modules: &'static str,
) -> JsResult<()> {
    let Some(errors) = loaded.get("internal/errors") else {
        return Ok(());
    };
    let Some(codes) = it.heap.get_property(it.heap.get(errors.exports), "codes") else {
        return Ok(());
    };
    let codes = it.heap.handle(codes);
    let script = "node:internal/errors";
    let pos = sim::object::closure::SourcePosition { line: 0, column: 0 };
    let ctor = it
        .heap
        .alloc_shared_function_info("NodeError", script, pos, 0)?;
    let ctor = it.heap.handle(ctor);
    let to_string = it
        .heap
        .alloc_shared_function_info("toString", script, pos, 0)?;
    let to_string = it.heap.handle(to_string);
    for row in rows(modules).filter(|r| r.kind == "error") {
        let f = another_closure(it, ctor, errors.context)?;
        let proto = natives::object(&mut it.heap, row.exports)?;
        let proto = it.heap.handle(proto);
        let (fv, pv) = (it.heap.get(f), it.heap.get(proto));
        it.heap
            .set_field(fv, sim::object::closure::PROTOTYPE_OR_INITIAL_MAP, pv);
        property(it, proto, "constructor", f)?;
        let m = another_closure(it, to_string, errors.context)?;
        property(it, proto, "toString", m)?;
        property(it, codes, row.id, f)?;
    }
    Ok(())
}

/// A new closure of the function literal `sfi` over `ctx`.
fn another_closure(it: &mut Interp<'_>, sfi: Handle, ctx: Handle) -> JsResult<Handle> {
    let (s, c) = (it.heap.get(sfi), it.heap.get(ctx));
    let f = it.heap.alloc_closure(s, c)?;
    Ok(it.heap.handle(f))
}

/// Fills each module's import slots with the exports of the modules it requires.
fn link_imports(it: &mut Interp<'_>, loaded: &HashMap<&str, Loaded>, modules: &'static str) {
    for row in rows(modules).filter(|r| r.kind == "module") {
        let m = loaded[row.id];
        for (i, id) in imports(row.imports).enumerate() {
            let v = match loaded.get(id) {
                Some(dep) => it.heap.get(dep.exports),
                None => it.heap.undefined_value(),
            };
            let c = it.heap.get(m.context);
            it.heap.context_set(c, m.first_import + i, v);
        }
    }
}

/// Bytes of bytecode per function of a module: Node 20 compiles its builtins from a code
/// cache, and V8's bytecode runs at about a third of the size of the source it comes from
/// (Node 20's `BytecodeArray`s average 160 B; its builtin functions, about 300 characters
/// of source each); a later release's `scale` times that.
fn bytecode_size(row: &Row<'_>, scale: f64) -> usize {
    let node20 = row.source / (3 * row.functions.max(1));
    (node20 as f64 * scale).round() as usize
}

/// What the release's snapshots show a loaded module's compiled script holding beside its
/// functions: its source (Node 24) and its line-end table (Node 22), at the recorded sizes.
fn script_parts(it: &mut Interp<'_>, row: &Row<'_>, release: &Release) -> JsResult<Vec<Handle>> {
    let mut parts = Vec::new();
    if release.sources_in_heap {
        parts.push(source_placeholder(it, row)?);
    }
    if release.line_ends_per_char > 0.0 {
        let bytes = (row.source as f64 * release.line_ends_per_char).round() as usize;
        let table = it
            .heap
            .alloc_code("(script line ends)", bytes, CodeKind::BytecodeHandler)?;
        parts.push(it.heap.handle(table));
    }
    Ok(parts)
}

/// A one-byte string of the module's recorded source length, standing for the source its
/// compiled script holds (the text is not recorded).
fn source_placeholder(it: &mut Interp<'_>, row: &Row<'_>) -> JsResult<Handle> {
    let mut text = format!("// node:{} (source not recorded)\n", row.id);
    let width = row.source.max(text.len());
    text.extend(std::iter::repeat_n(' ', width - text.len()));
    it.string(&text)
}

/// The `BuiltinModule` record of `id` (`loaded` when it has `exports`), in the registry.
fn builtin_module(
    it: &mut Interp<'_>,
    id: &str,
    exports: Option<Handle>,
    registry: Handle,
) -> JsResult<()> {
    let m = it.heap.alloc_object_of_class("BuiltinModule", 6)?;
    let m = it.heap.handle(m);
    let key = it.string(id)?;
    property(it, m, "id", key)?;
    let filename = it.string(&format!("{id}.js"))?;
    property(it, m, "filename", filename)?;
    let public = it.boolean(!id.starts_with("internal/"));
    property(it, m, "canBeRequiredByUsers", public)?;
    let loaded = it.boolean(exports.is_some());
    property(it, m, "loaded", loaded)?;
    let exp = exports.unwrap_or_else(|| it.undefined());
    property(it, m, "exports", exp)?;
    let (r, k, v) = (it.heap.get(registry), it.heap.get(key), it.heap.get(m));
    it.heap.collection_set(r, k, v)?;
    Ok(())
}

/// A C++ internal binding: a plain object of native functions, in the loader's cache.
fn binding(it: &mut Interp<'_>, row: &Row<'_>, cache: Handle) -> JsResult<()> {
    let b = it.plain_object(4)?;
    let native = Origin {
        script: "",
        context: it.heap.undefined_value(),
    };
    for name in row.exports.split(',').filter(|n| !n.is_empty()) {
        let f = natives::function(&mut it.heap, name, 0, native, None)?;
        let f = it.heap.handle(f);
        property(it, b, name, f)?;
    }
    property(it, cache, row.id, b)
}

/// A global Node adds (`URL`, `structuredClone`), unless the realm has it: the value a
/// loaded module exports under that name, else a function of [`GLOBALS_HOME`].
fn node_global(
    it: &mut Interp<'_>,
    row: &Row<'_>,
    loaded: &HashMap<&str, Loaded>,
    modules: &'static str,
) -> JsResult<()> {
    let g = it.heap.global();
    if it.heap.get_property(g, row.id).is_some() {
        return Ok(());
    }
    let exported = rows(modules)
        .filter(|r| r.kind == "module" && exports(r.exports).any(|(n, _)| n == row.id))
        .find_map(|r| loaded.get(r.id))
        .and_then(|m| it.heap.get_property(it.heap.get(m.exports), row.id));
    let v = match exported {
        Some(v) => it.heap.handle(v),
        None => {
            let home = loaded.get(GLOBALS_HOME).map(|m| m.context);
            let ctx = home.unwrap_or_else(|| it.undefined());
            let script = format!("node:{GLOBALS_HOME}");
            match row.exports {
                "object" => it.plain_object(4)?,
                "function" => closure(it, row.id, &script, ctx, 0, false)?,
                _ => closure(it, row.id, &script, ctx, 0, true)?,
            }
        }
    };
    crate::builtins::global(it, row.id, v)
}

/// `internalBinding`, whose context holds the loaders' state: the `BuiltinModule` class
/// with its `map` (the registry) and the bindings loaded.
fn loader(it: &mut Interp<'_>, registry: Handle, bindings: Handle) -> JsResult<Tagged> {
    let u = it.heap.undefined_value();
    let native = Origin {
        script: "",
        context: u,
    };
    let class = natives::constructor(
        &mut it.heap,
        "BuiltinModule",
        1,
        native,
        None,
        "BuiltinModule",
    )?;
    let class = it.heap.handle(class);
    property(it, class, "map", registry)?;
    let ctx = it.heap.alloc_context(u, &LOADER_STATE)?;
    for (i, h) in [class, bindings].into_iter().enumerate() {
        let v = it.heap.get(h);
        it.heap.context_set(ctx, i, v);
    }
    let origin = Origin {
        script: "node:internal/bootstrap/realm",
        context: ctx,
    };
    Ok(natives::function(
        &mut it.heap,
        "internalBinding",
        1,
        origin,
        None,
    )?)
}
