//! # heapsim sim: a simulated V8 heap
//!
//! An embeddable model of V8's heap close enough that its GC behaviour and its snapshots look
//! like V8's: memory is word arrays addressed by simulated addresses ([`memory`]), objects
//! are runs of tagged words ([`tagged`], [`object`]) in five spaces ([`space`]), a
//! generational write barrier fills a remembered set ([`write_barrier`],
//! [`remembered_set`]), and Cheney's scavenge with promotion collects new space
//! ([`scavenger`]), observable as events ([`events`]) and step by step ([`trace`]), checked by
//! a heap verifier ([`verifier`]). Objects keep stable ids across moves ([`ids`]).
//!
//! The old generation is collected by tri-colour mark-sweep / mark-compact
//! ([`mark_compact`]: [`mark_bits`], the bounded [`marking_worklist`] with overflow
//! rescans, [`weakness`], [`sweeper`], [`evacuation`]), optionally marked incrementally
//! with a Dijkstra write barrier and black allocation ([`incremental_marking`]), checked by
//! [`mark_compact_verifier`]; [`oracle`] answers "what would a full GC free without this
//! object?" by marking.
//!
//! [`stress`] runs random [`mutator`] programs under each collector stress mode with the
//! verifier around every GC (`heapsim stress`).
//!
//! ```
//! use sim::{Heap, Profile, GcReason};
//! let mut heap = Heap::new(Profile::v8_6());
//! let scope = heap.open_handle_scope();
//! let client = heap.alloc_object_of_class("Client", 4).unwrap();
//! let h = heap.handle(client);
//! let listeners = heap.alloc_array(0).unwrap();
//! let client = heap.get(h);
//! heap.set_property(client, "_events", listeners).unwrap();
//! let id = heap.object_id(heap.get(h).addr());
//! heap.scavenge(GcReason::Explicit);
//! heap.scavenge(GcReason::Explicit);
//! let moved = heap.get(h).addr();
//! assert_eq!(heap.space_of(moved), Some(sim::SpaceId::Old), "promoted after two scavenges");
//! assert_eq!(heap.object_id(moved), id, "the id follows the object");
//! heap.verify().unwrap();
//! heap.close_handle_scope(scope);
//! ```

pub mod evacuation;
pub mod events;
pub mod heap;
pub mod ids;
pub mod incremental_marking;
pub mod mark_bits;
pub mod mark_compact;
pub mod mark_compact_verifier;
pub mod marking_worklist;
pub mod memory;
pub mod mutator;
pub mod object;
pub mod oracle;
pub mod profile;
pub mod remembered_set;
pub mod roots;
pub mod scavenger;
pub mod snapshot;
pub mod space;
pub mod stress;
pub mod sweeper;
pub mod tagged;
pub mod trace;
pub mod verifier;
pub mod weakness;
pub mod write_barrier;

pub use events::{FullGcStats, GcEvent, GcKind, GcReason};
pub use heap::{AllocSpace, Heap, HeapError, RootIndex};
pub use mark_bits::Colour;
pub use mark_compact::{OldGenConfig, OldGenTotals, StressMode};
pub use object::{Field, FieldKind, FieldName, InstanceType};
pub use oracle::{LiveGraph, Retained};
pub use profile::Profile;
pub use roots::{GlobalHandle, Handle, HandleScope, RootKind};
pub use space::SpaceId;
pub use tagged::{Address, Tagged};
