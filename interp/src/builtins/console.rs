//! `console.log` / `warn` / `error` with Node's `util.inspect` formatting for the values of
//! the subset (`'str'` inside containers, `[ 1, 2 ]`, `{ a: 1 }`, `Client { … }`,
//! `[Function: name]`, `Map(1) { 'k' => 1 }`).

use sim::{Handle, InstanceType, Tagged};

use super::{global, method};
use crate::eval::{Interp, JsResult, NativeCall};
use crate::value::{number_to_string, Kind};

pub fn install(it: &mut Interp<'_>) -> JsResult<()> {
    let op = it.intrinsic(crate::realm::Intrinsic::ObjectPrototype);
    let op = it.heap.handle(op);
    let c = it.object_with_prototype(op)?;
    method(it, c, "log", log, 0)?;
    method(it, c, "info", log, 0)?;
    method(it, c, "warn", log, 0)?;
    method(it, c, "error", log, 0)?;
    global(it, "console", c)
}

fn log(it: &mut Interp<'_>, c: &NativeCall<'_>) -> JsResult<Handle> {
    let line: Vec<String> = c
        .args
        .iter()
        .map(|&a| {
            let v = it.heap.get(a);
            if it.kind(v) == Kind::String {
                it.heap.string_content(v.addr())
            } else {
                inspect(it, v, 0)
            }
        })
        .collect();
    it.console_line(&line.join(" "));
    Ok(it.undefined())
}

/// Node's `util.inspect` for the subset's values (depth 2, like Node's default).
pub fn inspect(it: &Interp<'_>, v: Tagged, depth: usize) -> String {
    match it.kind(v) {
        Kind::String => format!(
            "'{}'",
            it.heap.string_content(v.addr()).replace('\'', "\\'")
        ),
        Kind::Number => number_to_string(it.number_value(v)),
        Kind::Function => {
            let n = it
                .heap
                .string_content(it.heap.function_name(v.addr()).addr());
            if n.is_empty() {
                "[Function (anonymous)]".into()
            } else {
                format!("[Function: {n}]")
            }
        }
        Kind::Object => inspect_object(it, v, depth),
        _ => it.to_text(v),
    }
}

fn inspect_object(it: &Interp<'_>, v: Tagged, depth: usize) -> String {
    let ty = it.heap.instance_type(v.addr());
    if it.is_error(v) {
        return it.own_text(v, "stack").unwrap_or_else(|| it.to_text(v));
    }
    if depth > 2 {
        return if ty == InstanceType::JSArray {
            "[Array]".into()
        } else {
            "[Object]".into()
        };
    }
    let mut parts = Vec::new();
    if ty == InstanceType::JSArray {
        for i in 0..it.heap.array_length(v) {
            parts.push(inspect(it, it.element(v, i), depth + 1));
        }
    }
    if matches!(ty, InstanceType::JSMap | InstanceType::JSSet) {
        let t = it
            .heap
            .word(v.addr(), sim::object::collections::TABLE)
            .addr();
        for (_, k, x) in it.heap.table_entries(t) {
            parts.push(if ty == InstanceType::JSMap {
                format!(
                    "{} => {}",
                    inspect(it, k, depth + 1),
                    inspect(it, x, depth + 1)
                )
            } else {
                inspect(it, k, depth + 1)
            });
        }
        let name = if ty == InstanceType::JSMap {
            "Map"
        } else {
            "Set"
        };
        return format!("{name}({}) {}", parts.len(), braces(&parts, '{', '}'));
    }
    for (k, x) in it.own_entries(v) {
        let key = it.heap.string_content(k.addr());
        let key = if key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            && !key.is_empty()
        {
            key
        } else {
            format!("'{key}'")
        };
        parts.push(format!("{key}: {}", inspect(it, x, depth + 1)));
    }
    if ty == InstanceType::JSArray {
        return braces(&parts, '[', ']');
    }
    let class = it
        .heap
        .class_name(v.addr())
        .filter(|n| n.is_heap_object())
        .map(|n| it.heap.string_content(n.addr()))
        .unwrap_or_default();
    let body = braces(&parts, '{', '}');
    if class.is_empty() || class == "Object" {
        body
    } else {
        format!("{class} {body}")
    }
}

fn braces(parts: &[String], open: char, close: char) -> String {
    if parts.is_empty() {
        return format!("{open}{close}");
    }
    let one_line = format!("{open} {} {close}", parts.join(", "));
    if one_line.len() <= 72 {
        one_line
    } else {
        format!("{open}\n  {}\n{close}", parts.join(",\n  "))
    }
}
