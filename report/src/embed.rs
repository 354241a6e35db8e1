//! Data embedded in a page: JSON that is safe inside `<script type="application/json">`.
//!
//! The HTML tokenizer ends a script element's raw text at the first `</script` and treats
//! `<!--` inside it specially (HTML Living Standard, §13.2.5.4 "script data state" and the
//! "script data escaped" states), whatever the script's `type`. Snapshot strings are
//! untrusted, so `</script><script>…` in an object name must stay text. JSON lets any
//! character in a string be written as `\uXXXX`, so every `<`, `>` and `&` is written so:
//! the embedded text then contains no markup at all, and `JSON.parse` of the element's
//! `textContent` gives back the same value. U+2028 and U+2029 are escaped as well, so the
//! text is also a valid JavaScript literal (ECMA-262 before ES2019 forbade them in strings).
//! JSON's structure itself uses none of these characters: only string contents change.

use serde::Serialize;

/// `value` as JSON text that cannot end or comment out the script element it is put in.
pub fn script_json(value: &impl Serialize) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    Ok(escape_for_script(&json))
}

/// Rewrites the characters the HTML tokenizer or old JavaScript parsers react to as JSON
/// `\u` escapes; `json` must be serialized JSON (they only occur inside its strings).
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_strings_becomes_escapes_and_parses_back() {
        let hostile = "</script><script>alert(1)</script><!-- & \u{2028}";
        let text = script_json(&serde_json::json!({ "name": hostile })).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], hostile);
    }

    #[test]
    fn plain_json_is_unchanged() {
        let v = serde_json::json!({ "a": [1, 2.5, null], "b": "x y" });
        assert_eq!(script_json(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }
}
