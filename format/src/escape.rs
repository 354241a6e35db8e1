//! V8's text rules for snapshot strings: how a heap string becomes a snapshot name, and
//! how that name is escaped in the `strings` array.
//!
//! Two stages, as in V8:
//!
//! 1. **Naming** ([`v8_name`]) — `StringsStorage::GetName(Tagged<Name>)` copies at most
//!    `--heap-snapshot-string-limit` (1024) UTF-16 code units of the string with
//!    `String::ToCString`, which turns NUL characters into spaces and encodes the result as
//!    (WTF-)UTF-8. The cap applies to every name taken from a heap string: string contents,
//!    property names, function and class names. A cap that falls between the two halves
//!    of a surrogate pair leaves a lone high surrogate, which stage 2 writes as `???`.
//! 2. **Escaping** ([`push_escaped`]) — the serializer (`SerializeString` in Node 20/22,
//!    `OutputStreamWriter::AddJsonEscapedString` later) writes `\b \f \n \r \t \" \\` as
//!    such, other bytes below 0x20 as `\u00XX`, printable ASCII including DEL (0x7f)
//!    raw, and decodes every non-ASCII UTF-8 sequence to a code point that it prints as
//!    `\uXXXX` with four **upper-case** hex digits of the low 16 bits — so U+1F600 becomes
//!    `\uF600` (V8 drops the plane) and an undecodable byte becomes `?`.
//!
//! Verified against snapshots from Node 20.20.2, 22.23.3 and 24.21.0 holding every ASCII
//! character, U+0080, U+00FF, U+07FF, U+0800, U+FFFE, U+FFFF, U+1F600, lone surrogates and
//! 1500-character strings and property names (`docs/snapshot-format.md`).

use std::borrow::Cow;

/// V8's default `--heap-snapshot-string-limit`: the most UTF-16 code units of a heap
/// string that make it into a snapshot name.
pub const NAME_LIMIT_UTF16: usize = 1024;

/// The snapshot name V8 derives from a heap string's contents (stage 1 above).
pub fn v8_name(s: &str) -> Cow<'_, str> {
    // Fast path: short, NUL-free names (nearly all) are used as they are. A string of at
    // most 1024 bytes has at most 1024 UTF-16 units.
    if s.len() <= NAME_LIMIT_UTF16 && !s.as_bytes().contains(&0) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(NAME_LIMIT_UTF16 * 3));
    let mut units = 0usize;
    for c in s.chars() {
        let w = c.len_utf16();
        if units + w > NAME_LIMIT_UTF16 {
            if units < NAME_LIMIT_UTF16 {
                // The cap keeps the high surrogate only; V8 encodes it as three bytes
                // that its serializer cannot decode and prints as three `?`.
                out.push_str("???");
            }
            break;
        }
        units += w;
        out.push(if c == '\0' { ' ' } else { c });
    }
    Cow::Owned(out)
}

/// [`v8_name`] for a heap string given as UTF-16 code units, as the simulator stores them
/// (V8 does the same): at most 1024 units; NUL → space; a surrogate pair → its character;
/// a lone surrogate (including a high surrogate the cap cuts off from its partner) → `???`,
/// which is how V8's serializer prints the WTF-8 bytes it cannot decode.
pub fn v8_name_utf16(units: &[u16]) -> String {
    let units = &units[..units.len().min(NAME_LIMIT_UTF16)];
    let mut out = String::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if (0xD800..0xDC00).contains(&u)
            && i + 1 < units.len()
            && (0xDC00..0xE000).contains(&units[i + 1])
        {
            let c = 0x10000 + (((u as u32) - 0xD800) << 10) + (units[i + 1] as u32 - 0xDC00);
            out.push(char::from_u32(c).expect("valid surrogate pair"));
            i += 2;
            continue;
        }
        match char::from_u32(u as u32) {
            Some('\0') => out.push(' '),
            Some(c) => out.push(c),
            None => out.push_str("???"),
        }
        i += 1;
    }
    out
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// True for bytes that need more than a plain copy.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80
}

