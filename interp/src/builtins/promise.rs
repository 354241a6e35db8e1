//! `Promise` (ECMA-262 §27.2) and the microtask queue its reactions run from.
//!
//! A promise is an object of class `Promise` with two properties named after V8's
//! `JSPromise` fields: `flags` (0 pending, 1 fulfilled, 2 rejected) and
//! `reactions_or_result` — while pending, Smi 0 until the first `then`, then the newest of
//! a list of reaction records, each a `FixedArray` `(next, onFulfilled, onRejected, derived
//! promise)` as V8's `PromiseReaction` (`src/objects/promise.h`: newest first, reversed
//! when the promise settles); once settled, the value. A pending promise nobody waits on
//! thus costs no more than V8's. Settling turns each reaction into a job (§27.2.2.1
//! NewPromiseReactionJob); `resolve` with a thenable
//! queues a NewPromiseResolveThenableJob. The resolving functions of a promise are native
//! closures over one `Context` holding `promise` and `alreadyResolved`, as V8's
//! `PromiseBuiltins` context is. Jobs wait in the realm's microtask slot, an `Array` of
//! job quadruples `(handler, argument, derived, kind)`; [`drain_microtasks`] runs them
//! first in, first out, jobs queued while draining included. The harness drains after each
//! phase step (`docs/scenario-runtime.md`), never inside one. An unhandled rejection is not
//! reported (Node would end the process).

use sim::object::closure;
use sim::{Handle, Tagged};

use super::{arg, constructor, method};
use crate::eval::{Abort, Interp, JsResult, NativeCall};
use crate::realm::Intrinsic;
use crate::value::Kind;

const PENDING: i32 = 0;
const FULFILLED: i32 = 1;
const REJECTED: i32 = 2;

/// Job kinds: run a fulfil or reject reaction, or call a thenable's `then`.
const JOB_FULFILL: i32 = 0;
const JOB_REJECT: i32 = 1;
const JOB_THENABLE: i32 = 2;

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    let p = it.object_with_prototype(op)?;
    let ctor = constructor(it, "Promise", new_promise, 1, p)?;
    it.set_intrinsic(Intrinsic::Promise, ctor);
    method(it, p, "then", then, 2)?;
    method(it, p, "catch", catch, 1)?;
    method(it, ctor, "resolve", promise_resolve, 1)?;
    method(it, ctor, "reject", promise_reject, 1)?;
    let resolve = it.native_shared("resolve", resolve_function, 1)?;
    let reject = it.native_shared("reject", reject_function, 1)?;
    let si = it.heap.alloc_scope_info(&["promise", "alreadyResolved"])?;
    let si = it.heap.new_global_handle(si);
    it.realm.promise = Some(crate::realm::PromiseShared {
        resolve,
        reject,
        scope_info: si,
    });
    Ok(())
}

fn new_promise(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let Some(target) = c.new_target else {
        return Err(it.type_error("Promise constructor cannot be invoked without 'new'"));
    };
    let executor = arg(it, c, 0);
    if it.kind(it.heap.get(executor)) != Kind::Function {
        let t = it.to_text(it.heap.get(executor));
        return Err(it.type_error(&format!("Promise resolver {t} is not a function")));
    }
    let p = pending(it, target)?;
    let (resolve, reject) = resolving_functions(it, p)?;
    let u = it.undefined();
    match it.call(executor, u, &[resolve, reject]) {
        Err(Abort::Throw) => {
            let e = it.take_exception();
            it.call(reject, u, &[e])?;
        }
        r => {
            r?;
        }
    }
    Ok(p)
}

/// A new pending promise whose class is `ctor`'s.
fn pending(it: &mut Interp<'_>, ctor: Handle) -> JsResult<Handle> {
    let p = it.alloc_instance(ctor)?;
    // Smi 0: no reactions yet.
    let none = it.heap.handle(Tagged::smi(0));
    set_state(it, p, PENDING, none)?;
    Ok(p)
}

/// The fields of a reaction record.
const REACTION_NEXT: usize = 0;
const REACTION_FULFILL: usize = 1;
const REACTION_DERIVED: usize = 3;
const REACTION_FIELDS: usize = 4;

/// Prepends a reaction to a pending promise's list.
fn add_reaction(
    it: &mut Interp<'_>,
    p: Handle,
    head: Handle,
    reaction: [Handle; 3],
) -> JsResult<()> {
    let record = it.heap.alloc_fixed_array(REACTION_FIELDS)?;
    let fields = [head, reaction[0], reaction[1], reaction[2]].map(|h| it.heap.get(h));
    for (i, v) in fields.into_iter().enumerate() {
        it.heap.fixed_array_set(record, i, v);
    }
    let record = it.heap.handle(record);
    set_state(it, p, PENDING, record)
}

