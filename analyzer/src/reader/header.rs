//! The `snapshot` header object: `meta` (layout) and the stated counts.
//!
//! The header is a few hundred bytes, so it alone goes through serde_json. Everything the
//! rest of the reader relies on is checked here once: the fields it needs exist, the type
//! lists are lists of strings, and the widths are sane.

use serde_json::Value;

use super::error::ReadError;
use crate::meta::Meta;

/// Largest record width accepted (V8 writes 6–7 node fields and 3 edge fields).
const MAX_WIDTH: usize = 64;

fn strings(v: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let arr = v
        .as_array()
        .ok_or_else(|| format!("snapshot.meta.{what} is not an array"))?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("snapshot.meta.{what} holds a non-string entry"))
        })
        .collect()
}

fn type_names(meta: &Value, key: &str) -> Result<Vec<String>, String> {
    let first = meta
        .get(key)
        .and_then(|t| t.as_array())
        .and_then(|t| t.first())
        .ok_or_else(|| format!("snapshot.meta.{key}[0] (the list of type names) is missing"))?;
    let names = strings(Some(first), &format!("{key}[0]"))?;
    if names.len() > 256 {
        return Err(format!(
            "snapshot.meta.{key}[0] lists {} types; at most 256 are supported",
            names.len()
        ));
    }
    Ok(names)
}

fn count(obj: &Value, key: &str) -> Result<u64, String> {
    match obj.get(key) {
        None => Ok(0),
        Some(v) => v
            .as_u64()
            .ok_or_else(|| format!("snapshot.{key} is not a non-negative integer: {v}")),
    }
}

/// Reads the `snapshot` object's JSON text into a [`Meta`]. `offset` is where it starts in
/// the file, for the error message.
pub(crate) fn parse_header(text: &[u8], offset: u64) -> Result<Meta, ReadError> {
    let wrap = |m: String| ReadError::syntax(m, offset);
    let v: Value = serde_json::from_slice(text)
        .map_err(|e| wrap(format!("snapshot header is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(wrap("\"snapshot\" is not an object".into()));
    }
    let meta = v
        .get("meta")
        .filter(|m| m.is_object())
        .ok_or_else(|| wrap("snapshot.meta is missing".into()))?;
    let build = || -> Result<Meta, String> {
        let node_fields = strings(meta.get("node_fields"), "node_fields")?;
        let edge_fields = strings(meta.get("edge_fields"), "edge_fields")?;
        let m = Meta {
            node_type_names: type_names(meta, "node_types")?,
            edge_type_names: type_names(meta, "edge_types")?,
            location_fields: strings(meta.get("location_fields"), "location_fields")?,
            trace_function_info_fields: strings(
                meta.get("trace_function_info_fields"),
                "trace_function_info_fields",
            )?,
            trace_node_fields: strings(meta.get("trace_node_fields"), "trace_node_fields")?,
            sample_fields: strings(meta.get("sample_fields"), "sample_fields")?,
            node_count: count(&v, "node_count")?,
            edge_count: count(&v, "edge_count")?,
            trace_function_count: count(&v, "trace_function_count")?,
            extra_native_bytes: match v.get("extra_native_bytes") {
                None => None,
                Some(_) => Some(count(&v, "extra_native_bytes")?),
            },
            node_fields,
            edge_fields,
        };
        for (list, fields, what) in [
            (
                &m.node_fields,
                &["type", "name", "id", "self_size", "edge_count"][..],
                "node_fields",
            ),
            (
                &m.edge_fields,
                &["type", "name_or_index", "to_node"][..],
                "edge_fields",
            ),
        ] {
            if list.len() > MAX_WIDTH {
                return Err(format!(
                    "snapshot.meta.{what} has {} fields; at most {MAX_WIDTH} are supported",
                    list.len()
                ));
            }
            for f in fields {
                if !list.iter().any(|x| x == f) {
                    return Err(format!("snapshot.meta.{what} lacks \"{f}\""));
                }
            }
            for (i, f) in list.iter().enumerate() {
                if list[..i].contains(f) {
                    return Err(format!("snapshot.meta.{what} lists \"{f}\" twice"));
                }
            }
        }
        if !m.location_fields.is_empty() && m.location_field("object_index").is_none() {
            return Err("snapshot.meta.location_fields lacks \"object_index\"".into());
        }
        if m.location_fields.len() > MAX_WIDTH {
            return Err("snapshot.meta.location_fields is too long".into());
        }
        Ok(m)
    };
    build().map_err(wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `snapshot` headers of real Node 20, 22 and 24 files, kept by the format crate.
    const REFERENCE_HEADERS: [(&str, &[u8]); 3] = [
        (
            "node20",
            include_bytes!("../../../format/tests/fixtures/meta_node20.20.2.json"),
        ),
        (
            "node22",
            include_bytes!("../../../format/tests/fixtures/meta_node22.23.3.json"),
        ),
        (
            "node24",
            include_bytes!("../../../format/tests/fixtures/meta_node24.21.0.json"),
        ),
    ];

    #[test]
    fn reads_the_reference_metas() {
        for (name, text) in REFERENCE_HEADERS {
            let m = parse_header(text, 0).unwrap();
            assert_eq!(m.edge_width(), 3);
            assert!(m.node_count > 0 && m.edge_count > 0);
            if name == "node24" {
                assert_eq!(m.node_width(), 6);
                assert_eq!(m.node_field("trace_node_id"), None);
                assert_eq!(m.extra_native_bytes, Some(0));
            } else {
                assert_eq!(m.node_width(), 7);
                assert_eq!(m.extra_native_bytes, None);
            }
        }
    }

    #[test]
    fn reads_the_built_in_layouts_as_written() {
        for f in format::Format::ALL {
            let header = format!(
                "{{\"meta\":{},\"node_count\":0,\"edge_count\":0}}",
                f.meta_json()
            );
            let m = parse_header(header.as_bytes(), 0).unwrap();
            let built = crate::meta::Meta::of(f);
            assert_eq!(m.node_fields, built.node_fields, "{f}");
            assert_eq!(m.node_type_names, built.node_type_names, "{f}");
            assert_eq!(m.edge_fields, built.edge_fields, "{f}");
            assert_eq!(m.edge_type_names, built.edge_type_names, "{f}");
            assert_eq!(m.location_fields, built.location_fields, "{f}");
        }
    }

    #[test]
    fn rejects_broken_headers() {
        let cases: &[(&str, &str)] = &[
            ("[]", "not an object"),
            ("{}", "meta is missing"),
            (
                r#"{"meta":{"node_fields":["type"],"node_types":[[]],"edge_fields":[],"edge_types":[[]]}}"#,
                "lacks \"name\"",
            ),
            (
                r#"{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[[]]}}"#,
                "node_types[0]",
            ),
            (
                r#"{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[[1]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[[]]}}"#,
                "non-string",
            ),
            (
                r#"{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[[]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[[]]},"node_count":-1}"#,
                "node_count",
            ),
        ];
        for (text, want) in cases {
            let e = parse_header(text.as_bytes(), 7).unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
            assert_eq!(e.offset(), Some(7));
        }
    }
}
