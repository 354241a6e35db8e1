//! Evaluation: a tree-walking interpreter over the IR whose every value lives in the
//! simulated heap.
//!
//! A call opens a handle scope and reserves its frame's registers as consecutive handles
//! (uncaptured locals, parameters, `this`); they die when the scope closes on return, like
//! V8's interpreter registers on the stack. A function (or block) scope with captured
//! variables allocates a `Context` on entry from its shared `ScopeInfo`, chained through
//! `previous` to the closure's context; the frame's context register points at the
//! innermost one. Each statement runs in its own handle scope, so temporaries die at the
//! statement's end and a long loop holds a bounded number of handles. Because any
//! allocation may move objects, values are held in handles and raw [`Tagged`] words never
//! cross an allocation.
//!
//! Control flow: statements return a [`Flow`]; exceptions, optional-chain short circuits
//! and fatal errors travel as [`Abort`] through `?`, the thrown value parked in the realm's
//! exception slot (a heap root) so no handle has to outlive its scope.

use std::collections::HashMap;

use bumpalo::Bump;
use sim::object::closure::SourcePosition;
use sim::object::{closure, context, map};
use sim::{GlobalHandle, Handle, Heap, HeapError, InstanceType, Tagged};

use crate::error::{ErrorKind, ScriptError};
use crate::ir::*;
use crate::names::Names;
use crate::realm::{Intrinsic, Realm};
use crate::scope::Scopes;
use crate::source::Sources;
use crate::value::Kind;

/// Why evaluation stopped early.
#[derive(Debug)]
pub enum Abort {
    /// A JavaScript exception; the value is in the realm's exception slot.
    Throw,
    /// An optional chain met `null`/`undefined` (caught by the enclosing chain).
    Nullish,
    /// The run cannot go on.
    Fatal(ScriptError),
}

impl From<HeapError> for Abort {
    fn from(e: HeapError) -> Self {
        match e {
            HeapError::OutOfMemory { .. } => {
                Abort::Fatal(ScriptError::out_of_memory(&e.to_string()))
            }
            other => Abort::Fatal(ScriptError {
                kind: ErrorKind::Uncaught,
                text: format!("internal error: {other}"),
            }),
        }
    }
}

pub type JsResult<T> = Result<T, Abort>;

/// Receives each `console.log` line as it is printed.
pub type ConsoleSink = Box<dyn FnMut(&str)>;
/// Called with each GC event, in order, as soon as the interpreter sees it.
pub type GcSink = Box<dyn FnMut(&sim::GcEvent)>;

/// How a statement completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Normal,
    Return,
    Break(Option<Name>),
    Continue(Option<Name>),
}

/// What a `JSFunction` runs: a lowered literal or a native builtin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Callee {
    Js(FuncId),
    Native(u32),
}

/// The arguments of a native builtin.
pub struct NativeCall<'c> {
    pub callee: Handle,
    pub this: Handle,
    pub args: &'c [Handle],
    /// The constructor `new` was applied to, for calls through `new`.
    pub new_target: Option<Handle>,
}

impl NativeCall<'_> {
    pub fn arg(&self, i: usize) -> Option<Handle> {
        self.args.get(i).copied()
    }
}

pub type NativeFn = for<'a, 'c> fn(&mut Interp<'a>, &NativeCall<'c>) -> JsResult<Handle>;

#[derive(Clone, Copy)]
struct Frame {
    base: u32,
    ctx: Handle,
    /// Where a `return` leaves its value.
    ret: Handle,
}

pub struct Interp<'a> {
    pub heap: Heap,
    pub bump: &'a Bump,
    pub names: Names,
    pub scopes: Scopes<'a>,
    pub funcs: Vec<&'a FuncLit<'a>>,
    pub sources: Sources,
    pub realm: Realm,
    pub natives: Vec<NativeFn>,
    callees: HashMap<u32, Callee>,
    sfis: Vec<Option<GlobalHandle>>,
    scope_infos: HashMap<ScopeId, GlobalHandle>,
    frame: Frame,
    /// Where the pending exception was thrown.
    pub throw_pos: Pos,
    pub steps: u64,
    pub max_steps: u64,
    depth: u32,
    pub call_pos: Pos,
    /// The simulated clock (`Date.now()`, the timers), in ms.
    pub clock_ms: f64,
    /// `Math.random`'s generator, seeded by `--seed`.
    pub rng: sim::mutator::SplitMix64,
    /// Lines printed by `console.log`, in order.
    pub console: Vec<String>,
    /// Called with each console line as it is printed.
    pub on_console: Option<ConsoleSink>,
    /// Called with each GC event right after the GC (`--trace-gc`).
    pub on_gc: Option<GcSink>,
    /// GC events already passed to `on_gc`.
    gcs_reported: usize,
    /// What the native hooks produce for the embedder (snapshots, expectations, stderr).
    pub host: crate::hooks::Host,
    /// The CommonJS loader's state (`require`, `Module`, the prelude modules).
    pub loader: crate::modules::Loader,
}

/// Calls nested deeper than this throw a `RangeError`, as V8's stack limit does.
const MAX_DEPTH: u32 = 2_000;

