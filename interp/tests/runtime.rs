//! The runtime around the core, asserted on the heap objects it leaves: `Promise` ordering
//! through the microtask queue, EventEmitter's single-listener/Array switch and its
//! max-listeners warning, CommonJS modules and `require.cache`, `delete` of index keys.

use bumpalo::Bump;
use interp::Interp;
use sim::{Handle, Heap, InstanceType, Profile};

/// Runs `src` as a phased or free-form script with snapshots discarded, then `check`.
fn run(src: &str, check: impl FnOnce(&mut Interp<'_>)) {
    let bump = Bump::new();
    let mut it = interp::run::interpreter(Heap::new(Profile::default()), &bump).unwrap();
    it.host.snapshot = Some(Box::new(|_, _| Ok(())));
    if let Err(e) = interp::harness::run(&mut it, "test.js", src, None) {
        panic!("{e}");
    }
    check(&mut it);
}

/// `globalThis.a.b…` along `path`.
fn global_path(it: &mut Interp<'_>, path: &[&str]) -> Handle {
    let g = it.heap.global();
    let mut cur = it.heap.handle(g);
    for step in path {
        let n = it.intern(step).unwrap();
        cur = it.get(cur, n).unwrap();
    }
    cur
}

fn class_count(heap: &Heap, class: &str) -> usize {
    heap.objects()
        .filter(|&a| {
            heap.class_name(a)
                .is_some_and(|n| heap.string_content(n.addr()) == class)
        })
        .count()
}

#[test]
fn promise_reactions_run_as_microtasks_in_order() {
    run(
        "const order = [];\n\
         global.settled = new Promise((resolve) => { order.push('executor'); resolve(1); });\n\
         settled.then((v) => { order.push(`then ${v}`); return v + 1; })\n\
           .then((v) => order.push(`chained ${v}`));\n\
         Promise.resolve(7).then((v) => order.push(`resolved ${v}`));\n\
         global.waiting = new Promise(() => {});\n\
         waiting.then(() => order.push('never'));\n\
         global.unwatched = new Promise(() => {});\n\
         order.push('sync');\n\
         module.exports = { action() { console.log(order.join(', ')); } };",
        |it| {
            assert_eq!(
                it.console,
                ["executor, sync, then 1, resolved 7, chained 2"]
            );
            assert!(class_count(&it.heap, "Promise") >= 5);
            // The pending promise keeps its reaction as V8's PromiseReaction: one record
            // (next, onFulfilled, onRejected, derived promise), the end of the list next.
            let reactions = global_path(it, &["waiting", "reactions_or_result"]);
            let r = it.heap.get(reactions);
            assert_eq!(it.heap.instance_type(r.addr()), InstanceType::FixedArray);
            assert_eq!(it.heap.fixed_array_length(r.addr()), 4);
            assert_eq!(it.heap.fixed_array_get(r, 0).smi_value(), 0);
            let derived = it.heap.fixed_array_get(r, 3);
            assert_eq!(
                it.heap.instance_type(derived.addr()),
                InstanceType::JSObject
            );
            // A pending promise nobody waits on has no reaction record at all.
            let none = global_path(it, &["unwatched", "reactions_or_result"]);
            assert_eq!(it.heap.get(none).smi_value(), 0);
            let settled = global_path(it, &["settled", "reactions_or_result"]);
            assert_eq!(it.heap.get(settled).smi_value(), 1);
        },
    );
}

/// Reactions added to a pending promise run in the order `then` was called, though V8's
/// list (and heapsim's) keeps the newest first.
#[test]
fn reactions_of_one_pending_promise_run_in_then_order() {
    run(
        "const order = [];\n\
         let settle;\n\
         const p = new Promise((resolve) => { settle = resolve; });\n\
         for (const name of ['first', 'second', 'third']) p.then((v) => order.push(`${name} ${v}`));\n\
         p.catch(() => order.push('never'));\n\
         settle(5);\n\
         module.exports = { action() { console.log(order.join(', ')); } };",
        |it| assert_eq!(it.console, ["first 5, second 5, third 5"]),
    );
}

#[test]
fn emitter_stores_one_listener_directly_then_an_array_and_warns_past_the_limit() {
    run(
        "const EventEmitter = require('events');\n\
         class Client extends EventEmitter {}\n\
         global.one = new Client();\n\
         one.on('error', function first() {});\n\
         global.many = new Client();\n\
         for (let i = 0; i < 11; i++) { many.on('error', function onError() {}); }",
        |it| {
            let single = global_path(it, &["one", "_events", "error"]);
            let s = it.heap.get(single);
            assert_eq!(it.heap.instance_type(s.addr()), InstanceType::JSFunction);
            let list = global_path(it, &["many", "_events", "error"]);
            let l = it.heap.get(list);
            assert_eq!(it.heap.instance_type(l.addr()), InstanceType::JSArray);
            assert_eq!(it.heap.array_length(l), 11);
            let warned = global_path(it, &["many", "_events", "error", "warned"]);
            assert_eq!(it.heap.get(warned), it.heap.true_value());
            assert_eq!(class_count(&it.heap, "Client"), 2);
            assert_eq!(
                it.host.stderr[0],
                "(node:4242) MaxListenersExceededWarning: Possible EventEmitter memory leak \
                 detected. 11 error listeners added to [Client]. MaxListeners is 10. Use \
                 emitter.setMaxListeners() to increase limit"
            );
            assert_eq!(it.host.stderr.len(), 2, "{:?}", it.host.stderr);
        },
    );
}

#[test]
fn a_reloaded_module_stays_in_its_parents_children() {
    let bump = Bump::new();
    let mut it = interp::run::interpreter(Heap::new(Profile::default()), &bump).unwrap();
    it.loader.read = Some(Box::new(|p| {
        (p == "lib/widget.js").then(|| "module.exports = { rows: [1, 2, 3] };".to_string())
    }));
    let src = "for (let i = 0; i < 3; i++) {\n\
                 delete require.cache[require.resolve('./widget.js')];\n\
                 require('./widget');\n\
               }\n\
               global.main = module;\n\
               global.resolved = require.resolve('./widget.js');";
    interp::run::run_main(&mut it, "lib/main.js", src).unwrap();
    let children = global_path(&mut it, &["main", "children"]);
    assert_eq!(it.heap.array_length(it.heap.get(children)), 3);
    // The main module, three copies of the widget and the prelude's modules.
    assert!(class_count(&it.heap, "Module") >= 4);
    let resolved = global_path(&mut it, &["resolved"]);
    assert_eq!(it.to_text(it.heap.get(resolved)), "lib/widget.js");
    let err = interp::run::run_main(&mut it, "lib/bad.js", "require('./missing.js');").unwrap_err();
    assert!(
        err.text.contains("Cannot find module './missing.js'"),
        "{}",
        err.text
    );
}

#[test]
fn deleting_an_index_key_leaves_undefined() {
    run(
        "const m = {};\nm[100] = { a: 1 };\ndelete m[100];\n\
         const a = [1, 2, 3];\ndelete a[1];\n\
         console.log(m[100] === undefined, a[1] === undefined, a.length);",
        |it| assert_eq!(it.console, ["true true 3"]),
    );
}

/// The bootstrap's builtins exist as functions on the heap (`Array.prototype.flatMap`,
/// Node's `URL`, `process.moduleLoadList`), and calling one the subset does not implement
/// is a `TypeError` naming it.
#[test]
fn bootstrap_builtins_exist_and_name_themselves_when_called() {
    let src = "let e1 = '', e2 = '';\n\
        try { [1].flatMap((a) => [a]); } catch (e) { e1 = e.message; }\n\
        try { new URL('http://x/'); } catch (e) { e2 = e.message; }\n\
        global.e1 = e1; global.e2 = e2;\n\
        global.loads = process.moduleLoadList.length;\n";
    run(src, |it| {
        for (var, name) in [("e1", "flatMap"), ("e2", "URL")] {
            let v = global_path(it, &[var]);
            let text = it.to_text(it.heap.get(v));
            assert_eq!(
                text,
                format!("{name} is a Node builtin that heapsim's interpreter does not implement (docs/scenario-language.md)")
            );
        }
        let loads = global_path(it, &["loads"]);
        assert_eq!(it.to_text(it.heap.get(loads)), "89");
    });
}
