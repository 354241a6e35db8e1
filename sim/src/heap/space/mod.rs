//! The heap's spaces, after V8's `src/heap/spaces.h` (V8 6.x) and `new-spaces.h`,
//! `paged-spaces.h`, `large-spaces.h` (later versions).
//!
//! * [`new_space`]: two semi-spaces, bump-pointer allocation, emptied by the scavenger.
//! * [`paged_space`]: pages with free lists; three instances, like V8's `OldSpace`,
//!   `CodeSpace` and `MapSpace`, which in V8 too are `PagedSpace`s differing only in what
//!   the heap allocates in them.
//! * [`free_list`]: the size-segregated free list of a paged space.
//! * [`large_object_space`]: one chunk per object above the profile's threshold; never moved.

pub mod free_list;
pub mod large_object_space;
pub mod new_space;
pub mod paged_space;

/// Which space a chunk belongs to. Order is iteration order of [`crate::Heap::objects`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpaceId {
    New,
    Old,
    Code,
    Map,
    LargeObject,
}

impl SpaceId {
    pub const ALL: [SpaceId; 5] = [
        SpaceId::New,
        SpaceId::Old,
        SpaceId::Code,
        SpaceId::Map,
        SpaceId::LargeObject,
    ];

    /// V8's name for the space (`--trace-gc-verbose`, `v8.getHeapSpaceStatistics()`).
    pub fn v8_name(self) -> &'static str {
        match self {
            SpaceId::New => "new_space",
            SpaceId::Old => "old_space",
            SpaceId::Code => "code_space",
            SpaceId::Map => "map_space",
            SpaceId::LargeObject => "large_object_space",
        }
    }

    /// Old generation: everything the scavenger does not evacuate.
    pub fn is_old(self) -> bool {
        self != SpaceId::New
    }
}