impl<'a> Interp<'a> {
    pub fn new(heap: Heap, bump: &'a Bump) -> Interp<'a> {
        let mut heap = heap;
        // The outermost frame's registers stay open for the whole run.
        let _outermost = heap.open_handle_scope();
        let u = heap.undefined_value();
        let ctx = heap.handle(u);
        let ret = heap.handle(u);
        Interp {
            heap,
            bump,
            names: Names::default(),
            scopes: Scopes::default(),
            funcs: Vec::new(),
            sources: Sources::default(),
            realm: Realm::default(),
            natives: Vec::new(),
            callees: HashMap::new(),
            sfis: Vec::new(),
            scope_infos: HashMap::new(),
            frame: Frame { base: 0, ctx, ret },
            throw_pos: Pos::default(),
            steps: 0,
            max_steps: u64::MAX,
            depth: 0,
            call_pos: Pos::default(),
            clock_ms: 0.0,
            rng: sim::mutator::SplitMix64(0),
            console: Vec::new(),
            on_console: None,
            on_gc: None,
            gcs_reported: 0,
            host: crate::hooks::Host::default(),
            loader: crate::modules::Loader::default(),
        }
    }

    pub fn set_intrinsic(&mut self, i: Intrinsic, v: Handle) {
        let v = self.heap.get(v);
        self.realm.set(&mut self.heap, i, v);
    }

    pub fn console_line(&mut self, line: &str) {
        if let Some(f) = self.on_console.as_mut() {
            f(line);
        }
        self.console.push(line.to_string());
    }

    // ----- errors ------------------------------------------------------------------------

    /// Throws a new error of `kind` (`Intrinsic::TypeError` etc.) with `message`.
    pub fn throw_new(&mut self, kind: Intrinsic, message: &str) -> Abort {
        match self.make_error(kind, message) {
            Ok(e) => {
                let v = self.heap.get(e);
                self.realm.set(&mut self.heap, Intrinsic::Exception, v);
                self.throw_pos = self.call_pos;
                Abort::Throw
            }
            Err(a) => a,
        }
    }

    pub fn type_error(&mut self, message: &str) -> Abort {
        self.throw_new(Intrinsic::TypeError, message)
    }

    pub fn range_error(&mut self, message: &str) -> Abort {
        self.throw_new(Intrinsic::RangeError, message)
    }

    /// An error object of constructor `kind`, with `message` and a V8-style `stack`.
    pub fn make_error(&mut self, kind: Intrinsic, message: &str) -> JsResult<Handle> {
        let ctor = self.intrinsic(kind);
        let ctor = self.heap.handle(ctor);
        let obj = self.alloc_instance(ctor)?;
        let msg = self.string(message)?;
        let n = self.realm.names.message;
        self.set(obj, n, msg)?;
        let name_n = self.intern("name")?;
        let cname = self.get(ctor, name_n)?;
        let ctext = self.to_text(self.heap.get(cname));
        let stack = format!(
            "{ctext}: {message}\n    at {}",
            self.sources_location(self.call_pos)
        );
        let stack = self.string(&stack)?;
        let sn = self.intern("stack")?;
        self.set(obj, sn, stack)?;
        Ok(obj)
    }

    pub fn sources_location(&self, pos: Pos) -> String {
        if (pos.file as usize) < self.sources.len() {
            self.sources.location(pos)
        } else {
            "<native>".into()
        }
    }

    /// Throws `v` (the `throw` statement).
    pub fn throw_value(&mut self, v: Handle, pos: Pos) -> Abort {
        let t = self.heap.get(v);
        self.realm.set(&mut self.heap, Intrinsic::Exception, t);
        self.throw_pos = pos;
        Abort::Throw
    }

    /// Takes the pending exception into a handle.
    pub fn take_exception(&mut self) -> Handle {
        let v = self.intrinsic(Intrinsic::Exception);
        let h = self.heap.handle(v);
        let u = self.heap.undefined_value();
        self.realm.set(&mut self.heap, Intrinsic::Exception, u);
        h
    }

    fn step(&mut self, pos: Pos) -> JsResult<()> {
        self.steps += 1;
        if self.heap.events().len() > self.gcs_reported {
            self.report_gcs();
        }
        if self.steps > self.max_steps {
            return Err(Abort::Fatal(ScriptError::at(
                ErrorKind::StepLimit,
                &self.sources,
                pos,
                &format!(
                    "RangeError: step budget of {} instructions exhausted (--max-steps)",
                    self.max_steps
                ),
            )));
        }
        Ok(())
    }

    /// Passes the GC events not yet reported to `on_gc`. Called at every step, so a GC is
    /// reported before the next instruction runs; the embedder calls it once more at the
    /// end for the GCs of the last snapshot.
    pub fn report_gcs(&mut self) {
        let events = &self.heap.events()[self.gcs_reported..];
        if let Some(sink) = self.on_gc.as_mut() {
            events.iter().for_each(sink);
        }
        self.gcs_reported += events.len();
    }

    // ----- functions ---------------------------------------------------------------------

    /// The `SharedFunctionInfo` of literal `id`, created on first use.
    fn shared_info(&mut self, id: FuncId) -> JsResult<Tagged> {
        if let Some(Some(g)) = self.sfis.get(id as usize) {
            return Ok(self.heap.get_global(*g));
        }
        let lit = self.funcs[id as usize];
        let script = self.sources.file(lit.pos.file).name.clone();
        let pos = SourcePosition {
            line: lit.line,
            column: lit.column,
        };
        let params = lit.params.len() as u32;
        let sfi = self
            .heap
            .alloc_shared_function_info(lit.name, &script, pos, params)?;
        let g = self.heap.new_global_handle(sfi);
        let oid = self.heap.object_id(sfi.addr());
        self.callees.insert(oid, Callee::Js(id));
        if self.sfis.len() <= id as usize {
            self.sfis.resize(id as usize + 1, None);
        }
        self.sfis[id as usize] = Some(g);
        Ok(self.heap.get_global(g))
    }

    /// A closure of literal `id` over the current context.
    pub fn closure(&mut self, id: FuncId) -> JsResult<Handle> {
        let sfi = self.shared_info(id)?;
        let ctx = self.heap.get(self.frame.ctx);
        let f = self.heap.alloc_closure(sfi, ctx)?;
        Ok(self.heap.handle(f))
    }

    /// A native builtin function named `name`.
    pub fn native_function(&mut self, name: &str, f: NativeFn, params: u32) -> JsResult<Handle> {
        let sfi = self.native_shared(name, f, params)?;
        let u = self.heap.undefined_value();
        self.native_closure(sfi, u)
    }

    /// The `SharedFunctionInfo` of native builtin `name`, kept for the whole run: natives
    /// made per use (a promise's resolving functions) share one, as V8's builtins do.
    pub fn native_shared(
        &mut self,
        name: &str,
        f: NativeFn,
        params: u32,
    ) -> JsResult<GlobalHandle> {
        let sfi = self.heap.alloc_shared_function_info(
            name,
            "",
            SourcePosition { line: 0, column: 0 },
            params,
        )?;
        let oid = self.heap.object_id(sfi.addr());
        let i = self.natives.len() as u32;
        self.natives.push(f);
        self.callees.insert(oid, Callee::Native(i));
        Ok(self.heap.new_global_handle(sfi))
    }

    /// A closure of the native `sfi` over `ctx` (a `Context` holding its state, or
    /// `undefined`).
    pub fn native_closure(&mut self, sfi: GlobalHandle, ctx: Tagged) -> JsResult<Handle> {
        let s = self.heap.get_global(sfi);
        let f = self.heap.alloc_closure(s, ctx)?;
        Ok(self.heap.handle(f))
    }

    /// What `f` runs, if it is a function.
    pub fn callee_of(&mut self, f: Tagged) -> Option<Callee> {
        if self.kind(f) != Kind::Function {
            return None;
        }
        let sfi = self.heap.word(f.addr(), closure::SHARED);
        let oid = self.heap.object_id(sfi.addr());
        self.callees.get(&oid).copied()
    }

    /// The `TypeError` for calling `fv` as `what`. A function without a callee is one of
    /// the bootstrap's builtins (`sim::bootstrap`) the subset does not implement: the error
    /// names it rather than pretending to run it.
    fn not_callable(&mut self, fv: Tagged, what: &str) -> Abort {
        if self.kind(fv) == Kind::Function {
            let name = self.to_text(self.heap.function_name(fv.addr()));
            return self.type_error(&format!(
                "{name} is a Node builtin that heapsim's interpreter does not implement (docs/scenario-language.md)"
            ));
        }
        let t = self.to_text(fv);
        self.type_error(&format!("{t} is not {what}"))
    }

    pub fn call(&mut self, f: Handle, this: Handle, args: &[Handle]) -> JsResult<Handle> {
        let fv = self.heap.get(f);
        match self.callee_of(fv) {
            None => Err(self.not_callable(fv, "a function")),
            Some(Callee::Native(i)) => {
                let nf = self.natives[i as usize];
                nf(
                    self,
                    &NativeCall {
                        callee: f,
                        this,
                        args,
                        new_target: None,
                    },
                )
            }
            Some(Callee::Js(id)) => {
                let lit = self.funcs[id as usize];
                if let FuncKind::ClassCtor { .. } = lit.kind {
                    let n = lit.name;
                    return Err(self.type_error(&format!(
                        "Class constructor {n} cannot be invoked without 'new'"
                    )));
                }
                self.call_js(id, f, this, args, None)
            }
        }
    }

    /// `new f(...args)` with `new.target` = `new_target`.
    pub fn construct(
        &mut self,
        f: Handle,
        args: &[Handle],
        new_target: Handle,
    ) -> JsResult<Handle> {
        let fv = self.heap.get(f);
        match self.callee_of(fv) {
            None => Err(self.not_callable(fv, "a constructor")),
            Some(Callee::Native(i)) => {
                let nf = self.natives[i as usize];
                let this = self.undefined();
                nf(
                    self,
                    &NativeCall {
                        callee: f,
                        this,
                        args,
                        new_target: Some(new_target),
                    },
                )
            }
            Some(Callee::Js(id)) => {
                let lit = self.funcs[id as usize];
                match lit.kind {
                    FuncKind::Arrow | FuncKind::Method => {
                        let t = self.to_text(fv);
                        Err(self.type_error(&format!("{t} is not a constructor")))
                    }
                    FuncKind::ClassCtor { derived: true } => {
                        let hole = self.heap.the_hole();
                        let this = self.heap.handle(hole);
                        self.call_js(id, f, this, args, Some(new_target))
                    }
                    _ => {
                        let this = self.alloc_instance(new_target)?;
                        let r = self.call_js(id, f, this, args, Some(new_target))?;
                        let rv = self.heap.get(r);
                        Ok(if self.is_object(rv) { r } else { this })
                    }
                }
            }
        }
    }

    /// A new ordinary object whose map is `ctor`'s initial map.
    pub fn alloc_instance(&mut self, ctor: Handle) -> JsResult<Handle> {
        let m = self.initial_map(ctor, InstanceType::JSObject)?;
        let o = self.heap.alloc_object(self.heap.get(m))?;
        Ok(self.heap.handle(o))
    }

    /// `ctor`'s initial map for instances of type `ty` (created on first `new`, with
    /// `ctor.prototype` as prototype and `ctor` as constructor, so snapshots name
    /// instances after their class).
    pub fn initial_map(&mut self, ctor: Handle, ty: InstanceType) -> JsResult<Handle> {
        let slot = self.heap.word(
            self.heap.get(ctor).addr(),
            closure::PROTOTYPE_OR_INITIAL_MAP,
        );
        if slot.is_heap_object()
            && self.heap.instance_type(slot.addr()) == InstanceType::Map
            && self.heap.map_instance_type(slot.addr()) == ty
        {
            return Ok(self.heap.handle(slot));
        }
        let proto = self.function_prototype(ctor)?;
        let name = self.heap.function_name(self.heap.get(ctor).addr());
        let name = self.heap.string_content(name.addr());
        let inobject = match self.callee_of(self.heap.get(ctor)) {
            Some(Callee::Js(id)) => (self.funcs[id as usize].this_properties as usize).max(4),
            _ => 4,
        };
        let inobject = if ty == InstanceType::JSObject {
            inobject
        } else {
            0
        };
        let m = self.heap.new_class_map_of(ty, &name, inobject)?;
        let m = self.heap.handle(m);
        let (mv, pv, cv) = (self.heap.get(m), self.heap.get(proto), self.heap.get(ctor));
        self.heap.set_field(mv, map::PROTOTYPE, pv);
        self.heap
            .set_field(mv, map::CONSTRUCTOR_OR_BACK_POINTER, cv);
        if ty == InstanceType::JSObject {
            self.heap
                .set_field(cv, closure::PROTOTYPE_OR_INITIAL_MAP, mv);
        }
        Ok(m)
    }

    /// `f.prototype`: the initial map's prototype, or the object stored, or a new
    /// `{ constructor: f }` made on first use.
    pub fn function_prototype(&mut self, f: Handle) -> JsResult<Handle> {
        let fv = self.heap.get(f);
        let slot = self.heap.word(fv.addr(), closure::PROTOTYPE_OR_INITIAL_MAP);
        if slot.is_heap_object() && self.heap.instance_type(slot.addr()) == InstanceType::Map {
            let p = self.heap.word(slot.addr(), map::PROTOTYPE);
            return Ok(self.heap.handle(p));
        }
        if slot != self.heap.the_hole() {
            return Ok(self.heap.handle(slot));
        }
        if let Some(Callee::Js(id)) = self.callee_of(fv) {
            if matches!(
                self.funcs[id as usize].kind,
                FuncKind::Arrow | FuncKind::Method
            ) {
                return Ok(self.undefined());
            }
        }
        let p = self.plain_object(1)?;
        let c = self.realm.names.constructor;
        self.set(p, c, f)?;
        let (fv, pv) = (self.heap.get(f), self.heap.get(p));
        self.heap
            .set_field(fv, closure::PROTOTYPE_OR_INITIAL_MAP, pv);
        Ok(p)
    }

    /// `{}` with room for `n` in-object properties (V8 sizes literals by their property
    /// count, at least 4).
    pub fn plain_object(&mut self, n: usize) -> JsResult<Handle> {
        let m = self.realm.object_map(&mut self.heap, n.clamp(4, 32))?;
        let o = self.heap.alloc_object(m)?;
        Ok(self.heap.handle(o))
    }

    pub fn array(&mut self, items: &[Handle]) -> JsResult<Handle> {
        let a = self.heap.alloc_array(0)?;
        let a = self.heap.handle(a);
        for (i, &x) in items.iter().enumerate() {
            let (av, xv) = (self.heap.get(a), self.heap.get(x));
            self.heap.set_element(av, i, xv)?;
        }
        Ok(a)
    }

    fn scope_info(&mut self, scope: ScopeId) -> JsResult<Option<Tagged>> {
        if self.scopes.context_names(scope).is_empty() {
            return Ok(None);
        }
        if let Some(&g) = self.scope_infos.get(&scope) {
            return Ok(Some(self.heap.get_global(g)));
        }
        let names: Vec<String> = self
            .scopes
            .context_names(scope)
            .iter()
            .map(|&n| self.name_text(n))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let si = self.heap.alloc_scope_info(&refs)?;
        let g = self.heap.new_global_handle(si);
        self.scope_infos.insert(scope, g);
        Ok(Some(self.heap.get_global(g)))
    }

    /// Enters `scope`: a new context if it has captured variables. Returns whether it did.
    fn enter_scope(&mut self, scope: ScopeId) -> JsResult<bool> {
        if scope == u32::MAX {
            return Ok(false);
        }
        let Some(si) = self.scope_info(scope)? else {
            return Ok(false);
        };
        let si = self.heap.handle(si);
        let prev = self.heap.get(self.frame.ctx);
        let c = self.heap.alloc_context_with(prev, self.heap.get(si))?;
        self.heap.set_handle(self.frame.ctx, c);
        Ok(true)
    }

    fn leave_scope(&mut self, entered: bool) {
        if entered {
            let c = self.heap.get(self.frame.ctx);
            let prev = self.heap.word(c.addr(), context::PREVIOUS);
            self.heap.set_handle(self.frame.ctx, prev);
        }
    }

    fn call_js(
        &mut self,
        id: FuncId,
        f: Handle,
        this: Handle,
        args: &[Handle],
        new_target: Option<Handle>,
    ) -> JsResult<Handle> {
        if self.depth >= MAX_DEPTH {
            return Err(self.range_error("Maximum call stack size exceeded"));
        }
        let lit = self.funcs[id as usize];
        let scope = self.heap.open_handle_scope();
        let saved = self.frame;
        self.depth += 1;
        let r = self.run_frame(lit, f, this, args, new_target);
        self.depth -= 1;
        self.frame = saved;
        let out = r.map(|v| self.heap.get(v));
        self.heap.close_handle_scope(scope);
        out.map(|v| self.heap.handle(v))
    }

    fn run_frame(
        &mut self,
        lit: &'a FuncLit<'a>,
        f: Handle,
        this: Handle,
        args: &[Handle],
        new_target: Option<Handle>,
    ) -> JsResult<Handle> {
        let u = self.heap.undefined_value();
        let n = lit.registers.get();
        let base = self.heap.handle(u).0;
        for _ in 1..n.max(1) {
            self.heap.handle(u);
        }
        let fctx = self.heap.word(self.heap.get(f).addr(), closure::CONTEXT);
        let ctx = self.heap.handle(fctx);
        let ret = self.heap.handle(u);
        self.frame = Frame { base, ctx, ret };
        self.enter_scope(lit.scope)?;
        if let Some(v) = lit.this_var {
            let tv = self.heap.get(this);
            let this = if lit.kind == FuncKind::Normal
                && matches!(self.kind(tv), Kind::Undefined | Kind::Null)
            {
                let g = self.heap.global();
                self.heap.handle(g)
            } else {
                this
            };
            self.write_var(v, this)?;
        }
        if let Some(v) = lit.new_target_var {
            let nt = match new_target {
                Some(h) => h,
                None => self.undefined(),
            };
            self.write_var(v, nt)?;
        }
        if let Some(v) = lit.self_var {
            self.write_var(v, f)?;
        }
        if let Some(v) = lit.arguments_var {
            let a = self.array(args)?;
            self.write_var(v, a)?;
        }
        for (i, p) in lit.params.iter().enumerate() {
            let v = match args.get(i) {
                Some(&h) => h,
                None => self.undefined(),
            };
            match p.simple {
                Some(var) => self.write_var(var, v)?,
                None => self.bind(p.pattern, v)?,
            }
        }
        if let Some(rest) = lit.rest {
            let extra = args.get(lit.params.len()..).unwrap_or(&[]);
            let a = self.array(extra)?;
            self.bind(rest, a)?;
        }
        self.run_inits(lit.inits)?;
        if let Some(e) = lit.expr_body {
            return self.expr(e);
        }
        let flow = self.stmts(lit.body)?;
        let mut result = if flow == Flow::Return {
            self.frame.ret
        } else {
            self.undefined()
        };
        if let FuncKind::ClassCtor { derived: true } = lit.kind {
            let rv = self.heap.get(result);
            if !self.is_object(rv) {
                let this_var = lit.this_var.expect("a derived constructor has this");
                let t = self.read_var_raw(this_var);
                if t == self.heap.the_hole() {
                    self.call_pos = lit.pos;
                    return Err(self.throw_new(
                        Intrinsic::ReferenceError,
                        "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
                    ));
                }
                result = self.heap.handle(t);
            }
        }
        Ok(result)
    }

    fn run_inits(&mut self, inits: &'a [Init<'a>]) -> JsResult<()> {
        for init in inits {
            match init {
                Init::Hole(v) => {
                    let h = self.heap.the_hole();
                    let h = self.heap.handle(h);
                    self.write_var(v, h)?;
                }
                Init::Undefined(v) => {
                    let u = self.undefined();
                    self.write_var(v, u)?;
                }
                Init::Function(v, id) => {
                    let f = self.closure(*id)?;
                    self.write_var(v, f)?;
                }
            }
        }
        Ok(())
    }

