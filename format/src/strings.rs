//! The `strings` array under construction: interning names in order of first use.
//!
//! V8's serializer numbers strings as `GetStringId` first meets them — node names while
//! writing `nodes`, then edge names while writing `edges` — starting at 1, because index 0
//! is the `"<dummy>"` placeholder (`HeapSnapshotJSONSerializer::GetStringId`,
//! `SerializeStrings`). Reproducing that order is what makes a write → read → write round
//! trip byte-identical.
//!
//! Layout: all string bytes in one arena, end offsets in a `Vec<u64>`, and an
//! open-addressing hash table (linear probing, load ≤ 1/2) of string ids tagged with hash
//! bits — no allocation per string, about 24–40 bytes of overhead per distinct string plus its bytes.
//! A 40 M-object heap with millions of distinct string contents stays within a few
//! hundred MB.

const RECENT: usize = 1024;

/// Interned strings, ids from 1 in order of first use.
pub struct StringInterner {
    bytes: Vec<u8>,
    /// `ends[k]` is the end of string id `k + 1` in `bytes`.
    ends: Vec<u64>,
    /// Direct-mapped memo of recent names by address: `(ptr, len, id)`. Sources usually
    /// pass the same few hundred names from their own storage, so this skips hashing and
    /// the (large, cache-missing) table; a hit is still confirmed by comparing contents.
    recent: Vec<(usize, usize, u32)>,
    /// Hash slots: string id in the low 32 bits (0 = empty), the hash's high 32 bits
    /// above, so a probe rejects other strings without touching their bytes.
    table: Vec<u64>,
}

impl Default for StringInterner {
    fn default() -> Self {
        Self::new()
    }
}

/// FxHash-style multiplicative hash over 8-byte words: strings are short and the table
/// is private, so speed matters more than resistance to crafted collisions.
#[inline]
fn hash(s: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = s.len() as u64;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap());
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    // Fold the high bits down: the table index uses the low bits.
    h ^ (h >> 29)
}

impl StringInterner {
    pub fn new() -> Self {
        StringInterner {
            bytes: Vec::new(),
            ends: Vec::new(),
            table: vec![0; 1024],
            recent: vec![(0, 0, 0); RECENT],
        }
    }

    /// Number of interned strings (not counting `"<dummy>"`).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of string id `id` (1-based).
    pub fn get(&self, id: u32) -> &str {
        // Only whole `&str`s are ever appended, so every range is valid UTF-8.
        std::str::from_utf8(self.get_bytes(id)).expect("arena holds whole strings")
    }

    #[inline]
    fn get_bytes(&self, id: u32) -> &[u8] {
        let k = id as usize - 1;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.bytes[start..self.ends[k] as usize]
    }

    /// The id of `s`, assigning the next one if it is new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let addr = s.as_ptr() as usize;
        let r = (addr >> 3 ^ addr >> 13) & (RECENT - 1);
        let (a, l, id) = self.recent[r];
        if a == addr && l == s.len() && id != 0 && self.get_bytes(id) == s.as_bytes() {
            return id;
        }
        let id = self.intern_slow(s);
        self.recent[r] = (addr, s.len(), id);
        id
    }

    fn intern_slow(&mut self, s: &str) -> u32 {
        // The low 32 hash bits pick the slot and are kept in the entry, so a probe rejects
        // other strings, and growing rehashes, without touching string bytes.
        let h = hash(s.as_bytes()) as u32;
        let tag = (h as u64) << 32;
        let mask = self.table.len() - 1;
        let mut slot = h as usize & mask;
        loop {
            let e = self.table[slot];
            if e == 0 {
                break;
            }
            if e & 0xFFFF_FFFF_0000_0000 == tag && self.get_bytes(e as u32) == s.as_bytes() {
                return e as u32;
            }
            slot = (slot + 1) & mask;
        }
        self.bytes.extend_from_slice(s.as_bytes());
        self.ends.push(self.bytes.len() as u64);
        let id = u32::try_from(self.ends.len()).expect("fewer than 2^32 distinct strings");
        self.table[slot] = tag | id as u64;
        if self.ends.len() * 2 > self.table.len() {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let cap = self.table.len() * 2;
        let mask = cap - 1;
        let mut table = vec![0u64; cap];
        for &e in self.table.iter().filter(|&&e| e != 0) {
            let mut slot = (e >> 32) as usize & mask;
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = e;
        }
        self.table = table;
    }

    /// Heap bytes held (for memory accounting in large runs).
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 8 + self.table.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_first_use_order_and_stable() {
        let mut t = StringInterner::new();
        assert_eq!(t.intern(""), 1);
        assert_eq!(t.intern("(GC roots)"), 2);
        assert_eq!(t.intern(""), 1);
        let n = 100_000;
        for i in 0..n {
            assert_eq!(t.intern(&format!("s{i}")), 3 + i);
        }
        for i in (0..n).rev() {
            assert_eq!(t.intern(&format!("s{i}")), 3 + i);
        }
        assert_eq!(t.len(), n as usize + 2);
        assert_eq!(t.get(2), "(GC roots)");
        assert_eq!(t.get(3 + 777), "s777");
    }
}
