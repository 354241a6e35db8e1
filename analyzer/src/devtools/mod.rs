//! Chrome DevTools' heap-snapshot rules, each in its own module, listed in the order
//! DevTools applies them when it opens a file (`HeapSnapshot.initialize` in
//! `HeapSnapshot.ts`, version 1.0.1705227; [`crate::analysis::Analysis::new`] runs them in
//! that order):
//!
//! 0. [`detachedness`] — attached/detached state of native objects, `Detached ` names;
//! 1. [`essential`] — page-owned nodes and the essential edges the dominators follow, with
//!    the WeakMap edge pairs of [`ephemeron`];
//! 2. [`shallow`] — backing-store sizes moved to their owner;
//! 3. (dominators and retained sizes: [`crate::domtree`], the algorithms in
//!    [`crate::dominators`]);
//! 4. [`distances`] — breadth-first depth, user roots first;
//! 5. [`classes`] — the class key of every node, by the name rules of [`names`] (which
//!    also gives every view its display names).
//!
//! The views computed on demand from the result: [`summary`] (the Summary view), [`instances`]
//! (a Summary row opened into its objects) and
//! [`statistics`] (the Statistics view).

pub mod classes;
pub mod detachedness;
pub mod distances;
pub mod ephemeron;
pub mod essential;
pub mod instances;
pub mod names;
pub mod shallow;
pub mod statistics;
pub mod summary;
