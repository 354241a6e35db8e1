//! Closures capture only what they use: captured variables go into a heap `Context`
//! (named by its `ScopeInfo`), the others stay in registers and die with the call.

use bumpalo::Bump;
use sim::{Heap, InstanceType, Profile};

fn run(src: &str) -> (Heap, Vec<String>) {
    let bump = Bump::new();
    let mut it = interp::run::interpreter(Heap::new(Profile::default()), &bump).unwrap();
    interp::run::run_main(&mut it, "test.js", src).unwrap();
    let console = it.console.clone();
    (
        std::mem::replace(&mut it.heap, Heap::new(Profile::default())),
        console,
    )
}

/// Variable names of every function context in the heap.
fn contexts(heap: &Heap) -> Vec<Vec<String>> {
    heap.objects()
        .filter(|&a| heap.instance_type(a) == InstanceType::Context)
        .map(|a| {
            (0..heap.context_variable_count(a))
                .map(|i| heap.string_content(heap.context_variable_name(a, i).addr()))
                .collect()
        })
        .collect()
}

#[test]
fn only_captured_variables_live_in_the_context() {
    let (heap, out) = run(
        "function make() { const kept = 'k'.repeat(20); const dropped = 'd'.repeat(20);\n\
         console.log(dropped.length); return function get() { return kept; }; }\n\
         global.keep = make();\nconsole.log(keep());",
    );
    assert_eq!(out, ["20", "kkkkkkkkkkkkkkkkkkkk"]);
    let ctxs = contexts(&heap);
    assert!(ctxs.contains(&vec!["kept".to_string()]), "{ctxs:?}");
    assert!(
        !ctxs.iter().any(|c| c.contains(&"dropped".to_string())),
        "{ctxs:?}"
    );
}

#[test]
fn contexts_chain_through_previous() {
    let (heap, out) = run(
        "const outer = 'o';\nfunction f() { const inner = 'i'; return () => outer + inner; }\n\
         global.g = f();\nconsole.log(g());",
    );
    assert_eq!(out, ["oi"]);
    let inner = heap
        .objects()
        .find(|&a| {
            heap.instance_type(a) == InstanceType::Context
                && heap.context_variable_count(a) == 1
                && heap.string_content(heap.context_variable_name(a, 0).addr()) == "inner"
        })
        .expect("the inner context");
    let prev = heap.word(inner, sim::object::context::PREVIOUS).addr();
    let names: Vec<String> = (0..heap.context_variable_count(prev))
        .map(|i| heap.string_content(heap.context_variable_name(prev, i).addr()))
        .collect();
    assert_eq!(names, ["outer"]);
}

#[test]
fn same_shaped_objects_share_a_map() {
    let (heap, _) = run(
        "class Point { constructor(x, y) { this.x = x; this.y = y; } }\n\
         global.a = new Point(1, 2); global.b = new Point(3, 4); global.c = { x: 1 };",
    );
    let points: Vec<_> = heap
        .objects()
        .filter(|&a| {
            heap.instance_type(a) == InstanceType::JSObject
                && heap
                    .class_name(a)
                    .is_some_and(|n| heap.string_content(n.addr()) == "Point")
        })
        .collect();
    assert_eq!(points.len(), 2);
    assert_eq!(heap.map_of(points[0]), heap.map_of(points[1]));
}

#[test]
fn plus_makes_cons_strings() {
    let (heap, out) =
        run("const a = 'x'.repeat(10); global.s = a + 'yyyyyyyyyy';\nconsole.log(s.length);");
    assert_eq!(out, ["20"]);
    assert!(heap
        .objects()
        .any(|a| heap.instance_type(a) == InstanceType::ConsString));
}

#[test]
fn errors_name_file_line_and_column() {
    let bump = Bump::new();
    let mut it = interp::run::interpreter(Heap::new(Profile::default()), &bump).unwrap();
    let e = interp::run::run_main(&mut it, "bad.js", "const x = 1;\nx.foo();\n").unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.text.starts_with("bad.js:2:"), "{}", e.text);
    assert!(
        e.text.contains("TypeError: x.foo is not a function"),
        "{}",
        e.text
    );
}
