//! heapsim's HTML reports: one self-contained `.html` file that works offline.
//!
//! Where it sits in the data flow: scenario → sim → snapshot → **analyzer** → **report**.
//! This crate reads only the analyzer's results (its models and JSON forms, so every name,
//! path and number is the one `heapsim analyze`, `tree`, `summary` and `diff` print) and
//! never the simulator.
//!
//! * [`page`] — the shell every report shares: template, style, shared script, the error
//!   guard, and the page data ([`embed`] makes it safe inside `<script>`);
//! * [`leak`] — the leak report, `heapsim report FILE [BASE [FINAL]]`;
//! * [`gc_viz`] — the GC sections of a simulated run (timeline, one scavenge, one
//!   marking), drawn from the simulator's GC recording as the CLI hands it over in its
//!   JSON form (the crate still does not link the simulator);
//! * [`palette`] — one colour per class, in every picture.
pub mod embed;
pub mod gc_viz;
pub mod leak;
pub mod page;
pub mod palette;
