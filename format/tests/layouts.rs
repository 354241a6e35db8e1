//! Each built-in layout's `snapshot.meta` against the meta of a real file of that version.
//!
//! The fixtures are the `snapshot` headers of files written by `v8.writeHeapSnapshot()` in
//! Node 20.20.2, 22.23.3 and 24.21.0, copied byte for byte.

use format::Format;

fn reference(format: Format) -> &'static str {
    match format {
        Format::Node20 => include_str!("fixtures/meta_node20.20.2.json"),
        Format::Node22 => include_str!("fixtures/meta_node22.23.3.json"),
        Format::Node24 => include_str!("fixtures/meta_node24.21.0.json"),
    }
}

/// The `meta` object's text inside a `{"meta":{…},"node_count":…}` header.
fn meta_text(header: &str) -> &str {
    let start = header.find("{\"meta\":").expect("header starts with meta") + 8;
    let end = header
        .find(",\"node_count\"")
        .expect("node_count follows meta");
    &header[start..end]
}

#[test]
fn built_in_metas_equal_the_reference_metas() {
    for f in Format::ALL {
        assert_eq!(f.meta_json(), meta_text(reference(f)), "{f}");
    }
}

#[test]
fn extra_native_bytes_as_in_the_reference_headers() {
    for f in Format::ALL {
        assert_eq!(
            reference(f).contains("\"extra_native_bytes\":"),
            f.has_extra_native_bytes(),
            "{f}"
        );
    }
}
