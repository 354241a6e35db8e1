//! The GC sections of a simulated run: what only a simulator can show, drawn from its GC
//! recording (`sim::heap::gc_trace`, whose JSON forms the CLI hands over; this crate does
//! not link the simulator):
//!
//! * **GC timeline** (`gc-timeline`): used bytes per space over the run, the time axis
//!   being the allocation count, as a stacked sawtooth (each GC's before and after); each
//!   scavenge and full GC marked, incremental marking steps, bytes promoted per GC.
//! * **One scavenge** (`gc-scavenge`), as the talk draws Cheney's algorithm: from-space,
//!   to-space and old space as rows of objects; the flip, root copies, the scan pointer
//!   chasing the allocation pointer, copies left as forwarding addresses, promotions, and
//!   the pointers meeting.
//! * **One marking** (`gc-marking`): the drawn objects white, grey and black in layers
//!   from the roots, the marking worklist as a stack of its capacity, overflows (the
//!   worklist turns red, the object stays grey unpushed) and rescans that refill it,
//!   incremental steps and write-barrier greyings (dashed edges).
//!
//! Each animation is a player over the recorded steps (`assets/gc-viz.js`): first, back,
//! play/pause, step, last and a slider; the section's `data-step` attribute is the frame
//! shown. A run with no collection of a kind says so in its section.

use askama::Template;
use serde::Serialize;

use crate::page::{PageError, Section};

/// The sections' script (one for the three).
pub const SCRIPT: &str = include_str!("../assets/gc-viz.js");

/// The ids of the GC sections, in page order.
pub const SECTION_IDS: [&str; 3] = ["gc-timeline", "gc-scavenge", "gc-marking"];

const TIMELINE_INTRO: &str = "The heap over the run, space by space: it grows as the program \
    allocates and drops at each collection. Time is the number of allocations.";
const SCAVENGE_INTRO: &str = "One scavenge, step by step from the simulator's own steps \
    (Cheney's algorithm): the semi-spaces flip, the roots' objects are copied into to-space, \
    then the scan pointer walks to-space behind the allocation pointer, copying every \
    from-space object a scanned object points to; an object copied before leaves its \
    forwarding address; survivors of an earlier scavenge are promoted to old space. Grey: \
    copied, not yet scanned; black: scanned.";
const MARKING_INTRO: &str = "One marking cycle of the old generation, step by step from the \
    simulator's own steps: tri-colour marking (white unreached, grey reached with fields \
    to visit, black visited) driven by a bounded worklist. When the worklist is full an \
    object is greyed but not pushed (overflow); when it drains the heap is rescanned for \
    grey objects. Incremental marking runs in steps between the program's work, and the \
    write barrier greys a white object stored into a black one.";

#[derive(Template)]
#[template(path = "gc_timeline.html")]
struct TimelineHtml {
    intro: &'static str,
}

#[derive(Template)]
#[template(path = "gc_animation.html")]
struct AnimationHtml {
    intro: &'static str,
    recorded: bool,
    absent: &'static str,
}

/// What the three sections draw, each as the simulator serializes it: the run's timeline
/// and its recorded collections (`None` when the run had none of that kind).
pub struct GcViz {
    pub timeline: serde_json::Value,
    pub scavenge: Option<Recorded>,
    pub marking: Option<Recorded>,
}

/// A recorded collection and which GC it is (so the timeline can mark it).
pub struct Recorded {
    pub seq: usize,
    pub data: serde_json::Value,
}

#[derive(Serialize)]
struct TimelineData<'a> {
    timeline: &'a serde_json::Value,
    animated_scavenge: Option<usize>,
    animated_marking: Option<usize>,
}

impl GcViz {
    /// The timeline, scavenge and marking sections; their script is [`SCRIPT`], which the
    /// page runs once for the three (`Page::scripts`).
    pub fn sections(&self) -> Result<Vec<Section>, PageError> {
        let timeline = TimelineData {
            timeline: &self.timeline,
            animated_scavenge: self.scavenge.as_ref().map(|r| r.seq),
            animated_marking: self.marking.as_ref().map(|r| r.seq),
        };
        let html = render(TimelineHtml {
            intro: TIMELINE_INTRO,
        })?;
        Ok(vec![
            Section::new(SECTION_IDS[0], "GC timeline", html).with_data(&timeline)?,
            animation(
                SECTION_IDS[1],
                "One scavenge",
                SCAVENGE_INTRO,
                "No scavenge ran outside a full GC in this run.",
                self.scavenge.as_ref(),
            )?,
            animation(
                SECTION_IDS[2],
                "One marking",
                MARKING_INTRO,
                "No full GC ran in this run.",
                self.marking.as_ref(),
            )?,
        ])
    }
}

fn animation(
    id: &'static str,
    title: &'static str,
    intro: &'static str,
    absent: &'static str,
    recorded: Option<&Recorded>,
) -> Result<Section, PageError> {
    let html = render(AnimationHtml {
        intro,
        recorded: recorded.is_some(),
        absent,
    })?;
    Ok(Section::new(id, title, html).with_data(&recorded.map(|r| &r.data))?)
}

fn render(t: impl Template) -> Result<String, PageError> {
    t.render().map_err(PageError::Template)
}