    // ----- variables ---------------------------------------------------------------------

    fn context_at(&self, depth: u32) -> Tagged {
        let mut c = self.heap.get(self.frame.ctx);
        for _ in 0..depth {
            c = self.heap.word(c.addr(), context::PREVIOUS);
        }
        c
    }

    fn read_var_raw(&self, v: &Var) -> Tagged {
        match v.slot.get() {
            Slot::Reg(i) => self.heap.get(Handle(self.frame.base + i)),
            Slot::Ctx { depth, slot } => {
                let c = self.context_at(depth);
                self.heap
                    .word(c.addr(), context::FIRST_VARIABLE + slot as usize)
            }
            Slot::Global(n) => {
                let g = self.heap.global();
                self.lookup(g, n).unwrap_or(self.heap.the_hole())
            }
            Slot::Unresolved => self.heap.undefined_value(),
        }
    }

    pub fn read_var(&mut self, v: &Var, pos: Pos) -> JsResult<Handle> {
        let t = self.read_var_raw(v);
        if t == self.heap.the_hole() {
            let name = self.name_text(v.name);
            self.call_pos = pos;
            let msg = if matches!(v.slot.get(), Slot::Global(_)) {
                format!("{name} is not defined")
            } else {
                format!("Cannot access '{name}' before initialization")
            };
            return Err(self.throw_new(Intrinsic::ReferenceError, &msg));
        }
        Ok(self.heap.handle(t))
    }

