//! Large-object space, after V8's `LargeObjectSpace` (`src/heap/spaces.h`): every object
//! above the profile's threshold gets a chunk of its own and is never moved, neither by the
//! scavenger nor by compaction. The chunk holds exactly the object (V8's chunk header is not
//! simulated), so the object's address is the chunk's base.

use crate::heap::memory::{chunk_base, Memory};
use crate::heap::space::SpaceId;
use crate::heap::tagged::Address;

#[derive(Debug, Default)]
pub struct LargeObjectSpace {
    /// Chunk numbers, in allocation order.
    pub chunks: Vec<usize>,
    /// Sum of object sizes.
    pub size: usize,
}

impl LargeObjectSpace {
    pub fn allocate(&mut self, mem: &mut Memory, bytes: usize) -> Address {
        let c = mem.map_chunk(SpaceId::LargeObject, bytes);
        self.chunks.push(c);
        self.size += bytes;
        chunk_base(c)
    }

    /// Frees one object's chunk (used by the full GC, issue 6).
    pub fn free(&mut self, mem: &mut Memory, addr: Address) {
        let c = crate::heap::memory::chunk_of(addr);
        if let Some(i) = self.chunks.iter().position(|&x| x == c) {
            self.chunks.remove(i);
            self.size -= mem.chunk(c).words.len() * 8;
            mem.unmap_chunk(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_object_gets_its_own_chunk() {
        let mut mem = Memory::new();
        let mut lo = LargeObjectSpace::default();
        let a = lo.allocate(&mut mem, 600_000);
        let b = lo.allocate(&mut mem, 800_000);
        assert_ne!(
            crate::heap::memory::chunk_of(a),
            crate::heap::memory::chunk_of(b)
        );
        assert_eq!(lo.size, 1_400_000);
        assert_eq!(mem.space_of(b + 799_992), Some(SpaceId::LargeObject));
        lo.free(&mut mem, a);
        assert_eq!(lo.size, 800_000);
        assert_eq!(mem.space_of(a), None);
    }
}
