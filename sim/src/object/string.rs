//! Strings, after V8's `SeqOneByteString`, `SeqTwoByteString`, `ConsString` and
//! `SlicedString` (`src/objects/string.h`).
//!
//! Sequential strings (24 bytes + characters, rounded up to whole words):
//!
//! | word | field  | contents                                                  |
//! |------|--------|-----------------------------------------------------------|
//! | 0    | map    | one-byte (Latin-1) or two-byte (UTF-16) string map        |
//! | 1    | length | Smi, in UTF-16 code units                                 |
//! | 2    | hash   | Smi, 0 until computed                                     |
//! | 3..  | chars  | raw: 8 one-byte or 4 two-byte characters per word, little-endian |
//!
//! `ConsString` (40 bytes): map, length, hash, first, second — the result of `a + b` when
//! the result has at least 13 characters (`ConsString::kMinLength`); shorter results are
//! copied flat. `SlicedString` (40 bytes): map, length, hash, parent (always sequential),
//! offset (Smi) — a substring of at least 13 characters (`SlicedString::kMinLength`).
//!
//! Internalized strings (property names, [`crate::Heap::internalize`]) are sequential
//! strings in old space listed in the string table, the `(Internalized strings)` root.

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const LENGTH: usize = 1;
pub const HASH: usize = 2;
pub const SEQ_HEADER_WORDS: usize = 3;
pub const CONS_WORDS: usize = 5;
pub const FIRST: usize = 3;
pub const SECOND: usize = 4;
pub const PARENT: usize = 3;
pub const OFFSET: usize = 4;
/// Shortest cons or sliced string V8 makes.
pub const MIN_INDIRECT_LENGTH: usize = 13;
/// Longest string V8 6.x allows on 64-bit (`String::kMaxLength`).
pub const MAX_LENGTH: usize = (1 << 30) - 25;

impl Heap {
    /// A young sequential string with `s`'s characters.
    pub fn alloc_string(&mut self, s: &str) -> Result<Tagged, HeapError> {
        let units: Vec<u16> = s.encode_utf16().collect();
        self.alloc_seq_string(&units, AllocSpace::Young)
    }

    /// A sequential string from UTF-16 code units, one-byte when every unit fits.
    pub fn alloc_seq_string(
        &mut self,
        units: &[u16],
        space: AllocSpace,
    ) -> Result<Tagged, HeapError> {
        if units.len() > MAX_LENGTH {
            return Err(HeapError::WrongType {
                op: "alloc_string",
                expected: "a string below String::kMaxLength",
                found: "a longer string",
            });
        }
        let one_byte = units.iter().all(|&u| u <= 0xff);
        let (ty, bytes) = if one_byte {
            (InstanceType::SeqOneByteString, units.len())
        } else {
            (InstanceType::SeqTwoByteString, 2 * units.len())
        };
        let payload = super::round_words(bytes);
        let a = self.allocate_raw(8 * (SEQ_HEADER_WORDS + payload), space)?;
        self.init_object(
            a,
            &[
                self.managed.root_map_word(ty),
                Tagged::smi(units.len() as i32).0,
                Tagged::smi(0).0,
            ],
        );
        let words = self.words_at_mut(a + 8 * SEQ_HEADER_WORDS as u64, payload);
        words.fill(0);
        if one_byte {
            for (i, &u) in units.iter().enumerate() {
                words[i / 8] |= (u as u64) << (8 * (i % 8));
            }
        } else {
            for (i, &u) in units.iter().enumerate() {
                words[i / 4] |= (u as u64) << (16 * (i % 4));
            }
        }
        Ok(Tagged::strong(a))
    }

    /// The unique old-space copy of `s`, listed in the string table.
    pub fn internalize(&mut self, s: &str) -> Result<Tagged, HeapError> {
        if let Some(&i) = self.string_table.get(s) {
            return Ok(self.managed.roots.list(crate::RootKind::StringTable)[i]);
        }
        let units: Vec<u16> = s.encode_utf16().collect();
        let t = self.alloc_seq_string(&units, AllocSpace::Old)?;
        let l = self.managed.roots.list_mut(crate::RootKind::StringTable);
        l.push(t);
        self.string_table.insert(s.to_string(), l.len() - 1);
        Ok(t)
    }

    /// `first + second`: a cons string, or a flat copy when shorter than 13 characters.
    pub fn alloc_cons_string(
        &mut self,
        first: Tagged,
        second: Tagged,
    ) -> Result<Tagged, HeapError> {
        self.expect_string(first, "alloc_cons_string")?;
        self.expect_string(second, "alloc_cons_string")?;
        let len = self.string_length(first.addr()) + self.string_length(second.addr());
        if len > MAX_LENGTH {
            return Err(HeapError::WrongType {
                op: "alloc_cons_string",
                expected: "a result below String::kMaxLength",
                found: "a longer one",
            });
        }
        if len < MIN_INDIRECT_LENGTH {
            let mut units = self.string_units(first.addr());
            units.extend(self.string_units(second.addr()));
            return self.alloc_seq_string(&units, AllocSpace::Young);
        }
        let scope = self.open_handle_scope();
        let (h1, h2) = (self.handle(first), self.handle(second));
        let a = self.allocate_raw(CONS_WORDS * 8, AllocSpace::Young);
        let (first, second) = (self.get(h1), self.get(h2));
        self.close_handle_scope(scope);
        let a = a?;
        let words = [
            self.managed.root_map_word(InstanceType::ConsString),
            Tagged::smi(len as i32).0,
            Tagged::smi(0).0,
            first.0,
            second.0,
        ];
        self.init_object(a, &words);
        Ok(Tagged::strong(a))
    }

