//! `Array` and `Array.prototype` (ECMA-262 §23.1): the methods of the subset, on the
//! simulator's `JSArray` (elements grow as V8's `NewElementsCapacity`).

use sim::Handle;

use super::{arg, constructor, method};
use crate::eval::{Interp, JsResult, NativeCall};

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    let ap = it.object_with_prototype(op)?;
    let m = it.heap.root_map(sim::InstanceType::JSArray);
    let apv = it.heap.get(ap);
    it.heap.set_field(m, sim::object::map::PROTOTYPE, apv);
    it.realm
        .set(&mut it.heap, crate::realm::Intrinsic::ArrayPrototype, apv);
    let ctor = constructor(it, "Array", array, 1, ap)?;
    method(it, ctor, "isArray", is_array, 1)?;
    method(it, ctor, "from", from, 1)?;
    for (name, f, n) in [
        ("push", push as crate::eval::NativeFn, 1),
        ("pop", pop, 0),
        ("shift", shift, 0),
        ("unshift", unshift, 1),
        ("map", map, 1),
        ("filter", filter, 1),
        ("forEach", for_each, 1),
        ("some", some, 1),
        ("find", find, 1),
        ("findIndex", find_index, 1),
        ("reduce", reduce, 2),
        ("indexOf", index_of, 1),
        ("includes", includes, 1),
        ("splice", splice, 2),
        ("slice", slice, 2),
        ("join", join, 1),
        ("fill", fill, 1),
        ("concat", concat, 1),
    ] {
        method(it, ap, name, f, n)?;
    }
    Ok(())
}

fn len(it: &Interp<'_>, a: Handle) -> usize {
    it.array_len(a)
}

fn at(it: &mut Interp<'_>, a: Handle, i: usize) -> Handle {
    let v = it.element(it.heap.get(a), i);
    it.heap.handle(v)
}

fn items(it: &mut Interp<'_>, a: Handle) -> Vec<Handle> {
    (0..len(it, a)).map(|i| at(it, a, i)).collect()
}

fn this_array(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let t = it.heap.get(c.this);
    if it.is_object(t) && it.heap.instance_type(t.addr()) == sim::InstanceType::JSArray {
        Ok(c.this)
    } else {
        Err(it.type_error("Array.prototype method called on a non-array"))
    }
}

fn array(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    if let [n] = c.args {
        let nv = it.heap.get(*n);
        if it.kind(nv) == crate::value::Kind::Number {
            let a = it.array(&[])?;
            it.set_array_length(a, it.number_value(nv))?;
            return Ok(a);
        }
    }
    it.array(c.args)
}

fn is_array(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = {
        let a = arg(it, c, 0);
        it.heap.get(a)
    };
    let r = it.is_object(v) && it.heap.instance_type(v.addr()) == sim::InstanceType::JSArray;
    Ok(it.boolean(r))
}

fn from(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let src = it.iterate(v)?;
    let xs = items(it, src);
    let f = c.arg(1);
    let mut out = Vec::new();
    for (i, x) in xs.into_iter().enumerate() {
        out.push(match f {
            Some(f) => {
                let u = it.undefined();
                let iv = it.number(i as f64)?;
                it.call(f, u, &[x, iv])?
            }
            None => x,
        });
    }
    it.array(&out)
}

fn push(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    for &x in c.args {
        let (av, xv) = (it.heap.get(a), it.heap.get(x));
        it.heap.array_push(av, xv)?;
    }
    it.number(len(it, a) as f64)
}

fn pop(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let n = len(it, a);
    if n == 0 {
        return Ok(it.undefined());
    }
    let v = at(it, a, n - 1);
    it.set_array_length(a, (n - 1) as f64)?;
    Ok(v)
}

/// Rewrites `a` to hold `xs` (shift/unshift/splice move every element, as V8's do).
fn rewrite(it: &mut Interp<'_>, a: Handle, xs: &[Handle]) -> JsResult<()> {
    it.set_array_length(a, 0.0)?;
    for (i, &x) in xs.iter().enumerate() {
        let (av, xv) = (it.heap.get(a), it.heap.get(x));
        it.heap.set_element(av, i, xv)?;
    }
    Ok(())
}

fn shift(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let xs = items(it, a);
    let Some((&first, rest)) = xs.split_first() else {
        return Ok(it.undefined());
    };
    rewrite(it, a, rest)?;
    Ok(first)
}

fn unshift(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let mut xs = c.args.to_vec();
    xs.extend(items(it, a));
    rewrite(it, a, &xs)?;
    it.number(xs.len() as f64)
}

