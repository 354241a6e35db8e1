//! Code objects, after V8's `Code` (`src/objects/code.h`), in code space.
//!
//! Layout (32 bytes + instructions, rounded up to whole words):
//!
//! | word | field            | contents                                  |
//! |------|------------------|-------------------------------------------|
//! | 0    | map              |                                           |
//! | 1    | instruction_size | Smi, bytes of machine code                |
//! | 2    | kind             | Smi, a [`CodeKind`]                       |
//! | 3    | name             | the builtin's or function's name (string) or `undefined` |
//! | 4..  | instructions     | raw bytes (filled with `int3`, 0xCC: never executed) |

use super::InstanceType;
use crate::heap::tagged::{Address, Tagged};
use crate::heap::{AllocSpace, Heap, HeapError};

pub const HEADER_WORDS: usize = 4;
pub const INSTRUCTION_SIZE: usize = 1;
pub const KIND: usize = 2;
pub const NAME: usize = 3;

/// What a code object is (a subset of V8's `CodeKind`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CodeKind {
    Builtin = 0,
    BytecodeHandler = 1,
    Optimized = 2,
}

impl Heap {
    /// A code object named `name` with `instruction_size` bytes of instructions.
    pub fn alloc_code(
        &mut self,
        name: &str,
        instruction_size: usize,
        kind: CodeKind,
    ) -> Result<Tagged, HeapError> {
        let scope = self.open_handle_scope();
        let r = (|| {
            let n = self.internalize(name)?;
            let hn = self.handle(n);
            let payload = super::round_words(instruction_size);
            let a = self.allocate_raw(8 * (HEADER_WORDS + payload), AllocSpace::Code)?;
            let words = [
                self.managed.root_map_word(InstanceType::Code),
                Tagged::smi(instruction_size as i32).0,
                Tagged::smi(kind as i32).0,
                self.get(hn).0,
            ];
            self.init_object(a, &words);
            self.words_at_mut(a + 8 * HEADER_WORDS as u64, payload)
                .fill(0xcccc_cccc_cccc_cccc);
            Ok(Tagged::strong(a))
        })();
        self.close_handle_scope(scope);
        r
    }

    pub fn code_name(&self, addr: Address) -> Tagged {
        self.word(addr, NAME)
    }
}
