//! Colours of the pictures: one colour per class, the same in every picture of a page.
//!
//! A class name is hashed (FNV-1a, 32 bit) onto a fixed palette of light, distinct hues
//! (Paul Tol's "light" and "pale" qualitative schemes, chosen to stay readable under dark
//! text), so `Client` has the same colour in the treemap and in the retainer graph, and
//! from one report to the next.

const PALETTE: [&str; 12] = [
    "#77aadd", "#99ddff", "#44bb99", "#bbcc33", "#aaaa00", "#eedd88", "#ee8866", "#ffaabb",
    "#bbccee", "#cceeff", "#ccddaa", "#eeeebb",
];

/// The fill colour of objects of `class`.
pub fn class_colour(class: &str) -> &'static str {
    let mut h: u32 = 0x811c_9dc5;
    for b in class.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    PALETTE[(h % PALETTE.len() as u32) as usize]
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_class_one_colour() {
        assert_eq!(super::class_colour("Client"), super::class_colour("Client"));
        assert!(super::class_colour("").starts_with('#'));
    }
}
