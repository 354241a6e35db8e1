//! Simulated memory: chunks of 8-byte words addressed by simulated addresses.
//!
//! V8 reserves memory in `MemoryChunk`s (pages and large-object chunks, `src/heap/spaces.h`)
//! and finds a chunk from any inner address by masking (`MemoryChunk::FromAddress`). The
//! simulator does the same with a wider alignment: chunk *n* occupies addresses
//! `n << 32 .. (n << 32) + len`, so `addr >> 32` is the chunk number and the low 32 bits the
//! byte offset. Chunk 0 is never used, so no object lives at a small address and `0` never
//! looks like a valid pointer.
//!
//! Each chunk is three flat columns: the words themselves, a `u32` id column (the stable
//! object id of the object starting at that word, 0 for none — see [`crate::heap::ids`]) and the
//! old-to-new remembered set ([`crate::young_gen::remembered_set::SlotSet`]).

use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;
use crate::young_gen::remembered_set::SlotSet;

/// Bits of an address that are the offset inside its chunk.
pub const CHUNK_SHIFT: u32 = 32;
const OFFSET_MASK: u64 = (1 << CHUNK_SHIFT) - 1;
/// Largest chunk the simulator can address (4 GiB).
pub const MAX_CHUNK_BYTES: usize = 1 << CHUNK_SHIFT;

#[inline]
pub fn chunk_of(addr: Address) -> usize {
    (addr >> CHUNK_SHIFT) as usize
}

#[inline]
pub fn word_offset(addr: Address) -> usize {
    ((addr & OFFSET_MASK) >> 3) as usize
}

#[inline]
pub fn chunk_base(chunk: usize) -> Address {
    (chunk as u64) << CHUNK_SHIFT
}

/// One page, semi-space or large-object chunk.
#[derive(Debug)]
pub struct Chunk {
    pub space: SpaceId,
    pub words: Vec<u64>,
    pub ids: Vec<u32>,
    pub slots: SlotSet,
}

impl Chunk {
    pub fn base(&self, index: usize) -> Address {
        chunk_base(index)
    }
}

/// All chunks of one heap.
#[derive(Debug, Default)]
pub struct Memory {
    chunks: Vec<Option<Chunk>>,
    free: Vec<usize>,
}

impl Memory {
    pub fn new() -> Memory {
        Memory {
            chunks: vec![None],
            free: Vec::new(),
        }
    }

    /// Maps a fresh zeroed chunk of `bytes` bytes for `space`; returns its number.
    pub fn map_chunk(&mut self, space: SpaceId, bytes: usize) -> usize {
        assert!(
            bytes <= MAX_CHUNK_BYTES && bytes.is_multiple_of(8),
            "chunk of {bytes} bytes"
        );
        let words = bytes / 8;
        let chunk = Chunk {
            space,
            words: vec![0; words],
            ids: vec![0; words],
            slots: SlotSet::default(),
        };
        match self.free.pop() {
            Some(i) => {
                self.chunks[i] = Some(chunk);
                i
            }
            None => {
                self.chunks.push(Some(chunk));
                self.chunks.len() - 1
            }
        }
    }

    /// Returns a chunk's memory (large objects freed by a full GC, issue 6).
    pub fn unmap_chunk(&mut self, index: usize) {
        self.chunks[index] = None;
        self.free.push(index);
    }

    #[inline]
    pub fn chunk(&self, index: usize) -> &Chunk {
        self.chunks[index]
            .as_ref()
            .expect("access to an unmapped chunk")
    }

    #[inline]
    pub fn chunk_mut(&mut self, index: usize) -> &mut Chunk {
        self.chunks[index]
            .as_mut()
            .expect("access to an unmapped chunk")
    }

    /// Two distinct chunks mutably at once (the scavenger copies from one to the other).
    pub fn two_chunks_mut(&mut self, a: usize, b: usize) -> (&mut Chunk, &mut Chunk) {
        assert_ne!(a, b);
        if a < b {
            let (lo, hi) = self.chunks.split_at_mut(b);
            (lo[a].as_mut().unwrap(), hi[0].as_mut().unwrap())
        } else {
            let (lo, hi) = self.chunks.split_at_mut(a);
            (hi[0].as_mut().unwrap(), lo[b].as_mut().unwrap())
        }
    }

    /// The space owning `addr`, or `None` when no chunk maps it or it is past the chunk's end.
    #[inline]
    pub fn space_of(&self, addr: Address) -> Option<SpaceId> {
        let c = self.chunks.get(chunk_of(addr))?.as_ref()?;
        (word_offset(addr) < c.words.len()).then_some(c.space)
    }

    #[inline]
    pub fn read(&self, addr: Address) -> u64 {
        self.chunk(chunk_of(addr)).words[word_offset(addr)]
    }

    #[inline]
    pub fn write(&mut self, addr: Address, value: u64) {
        self.chunk_mut(chunk_of(addr)).words[word_offset(addr)] = value;
    }

    /// Numbers of all mapped chunks, in address order.
    pub fn chunk_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.as_ref().map(|_| i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_chunk_and_offset() {
        let mut m = Memory::new();
        let a = m.map_chunk(SpaceId::Old, 64);
        let b = m.map_chunk(SpaceId::New, 64);
        assert_eq!((a, b), (1, 2));
        let addr = chunk_base(b) + 16;
        m.write(addr, 77);
        assert_eq!(m.read(addr), 77);
        assert_eq!(m.chunk(b).words[2], 77);
        assert_eq!(m.space_of(addr), Some(SpaceId::New));
        assert_eq!(
            m.space_of(chunk_base(b) + 64),
            None,
            "one past the end is unmapped"
        );
        assert_eq!(m.space_of(8), None, "chunk 0 is never mapped");
        m.unmap_chunk(a);
        assert_eq!(m.space_of(chunk_base(a)), None);
        assert_eq!(
            m.map_chunk(SpaceId::Code, 8),
            a,
            "freed chunk numbers are reused"
        );
        let (x, y) = m.two_chunks_mut(b, a);
        x.words[0] = 1;
        y.words[0] = 2;
        assert_eq!(m.read(chunk_base(b)), 1);
        assert_eq!(m.read(chunk_base(a)), 2);
    }
}
