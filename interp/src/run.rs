//! Running a script: a fresh realm on a heap (builtins, V8's native context
//! (`sim::bootstrap`), the loader, the prelude, Node's bootstrap ([`crate::bootstrap`])),
//! then the file run as the main CommonJS module.

use bumpalo::Bump;
use format::Format;
use sim::Heap;

use crate::error::{ErrorKind, ScriptError};
use crate::eval::{Abort, Interp};

/// Builds the realm of `heap`, with the prelude loaded and Node 20's startup heap, into a
/// new interpreter.
pub fn interpreter(heap: Heap, bump: &Bump) -> Result<Interp<'_>, ScriptError> {
    interpreter_for(heap, bump, Format::Node20)
}

/// [`interpreter`] with the startup heap of the Node release that writes `release`'s
/// snapshots (V8's native context and Node's bootstrap differ between releases).
pub fn interpreter_for(
    heap: Heap,
    bump: &Bump,
    release: Format,
) -> Result<Interp<'_>, ScriptError> {
    let mut it = Interp::new(heap, bump);
    let r = crate::builtins::install(&mut it)
        .and_then(|()| Ok(sim::bootstrap::genesis(&mut it.heap, release).map(|_| ())?))
        .and_then(|()| crate::modules::install(&mut it))
        .and_then(|()| crate::prelude::install(&mut it))
        .and_then(|()| crate::bootstrap::install(&mut it, release));
    r.map_err(|a| abort_error(&mut it, a))?;
    Ok(it)
}

/// Loads `name` with `source` and runs it as the main module; returns `module.exports`.
pub fn run_main(it: &mut Interp<'_>, name: &str, source: &str) -> Result<sim::Handle, ScriptError> {
    let r = crate::modules::run_main(it, name, source).and_then(|m| {
        let en = it.intern("exports")?;
        it.get(m, en)
    });
    r.map_err(|a| abort_error(it, a))
}

/// The report of an abort that reached the top.
pub fn abort_error(it: &mut Interp<'_>, a: Abort) -> ScriptError {
    match a {
        Abort::Fatal(e) => e,
        Abort::Nullish => ScriptError::harness("internal error: an optional chain escaped".into()),
        Abort::Throw => {
            let e = it.take_exception();
            let v = it.heap.get(e);
            let text = if it.is_error(v) {
                it.to_text(v)
            } else {
                format!("Uncaught {}", crate::builtins::console::inspect(it, v, 0))
            };
            let pos = it.throw_pos;
            if (pos.file as usize) < it.sources.len() {
                ScriptError::at(ErrorKind::Uncaught, &it.sources, pos, &text)
            } else {
                ScriptError {
                    kind: ErrorKind::Uncaught,
                    text,
                }
            }
        }
    }
}