    /// `s.substring(start, start + len)`: a sliced string of a sequential parent, or a flat
    /// copy when shorter than 13 characters. A cons parent is flattened first, as V8 does.
    pub fn alloc_sliced_string(
        &mut self,
        s: Tagged,
        start: usize,
        len: usize,
    ) -> Result<Tagged, HeapError> {
        self.expect_string(s, "alloc_sliced_string")?;
        let total = self.string_length(s.addr());
        if start > total || len > total - start {
            return Err(HeapError::WrongType {
                op: "alloc_sliced_string",
                expected: "a range inside the string",
                found: "a range past its end",
            });
        }
        if len < MIN_INDIRECT_LENGTH {
            let units = self.string_units(s.addr())[start..start + len].to_vec();
            return self.alloc_seq_string(&units, AllocSpace::Young);
        }
        let scope = self.open_handle_scope();
        let r = (|| {
            let (mut parent, mut offset) = (s, start);
            match self.instance_type(s.addr()) {
                InstanceType::SlicedString => {
                    offset += self.word(s.addr(), OFFSET).smi_value() as usize;
                    parent = self.word(s.addr(), PARENT);
                }
                InstanceType::ConsString => {
                    let units = self.string_units(s.addr());
                    parent = self.alloc_seq_string(&units, AllocSpace::Young)?;
                }
                _ => {}
            }
            let hp = self.handle(parent);
            let a = self.allocate_raw(CONS_WORDS * 8, AllocSpace::Young)?;
            let parent = self.get(hp);
            let words = [
                self.managed.root_map_word(InstanceType::SlicedString),
                Tagged::smi(len as i32).0,
                Tagged::smi(0).0,
                parent.0,
                Tagged::smi(offset as i32).0,
            ];
            self.init_object(a, &words);
            Ok(Tagged::strong(a))
        })();
        self.close_handle_scope(scope);
        r
    }

    fn expect_string(&self, s: Tagged, op: &'static str) -> Result<(), HeapError> {
        if s.is_heap_object() && self.instance_type(s.addr()).is_string() {
            Ok(())
        } else {
            Err(HeapError::WrongType {
                op,
                expected: "a string",
                found: if s.is_heap_object() {
                    self.instance_type(s.addr()).v8_name()
                } else {
                    "Smi"
                },
            })
        }
    }

    /// Length in UTF-16 code units.
    pub fn string_length(&self, addr: Address) -> usize {
        self.word(addr, LENGTH).smi_value() as usize
    }

    /// The UTF-16 code units of any string, flattening cons and sliced strings with an
    /// explicit stack (cons trees can be deeper than the Rust stack).
    pub fn string_units(&self, addr: Address) -> Vec<u16> {
        let mut out = Vec::with_capacity(self.string_length(addr));
        // (string, start, end) ranges still to emit, rightmost at the bottom.
        let mut stack = vec![(addr, 0usize, self.string_length(addr))];
        while let Some((a, start, end)) = stack.pop() {
            match self.instance_type(a) {
                InstanceType::SeqOneByteString => {
                    let w = self.words_at(a + 24, super::round_words(end));
                    out.extend((start..end).map(|i| ((w[i / 8] >> (8 * (i % 8))) & 0xff) as u16));
                }
                InstanceType::SeqTwoByteString => {
                    let w = self.words_at(a + 24, super::round_words(2 * end));
                    out.extend(
                        (start..end).map(|i| ((w[i / 4] >> (16 * (i % 4))) & 0xffff) as u16),
                    );
                }
                InstanceType::SlicedString => {
                    let off = self.word(a, OFFSET).smi_value() as usize;
                    stack.push((self.word(a, PARENT).addr(), start + off, end + off));
                }
                InstanceType::ConsString => {
                    let (f, s) = (self.word(a, FIRST).addr(), self.word(a, SECOND).addr());
                    let fl = self.string_length(f);
                    if end > fl {
                        stack.push((s, start.saturating_sub(fl), end - fl));
                    }
                    if start < fl {
                        stack.push((f, start, end.min(fl)));
                    }
                }
                t => panic!("string_units on a {}", t.v8_name()),
            }
        }
        out
    }

    /// The content of any string (lone surrogates become U+FFFD).
    pub fn string_content(&self, addr: Address) -> String {
        String::from_utf16_lossy(&self.string_units(addr))
    }
}
