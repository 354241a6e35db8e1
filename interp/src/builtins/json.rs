//! `JSON.stringify` of plain data (ECMA-262 §25.5.2): objects, arrays, strings, numbers,
//! booleans and `null`; functions and `undefined` are skipped in objects and `null` in
//! arrays; an optional indent.

use sim::Handle;

use super::{arg, global, method};
use crate::eval::{Interp, JsResult, NativeCall};
use crate::value::Kind;

pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    let op = it.intrinsic(crate::realm::Intrinsic::ObjectPrototype);
    let op = it.heap.handle(op);
    let j = it.object_with_prototype(op)?;
    method(it, j, "stringify", stringify, 3)?;
    global(it, "JSON", j)
}

fn stringify(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let v = arg(it, c, 0);
    let indent = match c.arg(2) {
        Some(i) if it.kind(it.heap.get(i)) == Kind::Number => {
            " ".repeat(it.number_value(it.heap.get(i)).clamp(0.0, 10.0) as usize)
        }
        Some(i) if it.kind(it.heap.get(i)) == Kind::String => it.to_text(it.heap.get(i)),
        _ => String::new(),
    };
    match to_json(it, v, &indent)? {
        Some(text) => it.string(&text),
        None => Ok(it.undefined()),
    }
}

/// `v` as JSON text indented by `indent`, or `None` when it has no JSON form.
pub fn to_json(it: &mut Interp<'_>, v: Handle, indent: &str) -> JsResult<Option<String>> {
    let mut out = String::new();
    let mut stack = Vec::new();
    let written = write(it, it.heap.get(v), indent, 0, &mut out, &mut stack)?;
    Ok(written.then_some(out))
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `v`; `false` when it has no JSON form (functions, `undefined`).
fn write(
    it: &mut Interp<'_>,
    v: sim::Tagged,
    indent: &str,
    depth: usize,
    out: &mut String,
    stack: &mut Vec<sim::Tagged>,
) -> JsResult<bool> {
    match it.kind(v) {
        Kind::Undefined | Kind::Hole | Kind::Function => return Ok(false),
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Kind::Number => {
            let n = it.number_value(v);
            out.push_str(&if n.is_finite() {
                crate::value::number_to_string(n)
            } else {
                "null".into()
            });
        }
        Kind::String => quote(&it.heap.string_content(v.addr()), out),
        Kind::Object => {
            if stack.contains(&v) {
                return Err(it.type_error("Converting circular structure to JSON"));
            }
            stack.push(v);
            let nl = |out: &mut String, d: usize| {
                if !indent.is_empty() {
                    out.push('\n');
                    out.push_str(&indent.repeat(d));
                }
            };
            if it.heap.instance_type(v.addr()) == sim::InstanceType::JSArray {
                out.push('[');
                let n = it.heap.array_length(v);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    let e = it.element(v, i);
                    if !write(it, e, indent, depth + 1, out, stack)? {
                        out.push_str("null");
                    }
                }
                if n > 0 {
                    nl(out, depth);
                }
                out.push(']');
            } else {
                out.push('{');
                let mut first = true;
                for (k, x) in it.own_entries(v) {
                    let mut item = String::new();
                    if !write(it, x, indent, depth + 1, &mut item, stack)? {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    nl(out, depth + 1);
                    quote(&it.heap.string_content(k.addr()), out);
                    out.push(':');
                    if !indent.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(&item);
                }
                if !first {
                    nl(out, depth);
                }
                out.push('}');
            }
            stack.pop();
        }
    }
    Ok(true)
}