fn callback(
    it: &mut Interp<'_>,
    c: &NativeCall<'_>,
    mut each: impl FnMut(&mut Interp<'_>, Handle, Handle) -> JsResult<bool>,
) -> JsResult<()> {
    let a = this_array(it, c)?;
    let f = arg(it, c, 0);
    let this = arg(it, c, 1);
    let mut i = 0;
    while i < len(it, a) {
        let x = at(it, a, i);
        let iv = it.number(i as f64)?;
        let r = it.call(f, this, &[x, iv, a])?;
        if !each(it, x, r)? {
            break;
        }
        i += 1;
    }
    Ok(())
}

fn map(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut out = Vec::new();
    callback(it, c, |_, _, r| {
        out.push(r);
        Ok(true)
    })?;
    it.array(&out)
}

fn filter(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut out = Vec::new();
    callback(it, c, |it, x, r| {
        if it.to_boolean(it.heap.get(r)) {
            out.push(x);
        }
        Ok(true)
    })?;
    it.array(&out)
}

fn for_each(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    callback(it, c, |_, _, _| Ok(true))?;
    Ok(it.undefined())
}

fn some(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut found = false;
    callback(it, c, |it, _, r| {
        found = it.to_boolean(it.heap.get(r));
        Ok(!found)
    })?;
    Ok(it.boolean(found))
}

fn find(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut found = None;
    callback(it, c, |it, x, r| {
        if it.to_boolean(it.heap.get(r)) {
            found = Some(x);
        }
        Ok(found.is_none())
    })?;
    Ok(found.unwrap_or_else(|| it.undefined()))
}

fn find_index(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let mut i = 0;
    let mut found = false;
    callback(it, c, |it, _, r| {
        found = it.to_boolean(it.heap.get(r));
        if !found {
            i += 1;
        }
        Ok(!found)
    })?;
    it.number(if found { i as f64 } else { -1.0 })
}

fn reduce(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let f = arg(it, c, 0);
    let xs = items(it, a);
    let (mut acc, start) = match c.arg(1) {
        Some(init) => (init, 0),
        None => match xs.first() {
            Some(&x) => (x, 1),
            None => return Err(it.type_error("Reduce of empty array with no initial value")),
        },
    };
    for (i, &x) in xs.iter().enumerate().skip(start) {
        let u = it.undefined();
        let iv = it.number(i as f64)?;
        acc = it.call(f, u, &[acc, x, iv, a])?;
    }
    Ok(acc)
}

fn position(
    it: &mut Interp<'_>,
    c: &NativeCall<'_>,
    same_value_zero: bool,
) -> JsResult<Option<usize>> {
    let a = this_array(it, c)?;
    let needle = {
        let a = arg(it, c, 0);
        it.heap.get(a)
    };
    let n = len(it, a);
    Ok((0..n).find(|&i| {
        let x = it.element(it.heap.get(a), i);
        if same_value_zero {
            it.same_value_zero(x, needle)
        } else {
            it.strict_equals(x, needle)
        }
    }))
}

fn index_of(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let p = position(it, c, false)?;
    it.number(p.map(|i| i as f64).unwrap_or(-1.0))
}

fn includes(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let p = position(it, c, true)?;
    Ok(it.boolean(p.is_some()))
}

/// A relative index argument (`slice(-2)`) clamped to `0..=len`.
fn relative(it: &Interp<'_>, v: Option<Handle>, len: usize, default: usize) -> usize {
    let Some(v) = v else { return default };
    let n = it.to_number(it.heap.get(v));
    if n.is_nan() {
        return 0;
    }
    let n = n.trunc();
    if n < 0.0 {
        (len as f64 + n).max(0.0) as usize
    } else {
        (n as usize).min(len)
    }
}

fn splice(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let xs = items(it, a);
    let start = relative(it, c.arg(0), xs.len(), 0);
    let count = match c.arg(1) {
        Some(d) => (it.to_number(it.heap.get(d)).max(0.0) as usize).min(xs.len() - start),
        None => xs.len() - start,
    };
    let removed = xs[start..start + count].to_vec();
    let mut kept = xs[..start].to_vec();
    kept.extend(c.args.iter().skip(2));
    kept.extend(&xs[start + count..]);
    rewrite(it, a, &kept)?;
    it.array(&removed)
}

fn slice(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let xs = items(it, a);
    let s = relative(it, c.arg(0), xs.len(), 0);
    let e = relative(it, c.arg(1), xs.len(), xs.len());
    it.array(xs.get(s..e.max(s)).unwrap_or(&[]))
}

fn join(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let sep = match c.arg(0) {
        Some(s) if it.kind(it.heap.get(s)) != crate::value::Kind::Undefined => {
            it.to_text(it.heap.get(s))
        }
        _ => ",".into(),
    };
    let parts: Vec<String> = (0..len(it, a))
        .map(|i| {
            let x = it.element(it.heap.get(a), i);
            match it.kind(x) {
                crate::value::Kind::Undefined | crate::value::Kind::Null => String::new(),
                _ => it.to_text(x),
            }
        })
        .collect();
    it.string(&parts.join(&sep))
}

fn fill(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let v = arg(it, c, 0);
    let n = len(it, a);
    let s = relative(it, c.arg(1), n, 0);
    let e = relative(it, c.arg(2), n, n);
    for i in s..e {
        let (av, vv) = (it.heap.get(a), it.heap.get(v));
        it.heap.set_element(av, i, vv)?;
    }
    Ok(a)
}

fn concat(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let a = this_array(it, c)?;
    let mut xs = items(it, a);
    for &x in c.args {
        let xv = it.heap.get(x);
        if it.is_object(xv) && it.heap.instance_type(xv.addr()) == sim::InstanceType::JSArray {
            xs.extend(items(it, x));
        } else {
            xs.push(x);
        }
    }
    it.array(&xs)
}
