//! Tagged values: what one 8-byte heap word holds.
//!
//! The encoding is V8's 64-bit layout without pointer compression (`src/objects/smi.h`,
//! `src/objects/tagged-impl.h`, `include/v8-internal.h`):
//!
//! | low bits | meaning                                                        |
//! |----------|----------------------------------------------------------------|
//! | `...0`   | Smi: a 32-bit signed integer in the upper half of the word     |
//! | `...01`  | strong pointer to a heap object: `address | 1`                 |
//! | `...11`  | weak pointer to a heap object: `address | 3` (issue 6 clears it) |
//! | `== 3`   | a cleared weak reference                                       |
//!
//! Heap addresses are 8-byte aligned, so the three low bits of an address are free for the
//! tag. A *forwarding address* written by the scavenger into an object's map word is the new
//! address with no tag: its low bit is 0, which is how a map word is told apart from a
//! forwarding word (V8's `MapWord::IsForwardingAddress`).

/// A simulated heap address: 8-byte aligned. See [`crate::heap::memory`] for how it splits into a
/// chunk number and an offset.
pub type Address = u64;

const HEAP_OBJECT_TAG: u64 = 1;
const WEAK_TAG: u64 = 3;
const TAG_MASK: u64 = 3;
/// The value of a cleared weak reference (V8's `kClearedWeakHeapObjectLower32`).
pub const CLEARED_WEAK: u64 = 3;

/// One heap word interpreted as a tagged value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Tagged(pub u64);

impl Tagged {
    /// The Smi 0; also the value fresh words hold before initialisation.
    pub const ZERO: Tagged = Tagged(0);

    #[inline]
    pub fn smi(value: i32) -> Tagged {
        Tagged(((value as i64) << 32) as u64)
    }

    #[inline]
    pub fn strong(addr: Address) -> Tagged {
        debug_assert!(addr & 7 == 0, "unaligned heap address {addr:#x}");
        Tagged(addr | HEAP_OBJECT_TAG)
    }

    #[inline]
    pub fn weak(addr: Address) -> Tagged {
        debug_assert!(addr & 7 == 0, "unaligned heap address {addr:#x}");
        Tagged(addr | WEAK_TAG)
    }

    #[inline]
    pub fn is_smi(self) -> bool {
        self.0 & 1 == 0
    }

    #[inline]
    pub fn as_smi(self) -> Option<i32> {
        self.is_smi().then_some((self.0 as i64 >> 32) as i32)
    }

    /// The Smi value; callers use it on fields whose layout says Smi.
    #[inline]
    pub fn smi_value(self) -> i32 {
        debug_assert!(self.is_smi(), "{self:?} is not a Smi");
        (self.0 as i64 >> 32) as i32
    }

    /// A strong or weak pointer (not a cleared weak reference).
    #[inline]
    pub fn is_heap_object(self) -> bool {
        self.0 & 1 == 1 && self.0 != CLEARED_WEAK
    }

    #[inline]
    pub fn is_strong(self) -> bool {
        self.0 & TAG_MASK == HEAP_OBJECT_TAG
    }

    #[inline]
    pub fn is_weak(self) -> bool {
        self.0 & TAG_MASK == WEAK_TAG && self.0 != CLEARED_WEAK
    }

    #[inline]
    pub fn is_cleared(self) -> bool {
        self.0 == CLEARED_WEAK
    }

    /// The address of the object a (strong or weak) pointer refers to.
    #[inline]
    pub fn addr(self) -> Address {
        debug_assert!(self.is_heap_object(), "{self:?} is not a heap pointer");
        self.0 & !TAG_MASK
    }

    /// The same kind of reference (strong or weak) to another address: used when the
    /// scavenger rewrites a slot after moving its target.
    #[inline]
    pub fn retarget(self, addr: Address) -> Tagged {
        Tagged(addr | (self.0 & TAG_MASK))
    }
}

/// Map-word helpers: a map word is either a strong pointer to a map or a forwarding address.
pub mod map_word {
    use super::Address;

    #[inline]
    pub fn is_forwarding(word: u64) -> bool {
        word & 1 == 0
    }

    #[inline]
    pub fn forwarding(addr: Address) -> u64 {
        addr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smi_round_trips_the_whole_i32_range() {
        for v in [0, 1, -1, 42, i32::MAX, i32::MIN] {
            let t = Tagged::smi(v);
            assert!(t.is_smi());
            assert!(!t.is_heap_object());
            assert_eq!(t.as_smi(), Some(v));
        }
    }

    #[test]
    fn pointers_keep_their_strength_when_retargeted() {
        let s = Tagged::strong(0x1_0000_0040);
        let w = Tagged::weak(0x1_0000_0040);
        assert!(s.is_strong() && !s.is_weak() && s.is_heap_object());
        assert!(w.is_weak() && !w.is_strong() && w.is_heap_object());
        assert_eq!(s.addr(), 0x1_0000_0040);
        assert_eq!(w.addr(), 0x1_0000_0040);
        assert!(s.retarget(0x2_0000_0008).is_strong());
        assert!(w.retarget(0x2_0000_0008).is_weak());
        assert_eq!(w.retarget(0x2_0000_0008).addr(), 0x2_0000_0008);
        let cleared = Tagged(CLEARED_WEAK);
        assert!(cleared.is_cleared() && !cleared.is_heap_object() && !cleared.is_smi());
    }

    #[test]
    fn forwarding_words_are_not_map_pointers() {
        let map = Tagged::strong(0x3_0000_0000).0;
        assert!(!map_word::is_forwarding(map));
        assert!(map_word::is_forwarding(map_word::forwarding(0x1_0000_0010)));
    }
}
