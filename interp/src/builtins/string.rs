//! `String`, `Number` and `Boolean` (ECMA-262 §22.1, §21.1, §20.3): conversions and the
//! string methods of the subset. Results are fresh sequential strings; `slice` of a long
//! string makes a sliced string, as V8's `SubString` does.

use sim::Handle;

use super::{arg, constructor, method};
use crate::eval::{Interp, JsResult, NativeCall, NativeFn};
use crate::realm::Intrinsic;

pub fn install(it: &mut Interp<'_>, op: Handle) -> JsResult<()> {
    let sp = it.object_with_prototype(op)?;
    it.set_intrinsic(Intrinsic::StringPrototype, sp);
    constructor(it, "String", string, 1, sp)?;
    for (name, f, n) in [
        ("repeat", repeat as NativeFn, 1),
        ("slice", slice, 2),
        ("substring", slice, 2),
        ("indexOf", index_of, 1),
        ("includes", includes, 1),
        ("startsWith", starts_with, 1),
        ("endsWith", ends_with, 1),
        ("split", split, 2),
        ("padStart", pad_start, 2),
        ("toUpperCase", to_upper, 0),
        ("toLowerCase", to_lower, 0),
        ("trim", trim, 0),
        ("charAt", char_at, 1),
        ("toString", this_string, 0),
    ] {
        method(it, sp, name, f, n)?;
    }
    let np = it.object_with_prototype(op)?;
    it.set_intrinsic(Intrinsic::NumberPrototype, np);
    constructor(it, "Number", number, 1, np)?;
    method(it, np, "toFixed", to_fixed, 1)?;
    method(it, np, "toString", this_string, 0)?;
    let bp = it.object_with_prototype(op)?;
    it.set_intrinsic(Intrinsic::BooleanPrototype, bp);
    constructor(it, "Boolean", boolean, 1, bp)?;
    Ok(())
}

fn text(it: &Interp<'_>, h: Handle) -> String {
    it.to_text(it.heap.get(h))
}

fn units(it: &Interp<'_>, h: Handle) -> Vec<u16> {
    text(it, h).encode_utf16().collect()
}

fn string(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    match c.arg(0) {
        Some(v) => it.to_string(v),
        None => it.string(""),
    }
}

fn number(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let n = if c.args.is_empty() {
        0.0
    } else {
        it.to_number(it.heap.get(v))
    };
    it.number(n)
}

fn boolean(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let b = it.to_boolean(it.heap.get(v));
    Ok(it.boolean(b))
}

fn this_string(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    it.to_string(c.this)
}

fn repeat(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this);
    let n = {
        let a = arg(it, c, 0);
        it.to_number(it.heap.get(a))
    };
    if !(0.0..=f64::from(1u32 << 29)).contains(&n) || s.len() as f64 * n > (1u64 << 29) as f64 {
        return Err(it.range_error(&format!(
            "Invalid count value: {}",
            crate::value::number_to_string(n)
        )));
    }
    it.string(&s.repeat(n as usize))
}

fn relative(
    it: &Interp<'_>,
    v: Option<Handle>,
    len: usize,
    default: usize,
    negative_from_end: bool,
) -> usize {
    let Some(v) = v else { return default };
    let n = it.to_number(it.heap.get(v));
    if n.is_nan() {
        return 0;
    }
    if n < 0.0 {
        return if negative_from_end {
            (len as f64 + n.trunc()).max(0.0) as usize
        } else {
            0
        };
    }
    (n as usize).min(len)
}

fn slice(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let u = units(it, c.this);
    let s = relative(it, c.arg(0), u.len(), 0, true);
    let e = relative(it, c.arg(1), u.len(), u.len(), true);
    let part = String::from_utf16_lossy(u.get(s..e.max(s)).unwrap_or(&[]));
    it.string(&part)
}

fn index_of(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (s, needle) = (text(it, c.this), {
        let a = arg(it, c, 0);
        text(it, a)
    });
    let r = s
        .find(&needle)
        .map(|b| s[..b].encode_utf16().count() as f64)
        .unwrap_or(-1.0);
    it.number(r)
}

fn includes(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (s, needle) = (text(it, c.this), {
        let a = arg(it, c, 0);
        text(it, a)
    });
    Ok(it.boolean(s.contains(&needle)))
}

fn starts_with(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (s, needle) = (text(it, c.this), {
        let a = arg(it, c, 0);
        text(it, a)
    });
    Ok(it.boolean(s.starts_with(&needle)))
}

fn ends_with(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let (s, needle) = (text(it, c.this), {
        let a = arg(it, c, 0);
        text(it, a)
    });
    Ok(it.boolean(s.ends_with(&needle)))
}

fn split(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this);
    let parts: Vec<String> = match c.arg(0) {
        None => vec![s],
        Some(sep) => {
            let sep = text(it, sep);
            if sep.is_empty() {
                s.chars().map(|c| c.to_string()).collect()
            } else {
                s.split(sep.as_str()).map(str::to_string).collect()
            }
        }
    };
    let mut xs = Vec::new();
    for p in parts {
        xs.push(it.string(&p)?);
    }
    it.array(&xs)
}

fn pad_start(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this);
    let a = arg(it, c, 0);
    let n = it.to_number(it.heap.get(a)).clamp(0.0, 1e8) as usize;
    let fill = match c.arg(1) {
        Some(f) => text(it, f),
        None => " ".into(),
    };
    let len = s.encode_utf16().count();
    if n <= len || fill.is_empty() {
        return it.string(&s);
    }
    let pad: String = fill.chars().cycle().take(n - len).collect();
    it.string(&(pad + &s))
}

fn to_upper(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this).to_uppercase();
    it.string(&s)
}

fn to_lower(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this).to_lowercase();
    it.string(&s)
}

fn trim(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let s = text(it, c.this);
    it.string(s.trim())
}

fn char_at(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let u = units(it, c.this);
    let i = {
        let a = arg(it, c, 0);
        it.to_number(it.heap.get(a))
    };
    let s = if i >= 0.0 {
        u.get(i as usize)
            .map(|&x| String::from_utf16_lossy(&[x]))
            .unwrap_or_default()
    } else {
        String::new()
    };
    it.string(&s)
}

fn to_fixed(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let n = it.to_number(it.heap.get(c.this));
    let d = {
        let a = arg(it, c, 0);
        it.to_number(it.heap.get(a))
    };
    let d = if d.is_nan() {
        0
    } else {
        d.clamp(0.0, 100.0) as usize
    };
    it.string(&format!("{n:.d$}"))
}
