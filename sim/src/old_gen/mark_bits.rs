//! Mark bits: the tri-colour state of every object, two bits per object on a per-chunk
//! bitmap, after V8's `Bitmap` / `MarkBit` and its colour patterns (`src/heap/marking.h`).
//!
//! V8 keeps one bit per tagged word of a page and reads an object's colour from the bits of
//! its first two words: **white 00** (not yet reached), **grey 10** (reached, fields not yet
//! visited), **black 11** (reached and visited). `01` is impossible. Using the object's own
//! words for its two bits needs no per-object header and makes "find the grey objects of a
//! page" a bitmap scan — exactly what the worklist-overflow rescan needs. Every object is at
//! least two words (only the one-word filler is smaller, and fillers are never marked), so
//! the second bit never belongs to another object.
//!
//! The simulator keeps one `Vec<u64>` bitmap per chunk number, allocated on the first mark
//! in that chunk and cleared when a marking cycle ends. Chunks without a bitmap are all
//! white.

use crate::heap::memory::{chunk_of, word_offset};
use crate::heap::tagged::Address;

/// The tri-colour abstraction (Dijkstra, Lamport et al., "On-the-fly garbage collection: an
/// exercise in cooperation", CACM 21(11), 1978).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Colour {
    White,
    Grey,
    Black,
}

/// Mark bitmaps of every chunk.
#[derive(Clone, Debug, Default)]
pub struct MarkBits {
    maps: Vec<Vec<u64>>,
}

impl MarkBits {
    #[inline]
    fn bit(&self, chunk: usize, w: usize) -> bool {
        self.maps
            .get(chunk)
            .and_then(|m| m.get(w / 64))
            .is_some_and(|b| b & (1 << (w % 64)) != 0)
    }

    #[inline]
    fn set(&mut self, chunk: usize, w: usize) {
        if self.maps.len() <= chunk {
            self.maps.resize_with(chunk + 1, Vec::new);
        }
        let m = &mut self.maps[chunk];
        if m.len() <= w / 64 {
            // Grows to cover the word (pages are at most 4 GiB; semi-spaces grow).
            m.resize((w / 64 + 1).next_power_of_two().max(64), 0);
        }
        m[w / 64] |= 1 << (w % 64);
    }

    /// The colour of the object starting at `addr`.
    #[inline]
    pub fn colour(&self, addr: Address) -> Colour {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        match (self.bit(c, w), self.bit(c, w + 1)) {
            (false, _) => Colour::White,
            (true, false) => Colour::Grey,
            (true, true) => Colour::Black,
        }
    }

    /// Marked = grey or black.
    #[inline]
    pub fn is_marked(&self, addr: Address) -> bool {
        self.bit(chunk_of(addr), word_offset(addr))
    }

    #[inline]
    pub fn is_black(&self, addr: Address) -> bool {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        self.bit(c, w + 1)
    }

    /// White → grey; returns whether the object was white.
    #[inline]
    pub fn white_to_grey(&mut self, addr: Address) -> bool {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        if self.bit(c, w) {
            return false;
        }
        self.set(c, w);
        true
    }

    /// Grey → black (after its fields were visited).
    #[inline]
    pub fn grey_to_black(&mut self, addr: Address) {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        debug_assert!(self.bit(c, w), "{addr:#x} blackened without being grey");
        self.set(c, w + 1);
    }

    /// White → black in one step (black allocation); returns whether it was white.
    #[inline]
    pub fn white_to_black(&mut self, addr: Address) -> bool {
        let (c, w) = (chunk_of(addr), word_offset(addr));
        if self.bit(c, w) {
            return false;
        }
        self.set(c, w);
        self.set(c, w + 1);
        true
    }

    /// The raw bitmap of every chunk, indexed by chunk number (absent or short = white);
    /// the oracle's lanes rank marked objects with it.
    pub(crate) fn chunk_bitmaps(&self) -> &[Vec<u64>] {
        &self.maps
    }

    /// Forgets every mark in one chunk (a page released or reused).
    pub fn clear_chunk(&mut self, chunk: usize) {
        if let Some(m) = self.maps.get_mut(chunk) {
            m.clear();
        }
    }

    /// Every object white again: the end of a marking cycle.
    pub fn clear_all(&mut self) {
        for m in &mut self.maps {
            m.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heap::memory::chunk_base;

    #[test]
    fn two_bits_encode_three_colours() {
        let mut m = MarkBits::default();
        let a = chunk_base(3) + 8 * 100;
        let b = a + 16;
        assert_eq!(m.colour(a), Colour::White);
        assert!(m.white_to_grey(a));
        assert!(!m.white_to_grey(a), "already grey");
        assert_eq!(m.colour(a), Colour::Grey);
        assert!(m.is_marked(a) && !m.is_black(a));
        m.grey_to_black(a);
        assert_eq!(m.colour(a), Colour::Black);
        assert_eq!(
            m.colour(b),
            Colour::White,
            "neighbour two words on is untouched"
        );
        assert!(m.white_to_black(b));
        assert_eq!(m.colour(b), Colour::Black);
        assert_eq!(
            m.colour(a + 8),
            Colour::Black,
            "bits w+1, w+2 read as black too: only object starts are asked"
        );
        m.clear_chunk(3);
        assert_eq!(m.colour(a), Colour::White);
        m.white_to_grey(chunk_base(5) + 8 * 70_000);
        m.clear_all();
        assert_eq!(m.colour(chunk_base(5) + 8 * 70_000), Colour::White);
    }
}
