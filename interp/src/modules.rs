//! CommonJS modules: `require`, `Module` objects and `require.cache`, after Node's
//! `lib/internal/modules/cjs/loader.js`.
//!
//! `require(spec)` resolves `spec` against the requiring module's directory (`./x.js`,
//! `../y`, `.js` added when the bare path is not found), or names a prelude module
//! (`events`, `timers`). A file is loaded once: its `Module` (`id`, `path`, `exports`,
//! `filename`, `loaded`, `children`, `parent`) enters `require.cache` under its filename
//! and its parent's `children` before its code runs, wrapped as Node wraps it
//! (`function (exports, require, module, __filename, __dirname)`); a module that throws
//! leaves the cache again. Deleting the cache entry makes the next `require` load a new
//! `Module`, which the parent's `children` gains too — the hot-reload leak. Each module's
//! `require` (with `resolve` and `cache`) is a native closure over a `Context` holding the
//! module, as Node's `makeRequireFunction` closes over it. Differences from Node: `parent`
//! is an own property (Node keeps it behind a symbol and a deprecated getter); there is no
//! `paths`, `require.main` or `node_modules` lookup.

use std::collections::HashMap;

use sim::object::closure;
use sim::{GlobalHandle, Handle};

use crate::builtins::{arg, property};
use crate::error::{ErrorKind, ScriptError};
use crate::eval::{Abort, Interp, JsResult, NativeCall};
use crate::ir::FuncId;
use crate::lower::{LowerError, Lowerer};
use crate::value::Kind;

/// Reads a module's source by filename.
pub type ReadSource = Box<dyn Fn(&str) -> Option<String>>;

/// The loader's per-run state.
#[derive(Default)]
pub struct Loader {
    /// Where files come from; the file system when unset.
    pub read: Option<ReadSource>,
    /// Prelude modules by name (`events`, `timers`): their exports.
    pub builtin: HashMap<String, GlobalHandle>,
    shared: Option<Shared>,
}

#[derive(Clone, Copy)]
struct Shared {
    module_ctor: GlobalHandle,
    cache: GlobalHandle,
    require: GlobalHandle,
    resolve: GlobalHandle,
    /// The `ScopeInfo` of a `require`'s context: `module`.
    scope_info: GlobalHandle,
}

/// Creates the `Module` class and the `require.cache` object.
pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    let op = it.intrinsic(crate::realm::Intrinsic::ObjectPrototype);
    let op = it.heap.handle(op);
    let proto = it.object_with_prototype(op)?;
    // `Module` is the loader's class, not a global.
    let ctor = crate::builtins::class(it, "Module", new_module, 2, proto)?;
    let cache = it.plain_object(4)?;
    // Node's `require.cache` is `Module._cache`.
    property(it, ctor, "_cache", cache)?;
    let require = it.native_shared("require", require, 1)?;
    let resolve = it.native_shared("resolve", resolve, 1)?;
    let si = it.heap.alloc_scope_info(&["module"])?;
    it.loader.shared = Some(Shared {
        module_ctor: it.heap.new_global_handle(it.heap.get(ctor)),
        cache: it.heap.new_global_handle(it.heap.get(cache)),
        require,
        resolve,
        scope_info: it.heap.new_global_handle(si),
    });
    Ok(())
}

/// The loader's `Module` class (Node's `require('module')`), with `_cache`.
pub fn module_class(it: &mut Interp<'_>) -> Handle {
    let c = it.heap.get_global(shared(it).module_ctor);
    it.heap.handle(c)
}

fn shared(it: &Interp<'_>) -> Shared {
    it.loader.shared.expect("modules installed")
}

fn new_module(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let Some(target) = c.new_target else {
        return Err(it.type_error("Class constructor Module cannot be invoked without 'new'"));
    };
    let (id, parent) = (arg(it, c, 0), arg(it, c, 1));
    let m = it.alloc_instance(target)?;
    let id_text = it.to_text(it.heap.get(id));
    let path = it.string(dirname(&id_text))?;
    let exports = it.plain_object(4)?;
    let null = it.heap.null_value();
    let null = it.heap.handle(null);
    let f = it.boolean(false);
    let children = it.array(&[])?;
    for (name, v) in [
        ("id", id),
        ("path", path),
        ("exports", exports),
        ("filename", null),
        ("loaded", f),
        ("children", children),
        ("parent", parent),
    ] {
        property(it, m, name, v)?;
    }
    if it.is_object(it.heap.get(parent)) {
        let cn = it.intern("children")?;
        let pc = it.get(parent, cn)?;
        let (pcv, mv) = (it.heap.get(pc), it.heap.get(m));
        if it.kind(pcv) == Kind::Object {
            it.heap.array_push(pcv, mv)?;
        }
    }
    Ok(m)
}

