//! `Math` and `Date.now` (ECMA-262 §21.3, §21.4): `Math.random` draws from a SplitMix64
//! generator seeded by `--seed`, and `Date.now()` reads the simulated clock that
//! `advanceTime` moves, so runs are reproducible.

use sim::Handle;

use super::{arg, global, method};
use crate::eval::{Interp, JsResult, NativeCall, NativeFn};

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    let m = it.object_with_prototype(op)?;
    for (name, f, n) in [
        ("floor", floor as NativeFn, 1),
        ("ceil", ceil, 1),
        ("round", round, 1),
        ("abs", abs, 1),
        ("sqrt", sqrt, 1),
        ("max", max, 2),
        ("min", min, 2),
        ("random", random, 0),
    ] {
        method(it, m, name, f, n)?;
    }
    global(it, "Math", m)?;
    let d = it.object_with_prototype(op)?;
    method(it, d, "now", now, 0)?;
    global(it, "Date", d)?;
    Ok(())
}

fn num(it: &mut Interp<'_>, c: &NativeCall<'_>, i: usize) -> f64 {
    let v = arg(it, c, i);
    it.to_number(it.heap.get(v))
}

fn floor(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = num(it, c, 0);
    it.number(n.floor())
}

fn ceil(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = num(it, c, 0);
    it.number(n.ceil())
}

fn round(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = num(it, c, 0);
    it.number((n + 0.5).floor())
}

fn abs(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = num(it, c, 0);
    it.number(n.abs())
}

fn sqrt(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = num(it, c, 0);
    it.number(n.sqrt())
}

fn fold(
    it: &mut Interp<'_>,
    c: &NativeCall<'_>,
    init: f64,
    pick: fn(f64, f64) -> f64,
) -> JsResult<Handle> {
    let mut acc = init;
    for i in 0..c.args.len() {
        let n = num(it, c, i);
        acc = if n.is_nan() || acc.is_nan() {
            f64::NAN
        } else {
            pick(acc, n)
        };
    }
    it.number(acc)
}

fn max(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    fold(it, c, f64::NEG_INFINITY, f64::max)
}

fn min(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    fold(it, c, f64::INFINITY, f64::min)
}

fn random(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    let r = (it.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    it.number(r)
}

fn now(it: &mut Interp<'_>, _c: &NativeCall<'_>) -> JsResult<Handle> {
    it.number(it.clock_ms)
}
