//! Random programs never panic the interpreter: each either runs or ends in a one-line
//! script error (syntax, unsupported feature, uncaught exception, step budget, heap
//! exhausted). Programs are sequences of statements drawn from fragments of the subset
//! and of what it rejects, glued in random order, so many are malformed on purpose.

use bumpalo::Bump;
use proptest::prelude::*;
use sim::{Heap, Profile};

const FRAGMENTS: &[&str] = &[
    "let a = 1;",
    "const b = { x: 1, y: [1, 2, 3] };",
    "var c = 'str'.repeat(3);",
    "function f(x) { return x + 1; }",
    "const g = (y) => y * 2;",
    "class K { constructor(v) { this.v = v; } get() { return this.v; } }",
    "class L extends K { constructor() { super(1); } }",
    "a = f(a);",
    "b.x = g(b.x);",
    "delete b.x;",
    "b[a] = c;",
    "for (let i = 0; i < 5; i++) { a += i; }",
    "while (a > 100) { a -= 7; }",
    "if (a === 2) { a = 3; } else { a = 4; }",
    "try { null.x; } catch (e) { c = e.message; }",
    "throw new Error('boom');",
    "new L().get();",
    "new K(2).nope();",
    "const m = new Map(); m.set(a, b); m.get(a);",
    "new Promise((r) => r(a)).then((v) => { a = v; });",
    "console.log(a, b, c);",
    "JSON.stringify(b);",
    "[1, 2, 3].map(g).filter((x) => x > 2).join('-');",
    "setTimeout(() => { a = 0; }, 10); advanceTime(20);",
    "require('events');",
    "require('./nowhere.js');",
    "module.exports = { action() { a += 1; }, repeat: 3 };",
    "gc(); gc('minor');",
    "gc('major');",
    "`${a} and ${c}`;",
    "a ?? b;",
    "typeof zzz;",
    "zzz();",
    "while (true) {}",
    "function* gen() {}",
    "import x from 'y';",
    "{",
    "}",
    ")",
    "a..b;",
    "with (b) {}",
    "label: for (;;) { break label; }",
];

fn run(src: &str) {
    let bump = Bump::new();
    let Ok(mut it) = interp::run::interpreter(Heap::new(Profile::default()), &bump) else {
        return;
    };
    it.max_steps = 20_000;
    it.host.snapshot = Some(Box::new(|_, _| Ok(())));
    if let Err(e) = interp::harness::run(&mut it, "random.js", src, None) {
        assert!(!e.text.is_empty());
        assert!(matches!(e.exit_code(), 2 | 134), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(testkit::proptest_cases(128)))]

    #[test]
    fn random_programs_never_panic(picks in prop::collection::vec(0..FRAGMENTS.len(), 0..12)) {
        let src: Vec<&str> = picks.iter().map(|&i| FRAGMENTS[i]).collect();
        run(&src.join("\n"));
    }

    #[test]
    fn random_bytes_never_panic(src in "[ -~\n]{0,80}") {
        run(&src);
    }
}