/// Runs `source` as the main module `filename` (Node's `Module._load(path, null, true)`:
/// id `.`, cached under its filename like any module, and `process.mainModule`); returns
/// the module.
pub fn run_main(it: &mut Interp<'_>, filename: &str, source: &str) -> JsResult<Handle> {
    let u = it.undefined();
    let id = it.string(".")?;
    let m = make_module(it, id, u)?;
    let cache = it.heap.get_global(shared(it).cache);
    let cache = it.heap.handle(cache);
    let key = it.intern(filename)?;
    it.set(cache, key, m)?;
    // Node keeps the main module reachable from the global object this way, so what
    // its closures hold is not dominated by whatever else also holds it.
    let g = it.heap.global();
    let g = it.heap.handle(g);
    let pn = it.intern("process")?;
    let process = it.get(g, pn)?;
    if it.is_object(it.heap.get(process)) {
        property(it, process, "mainModule", m)?;
    }
    execute(it, m, filename, source)?;
    Ok(m)
}

/// Runs a prelude module `name` from `source` (no cache entry, no parent); returns its
/// exports.
pub fn load_builtin(it: &mut Interp<'_>, name: &str, source: &str) -> JsResult<Handle> {
    let u = it.undefined();
    let id = it.string(name)?;
    let m = make_module(it, id, u)?;
    execute(it, m, &format!("node:{name}"), source)?;
    exports_of(it, m)
}

/// Makes `require(name)` return `exports`.
pub fn provide(it: &mut Interp<'_>, name: &str, exports: Handle) {
    let g = it.heap.new_global_handle(it.heap.get(exports));
    it.loader.builtin.insert(name.to_string(), g);
}

fn make_module(it: &mut Interp<'_>, id: Handle, parent: Handle) -> JsResult<Handle> {
    let ctor = it.heap.get_global(shared(it).module_ctor);
    let ctor = it.heap.handle(ctor);
    it.construct(ctor, &[id, parent], ctor)
}

fn exports_of(it: &mut Interp<'_>, m: Handle) -> JsResult<Handle> {
    let en = it.intern("exports")?;
    it.get(m, en)
}

/// Sets `filename`, compiles and runs the module's code, then marks it loaded.
fn execute(it: &mut Interp<'_>, m: Handle, filename: &str, source: &str) -> JsResult<()> {
    let fname = it.string(filename)?;
    property(it, m, "filename", fname)?;
    let func = compile(it, filename, source).map_err(Abort::Fatal)?;
    let f = it.closure(func)?;
    let require = require_function(it, m)?;
    let exports = exports_of(it, m)?;
    let dir = it.string(dirname(filename))?;
    it.call(f, exports, &[exports, require, m, fname, dir])?;
    let t = it.boolean(true);
    property(it, m, "loaded", t)
}

/// Parses and lowers a file into its module wrapper function.
pub fn compile(it: &mut Interp<'_>, filename: &str, source: &str) -> Result<FuncId, ScriptError> {
    let file = it.sources.add(filename, source.to_string());
    let arena = oxc_allocator::Allocator::default();
    let program = crate::parse::parse(&arena, &it.sources, file)?;
    let mut l = Lowerer::new(
        it.bump,
        &mut it.heap,
        &mut it.names,
        &mut it.scopes,
        &mut it.funcs,
        &it.sources,
        file,
    );
    l.program(&program, "").map_err(|e| match e {
        LowerError::Unsupported(pos, what) => ScriptError::at(
            ErrorKind::Unsupported,
            &it.sources,
            pos,
            &format!("SyntaxError: unsupported in heapsim scenarios: {what}"),
        ),
        LowerError::Heap(h) => ScriptError::out_of_memory(&h.to_string()),
    })
}

