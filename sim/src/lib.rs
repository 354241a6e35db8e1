//! # heapsim sim: a simulated V8 heap
//!
//! An embeddable model of V8's heap close enough that its GC behaviour and its snapshots look
//! like V8's. The folders follow V8's `src/heap/`, one file per mechanism:
//!
//! * [`heap`]: the [`Heap`] itself — memory as word arrays addressed by simulated addresses
//!   ([`heap::memory`]), tagged words ([`heap::tagged`]), the five spaces ([`heap::space`]),
//!   the roots and handles ([`heap::roots`]), stable object ids across moves ([`heap::ids`])
//!   and the size profiles ([`heap::profile`]). It allocates, and composes the collectors.
//! * [`object`]: the object layouts (maps, JS objects, strings, closures, collections...).
//! * [`young_gen`]: Cheney's scavenge with promotion ([`young_gen::scavenger`]), step by step
//!   ([`young_gen::trace`]), and the generational write barrier
//!   ([`young_gen::write_barrier`]) filling the remembered set
//!   ([`young_gen::remembered_set`]).
//! * [`old_gen`]: tri-colour mark-sweep / mark-compact ([`old_gen::mark_compact`]: mark bits,
//!   the bounded marking worklist with overflow rescans, weakness, the sweeper, evacuation),
//!   optionally marked incrementally with a Dijkstra write barrier and black allocation
//!   ([`old_gen::incremental_marking`]).
//! * [`verify`]: the heap verifiers run around every GC under `--verify-heap`.
//! * [`snapshot`]: the `.heapsnapshot` writer over the heap's object graph.
//!
//! Beside them: the GC event stream ([`events`]), GC recording for the gc-viz page
//! ([`heap::gc_trace`]), the random mutator of the stress and
//! property tests ([`mutator`]), and [`oracle`], which answers "what would a full GC free
//! without this object?" by marking.
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

pub mod bootstrap;
pub mod events;
pub mod heap;
#[cfg(feature = "proptest")]
pub mod heap_strategy;
pub mod mutator;
pub mod object;
pub mod old_gen;
pub mod oracle;
pub mod shapes;
pub mod snapshot;
pub mod stress;
pub mod verify;
pub mod young_gen;

pub use events::{FullGcStats, GcEvent, GcKind, GcReason};
pub use heap::profile::Profile;
pub use heap::roots::{GlobalHandle, Handle, HandleScope, RootKind};
pub use heap::space::SpaceId;
pub use heap::tagged::{Address, Tagged};
pub use heap::{AllocSpace, Heap, HeapError, RootIndex};
pub use object::{Field, FieldKind, FieldName, InstanceType};
pub use old_gen::mark_bits::Colour;
pub use old_gen::mark_compact::{OldGenConfig, OldGenTotals, StressMode};
pub use oracle::{LiveGraph, Retained};
