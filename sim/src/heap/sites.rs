//! Allocation sites: which embedder-chosen site allocated an object, recorded only while
//! the embedder asks (`heapsim run` records its scenario's `action` phases).
//!
//! The embedder names the site it is executing with an opaque `u64` token
//! ([`Heap::replace_allocation_site`]; the interpreter packs a source position into it).
//! While recording is on, every object the heap initialises gets its stable id at once and
//! the table maps that id to the current token. Keying by id rather than address lets the
//! table survive scavenges and compaction untouched (ids travel with objects, see
//! [`super::ids`]); entries of objects that die stay behind and are never asked about.
//! This is the truth a V8 snapshot carries only with allocation tracking on
//! (`trace_node_id`), kept here as a side table so the snapshot itself does not change.
//! Outside recording the allocation path pays one branch.

use std::collections::HashMap;

use super::Heap;

/// The site table and the current site.
#[derive(Clone, Debug, Default)]
pub struct AllocationSites {
    recording: bool,
    current: u64,
    by_id: HashMap<u32, u64>,
}

impl Heap {
    /// Starts (`true`) or stops recording the site of every allocation; the table is kept.
    pub fn record_allocation_sites(&mut self, on: bool) {
        self.sites.recording = on;
    }

    /// Whether allocations are being recorded.
    #[inline]
    pub fn is_recording_allocation_sites(&self) -> bool {
        self.sites.recording
    }

    /// Makes `site` the current site and returns the previous one (to restore it after a
    /// nested site ends).
    #[inline]
    pub fn replace_allocation_site(&mut self, site: u64) -> u64 {
        std::mem::replace(&mut self.sites.current, site)
    }

    /// The site that allocated the object with stable id `id`, if it was recorded.
    pub fn allocation_site(&self, id: u32) -> Option<u64> {
        self.sites.by_id.get(&id).copied()
    }

    /// Called for every freshly initialised object.
    #[inline]
    pub(crate) fn note_allocation(&mut self, addr: super::tagged::Address) {
        if self.sites.recording {
            let id = self.object_id(addr);
            self.sites.by_id.insert(id, self.sites.current);
        }
    }
}
