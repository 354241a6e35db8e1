//! `heapsim summary FILE --class NAME`: a Summary row opened into its instances (id,
//! shallow, retained, distance) in DevTools' order ([`analyzer::devtools::instances`]), and
//! the class-name lookup `heapsim show` accepts in place of an id.

use super::output::{out, outln};
use std::path::Path;

use analyzer::analysis::Analysis;
use analyzer::devtools::instances::{instances, rows_named, Instance, InstanceOrder};
use analyzer::devtools::summary::summary;
use analyzer::snapshot::NodeIx;
use analyzer::units::{human_bytes, thousands};
use serde_json::json;

use super::common::{distance_text, table};

/// The instances of the class `name`, or a one-line error when no Summary row has it.
pub fn of_class(
    a: &Analysis,
    file: &Path,
    name: &str,
    order: InstanceOrder,
) -> anyhow::Result<Vec<Instance>> {
    let rows = summary(a);
    let named = rows_named(&rows, name);
    if named.is_empty() {
        anyhow::bail!(
            "{}: no class named `{name}` in the Summary (heapsim summary {} lists them)",
            file.display(),
            file.display()
        );
    }
    Ok(instances(a, &named, order, |v| a.snapshot.node_id(v)))
}

/// The one instance of class `name`, for `show`; several are an error that says how many
/// and where to list them.
pub fn only_instance(a: &Analysis, file: &Path, name: &str) -> anyhow::Result<NodeIx> {
    match of_class(a, file, name, InstanceOrder::Retained)?.as_slice() {
        [one] => Ok(one.node),
        many => anyhow::bail!(
            "{}: class `{name}` has {} instances; pick one by id from `heapsim summary {} --class '{name}'`",
            file.display(),
            thousands(many.len() as u64),
            file.display()
        ),
    }
}

/// Prints the first `top` instances of class `name` as text or JSON.
pub fn print(
    a: &Analysis,
    file: &Path,
    name: &str,
    order: InstanceOrder,
    top: Option<usize>,
    as_json: bool,
) -> anyhow::Result<()> {
    let all = of_class(a, file, name, order)?;
    let shown = &all[..top.unwrap_or(all.len()).min(all.len())];
    let s = &a.snapshot;
    if as_json {
        let rows: Vec<_> = shown
            .iter()
            .map(|i| {
                json!({
                    "id": s.node_id(i.node),
                    "self_size": i.self_size,
                    "retained_size": i.retained_size,
                    "distance": i.distance,
                })
            })
            .collect();
        let body = json!({"class": name, "count": all.len(), "instances": rows});
        let doc = analyzer::report::json::Document::new(&[file], body);
        outln!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|i| {
            vec![
                format!("@{}", s.node_id(i.node)),
                human_bytes(i.self_size),
                human_bytes(i.retained_size),
                distance_text(i.distance),
            ]
        })
        .collect();
    outln!(
        "{}: {} instances of {name}",
        file.display(),
        thousands(all.len() as u64)
    );
    out!(
        "{}",
        table(
            &["Object", "Shallow size", "Retained size", "Distance"],
            &cells
        )
    );
    if shown.len() < all.len() {
        outln!(
            "… {} more instances (--top to show more)",
            all.len() - shown.len()
        );
    }
    Ok(())
}
