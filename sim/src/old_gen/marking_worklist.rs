//! The bounded marking worklist, after V8's `MarkingDeque` (V8 ≤ 5.x,
//! `src/heap/mark-compact.h`): a fixed-capacity stack of grey objects whose fields still
//! have to be visited.
//!
//! The talk's point is what happens when it is full: the marker greys the object anyway but
//! does not push it, and sets the *overflowed* flag. Nothing is lost, because the grey colour
//! is recorded in the mark bits ([`crate::old_gen::mark_bits`]); when the worklist drains, the
//! collector rescans the heap for grey objects and refills the worklist
//! ([`crate::old_gen::mark_compact`]). V8 bounded the deque at 4 MB of pointers
//! (`kMaxMarkingDequeSize`), i.e. [`DEFAULT_CAPACITY`] entries; stress runs use a handful.

use crate::heap::tagged::Address;

/// V8's `MarkCompactCollector::kMaxMarkingDequeSize` (4 MB) in 8-byte entries.
pub const DEFAULT_CAPACITY: usize = 4 * 1024 * 1024 / 8;

/// Capacity used by the overflow stress mode: small enough that any non-trivial heap
/// overflows it.
pub const STRESS_CAPACITY: usize = 4;

#[derive(Clone, Debug)]
pub struct MarkingWorklist {
    items: Vec<Address>,
    capacity: usize,
    /// A grey object could not be pushed since the last rescan.
    pub overflowed: bool,
}

impl MarkingWorklist {
    pub fn new(capacity: usize) -> MarkingWorklist {
        let capacity = capacity.max(1);
        MarkingWorklist {
            items: Vec::with_capacity(capacity.min(1 << 16)),
            capacity,
            overflowed: false,
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        assert!(self.items.is_empty(), "capacity changed while marking");
        self.capacity = capacity.max(1);
    }

    /// Pushes a grey object; when full, sets the overflow flag and returns false.
    #[inline]
    pub fn push(&mut self, a: Address) -> bool {
        if self.items.len() >= self.capacity {
            self.overflowed = true;
            return false;
        }
        self.items.push(a);
        true
    }

    /// Whether a push would fail.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.items.len() >= self.capacity
    }

    #[inline]
    pub fn pop(&mut self) -> Option<Address> {
        self.items.pop()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.overflowed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_worklist_refuses_and_flags_overflow() {
        let mut w = MarkingWorklist::new(2);
        assert!(w.push(8) && w.push(16));
        assert!(w.is_full() && !w.overflowed);
        assert!(!w.push(24));
        assert!(w.overflowed);
        assert_eq!(w.pop(), Some(16));
        assert!(w.push(32));
        assert_eq!(w.len(), 2);
        w.clear();
        assert!(w.is_empty() && !w.overflowed);
        assert_eq!(DEFAULT_CAPACITY, 524_288);
    }
}
