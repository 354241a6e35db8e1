//! Heap profiles: the constants that differ between the V8 the talk describes and today's.
//!
//! `v8-6` follows V8 6.x (Node 8–10), the talk's engine: 512 KB pages
//! (`Page::kPageSize`), a large-object threshold of 507 136 bytes
//! (`kMaxRegularHeapObjectSize`), semi-spaces from 1 MB growing to 16 MB, and a separate
//! map space. `modern` follows V8 ≥ 9: 256 KB pages, a 128 KB large-object threshold and
//! maps allocated in old space (the map space was removed in V8 10.x).

/// The tunable constants of one simulated heap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Name as given on the command line (`v8-6`, `modern`, or `custom`).
    pub name: &'static str,
    /// Bytes per page of the paged spaces (old, code, map).
    pub page_size: usize,
    /// Objects strictly larger than this many bytes go to large-object space.
    pub large_object_threshold: usize,
    /// Initial capacity of each semi-space in bytes.
    pub semi_space_initial: usize,
    /// Maximum capacity of each semi-space in bytes.
    pub semi_space_max: usize,
    /// `true` when maps live in their own space (V8 before 10.x).
    pub map_space: bool,
    /// Limit on old-generation bytes (old + code + map + large object spaces). Past it,
    /// allocation runs a full GC and fails (V8's fatal out-of-memory) only if that frees
    /// too little.
    pub max_old_generation: usize,
}

impl Profile {
    /// V8 6.x as in the talk (the default).
    pub fn v8_6() -> Profile {
        Profile {
            name: "v8-6",
            page_size: 512 * 1024,
            large_object_threshold: 507_136,
            semi_space_initial: 1024 * 1024,
            semi_space_max: 16 * 1024 * 1024,
            map_space: true,
            max_old_generation: 1400 * 1024 * 1024,
        }
    }

    /// Today's V8: smaller pages, a lower large-object threshold, no map space.
    pub fn modern() -> Profile {
        Profile {
            name: "modern",
            page_size: 256 * 1024,
            large_object_threshold: 128 * 1024,
            semi_space_initial: 1024 * 1024,
            semi_space_max: 16 * 1024 * 1024,
            map_space: false,
            max_old_generation: 2048 * 1024 * 1024,
        }
    }

    /// Looks a profile up by its command-line name.
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "v8-6" => Some(Profile::v8_6()),
            "modern" => Some(Profile::modern()),
            _ => None,
        }
    }

    /// The same profile with a different semi-space size (fixed: initial = max). Tests use
    /// tiny semi-spaces so scavenges happen after a few allocations.
    pub fn with_semi_space(mut self, initial: usize, max: usize) -> Profile {
        assert!(
            initial.is_multiple_of(8) && max >= initial,
            "semi-space sizes must be word multiples, max >= initial"
        );
        self.semi_space_initial = initial;
        self.semi_space_max = max;
        self
    }

    /// The same profile with a different old-generation limit.
    pub fn with_max_old_generation(mut self, bytes: usize) -> Profile {
        self.max_old_generation = bytes;
        self
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::v8_6()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_have_the_documented_constants() {
        let p = Profile::from_name("v8-6").unwrap();
        assert_eq!(p, Profile::default());
        assert_eq!(p.large_object_threshold, 507_136);
        assert_eq!(p.page_size, 524_288);
        assert!(p.map_space);
        let m = Profile::from_name("modern").unwrap();
        assert_eq!(m.page_size, 262_144);
        assert_eq!(m.large_object_threshold, 131_072);
        assert!(!m.map_space);
        assert!(Profile::from_name("v8-5").is_none());
    }
}
