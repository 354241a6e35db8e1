//! Node and edge types: the names V8 writes into `snapshot.meta` (`node_types[0]`,
//! `edge_types[0]`) as small enums.
//!
//! The variants are declared in V8's order (`HeapGraphNode::Type` and
//! `HeapGraphEdge::Type` in `include/v8-profiler.h`), so a variant's discriminant is its
//! type number in every layout V8 has written since Node 20; the layout tests check that
//! against the reference metas. Files of other versions may order or name types
//! differently, which is why readers map names, never numbers, onto these enums.

use serde::Serialize;

/// Declares a kind enum from one table of variants and the names V8 writes, in V8's order:
/// the enum (plus `Other` for names heapsim does not know), `ALL`, `v8_name` and
/// `from_name`.
macro_rules! v8_kinds {
    (
        $(#[$meta:meta])*
        pub enum $kind:ident { $($(#[$vmeta:meta])* $variant:ident = $name:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[repr(u8)]
        pub enum $kind {
            $($(#[$vmeta])* $variant,)*
            /// A type name this version of heapsim does not know; readers keep its text.
            Other,
        }

        impl $kind {
            /// Every named kind, in V8's order (the discriminant is the index).
            pub const ALL: [$kind; [$($name),*].len()] = [$($kind::$variant),*];

            /// The name V8 writes for this type (`other` for [`Self::Other`]).
            pub fn v8_name(self) -> &'static str {
                match self {
                    $($kind::$variant => $name,)*
                    $kind::Other => "other",
                }
            }

            pub fn from_name(name: &str) -> $kind {
                match name {
                    $($name => $kind::$variant,)*
                    _ => $kind::Other,
                }
            }
        }
    };
}

v8_kinds! {
    /// Node types V8 knows (`HeapGraphNode::Type`).
    pub enum NodeKind {
        Hidden = "hidden",
        Array = "array",
        String = "string",
        Object = "object",
        Code = "code",
        Closure = "closure",
        Regexp = "regexp",
        Number = "number",
        Native = "native",
        Synthetic = "synthetic",
        ConsString = "concatenated string",
        SlicedString = "sliced string",
        Symbol = "symbol",
        BigInt = "bigint",
        ObjectShape = "object shape",
        WasmObject = "wasm object",
    }
}

v8_kinds! {
    /// Edge types V8 knows (`HeapGraphEdge::Type`).
    pub enum EdgeKind {
        /// A variable captured by a closure's context.
        Context = "context",
        /// An indexed element; `name_or_index` is a number.
        Element = "element",
        /// A named property.
        Property = "property",
        /// A link not visible to JavaScript (`map`, `table`, ...).
        Internal = "internal",
        /// A link DevTools hides; `name_or_index` is a number.
        Hidden = "hidden",
        /// A link that skips intermediate objects (the root's link to the global object).
        Shortcut = "shortcut",
        /// A link that does not keep its target alive.
        Weak = "weak",
    }
}

impl NodeKind {
    /// Strings of every representation, as DevTools' `isString` counts them.
    pub fn is_string(self) -> bool {
        matches!(
            self,
            NodeKind::String | NodeKind::ConsString | NodeKind::SlicedString
        )
    }
}

impl EdgeKind {
    /// `element` and `hidden` edges carry a number in `name_or_index`, every other type a
    /// string index (`HeapSnapshotJSONSerializer::SerializeEdge`).
    pub fn has_index_name(self) -> bool {
        matches!(self, EdgeKind::Element | EdgeKind::Hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_discriminants_are_positions() {
        for (i, k) in NodeKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i);
            assert_eq!(NodeKind::from_name(k.v8_name()), k);
        }
        for (i, k) in EdgeKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i);
            assert_eq!(EdgeKind::from_name(k.v8_name()), k);
        }
        assert_eq!(NodeKind::from_name("other"), NodeKind::Other);
        assert_eq!(NodeKind::from_name("wasm thing"), NodeKind::Other);
        assert_eq!(EdgeKind::from_name("other"), EdgeKind::Other);
    }
}