/// The reaction records of a list, oldest first (the order `then` was called in).
fn reactions_in_order(it: &mut Interp<'_>, head: Handle) -> Vec<Handle> {
    let mut records = Vec::new();
    let mut at = it.heap.get(head);
    while at.is_heap_object() {
        records.push(it.heap.handle(at));
        at = it.heap.fixed_array_get(at, REACTION_NEXT);
    }
    records.reverse();
    records
}

fn new_pending(it: &mut Interp<'_>) -> JsResult<Handle> {
    let ctor = it.intrinsic(Intrinsic::Promise);
    let ctor = it.heap.handle(ctor);
    pending(it, ctor)
}

fn set_state(it: &mut Interp<'_>, p: Handle, flags: i32, value: Handle) -> JsResult<()> {
    let f = it.heap.handle(Tagged::smi(flags));
    let (fl, rr) = (it.intern("flags")?, it.intern("reactions_or_result")?);
    it.set(p, fl, f)?;
    it.set(p, rr, value)
}

fn state(it: &mut Interp<'_>, p: Handle) -> JsResult<(i32, Handle)> {
    let (fl, rr) = (it.intern("flags")?, it.intern("reactions_or_result")?);
    let f = it.get(p, fl)?;
    let f = it.heap.get(f);
    let v = it.get(p, rr)?;
    Ok((if f.is_smi() { f.smi_value() } else { -1 }, v))
}

/// `promise`'s state, or a `TypeError` when it is no promise.
fn this_promise(it: &mut Interp<'_>, v: Handle, what: &str) -> JsResult<(i32, Handle)> {
    let is_object = it.kind(it.heap.get(v)) == Kind::Object;
    let (flags, value) = if is_object { state(it, v)? } else { (-1, v) };
    if flags < 0 {
        return Err(it.type_error(&format!(
            "Method Promise.prototype.{what} called on incompatible receiver"
        )));
    }
    Ok((flags, value))
}

/// The resolve and reject functions of `p`, over one shared context.
fn resolving_functions(it: &mut Interp<'_>, p: Handle) -> JsResult<(Handle, Handle)> {
    let shared = it.realm.promise.expect("Promise installed");
    let si = it.heap.get_global(shared.scope_info);
    let u = it.heap.undefined_value();
    let ctx = it.heap.alloc_context_with(u, si)?;
    let (pv, f) = (it.heap.get(p), it.heap.false_value());
    it.heap.context_set(ctx, 0, pv);
    it.heap.context_set(ctx, 1, f);
    let ctx = it.heap.handle(ctx);
    let resolve = it.native_closure(shared.resolve, it.heap.get(ctx))?;
    let reject = it.native_closure(shared.reject, it.heap.get(ctx))?;
    Ok((resolve, reject))
}

/// The promise of a resolving function, `None` once either of the pair has run.
fn claim(it: &mut Interp<'_>, c: &NativeCall<'_>) -> Option<Handle> {
    let ctx = it.heap.word(it.heap.get(c.callee).addr(), closure::CONTEXT);
    if it.heap.context_get(ctx, 1) == it.heap.true_value() {
        return None;
    }
    let t = it.heap.true_value();
    it.heap.context_set(ctx, 1, t);
    let p = it.heap.context_get(ctx, 0);
    Some(it.heap.handle(p))
}

fn resolve_function(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    if let Some(p) = claim(it, c) {
        let v = arg(it, c, 0);
        resolve(it, p, v)?;
    }
    Ok(it.undefined())
}

fn reject_function(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    if let Some(p) = claim(it, c) {
        let v = arg(it, c, 0);
        settle(it, p, REJECTED, v)?;
    }
    Ok(it.undefined())
}

/// §27.2.1.3.2 Promise Resolve Functions: a thenable is adopted through a job.
fn resolve(it: &mut Interp<'_>, p: Handle, v: Handle) -> JsResult<()> {
    if it.heap.get(p) == it.heap.get(v) {
        let e = it.make_error(Intrinsic::TypeError, "Chaining cycle detected for promise")?;
        return settle(it, p, REJECTED, e);
    }
    if !it.is_object(it.heap.get(v)) {
        return settle(it, p, FULFILLED, v);
    }
    let then_name = it.intern("then")?;
    let then = match it.get(v, then_name) {
        Err(Abort::Throw) => {
            let e = it.take_exception();
            return settle(it, p, REJECTED, e);
        }
        r => r?,
    };
    if it.kind(it.heap.get(then)) != Kind::Function {
        return settle(it, p, FULFILLED, v);
    }
    enqueue(it, [then, v, p], JOB_THENABLE)
}

