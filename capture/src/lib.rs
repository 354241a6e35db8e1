//! # heapsim capture
//!
//! Takes heap snapshots from a running Node.js process while it keeps serving, the ways
//! Node documents (<https://nodejs.org/en/learn/diagnostics/memory/using-heap-snapshot>):
//!
//! * over the V8 inspector: a PID is checked to be Node ([`process`]) and sent `SIGUSR1`,
//!   which starts its inspector ([`discovery`] finds it through the HTTP `/json/list`
//!   endpoint and the socket the process listens on); a `HOST:PORT` or `ws://` target is
//!   used as it is ([`target`], loopback only unless allowed). The Chrome DevTools
//!   Protocol client ([`cdp`]) calls `HeapProfiler.takeHeapSnapshot` and streams the
//!   `addHeapSnapshotChunk` events into a [`sink::ChunkSink`] (`FILE.partial`, renamed
//!   when complete) and, for `--analyze`, into the analyzer's reader as they arrive
//!   ([`feed`]);
//! * through Node's own `--heapsnapshot-signal=SIGUSR2` ([`heapsnapshot_signal`]): the
//!   process writes `Heap.*.heapsnapshot` itself, and the file is moved into place when
//!   the process has closed it;
//! * repeatedly, for `heapsim watch`: baseline, target and final snapshots on a
//!   [`schedule`], each after a garbage collection.
//!
//! Every failure is one [`Error`] whose text is a single line naming what failed and
//! where; nothing here panics on what a target sends.

pub mod cdp;
pub mod discovery;
pub mod error;
pub mod feed;
pub mod heapsnapshot_signal;
pub mod process;
pub mod schedule;
pub mod session;
pub mod sink;
pub mod target;

pub use error::Error;
pub use nix::sys::signal::Signal;
pub use session::Session;
pub use target::Target;
