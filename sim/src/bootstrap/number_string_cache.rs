//! V8's number-to-string cache (`Heap::number_string_cache`, made by
//! `Heap::CreateInitialObjects` in `src/heap/setup-heap-internal.cc`, sized by
//! `Heap::FullSizeNumberStringCacheLength` in `src/heap/heap.cc`): a `FixedArray` of
//! (number, string) pairs, a strong root. V8 starts it small and resizes it to the full
//! size once the heap is large enough; a Node 20 process has it at full size before its
//! first script runs (a 262,160-byte array under `(Strong roots)` in an empty script's
//! snapshot), so the baseline does too. Empty slots hold `undefined`, as V8's do.

use crate::heap::roots::RootKind;
use crate::heap::{Heap, HeapError};

/// `FullSizeNumberStringCacheLength` on Node 20's heap limits: 16,384 pairs.
pub const SLOTS: usize = 2 * 16_384;

/// Allocates the full-size cache under the strong roots.
pub fn install(heap: &mut Heap) -> Result<(), HeapError> {
    let cache = heap.alloc_fixed_array(SLOTS)?;
    heap.add_root(RootKind::StrongRootList, cache);
    Ok(())
}