/// Fulfils or rejects `p` with `v` and queues its reactions.
fn settle(it: &mut Interp<'_>, p: Handle, flags: i32, v: Handle) -> JsResult<()> {
    let (now, reactions) = state(it, p)?;
    if now != PENDING {
        return Ok(());
    }
    set_state(it, p, flags, v)?;
    let which = REACTION_FULFILL + (flags != FULFILLED) as usize;
    for record in reactions_in_order(it, reactions) {
        let field = |it: &mut Interp<'_>, k| {
            let e = it.heap.fixed_array_get(it.heap.get(record), k);
            it.heap.handle(e)
        };
        let (handler, derived) = (field(it, which), field(it, REACTION_DERIVED));
        enqueue(it, [handler, v, derived], reaction_job(flags))?;
    }
    Ok(())
}

fn reaction_job(flags: i32) -> i32 {
    if flags == FULFILLED {
        JOB_FULFILL
    } else {
        JOB_REJECT
    }
}

fn then(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (flags, value) = this_promise(it, c.this, "then")?;
    let (on_fulfilled, on_rejected) = (arg(it, c, 0), arg(it, c, 1));
    let derived = new_pending(it)?;
    if flags == PENDING {
        add_reaction(it, c.this, value, [on_fulfilled, on_rejected, derived])?;
    } else {
        let handler = if flags == FULFILLED {
            on_fulfilled
        } else {
            on_rejected
        };
        enqueue(it, [handler, value, derived], reaction_job(flags))?;
    }
    Ok(derived)
}

fn catch(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let u = it.undefined();
    let on_rejected = arg(it, c, 0);
    let then_name = it.intern("then")?;
    let f = it.get(c.this, then_name)?;
    it.call(f, c.this, &[u, on_rejected])
}

fn promise_resolve(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    if it.kind(it.heap.get(v)) == Kind::Object && state(it, v)?.0 >= 0 {
        return Ok(v);
    }
    let p = new_pending(it)?;
    resolve(it, p, v)?;
    Ok(p)
}

fn promise_reject(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let p = new_pending(it)?;
    settle(it, p, REJECTED, v)?;
    Ok(p)
}

fn enqueue(it: &mut Interp<'_>, job: [Handle; 3], kind: i32) -> JsResult<()> {
    let mut q = it.intrinsic(Intrinsic::Microtasks);
    if !it.is_object(q) {
        let a = it.array(&[])?;
        it.set_intrinsic(Intrinsic::Microtasks, a);
        q = it.heap.get(a);
    }
    let q = it.heap.handle(q);
    let k = it.heap.handle(Tagged::smi(kind));
    for x in [job[0], job[1], job[2], k] {
        let (qv, xv) = (it.heap.get(q), it.heap.get(x));
        it.heap.array_push(qv, xv)?;
    }
    Ok(())
}

/// Runs every queued job, and the jobs they queue, in order.
pub fn drain_microtasks(it: &mut Interp<'_>) -> JsResult<()> {
    loop {
        let q = it.intrinsic(Intrinsic::Microtasks);
        if !it.is_object(q) || it.heap.array_length(q) == 0 {
            return Ok(());
        }
        let q = it.heap.handle(q);
        let u = it.undefined();
        it.set_intrinsic(Intrinsic::Microtasks, u);
        for i in (0..it.array_len(q)).step_by(4) {
            let scope = it.heap.open_handle_scope();
            let r = run_job(it, q, i);
            it.heap.close_handle_scope(scope);
            r?;
        }
    }
}

fn run_job(it: &mut Interp<'_>, q: Handle, i: usize) -> JsResult<()> {
    let at = |it: &mut Interp<'_>, k| {
        let e = it.element(it.heap.get(q), i + k);
        it.heap.handle(e)
    };
    let (handler, argument, derived) = (at(it, 0), at(it, 1), at(it, 2));
    let kind = it.element(it.heap.get(q), i + 3).smi_value();
    let u = it.undefined();
    if kind == JOB_THENABLE {
        let (res, rej) = resolving_functions(it, derived)?;
        return match it.call(handler, argument, &[res, rej]) {
            Err(Abort::Throw) => {
                let e = it.take_exception();
                it.call(rej, u, &[e]).map(drop)
            }
            r => r.map(drop),
        };
    }
    let has_derived = it.is_object(it.heap.get(derived));
    if it.kind(it.heap.get(handler)) != Kind::Function {
        let flags = if kind == JOB_FULFILL {
            FULFILLED
        } else {
            REJECTED
        };
        return if has_derived {
            settle(it, derived, flags, argument)
        } else {
            Ok(())
        };
    }
    match it.call(handler, u, &[argument]) {
        Err(Abort::Throw) => {
            let e = it.take_exception();
            if has_derived {
                settle(it, derived, REJECTED, e)?;
            }
            Ok(())
        }
        Ok(r) if has_derived => resolve(it, derived, r),
        r => r.map(drop),
    }
}
