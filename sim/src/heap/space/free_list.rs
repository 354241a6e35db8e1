//! A segregated free list for paged spaces, after V8 6.x's `FreeList` (`src/heap/spaces.h`):
//! free blocks are sorted into categories by size (tiniest ≤ 10 words, tiny ≤ 31, small
//! ≤ 255, medium ≤ 2047, large ≤ 16383 words, huge above). An allocation of `n` bytes
//! searches its own category first-fit (a block there may be too small), then takes any block
//! from a larger category, where every block fits. The remainder of a split block goes back
//! on the list; a remainder below [`MIN_BLOCK`] is left as an unlisted filler (V8's
//! "wasted bytes").
//!
//! V8 threads the list through the free blocks themselves (`FreeSpace::next`); the simulator
//! keeps each category as a flat `Vec` of `(address, bytes)` instead, and the owning space
//! writes a filler object over every free block so the page stays iterable.

use crate::heap::tagged::Address;

/// Smallest block worth listing: a `FreeSpace` header (map, size, next).
pub const MIN_BLOCK: usize = 24;

const CATEGORY_MAX_WORDS: [usize; 5] = [10, 31, 255, 2047, 16383];
const CATEGORIES: usize = 6;

fn category(bytes: usize) -> usize {
    let words = bytes / 8;
    CATEGORY_MAX_WORDS
        .iter()
        .position(|&m| words <= m)
        .unwrap_or(CATEGORIES - 1)
}

#[derive(Clone, Debug, Default)]
pub struct FreeList {
    lists: [Vec<(Address, usize)>; CATEGORIES],
    available: usize,
}

impl FreeList {
    /// Adds a free block; blocks below [`MIN_BLOCK`] are not listed and count as wasted.
    /// Returns whether the block was listed.
    pub fn add(&mut self, addr: Address, bytes: usize) -> bool {
        if bytes < MIN_BLOCK {
            return false;
        }
        self.lists[category(bytes)].push((addr, bytes));
        self.available += bytes;
        true
    }

    /// Takes a block of at least `bytes`; returns its address and full size (the caller
    /// returns the remainder with [`FreeList::add`]).
    pub fn take(&mut self, bytes: usize) -> Option<(Address, usize)> {
        let c = category(bytes);
        let own = &mut self.lists[c];
        let found = if let Some(i) = own.iter().position(|&(_, s)| s >= bytes) {
            Some(own.swap_remove(i))
        } else {
            self.lists[c + 1..].iter_mut().find_map(|l| l.pop())
        };
        if let Some((_, s)) = found {
            self.available -= s;
        }
        found
    }

    /// Bytes on the list.
    pub fn available(&self) -> usize {
        self.available
    }

    /// Drops every block inside chunk-address range `lo..hi` (a page being released).
    pub fn evict(&mut self, lo: Address, hi: Address) {
        for l in &mut self.lists {
            l.retain(|&(a, s)| {
                let keep = a < lo || a >= hi;
                if !keep {
                    self.available -= s;
                }
                keep
            });
        }
    }

    pub fn clear(&mut self) {
        for l in &mut self.lists {
            l.clear();
        }
        self.available = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_v8_limits() {
        assert_eq!(category(80), 0);
        assert_eq!(category(88), 1);
        assert_eq!(category(255 * 8), 2);
        assert_eq!(category(16383 * 8), 4);
        assert_eq!(category(16384 * 8), 5);
    }

    #[test]
    fn take_is_first_fit_in_own_category_then_any_larger() {
        let mut f = FreeList::default();
        assert!(!f.add(0x100, 16), "below the minimum block");
        assert!(f.add(0x1000, 48));
        assert!(f.add(0x2000, 64));
        assert!(f.add(0x3000, 4096));
        assert_eq!(f.available(), 48 + 64 + 4096);
        assert_eq!(f.take(56), Some((0x2000, 64)), "48 is too small, 64 fits");
        assert_eq!(
            f.take(72),
            Some((0x3000, 4096)),
            "falls through to a larger category"
        );
        assert_eq!(f.take(72), None);
        assert_eq!(f.take(40), Some((0x1000, 48)));
        assert_eq!(f.available(), 0);
        f.add(0x5000, 100 * 8);
        f.add(0x9000, 100 * 8);
        f.evict(0x4000, 0x6000);
        assert_eq!(f.available(), 800);
        assert_eq!(f.take(8), Some((0x9000, 800)));
    }
}
