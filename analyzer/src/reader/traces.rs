//! Decoding and checking the allocation traces of a snapshot taken with allocation
//! tracking: `trace_function_infos` (flat, `trace_function_info_fields` per function) and
//! `trace_tree` (nested, `trace_node_fields` per node with `children` last) into
//! [`AllocationTraces`]. The layout is in `crate::allocation`'s module doc; every index a
//! consumer follows — a node's function, a function's name and script strings — is checked
//! here.

use super::ReadError;
use crate::allocation::{parse_trace_tree, AllocationTraces, TraceFunction};
use crate::meta::Meta;

/// The traces of a snapshot; both arrays absent (or empty) give empty traces.
pub fn decode(
    meta: &Meta,
    functions: Option<Vec<u64>>,
    tree: Option<Vec<u8>>,
    string_count: usize,
) -> Result<AllocationTraces, ReadError> {
    let functions = functions.unwrap_or_default();
    let tree = tree.unwrap_or_default();
    if functions.is_empty() && tree.iter().all(|b| matches!(b, b'[' | b']')) {
        return Ok(AllocationTraces::default());
    }
    let functions = decode_functions(meta, &functions, string_count)?;
    let field = |name: &str| {
        meta.trace_node_fields
            .iter()
            .position(|f| f == name)
            .ok_or_else(|| invalid(format!("snapshot.meta.trace_node_fields has no \"{name}\"")))
    };
    let (id_at, function_at, children_at) = (
        field("id")?,
        field("function_info_index")?,
        field("children")?,
    );
    let width = meta.trace_node_fields.len();
    if children_at != width - 1 {
        return Err(invalid(
            "snapshot.meta.trace_node_fields: \"children\" is not the last field".to_string(),
        ));
    }
    let (ids, parent, function) =
        parse_trace_tree(&tree, width, id_at, function_at).map_err(invalid)?;
    if let Some(k) = function.iter().position(|&f| f as usize >= functions.len()) {
        return Err(invalid(format!(
            "trace_tree: function_info_index {} of trace node {} is not a function (there are {})",
            function[k],
            ids[k],
            functions.len()
        )));
    }
    Ok(AllocationTraces::new(functions, ids, parent, function))
}

fn decode_functions(
    meta: &Meta,
    numbers: &[u64],
    string_count: usize,
) -> Result<Vec<TraceFunction>, ReadError> {
    let fields = &meta.trace_function_info_fields;
    let at = |name: &str| {
        fields.iter().position(|f| f == name).ok_or_else(|| {
            invalid(format!(
                "snapshot.meta.trace_function_info_fields has no \"{name}\""
            ))
        })
    };
    let (name, script, line, column) =
        (at("name")?, at("script_name")?, at("line")?, at("column")?);
    let width = fields.len();
    if !numbers.len().is_multiple_of(width) {
        return Err(invalid(format!(
            "trace_function_infos: {} numbers is not a multiple of the width {width}",
            numbers.len()
        )));
    }
    numbers
        .chunks_exact(width)
        .enumerate()
        .map(|(k, r)| {
            for f in [name, script] {
                if r[f] as usize >= string_count {
                    return Err(invalid(format!(
                        "trace_function_infos[{}]: {} {} of function {k} is not a string index (there are {string_count} strings)",
                        k * width + f,
                        fields[f],
                        r[f]
                    )));
                }
            }
            Ok(TraceFunction {
                name: r[name] as u32,
                script_name: r[script] as u32,
                line: r[line].min(u32::MAX as u64) as u32,
                column: r[column].min(u32::MAX as u64) as u32,
            })
        })
        .collect()
}

fn invalid(message: String) -> ReadError {
    ReadError::invalid(message)
}
