//! Number formatting shared by every text report.
//!
//! Sizes use decimal units as Chrome DevTools shows them (`14.1 MB` = 14 100 000 bytes,
//! `kB` = 1000 bytes), so numbers can be compared with DevTools by eye. JSON and CSV output
//! always carry exact bytes instead. [`parse_bytes`] reads sizes back in the same units (and
//! the binary ones, `KiB` = 1024 bytes), so a number copied from a report is a valid option.

/// `1234567` → `"1.2 MB"`; below 1000 bytes the exact count: `"512 B"`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Decimal units as [`human_bytes`] prints them, then the binary (IEC 80000-13) ones.
const SIZE_UNITS: [(&str, u64); 10] = [
    ("kB", 1000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("PB", 1_000_000_000_000_000),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
    ("PiB", 1 << 50),
];

/// `"1.5 MB"` → `1500000`: a byte count as [`human_bytes`] prints it (`512 B`, `14.1 MB`),
/// or with a binary unit (`1.5 MiB`), or plain bytes (`1000`). Units are matched without
/// regard to case and may follow the number with or without a space.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim_start());
    let multiplier = if unit.is_empty() || unit.eq_ignore_ascii_case("B") {
        1
    } else {
        SIZE_UNITS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(unit))
            .map(|&(_, m)| m)
            .ok_or_else(|| {
                format!("`{text}` is not a size: unknown unit `{unit}` (use B, kB, MB, GB, KiB, MiB, GiB)")
            })?
    };
    let bad = || format!("`{text}` is not a size (e.g. 1000, 800kB, 1.5 MiB, 2MB)");
    if number.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = number.parse::<u64>() {
        return n
            .checked_mul(multiplier)
            .ok_or_else(|| format!("`{text}`: too large"));
    }
    let value = number.parse::<f64>().map_err(|_| bad())? * multiplier as f64;
    if value >= u64::MAX as f64 {
        return Err(format!("`{text}`: too large"));
    }
    Ok(value.round() as u64)
}

/// `14111888` → `"14,111,888"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_uses_decimal_units_like_devtools() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(14_111_888), "14.1 MB");
        assert_eq!(human_bytes(999_960), "1.0 MB");
        assert_eq!(human_bytes(3_000_000_000), "3.0 GB");
    }

    #[test]
    fn parse_bytes_reads_what_human_bytes_prints() {
        for n in [0, 999, 1000, 14_100_000, 3_000_000_000] {
            assert_eq!(parse_bytes(&human_bytes(n)), Ok(n), "{}", human_bytes(n));
        }
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("1MB"), Ok(1_000_000));
        assert_eq!(parse_bytes("800kB"), Ok(800_000));
        assert_eq!(parse_bytes("800 kb"), Ok(800_000));
        assert_eq!(parse_bytes("1.5 MiB"), Ok(1_572_864));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        for bad in ["", "MB", "1.2.3", "-1", "1 XB", "1e3", "99999999999 PB"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(14_111_888), "14,111,888");
    }
}