#[inline]
fn push_u16_escape(out: &mut Vec<u8>, u: u32) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX_UPPER[((u >> 12) & 0xF) as usize],
        HEX_UPPER[((u >> 8) & 0xF) as usize],
        HEX_UPPER[((u >> 4) & 0xF) as usize],
        HEX_UPPER[(u & 0xF) as usize],
    ]);
}

/// Appends `s` as a quoted JSON string with V8's escaping (stage 2 above).
pub fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !needs_escape(b) {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if b < 0x80 {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => push_u16_escape(out, b as u32),
            }
            i += 1;
        } else {
            // `s` is valid UTF-8, so the sequence length follows from the lead byte.
            let (cp, len) = if b < 0xE0 {
                (((b as u32 & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F), 2)
            } else if b < 0xF0 {
                (
                    ((b as u32 & 0x0F) << 12)
                        | ((bytes[i + 1] as u32 & 0x3F) << 6)
                        | (bytes[i + 2] as u32 & 0x3F),
                    3,
                )
            } else {
                (
                    ((b as u32 & 0x07) << 18)
                        | ((bytes[i + 1] as u32 & 0x3F) << 12)
                        | ((bytes[i + 2] as u32 & 0x3F) << 6)
                        | (bytes[i + 3] as u32 & 0x3F),
                    4,
                )
            };
            // Only the low 16 bits survive: V8 prints four hex digits of the code point.
            push_u16_escape(out, cp & 0xFFFF);
            i += len;
        }
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut v = Vec::new();
        push_escaped(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn ascii_and_controls_as_node_writes_them() {
        // Expected text copied from a Node 20/22/24 snapshot of the string of all chars
        // U+0001..U+007F (see module docs).
        let mut s = String::new();
        for c in 1u8..0x80 {
            s.push(c as char);
        }
        let expected = concat!(
            r#""\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F"#,
            r#"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B"#,
            r##"\u001C\u001D\u001E\u001F !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOP"##,
            r#"QRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"#,
            "\x7f\""
        );
        assert_eq!(esc(&s), expected);
    }

    #[test]
    fn non_ascii_upper_hex_and_plane_dropped() {
        assert_eq!(
            esc("\u{80}\u{ff}\u{100}\u{7ff}\u{800}\u{fffe}\u{ffff}\u{1F600}é"),
            r#""\u0080\u00FF\u0100\u07FF\u0800\uFFFE\uFFFF\uF600\u00E9""#
        );
        assert_eq!(esc(""), r#""""#);
        assert_eq!(esc("plain"), r#""plain""#);
    }

    #[test]
    fn utf16_names() {
        let u: Vec<u16> = "a\0é".encode_utf16().collect();
        assert_eq!(v8_name_utf16(&u), "a é");
        let pair: Vec<u16> = "😀".encode_utf16().collect();
        assert_eq!(v8_name_utf16(&pair), "😀");
        assert_eq!(v8_name_utf16(&[0x41, 0xD800, 0x42, 0xDC00]), "A???B???");
        let mut long = vec![0x61u16; 1023];
        long.extend_from_slice(&pair);
        assert_eq!(v8_name_utf16(&long), "a".repeat(1023) + "???");
        assert_eq!(v8_name_utf16(&vec![0x62u16; 5000]).len(), 1024);
    }

    #[test]
    fn name_cap_and_nul() {
        let long: String = (0..1500).map(|i| (b'a' + (i % 26) as u8) as char).collect();
        let n = v8_name(&long);
        assert_eq!(n.len(), 1024);
        assert_eq!(&n[..], &long[..1024]);
        assert_eq!(v8_name("a\0b"), "a b");
        assert!(matches!(v8_name("short"), Cow::Borrowed(_)));
        // 1023 ASCII units then an astral char: the cap splits the surrogate pair.
        let mut s = "x".repeat(1023);
        s.push('\u{1F600}');
        s.push('y');
        let n = v8_name(&s);
        assert_eq!(n.len(), 1026);
        assert!(n.ends_with("x???"));
        // Multi-byte chars count as one unit each.
        let s = "é".repeat(1100);
        assert_eq!(v8_name(&s).chars().count(), 1024);
    }
}
