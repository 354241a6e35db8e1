//! Allocation sites: while the heap records them (`heapsim run` during a scenario's
//! `action` phases, [`crate::harness`]), every object is attributed to the innermost
//! allocating expression being evaluated — a literal (`[…]`, `{…}`, a function or class),
//! a call or `new` (whatever the callee allocates that no inner expression claims, its
//! context and natives' results included), an assignment or a binary operator (new
//! property stores, concatenated strings).
//!
//! The site is the expression's source position packed into the heap's `u64` site token
//! (file index in the high half, byte offset in the low half); [`location`] turns it into
//! `file:line:column` as error messages print positions. Outside recording evaluation pays
//! one branch per expression.

use sim::Handle;

use crate::eval::{Interp, JsResult};
use crate::ir::{Expr, Pos};

/// The heap's site token for `pos`.
fn token(pos: Pos) -> u64 {
    (u64::from(pos.file) << 32) | u64::from(pos.offset)
}

/// `file:line:column` of a site token recorded by this interpreter.
pub fn location(it: &Interp<'_>, token: u64) -> String {
    it.sources.location(Pos {
        file: (token >> 32) as u32,
        offset: token as u32,
    })
}

/// The position of `e` if it is an allocating expression.
fn site_of(it: &Interp<'_>, e: &Expr<'_>) -> Option<Pos> {
    match e {
        Expr::Array(_, pos)
        | Expr::Object(_, pos)
        | Expr::Call { pos, .. }
        | Expr::SuperCall { pos, .. }
        | Expr::New { pos, .. }
        | Expr::Assign { pos, .. }
        | Expr::CompoundAssign { pos, .. }
        | Expr::Binary(_, _, _, pos) => Some(*pos),
        Expr::Function(id) => Some(it.funcs[*id as usize].pos),
        Expr::Class(c) => Some(it.funcs[c.ctor as usize].pos),
        _ => None,
    }
}

impl<'a> Interp<'a> {
    /// Evaluates `e` with its site current (when allocations are being recorded).
    pub fn expr(&mut self, e: &'a Expr<'a>) -> JsResult<Handle> {
        if !self.heap.is_recording_allocation_sites() {
            return self.eval_expr(e);
        }
        let Some(pos) = site_of(self, e) else {
            return self.eval_expr(e);
        };
        let outer = self.heap.replace_allocation_site(token(pos));
        let r = self.eval_expr(e);
        self.heap.replace_allocation_site(outer);
        r
    }
}
