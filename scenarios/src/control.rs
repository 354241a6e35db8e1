//! A well-behaved server: the control case, in which no analyzer should find a suspect.
//!
//! Each request builds its data, renders, and lets everything go. What the app keeps is
//! spread over a dozen long-lived services of different classes (router, logger, pools, ...)
//! of similar size, plus a small bounded page cache (4 entries, oldest replaced): memory
//! that does not grow with the number of requests and that no single object dominates.

use crate::js::{Js, JsResult};
use crate::{request, Params};

const CACHE_SLOTS: usize = 4;

const SERVICES: [&str; 12] = [
    "Router",
    "Logger",
    "ConnectionPool",
    "SessionStore",
    "TemplateEngine",
    "Metrics",
    "RateLimiter",
    "Mailer",
    "FeatureFlags",
    "I18n",
    "HealthCheck",
    "Scheduler",
];

pub fn run(js: &mut Js, p: &Params) -> JsResult<()> {
    for (i, class) in SERVICES.iter().enumerate() {
        js.scope(|js| {
            let service = js.object(class, 4)?;
            for key in ["name", "options", "state", "description"] {
                let v = js.string(&format!("{class}.{key}:{}", "s".repeat(400 + i)))?;
                js.set(service, key, v)?;
            }
            let name = format!("{}{}", class[..1].to_lowercase(), &class[1..]);
            js.set_global(&name, service)
        })?;
    }
    let cache = js.object("PageCache", 4)?;
    js.set_global("pageCache", cache)?;
    for i in 0..p.requests {
        js.scope(|js| {
            let _req = request(js, i, p.payload_bytes)?;
            let page = js.string(&format!("<p>{i}</p>"))?;
            // Slot names rotate: each page replaces the one CACHE_SLOTS requests older.
            js.set(cache, &format!("slot{}", i % CACHE_SLOTS), page)
        })?;
    }
    Ok(())
}
