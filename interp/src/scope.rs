//! Scope analysis: which variables live in heap `Context`s and which in frame registers.
//!
//! V8's rule (`Scope::AllocateVariables`, `src/ast/scopes.cc`): a variable referenced from
//! a function nested inside the one that declares it is *captured* and gets a slot in its
//! scope's heap context; every other variable is a register of its function's frame and
//! dies with the call. A scope with at least one captured variable allocates a context on
//! entry, whose `previous` is the context current there, so a closure keeps alive exactly
//! the contexts of the scopes it (or a function inside it) uses, not its whole frame.
//!
//! [`crate::lower`] declares bindings and records every reference as it lowers a file;
//! [`Scopes::resolve`] then runs once per file: it binds references to declarations (the
//! nearest enclosing scope declaring the name; none: a global), marks captures, numbers
//! registers and context slots, and writes each reference's [`Slot`] (register, or context
//! `depth` hops up the chain, or global).

use std::cell::Cell;

use crate::ir::{Name, ScopeId, Slot, Var};

/// How a binding is initialized and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// `var`, parameters, function declarations: no temporal dead zone.
    Var,
    /// `let`, `const`, `class`: reads before the declaration throw.
    Lexical,
}

struct Binding {
    name: Name,
    kind: BindingKind,
    captured: bool,
    slot: u32,
}

struct ScopeData<'a> {
    parent: Option<ScopeId>,
    /// The function scope this scope belongs to (itself for a function scope).
    function: ScopeId,
    bindings: Vec<Binding>,
    context_names: Vec<Name>,
    registers: Option<&'a Cell<u32>>,
}

/// The scope tree of every file lowered so far.
#[derive(Default)]
pub struct Scopes<'a> {
    scopes: Vec<ScopeData<'a>>,
    pending: Vec<(ScopeId, &'a Var)>,
}

impl<'a> Scopes<'a> {
    /// A function scope (a function's parameters and body); `registers` receives the
    /// frame size once resolved.
    pub fn function(&mut self, parent: Option<ScopeId>, registers: &'a Cell<u32>) -> ScopeId {
        let id = self.scopes.len() as ScopeId;
        self.scopes.push(ScopeData {
            parent,
            function: id,
            bindings: Vec::new(),
            context_names: Vec::new(),
            registers: Some(registers),
        });
        id
    }

    /// A block scope inside `parent`.
    pub fn block(&mut self, parent: ScopeId) -> ScopeId {
        let id = self.scopes.len() as ScopeId;
        let function = self.scopes[parent as usize].function;
        self.scopes.push(ScopeData {
            parent: Some(parent),
            function,
            bindings: Vec::new(),
            context_names: Vec::new(),
            registers: None,
        });
        id
    }

    /// The function scope enclosing `s`.
    pub fn function_of(&self, s: ScopeId) -> ScopeId {
        self.scopes[s as usize].function
    }

    /// Declares `name` in `scope` (a redeclaration of a `var` reuses the binding) and
    /// returns the declaration's own reference.
    pub fn declare(
        &mut self,
        scope: ScopeId,
        name: Name,
        kind: BindingKind,
        var: &'a Var,
    ) -> &'a Var {
        let b = &mut self.scopes[scope as usize].bindings;
        if !b.iter().any(|b| b.name == name) {
            var.checks_tdz.set(kind == BindingKind::Lexical);
            b.push(Binding {
                name,
                kind,
                captured: false,
                slot: 0,
            });
        }
        self.pending.push((scope, var));
        var
    }

    /// Whether `scope` itself declares `name`.
    pub fn declares(&self, scope: ScopeId, name: Name) -> bool {
        self.scopes[scope as usize]
            .bindings
            .iter()
            .any(|b| b.name == name)
    }

    /// Records a reference to `name` from `scope`, resolved by [`Scopes::resolve`].
    pub fn reference(&mut self, scope: ScopeId, var: &'a Var) -> &'a Var {
        self.pending.push((scope, var));
        var
    }

    /// Names of the context slots of `scope` (empty: the scope allocates no context).
    pub fn context_names(&self, scope: ScopeId) -> &[Name] {
        &self.scopes[scope as usize].context_names
    }

    fn lookup(&self, from: ScopeId, name: Name) -> Option<(ScopeId, usize)> {
        let mut s = Some(from);
        while let Some(id) = s {
            let d = &self.scopes[id as usize];
            if let Some(i) = d.bindings.iter().position(|b| b.name == name) {
                return Some((id, i));
            }
            s = d.parent;
        }
        None
    }

    /// Resolves every reference recorded since the last call (one file's worth).
    pub fn resolve(&mut self, first_scope: ScopeId) {
        let pending = std::mem::take(&mut self.pending);
        let found: Vec<_> = pending
            .iter()
            .map(|&(s, v)| (s, v, self.lookup(s, v.name)))
            .collect();
        for &(s, _, f) in &found {
            if let Some((ds, i)) = f {
                if self.function_of(s) != self.function_of(ds) {
                    self.scopes[ds as usize].bindings[i].captured = true;
                }
            }
        }
        self.allocate(first_scope);
        for (s, v, f) in found {
            v.slot.set(match f {
                None => Slot::Global(v.name),
                Some((ds, i)) => {
                    let b = &self.scopes[ds as usize].bindings[i];
                    v.checks_tdz.set(b.kind == BindingKind::Lexical);
                    if b.captured {
                        Slot::Ctx {
                            depth: self.context_depth(s, ds),
                            slot: b.slot,
                        }
                    } else {
                        Slot::Reg(b.slot)
                    }
                }
            });
        }
    }

    /// Numbers registers per function and context slots per scope, for scopes from
    /// `first` on (parents come before children).
    fn allocate(&mut self, first: ScopeId) {
        for id in first as usize..self.scopes.len() {
            let f = self.scopes[id].function as usize;
            let regs = self.scopes[f].registers.expect("function scope");
            let mut names = Vec::new();
            for b in &mut self.scopes[id].bindings {
                if b.captured {
                    b.slot = names.len() as u32;
                    names.push(b.name);
                } else {
                    b.slot = regs.get();
                    regs.set(regs.get() + 1);
                }
            }
            self.scopes[id].context_names = names;
        }
    }

    /// Contexts between `from` (inclusive) and `to` (exclusive) on the scope chain.
    fn context_depth(&self, from: ScopeId, to: ScopeId) -> u32 {
        let mut depth = 0;
        let mut s = from;
        while s != to {
            let d = &self.scopes[s as usize];
            if !d.context_names.is_empty() {
                depth += 1;
            }
            s = d
                .parent
                .expect("the declaring scope encloses the reference");
        }
        depth
    }

    pub fn len(&self) -> usize {
        self.scopes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }
}