/// `module`'s `require`, with `require.resolve` and `require.cache`.
fn require_function(it: &mut Interp<'_>, m: Handle) -> JsResult<Handle> {
    let s = shared(it);
    let si = it.heap.get_global(s.scope_info);
    let u = it.heap.undefined_value();
    let ctx = it.heap.alloc_context_with(u, si)?;
    let mv = it.heap.get(m);
    it.heap.context_set(ctx, 0, mv);
    let ctx = it.heap.handle(ctx);
    let require = it.native_closure(s.require, it.heap.get(ctx))?;
    let resolve = it.native_closure(s.resolve, it.heap.get(ctx))?;
    property(it, require, "resolve", resolve)?;
    let cache = it.heap.get_global(s.cache);
    let cache = it.heap.handle(cache);
    property(it, require, "cache", cache)?;
    Ok(require)
}

/// The module a `require` or `require.resolve` closure belongs to.
fn requiring_module(it: &mut Interp<'_>, c: &NativeCall<'_>) -> Handle {
    let ctx = it.heap.word(it.heap.get(c.callee).addr(), closure::CONTEXT);
    let m = it.heap.context_get(ctx, 0);
    it.heap.handle(m)
}

/// What `spec` names, from module `m`.
enum Resolved {
    Builtin(Handle),
    File(String),
}

fn resolve_spec(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Resolved> {
    let spec = arg(it, c, 0);
    if it.kind(it.heap.get(spec)) != Kind::String {
        let t = it.to_text(it.heap.get(spec));
        return Err(it.type_error(&format!(
            "The \"id\" argument must be of type string. Received {t}"
        )));
    }
    let spec = it.to_text(it.heap.get(spec));
    if let Some(&g) = it.loader.builtin.get(&spec) {
        let e = it.heap.get_global(g);
        return Ok(Resolved::Builtin(it.heap.handle(e)));
    }
    if spec.starts_with("./") || spec.starts_with("../") {
        let m = requiring_module(it, c);
        let fname = it.intern("filename")?;
        let from = it.get(m, fname)?;
        let from = it.to_text(it.heap.get(from));
        let path = join(dirname(&from), &spec);
        for candidate in [path.clone(), format!("{path}.js")] {
            if read_source(it, &candidate).is_some() {
                return Ok(Resolved::File(candidate));
            }
        }
    }
    Err(it.throw_new(
        crate::realm::Intrinsic::Error,
        &format!("Cannot find module '{spec}'"),
    ))
}

fn read_source(it: &Interp<'_>, filename: &str) -> Option<String> {
    match &it.loader.read {
        Some(read) => read(filename),
        None => std::fs::read_to_string(filename).ok(),
    }
}

fn resolve(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    match resolve_spec(it, c)? {
        Resolved::Builtin(_) => Ok(arg(it, c, 0)),
        Resolved::File(f) => it.string(&f),
    }
}

fn require(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let filename = match resolve_spec(it, c)? {
        Resolved::Builtin(exports) => return Ok(exports),
        Resolved::File(f) => f,
    };
    let cache = it.heap.get_global(shared(it).cache);
    let cache = it.heap.handle(cache);
    let key = it.intern(&filename)?;
    if let Some(cached) = it.own_property(it.heap.get(cache), key) {
        if it.kind(cached) == Kind::Object {
            let cached = it.heap.handle(cached);
            return exports_of(it, cached);
        }
    }
    let parent = requiring_module(it, c);
    let id = it.string(&filename)?;
    let m = make_module(it, id, parent)?;
    it.set(cache, key, m)?;
    let source = read_source(it, &filename).unwrap_or_default();
    if let Err(e) = execute(it, m, &filename, &source) {
        it.delete(cache, key)?;
        return Err(e);
    }
    exports_of(it, m)
}

/// The directory part of a `/`-separated path (`.` for a bare name).
pub fn dirname(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

/// `dir/rel` with `.` and `..` steps folded.
fn join(dir: &str, rel: &str) -> String {
    let absolute = dir.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for step in dir.split('/').chain(rel.split('/')) {
        match step {
            "" | "." => {}
            ".." if parts.last().is_some_and(|&p| p != "..") => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_as_node_resolves_them() {
        assert_eq!(
            join("scenarios", "./hot-reload/widget.js"),
            "scenarios/hot-reload/widget.js"
        );
        assert_eq!(join("/a/b", "../c.js"), "/a/c.js");
        assert_eq!(join(".", "./x.js"), "x.js");
        assert_eq!(dirname("scenarios/x.js"), "scenarios");
        assert_eq!(dirname("x.js"), ".");
    }
}
