//! Running a script: a fresh realm on a heap, the file parsed, lowered and resolved, then
//! its module wrapper called with `exports` and `module` (Node's CommonJS entry).

use bumpalo::Bump;
use sim::Heap;

use crate::error::{ErrorKind, ScriptError};
use crate::eval::{Abort, Interp};
use crate::lower::{LowerError, Lowerer};

/// Builds the realm of `heap` into a new interpreter.
pub fn interpreter(heap: Heap, bump: &Bump) -> Result<Interp<'_>, ScriptError> {
    let mut it = Interp::new(heap, bump);
    crate::builtins::install(&mut it).map_err(|a| abort_error(&mut it, a))?;
    Ok(it)
}

/// Loads `name` with `source` and runs it as the main module; returns `module.exports`.
pub fn run_main(it: &mut Interp<'_>, name: &str, source: &str) -> Result<sim::Handle, ScriptError> {
    let file = it.sources.add(name, source.to_string());
    let arena = oxc_allocator::Allocator::default();
    let id = {
        let program = crate::parse::parse(&arena, &it.sources, file)?;
        let mut l = Lowerer::new(
            it.bump,
            &mut it.heap,
            &mut it.names,
            &mut it.scopes,
            &mut it.funcs,
            &it.sources,
            file,
        );
        l.program(&program, "").map_err(|e| match e {
            LowerError::Unsupported(pos, what) => ScriptError::at(
                ErrorKind::Unsupported,
                &it.sources,
                pos,
                &format!("SyntaxError: unsupported in heapsim scenarios: {what}"),
            ),
            LowerError::Heap(h) => ScriptError::out_of_memory(&h.to_string()),
        })?
    };
    let r = (|| {
        let f = it.closure(id)?;
        let exports = it.plain_object(4)?;
        let module = it.plain_object(4)?;
        let en = it.intern("exports")?;
        it.set(module, en, exports)?;
        let u = it.undefined();
        let filename = it.string(name)?;
        let dir = it.string(".")?;
        it.call(f, exports, &[exports, u, module, filename, dir])?;
        it.get(module, en)
    })();
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
