//! Roots: the references from outside the heap that the collectors start from.
//!
//! V8 visits its roots through `RootVisitor` and tags each group with a `Root` kind
//! (`src/heap/visitors.h` / `src/objects/visitors.h`, `ROOT_ID_LIST`); heap snapshots show
//! each kind as a sub-root of `(GC roots)` with the same names. The simulator keeps every
//! kind as one flat list of tagged slots, so the collectors update roots in place and the
//! snapshot writer can attribute every root to its kind:
//!
//! * `(Strong roots)`: the root table — every fixed map, the oddballs, canonical empty
//!   objects, the native context — plus the maps of JS classes ([`crate::Heap::class_map`]);
//! * `(Internalized strings)`: the string table ([`crate::Heap::internalize`]);
//! * `(Builtins)`: the builtin code objects closures start out pointing at;
//! * `(Handle scope)`: the handle stack of [`HandleScope`]s — a scenario's locals;
//! * `(Global handles)`: [`GlobalHandle`]s, with freed slots holding Smi 0;
//! * the other kinds V8 names are present (and empty unless a scenario fills them) so a
//!   snapshot can list them as V8 does.

use crate::heap::tagged::Tagged;

/// V8's root kinds, in V8 6.x's `ROOT_ID_LIST` order, plus `(Stack roots)` of later versions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum RootKind {
    StringTable,
    ExternalStringsTable,
    StrongRootList,
    SmiRootList,
    Bootstrapper,
    Top,
    Relocatable,
    Debug,
    CompilationCache,
    HandleScope,
    Builtins,
    GlobalHandles,
    EternalHandles,
    ThreadManager,
    StrongRoots,
    Extensions,
    CodeFlusher,
    PartialSnapshotCache,
    WeakCollections,
    WrapperTracing,
    StackRoots,
    Unknown,
}

impl RootKind {
    pub const COUNT: usize = RootKind::Unknown as usize + 1;
    pub const ALL: [RootKind; RootKind::COUNT] = {
        use RootKind::*;
        [
            StringTable,
            ExternalStringsTable,
            StrongRootList,
            SmiRootList,
            Bootstrapper,
            Top,
            Relocatable,
            Debug,
            CompilationCache,
            HandleScope,
            Builtins,
            GlobalHandles,
            EternalHandles,
            ThreadManager,
            StrongRoots,
            Extensions,
            CodeFlusher,
            PartialSnapshotCache,
            WeakCollections,
            WrapperTracing,
            StackRoots,
            Unknown,
        ]
    };

    /// The sub-root name V8 writes into heap snapshots.
    pub fn snapshot_name(self) -> &'static str {
        use RootKind::*;
        match self {
            StringTable => "(Internalized strings)",
            ExternalStringsTable => "(External strings)",
            StrongRootList => "(Strong roots)",
            SmiRootList => "(Smi roots)",
            Bootstrapper => "(Bootstrapper)",
            Top => "(Isolate)",
            Relocatable => "(Relocatable)",
            Debug => "(Debugger)",
            CompilationCache => "(Compilation cache)",
            HandleScope => "(Handle scope)",
            Builtins => "(Builtins)",
            GlobalHandles => "(Global handles)",
            EternalHandles => "(Eternal handles)",
            ThreadManager => "(Thread manager)",
            StrongRoots => "(Strong roots)",
            Extensions => "(Extensions)",
            CodeFlusher => "(Code flusher)",
            PartialSnapshotCache => "(Partial snapshot cache)",
            WeakCollections => "(Weak collections)",
            WrapperTracing => "(Wrapper tracing)",
            StackRoots => "(Stack roots)",
            Unknown => "(Unknown)",
        }
    }
}

/// A local handle: an index into the `(Handle scope)` list. Valid until its scope closes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Handle(pub u32);

/// An open handle scope: closing it drops every handle made since it opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[must_use = "a handle scope must be closed with Heap::close_handle_scope"]
pub struct HandleScope(pub(crate) u32);

/// A global handle: a slot in the `(Global handles)` list until destroyed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GlobalHandle(pub u32);

/// Every root kind's list of slots.
#[derive(Clone, Debug)]
pub struct Roots {
    pub lists: [Vec<Tagged>; RootKind::COUNT],
    pub(crate) free_globals: Vec<u32>,
}

impl Default for Roots {
    fn default() -> Self {
        Roots {
            lists: std::array::from_fn(|_| Vec::new()),
            free_globals: Vec::new(),
        }
    }
}

impl Roots {
    pub fn list(&self, kind: RootKind) -> &[Tagged] {
        &self.lists[kind as usize]
    }

    pub fn list_mut(&mut self, kind: RootKind) -> &mut Vec<Tagged> {
        &mut self.lists[kind as usize]
    }

    pub fn open_scope(&mut self) -> HandleScope {
        HandleScope(self.list(RootKind::HandleScope).len() as u32)
    }

    pub fn close_scope(&mut self, scope: HandleScope) {
        let l = self.list_mut(RootKind::HandleScope);
        assert!(
            scope.0 as usize <= l.len(),
            "handle scope closed twice or out of order"
        );
        l.truncate(scope.0 as usize);
    }

    pub fn push_handle(&mut self, v: Tagged) -> Handle {
        let l = self.list_mut(RootKind::HandleScope);
        l.push(v);
        Handle(l.len() as u32 - 1)
    }

    pub fn new_global(&mut self, v: Tagged) -> GlobalHandle {
        if let Some(i) = self.free_globals.pop() {
            self.list_mut(RootKind::GlobalHandles)[i as usize] = v;
            return GlobalHandle(i);
        }
        let l = self.list_mut(RootKind::GlobalHandles);
        l.push(v);
        GlobalHandle(l.len() as u32 - 1)
    }

    pub fn destroy_global(&mut self, g: GlobalHandle) {
        let slot = &mut self.list_mut(RootKind::GlobalHandles)[g.0 as usize];
        assert!(!slot.is_smi(), "global handle {} destroyed twice", g.0);
        *slot = Tagged::ZERO;
        self.free_globals.push(g.0);
    }

    /// Every root slot of every kind, mutably (the scavenger's root visitor).
    pub fn for_each_slot_mut(&mut self, mut f: impl FnMut(RootKind, &mut Tagged)) {
        for (k, l) in RootKind::ALL.iter().zip(self.lists.iter_mut()) {
            for s in l.iter_mut() {
                f(*k, s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_scopes_nest_and_globals_reuse_slots() {
        let mut r = Roots::default();
        let outer = r.open_scope();
        let a = r.push_handle(Tagged::smi(1));
        let inner = r.open_scope();
        let b = r.push_handle(Tagged::smi(2));
        assert_eq!((a.0, b.0), (0, 1));
        r.close_scope(inner);
        assert_eq!(r.list(RootKind::HandleScope), &[Tagged::smi(1)]);
        r.close_scope(outer);
        assert!(r.list(RootKind::HandleScope).is_empty());
        let g1 = r.new_global(Tagged::strong(0x1_0000_0000));
        let g2 = r.new_global(Tagged::strong(0x1_0000_0008));
        r.destroy_global(g1);
        assert!(r.list(RootKind::GlobalHandles)[0].is_smi());
        let g3 = r.new_global(Tagged::strong(0x1_0000_0010));
        assert_eq!(g3, g1, "freed slot reused");
        assert_ne!(g2, g3);
        assert_eq!(RootKind::GlobalHandles.snapshot_name(), "(Global handles)");
        assert_eq!(RootKind::ALL.len(), RootKind::COUNT);
    }
}