    pub fn write_var(&mut self, v: &Var, value: Handle) -> JsResult<()> {
        match v.slot.get() {
            Slot::Reg(i) => {
                let x = self.heap.get(value);
                self.heap.set_handle(Handle(self.frame.base + i), x);
            }
            Slot::Ctx { depth, slot } => {
                let c = self.context_at(depth);
                let x = self.heap.get(value);
                self.heap
                    .set_field(c, context::FIRST_VARIABLE + slot as usize, x);
            }
            Slot::Global(n) => {
                let g = self.heap.global();
                let g = self.heap.handle(g);
                self.set(g, n, value)?;
            }
            Slot::Unresolved => {}
        }
        Ok(())
    }

    /// Assignment to an existing binding: `const`s are checked by the TDZ only.
    fn assign_var(&mut self, v: &Var, value: Handle, pos: Pos) -> JsResult<()> {
        if v.checks_tdz.get() && self.read_var_raw(v) == self.heap.the_hole() {
            self.read_var(v, pos)?;
        }
        self.write_var(v, value)
    }

    // ----- statements --------------------------------------------------------------------

    pub fn stmts(&mut self, body: &'a [Stmt<'a>]) -> JsResult<Flow> {
        for s in body {
            let scope = self.heap.open_handle_scope();
            let r = self.stmt(s);
            self.heap.close_handle_scope(scope);
            match r? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn stmt(&mut self, s: &'a Stmt<'a>) -> JsResult<Flow> {
        match s {
            Stmt::Expr(e) => {
                self.expr(e)?;
            }
            Stmt::Bind(p, e) => {
                let v = self.expr(e)?;
                self.bind(p, v)?;
            }
            Stmt::If(t, a, b) => {
                let c = self.expr(t)?;
                if self.to_boolean(self.heap.get(c)) {
                    return self.sub(a);
                } else if let Some(b) = b {
                    return self.sub(b);
                }
            }
            Stmt::Block(b) => return self.block(b),
            Stmt::While { test, body, labels } => loop {
                if !self.test(test)? {
                    break;
                }
                match self.loop_body(body, labels)? {
                    Some(f) => return Ok(f),
                    None => continue,
                }
            },
            Stmt::DoWhile { test, body, labels } => loop {
                if let Some(f) = self.loop_body(body, labels)? {
                    return Ok(f);
                }
                if !self.test(test)? {
                    break;
                }
            },
            Stmt::For {
                scope,
                inits,
                init,
                test,
                update,
                body,
                labels,
            } => {
                let entered = self.enter_scope(*scope)?;
                let r = self.for_loop(inits, *init, *test, *update, body, labels, entered);
                self.leave_scope(entered);
                return r;
            }
            Stmt::ForOf {
                scope,
                inits,
                target,
                iterable,
                body,
                keys,
                labels,
                pos,
            } => {
                return self.for_of(*scope, inits, target, iterable, body, *keys, labels, *pos);
            }
            Stmt::Switch {
                scope,
                inits,
                value,
                cases,
                labels,
            } => {
                let v = self.expr(value)?;
                let entered = self.enter_scope(*scope)?;
                let r = self.switch(inits, v, cases, labels);
                self.leave_scope(entered);
                return r;
            }
            Stmt::Labeled(labels, body) => {
                return Ok(match self.sub(body)? {
                    Flow::Break(Some(l)) if labels.contains(&l) => Flow::Normal,
                    f => f,
                });
            }
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.expr(e)?,
                    None => self.undefined(),
                };
                let x = self.heap.get(v);
                self.heap.set_handle(self.frame.ret, x);
                return Ok(Flow::Return);
            }
            Stmt::Break(l) => return Ok(Flow::Break(*l)),
            Stmt::Continue(l) => return Ok(Flow::Continue(*l)),
            Stmt::Throw(e, pos) => {
                let v = self.expr(e)?;
                return Err(self.throw_value(v, *pos));
            }
            Stmt::Try {
                block,
                catch,
                finally,
            } => return self.try_stmt(block, *catch, *finally),
            Stmt::Empty => {}
        }
        Ok(Flow::Normal)
    }

    fn sub(&mut self, s: &'a Stmt<'a>) -> JsResult<Flow> {
        let scope = self.heap.open_handle_scope();
        let r = self.stmt(s);
        self.heap.close_handle_scope(scope);
        r
    }

    fn block(&mut self, b: &'a Block<'a>) -> JsResult<Flow> {
        let entered = self.enter_scope(b.scope)?;
        let r = self.run_inits(b.inits).and_then(|_| self.stmts(b.body));
        self.leave_scope(entered);
        r
    }

    fn test(&mut self, e: &'a Expr<'a>) -> JsResult<bool> {
        let scope = self.heap.open_handle_scope();
        let r = self.expr(e).map(|v| self.to_boolean(self.heap.get(v)));
        self.heap.close_handle_scope(scope);
        r
    }

    /// Runs a loop body; `Some(flow)` leaves the loop with that completion, `None` goes on.
    fn loop_body(&mut self, body: &'a Stmt<'a>, labels: &[Name]) -> JsResult<Option<Flow>> {
        self.step(Pos::default())?;
        Ok(match self.sub(body)? {
            Flow::Normal => None,
            Flow::Break(None) => Some(Flow::Normal),
            Flow::Break(Some(l)) if labels.contains(&l) => Some(Flow::Normal),
            Flow::Continue(None) => None,
            Flow::Continue(Some(l)) if labels.contains(&l) => None,
            f => Some(f),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        inits: &'a [Init<'a>],
        init: Option<&'a Stmt<'a>>,
        test: Option<&'a Expr<'a>>,
        update: Option<&'a Expr<'a>>,
        body: &'a Stmt<'a>,
        labels: &[Name],
        per_iteration: bool,
    ) -> JsResult<Flow> {
        self.run_inits(inits)?;
        if let Some(i) = init {
            self.sub(i)?;
        }
        loop {
            if let Some(t) = test {
                if !self.test(t)? {
                    break;
                }
            }
            if let Some(f) = self.loop_body(body, labels)? {
                return Ok(f);
            }
            if per_iteration {
                self.copy_iteration_context()?;
            }
            if let Some(u) = update {
                let scope = self.heap.open_handle_scope();
                let r = self.expr(u);
                self.heap.close_handle_scope(scope);
                r?;
            }
        }
        Ok(Flow::Normal)
    }

    /// `for (let …)`: each iteration gets a fresh copy of the loop's context, so closures
    /// made in one iteration keep that iteration's values (CreatePerIterationEnvironment).
    fn copy_iteration_context(&mut self) -> JsResult<()> {
        let scope = self.heap.open_handle_scope();
        let old = self.heap.get(self.frame.ctx);
        let old = self.heap.handle(old);
        let r = (|| {
            let o = self.heap.get(old);
            let prev = self.heap.word(o.addr(), context::PREVIOUS);
            let si = self.heap.word(o.addr(), context::SCOPE_INFO);
            let c = self.heap.alloc_context_with(prev, si)?;
            let o = self.heap.get(old);
            for i in 0..self.heap.context_variable_count(o.addr()) {
                let v = self.heap.context_get(o, i);
                self.heap.context_set(c, i, v);
            }
            self.heap.set_handle(self.frame.ctx, c);
            Ok(())
        })();
        self.heap.close_handle_scope(scope);
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn for_of(
        &mut self,
        scope: ScopeId,
        inits: &'a [Init<'a>],
        target: &'a Pattern<'a>,
        iterable: &'a Expr<'a>,
        body: &'a Stmt<'a>,
        keys: bool,
        labels: &[Name],
        pos: Pos,
    ) -> JsResult<Flow> {
        let it = self.expr(iterable)?;
        let items = if keys {
            self.property_keys(it)?
        } else {
            self.call_pos = pos;
            self.iterate(it)?
        };
        let n = self.array_len(items);
        for i in 0..n {
            let outer = self.heap.open_handle_scope();
            let r = (|| {
                let entered = self.enter_scope(scope)?;
                let r = (|| {
                    self.run_inits(inits)?;
                    let iv = self.heap.get(items);
                    let v = self.element(iv, i);
                    let v = self.heap.handle(v);
                    self.bind(target, v)?;
                    self.loop_body(body, labels)
                })();
                self.leave_scope(entered);
                r
            })();
            self.heap.close_handle_scope(outer);
            if let Some(f) = r? {
                return Ok(f);
            }
        }
        Ok(Flow::Normal)
    }

    fn switch(
        &mut self,
        inits: &'a [Init<'a>],
        v: Handle,
        cases: &'a [Case<'a>],
        labels: &[Name],
    ) -> JsResult<Flow> {
        self.run_inits(inits)?;
        let mut start = None;
        for (i, c) in cases.iter().enumerate() {
            if let Some(t) = c.test {
                let x = self.expr(t)?;
                if self.strict_equals(self.heap.get(v), self.heap.get(x)) {
                    start = Some(i);
                    break;
                }
            }
        }
        let start = start.or_else(|| cases.iter().position(|c| c.test.is_none()));
        let Some(start) = start else {
            return Ok(Flow::Normal);
        };
        for c in &cases[start..] {
            match self.stmts(c.body)? {
                Flow::Normal => {}
                Flow::Break(None) => return Ok(Flow::Normal),
                Flow::Break(Some(l)) if labels.contains(&l) => return Ok(Flow::Normal),
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn try_stmt(
        &mut self,
        block: &'a Block<'a>,
        catch: Option<&'a Catch<'a>>,
        finally: Option<&'a Block<'a>>,
    ) -> JsResult<Flow> {
        let ctx = self.heap.get(self.frame.ctx);
        let saved_ctx = self.heap.handle(ctx);
        let depth = self.depth;
        let mut r = self.block(block);
        if let (Err(Abort::Throw), Some(c)) = (&r, catch) {
            let cv = self.heap.get(saved_ctx);
            self.heap.set_handle(self.frame.ctx, cv);
            self.depth = depth;
            let e = self.take_exception();
            r = (|| {
                let entered = self.enter_scope(c.scope)?;
                let r = (|| {
                    if let Some(p) = c.param {
                        self.bind(p, e)?;
                    }
                    self.block(c.body)
                })();
                self.leave_scope(entered);
                r
            })();
        }
        if let Some(f) = finally {
            if matches!(r, Err(Abort::Fatal(_))) {
                return r;
            }
            let cv = self.heap.get(saved_ctx);
            self.heap.set_handle(self.frame.ctx, cv);
            let pending = match &r {
                Err(Abort::Throw) => Some(self.take_exception()),
                _ => None,
            };
            match self.block(f)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
            if let Some(e) = pending {
                let pos = self.throw_pos;
                return Err(self.throw_value(e, pos));
            }
        }
        r
    }

    // ----- patterns ----------------------------------------------------------------------

    pub fn bind(&mut self, p: &'a Pattern<'a>, v: Handle) -> JsResult<()> {
        match p {
            // Declarations initialize their binding (no dead-zone check).
            Pattern::Target(Target::Var(var)) => self.write_var(var, v),
            Pattern::Target(t) => self.assign_to(t, v, Pos::default()),
            Pattern::Default(inner, d) => {
                let v = if self.kind(self.heap.get(v)) == Kind::Undefined {
                    self.expr(d)?
                } else {
                    v
                };
                self.bind(inner, v)
            }
            Pattern::Array { items, rest } => {
                let arr = self.iterate(v)?;
                for (i, item) in items.iter().enumerate() {
                    if let Some(item) = item {
                        let av = self.heap.get(arr);
                        let x = self.element(av, i);
                        let x = self.heap.handle(x);
                        self.bind(item, x)?;
                    }
                }
                if let Some(r) = rest {
                    let n = self.array_len(arr);
                    let mut xs = Vec::new();
                    for i in items.len()..n {
                        let av = self.heap.get(arr);
                        let x = self.element(av, i);
                        xs.push(self.heap.handle(x));
                    }
                    let a = self.array(&xs)?;
                    self.bind(r, a)?;
                }
                Ok(())
            }
            Pattern::Object { props, rest } => {
                let mut used = Vec::new();
                for (k, p) in props.iter() {
                    let x = match k {
                        Key::Named(n) => {
                            used.push(*n);
                            self.get(v, *n)?
                        }
                        Key::Computed(e) => {
                            let kv = self.expr(e)?;
                            let n = self.to_key(kv)?;
                            used.push(n);
                            self.get(v, n)?
                        }
                    };
                    self.bind(p, x)?;
                }
                if let Some(r) = rest {
                    let o = self.plain_object(4)?;
                    for (k, x) in self.own_entries(self.heap.get(v)) {
                        let name = self.heap.string_content(k.addr());
                        let n = self.intern(&name)?;
                        if !used.contains(&n) {
                            let x = self.heap.handle(x);
                            self.set(o, n, x)?;
                        }
                    }
                    self.bind(r, o)?;
                }
                Ok(())
            }
        }
    }

    fn assign_to(&mut self, t: &'a Target<'a>, v: Handle, pos: Pos) -> JsResult<()> {
        match t {
            Target::Var(var) => self.assign_var(var, v, pos),
            Target::Member { obj, key } => {
                let o = self.expr(obj)?;
                self.call_pos = pos;
                match key {
                    Key::Named(n) => self.set(o, *n, v),
                    Key::Computed(e) => {
                        let k = self.expr(e)?;
                        self.set_computed(o, k, v)
                    }
                }
            }
            Target::Pattern(p) => self.bind(p, v),
        }
    }

    // ----- iteration helpers -------------------------------------------------------------

    pub fn array_len(&self, a: Handle) -> usize {
        self.heap.array_length(self.heap.get(a))
    }

    /// The items of an iterable as an array: arrays, strings, `Map`/`Set` (entries/keys),
    /// `arguments`; anything else is a `TypeError`.
    pub fn iterate(&mut self, v: Handle) -> JsResult<Handle> {
        let t = self.heap.get(v);
        match self.kind(t) {
            Kind::Object => match self.heap.instance_type(t.addr()) {
                InstanceType::JSArray => Ok(v),
                InstanceType::JSMap | InstanceType::JSSet => {
                    crate::builtins::collections::entries_array(self, v)
                }
                _ => {
                    let s = self.to_text(t);
                    Err(self.type_error(&format!("{s} is not iterable")))
                }
            },
            Kind::String => {
                let s = self.heap.string_content(t.addr());
                let mut xs = Vec::new();
                for ch in s.chars() {
                    xs.push(self.string(&ch.to_string())?);
                }
                self.array(&xs)
            }
            _ => {
                let s = self.to_text(t);
                Err(self.type_error(&format!("{s} is not iterable")))
            }
        }
    }

    /// Enumerable own string keys (`for…in`, `Object.keys`): indices, then names.
    pub fn property_keys(&mut self, v: Handle) -> JsResult<Handle> {
        let t = self.heap.get(v);
        let mut keys = Vec::new();
        if self.is_object(t) {
            let n = if self.heap.instance_type(t.addr()) == InstanceType::JSArray {
                self.heap.array_length(t)
            } else {
                0
            };
            for i in 0..n {
                keys.push(self.string(&i.to_string())?);
            }
            for (k, _) in self.own_entries(self.heap.get(v)) {
                keys.push(self.heap.handle(k));
            }
        }
        self.array(&keys)
    }

    // ----- expressions -------------------------------------------------------------------

    /// Evaluates `e` (through [`Interp::expr`], which records its allocation site).
    pub(crate) fn eval_expr(&mut self, e: &'a Expr<'a>) -> JsResult<Handle> {
        match e {
            Expr::Undefined => Ok(self.undefined()),
            Expr::Null => {
                let n = self.heap.null_value();
                Ok(self.heap.handle(n))
            }
            Expr::Bool(b) => Ok(self.boolean(*b)),
            Expr::Num(n) => self.number(*n),
            Expr::Str(n) => Ok(self.name_value(*n)),
            Expr::Template { quasis, exprs } => self.template(quasis, exprs),
            Expr::Var(v, pos) => self.read_var(v, *pos),
            Expr::This(v, pos) => self.read_var(v, *pos),
            Expr::NewTarget(v) => self.read_var(v, Pos::default()),
            Expr::Array(items, _) => {
                let xs = self.args(items)?;
                self.array(&xs)
            }
            Expr::Object(props, _) => self.object_literal(props),
            Expr::Function(id) => self.closure(*id),
            Expr::Class(c) => self.class(c),
            Expr::Member {
                obj,
                key,
                optional,
                pos,
            } => {
                let o = self.expr(obj)?;
                if *optional && matches!(self.kind(self.heap.get(o)), Kind::Undefined | Kind::Null)
                {
                    return Err(Abort::Nullish);
                }
                self.call_pos = *pos;
                self.get_key(o, key)
            }
            Expr::SuperMember {
                parent,
                this: _,
                is_static,
                key,
                pos,
            } => {
                let base = self.super_base(parent, *is_static, *pos)?;
                self.get_key(base, key)
            }
            Expr::Call {
                callee,
                args,
                optional,
                pos,
            } => self.call_expr(callee, args, *optional, *pos),
            Expr::SuperCall {
                parent,
                this,
                new_target,
                args,
                pos,
            } => {
                let p = self.read_var(parent, *pos)?;
                let nt = self.read_var(new_target, *pos)?;
                let xs = self.args(args)?;
                if self.read_var_raw(this) != self.heap.the_hole() {
                    self.call_pos = *pos;
                    return Err(self.throw_new(
                        Intrinsic::ReferenceError,
                        "Super constructor may only be called once",
                    ));
                }
                self.call_pos = *pos;
                let obj = self.construct(p, &xs, nt)?;
                self.write_var(this, obj)?;
                Ok(obj)
            }
            Expr::New { callee, args, pos } => {
                let f = self.expr(callee)?;
                let xs = self.args(args)?;
                self.call_pos = *pos;
                self.step(*pos)?;
                self.construct(f, &xs, f)
            }
            Expr::Chain(inner) => match self.expr(inner) {
                Err(Abort::Nullish) => Ok(self.undefined()),
                r => r,
            },
            Expr::Assign { target, value, pos } => {
                let v = self.expr(value)?;
                self.assign_to(target, v, *pos)?;
                Ok(v)
            }
            Expr::CompoundAssign {
                target,
                op,
                value,
                pos,
            } => {
                let (old, set) = self.read_target(target, *pos)?;
                let r = self.expr(value)?;
                self.call_pos = *pos;
                let v = self.binary(*op, old, r)?;
                self.write_target(set, v, *pos)?;
                Ok(v)
            }
            Expr::LogicalAssign {
                target,
                op,
                value,
                pos,
            } => {
                let (old, set) = self.read_target(target, *pos)?;
                let ov = self.heap.get(old);
                let assign = match op {
                    LogicOp::And => self.to_boolean(ov),
                    LogicOp::Or => !self.to_boolean(ov),
                    LogicOp::Nullish => matches!(self.kind(ov), Kind::Undefined | Kind::Null),
                };
                if !assign {
                    return Ok(old);
                }
                let v = self.expr(value)?;
                self.write_target(set, v, *pos)?;
                Ok(v)
            }
            Expr::Update {
                target,
                delta,
                prefix,
                pos,
            } => {
                let (old, set) = self.read_target(target, *pos)?;
                let n = self.to_number(self.heap.get(old));
                let nv = self.number(n + delta)?;
                self.write_target(set, nv, *pos)?;
                if *prefix {
                    Ok(nv)
                } else {
                    self.number(n)
                }
            }
            Expr::Unary(op, a, pos) => {
                let v = self.expr(a)?;
                let t = self.heap.get(v);
                self.call_pos = *pos;
                match op {
                    UnOp::Not => Ok(self.boolean(!self.to_boolean(t))),
                    UnOp::Neg => self.number(-self.to_number(t)),
                    UnOp::Plus => self.number(self.to_number(t)),
                    UnOp::BitNot => self.number(!to_int32(self.to_number(t)) as f64),
                    UnOp::Typeof => {
                        let s = self.typeof_text(t);
                        let n = self.intern(s)?;
                        Ok(self.name_value(n))
                    }
                    UnOp::Void => Ok(self.undefined()),
                }
            }
            Expr::TypeofVar(v) => {
                let t = self.read_var_raw(v);
                let s = self.typeof_text(t);
                let n = self.intern(s)?;
                Ok(self.name_value(n))
            }
            Expr::Delete { obj, key, pos } => {
                let o = self.expr(obj)?;
                self.call_pos = *pos;
                let r = match key {
                    Key::Named(n) => self.delete(o, *n)?,
                    Key::Computed(e) => {
                        let k = self.expr(e)?;
                        self.delete_computed(o, k)?
                    }
                };
                Ok(self.boolean(r))
            }
            Expr::Binary(op, l, r, pos) => {
                let a = self.expr(l)?;
                let b = self.expr(r)?;
                self.call_pos = *pos;
                self.binary(*op, a, b)
            }
            Expr::Logical(op, l, r) => {
                let a = self.expr(l)?;
                let av = self.heap.get(a);
                let take_left = match op {
                    LogicOp::And => !self.to_boolean(av),
                    LogicOp::Or => self.to_boolean(av),
                    LogicOp::Nullish => !matches!(self.kind(av), Kind::Undefined | Kind::Null),
                };
                if take_left {
                    Ok(a)
                } else {
                    self.expr(r)
                }
            }
            Expr::Cond(t, a, b) => {
                let c = self.expr(t)?;
                if self.to_boolean(self.heap.get(c)) {
                    self.expr(a)
                } else {
                    self.expr(b)
                }
            }
            Expr::Seq(xs) => {
                let mut last = self.undefined();
                for x in xs.iter() {
                    last = self.expr(x)?;
                }
                Ok(last)
            }
        }
    }

    fn super_base(&mut self, parent: &Var, is_static: bool, pos: Pos) -> JsResult<Handle> {
        let p = self.read_var(parent, pos)?;
        if is_static {
            Ok(p)
        } else {
            let n = self.realm.names.prototype;
            self.get(p, n)
        }
    }

    fn get_key(&mut self, o: Handle, key: &'a Key<'a>) -> JsResult<Handle> {
        match key {
            Key::Named(n) => self.get(o, *n),
            Key::Computed(e) => {
                let k = self.expr(e)?;
                self.get_computed(o, k)
            }
        }
    }

    fn template(&mut self, quasis: &'a [Name], exprs: &'a [&'a Expr<'a>]) -> JsResult<Handle> {
        let mut acc = self.name_value(quasis[0]);
        for (i, e) in exprs.iter().enumerate() {
            let v = self.expr(e)?;
            let s = self.to_string(v)?;
            acc = self.concat(acc, s)?;
            if let Some(&q) = quasis.get(i + 1) {
                if self.heap.string_length(Names::get(&self.heap, q).addr()) > 0 {
                    let q = self.name_value(q);
                    acc = self.concat(acc, q)?;
                }
            }
        }
        Ok(acc)
    }

    /// `a + b` on two strings: a cons string (V8 copies results under 13 characters flat).
    pub fn concat(&mut self, a: Handle, b: Handle) -> JsResult<Handle> {
        let (x, y) = (self.heap.get(a), self.heap.get(b));
        if self.heap.string_length(x.addr()) == 0 {
            return Ok(b);
        }
        if self.heap.string_length(y.addr()) == 0 {
            return Ok(a);
        }
        let s = self.heap.alloc_cons_string(x, y)?;
        Ok(self.heap.handle(s))
    }

    pub fn args(&mut self, items: &'a [Arg<'a>]) -> JsResult<Vec<Handle>> {
        let mut xs = Vec::with_capacity(items.len());
        for a in items {
            match a {
                Arg::Plain(e) => xs.push(self.expr(e)?),
                Arg::Spread(e) => {
                    let v = self.expr(e)?;
                    let arr = self.iterate(v)?;
                    for i in 0..self.array_len(arr) {
                        let x = self.element(self.heap.get(arr), i);
                        xs.push(self.heap.handle(x));
                    }
                }
            }
        }
        Ok(xs)
    }

    fn object_literal(&mut self, props: &'a [Prop<'a>]) -> JsResult<Handle> {
        let o = self.plain_object(props.len())?;
        for p in props {
            let v = self.expr(p.value)?;
            if p.spread {
                for (k, x) in self.own_entries(self.heap.get(v)) {
                    let name = self.heap.string_content(k.addr());
                    let n = self.intern(&name)?;
                    let x = self.heap.handle(x);
                    self.set(o, n, x)?;
                }
                continue;
            }
            match p.key {
                Key::Named(n) => self.set(o, n, v)?,
                Key::Computed(e) => {
                    let k = self.expr(e)?;
                    self.set_computed(o, k, v)?
                }
            }
        }
        Ok(o)
    }

    fn class(&mut self, c: &'a ClassDef<'a>) -> JsResult<Handle> {
        let parent = match c.heritage {
            Some(h) => {
                let p = self.expr(h)?;
                if self.kind(self.heap.get(p)) != Kind::Function {
                    self.call_pos = c.pos;
                    return Err(self.type_error("Class extends value is not a constructor or null"));
                }
                Some(p)
            }
            None => None,
        };
        let entered = self.enter_scope(c.scope)?;
        let r = (|| {
            let f = self.closure(c.ctor)?;
            let proto_parent = match parent {
                Some(p) => {
                    let n = self.realm.names.prototype;
                    self.get(p, n)?
                }
                None => {
                    let op = self.intrinsic(Intrinsic::ObjectPrototype);
                    self.heap.handle(op)
                }
            };
            let proto = self.object_with_prototype(proto_parent)?;
            let cn = self.realm.names.constructor;
            self.set(proto, cn, f)?;
            let (fv, pv) = (self.heap.get(f), self.heap.get(proto));
            self.heap
                .set_field(fv, closure::PROTOTYPE_OR_INITIAL_MAP, pv);
            self.write_var(c.this_class, f)?;
            let pv = match parent {
                Some(p) => p,
                None => self.undefined(),
            };
            self.write_var(c.parent, pv)?;
            for m in c.methods {
                let mf = self.closure(m.func)?;
                let target = if m.is_static { f } else { proto };
                match m.key {
                    Key::Named(n) => self.set(target, n, mf)?,
                    Key::Computed(e) => {
                        let k = self.expr(e)?;
                        self.set_computed(target, k, mf)?
                    }
                }
            }
            Ok(f)
        })();
        self.leave_scope(entered);
        r
    }

    /// A plain object whose prototype is `proto` (a class's prototype object).
    pub fn object_with_prototype(&mut self, proto: Handle) -> JsResult<Handle> {
        let m = self.heap.new_class_map("Object", 4)?;
        let pv = self.heap.get(proto);
        let pv = if self.is_object(pv) {
            pv
        } else {
            self.heap.null_value()
        };
        self.heap.set_field(m, map::PROTOTYPE, pv);
        let ctor = self.intrinsic(Intrinsic::ObjectConstructor);
        self.heap
            .set_field(m, map::CONSTRUCTOR_OR_BACK_POINTER, ctor);
        let o = self.heap.alloc_object(m)?;
        Ok(self.heap.handle(o))
    }

    fn call_expr(
        &mut self,
        callee: &'a Expr<'a>,
        args: &'a [Arg<'a>],
        optional: bool,
        pos: Pos,
    ) -> JsResult<Handle> {
        let (f, this) = match callee {
            Expr::Member {
                obj,
                key,
                optional: opt_member,
                pos: mpos,
            } => {
                let o = self.expr(obj)?;
                if *opt_member
                    && matches!(self.kind(self.heap.get(o)), Kind::Undefined | Kind::Null)
                {
                    return Err(Abort::Nullish);
                }
                self.call_pos = *mpos;
                (self.get_key(o, key)?, o)
            }
            Expr::SuperMember {
                parent,
                this,
                is_static,
                key,
                pos,
            } => {
                let base = self.super_base(parent, *is_static, *pos)?;
                let f = self.get_key(base, key)?;
                (f, self.read_var(this, *pos)?)
            }
            other => (self.expr(other)?, self.undefined()),
        };
        let fv = self.heap.get(f);
        if optional && matches!(self.kind(fv), Kind::Undefined | Kind::Null) {
            return Err(Abort::Nullish);
        }
        let xs = self.args(args)?;
        self.call_pos = pos;
        self.step(pos)?;
        if self.kind(self.heap.get(f)) != Kind::Function {
            let what = callee_text(self, callee);
            return Err(self.type_error(&format!("{what} is not a function")));
        }
        self.call(f, this, &xs)
    }

    /// Reads a target for compound assignment; returns the old value and where to store.
    fn read_target(&mut self, t: &'a Target<'a>, pos: Pos) -> JsResult<(Handle, StoreTo<'a>)> {
        match t {
            Target::Var(v) => Ok((self.read_var(v, pos)?, StoreTo::Var(v))),
            Target::Member { obj, key } => {
                let o = self.expr(obj)?;
                self.call_pos = pos;
                match key {
                    Key::Named(n) => Ok((self.get(o, *n)?, StoreTo::Named(o, *n))),
                    Key::Computed(e) => {
                        let k = self.expr(e)?;
                        Ok((self.get_computed(o, k)?, StoreTo::Computed(o, k)))
                    }
                }
            }
            Target::Pattern(_) => {
                self.call_pos = pos;
                Err(self.throw_new(
                    Intrinsic::SyntaxError,
                    "Invalid left-hand side in assignment",
                ))
            }
        }
    }

    fn write_target(&mut self, s: StoreTo<'a>, v: Handle, pos: Pos) -> JsResult<()> {
        match s {
            StoreTo::Var(var) => self.assign_var(var, v, pos),
            StoreTo::Named(o, n) => self.set(o, n, v),
            StoreTo::Computed(o, k) => self.set_computed(o, k, v),
        }
    }

    pub fn binary(&mut self, op: BinOp, a: Handle, b: Handle) -> JsResult<Handle> {
        let (x, y) = (self.heap.get(a), self.heap.get(b));
        if op == BinOp::Add {
            let (kx, ky) = (self.kind(x), self.kind(y));
            if kx == Kind::Number && ky == Kind::Number {
                return self.number(self.number_value(x) + self.number_value(y));
            }
            if matches!(kx, Kind::String | Kind::Object | Kind::Function)
                || matches!(ky, Kind::String | Kind::Object | Kind::Function)
            {
                let sa = self.to_string(a)?;
                let sb = self.to_string(b)?;
                return self.concat(sa, sb);
            }
            return self.number(self.to_number(x) + self.to_number(y));
        }
        let num = |s: &Self, v: Tagged| s.to_number(v);
        let r = match op {
            BinOp::Sub => num(self, x) - num(self, y),
            BinOp::Mul => num(self, x) * num(self, y),
            BinOp::Div => num(self, x) / num(self, y),
            BinOp::Rem => num(self, x) % num(self, y),
            BinOp::Exp => num(self, x).powf(num(self, y)),
            BinOp::BitAnd => (to_int32(num(self, x)) & to_int32(num(self, y))) as f64,
            BinOp::BitOr => (to_int32(num(self, x)) | to_int32(num(self, y))) as f64,
            BinOp::BitXor => (to_int32(num(self, x)) ^ to_int32(num(self, y))) as f64,
            BinOp::Shl => {
                to_int32(num(self, x)).wrapping_shl(to_int32(num(self, y)) as u32 & 31) as f64
            }
            BinOp::Shr => (to_int32(num(self, x)) >> (to_int32(num(self, y)) as u32 & 31)) as f64,
            BinOp::UShr => {
                ((to_int32(num(self, x)) as u32) >> (to_int32(num(self, y)) as u32 & 31)) as f64
            }
            BinOp::StrictEq => return Ok(self.boolean(self.strict_equals(x, y))),
            BinOp::StrictNe => return Ok(self.boolean(!self.strict_equals(x, y))),
            BinOp::LooseEq => return Ok(self.boolean(self.loose_equals(x, y))),
            BinOp::LooseNe => return Ok(self.boolean(!self.loose_equals(x, y))),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let r = self.compare(op, x, y);
                return Ok(self.boolean(r));
            }
            BinOp::InstanceOf => {
                let r = self.instance_of(a, b)?;
                return Ok(self.boolean(r));
            }
            BinOp::In => {
                if !self.is_object(y) {
                    return Err(self.type_error(
                        "Cannot use 'in' operator to search for a key in a primitive",
                    ));
                }
                let r = if let Some(i) = self.index_of_key(x) {
                    self.heap.instance_type(y.addr()) == InstanceType::JSArray
                        && i < self.heap.array_length(y)
                } else {
                    let n = self.to_key(a)?;
                    self.lookup(self.heap.get(b), n).is_some()
                };
                return Ok(self.boolean(r));
            }
            BinOp::Add => unreachable!("handled above"),
        };
        self.number(r)
    }

    fn compare(&self, op: BinOp, x: Tagged, y: Tagged) -> bool {
        if self.kind(x) == Kind::String && self.kind(y) == Kind::String {
            let (a, b) = (
                self.heap.string_units(x.addr()),
                self.heap.string_units(y.addr()),
            );
            return match op {
                BinOp::Lt => a < b,
                BinOp::Le => a <= b,
                BinOp::Gt => a > b,
                _ => a >= b,
            };
        }
        let (a, b) = (self.to_number(x), self.to_number(y));
        match op {
            BinOp::Lt => a < b,
            BinOp::Le => a <= b,
            BinOp::Gt => a > b,
            _ => a >= b,
        }
    }

    pub fn instance_of(&mut self, v: Handle, ctor: Handle) -> JsResult<bool> {
        if self.kind(self.heap.get(ctor)) != Kind::Function {
            return Err(self.type_error("Right-hand side of 'instanceof' is not callable"));
        }
        let proto = self.function_prototype(ctor)?;
        let pv = self.heap.get(proto);
        let mut p = self
            .prototype_of(self.heap.get(v))
            .filter(|_| self.is_object(self.heap.get(v)));
        while let Some(x) = p {
            if x == pv {
                return Ok(true);
            }
            p = self.prototype_of(x);
        }
        Ok(false)
    }
}

#[derive(Clone, Copy)]
enum StoreTo<'a> {
    Var(&'a Var),
    Named(Handle, Name),
    Computed(Handle, Handle),
}

/// How an uncallable callee reads in `TypeError: X is not a function` (V8 prints the
/// expression: `client.onn`, `foo`).
fn callee_text(it: &Interp<'_>, e: &Expr<'_>) -> String {
    match e {
        Expr::Var(v, _) => it.name_text(v.name),
        Expr::This(..) => "this".into(),
        Expr::Member {
            obj,
            key: Key::Named(n),
            ..
        } => {
            format!("{}.{}", callee_text(it, obj), it.name_text(*n))
        }
        Expr::Member { obj, .. } => format!("{}[...]", callee_text(it, obj)),
        Expr::Call { callee, .. } => format!("{}(...)", callee_text(it, callee)),
        _ => "expression".into(),
    }
}

pub fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    (n.trunc() as i64 as u64 & 0xffff_ffff) as u32 as i32
}
