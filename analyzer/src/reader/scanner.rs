//! Byte-level scanning: the integer scanner for the big number arrays and the pieces of
//! JSON string decoding.
//!
//! **Integers.** `nodes` and `edges` hold ~95 % of a snapshot's bytes, all non-negative
//! decimal integers separated by `,` (plus a `\n` per record up to Node 22). The scanner
//! reads eight bytes at once and finds the length of the digit run with SWAR bit tricks
//! (a byte `b` is a digit iff `(b ^ 0x30) < 10`; adding `0x76` to the low seven bits sets
//! the high bit exactly for values ≥ 10), then converts up to eight digits with three
//! multiplications — the method of Lemire's and Langdale's simdjson
//! (`parse_eight_digits_unrolled`, "Parsing Gigabytes of JSON per Second", VLDB J. 2019),
//! written anew here; a second load covers eight to fifteen digits, longer numbers take a
//! byte loop. Each number's length decides where the next load goes, so one scan is a chain
//! of dependent loads; [`parse_numbers2`] runs two independent scans in lock-step so the CPU
//! overlaps the two chains. Callers guarantee
//! that eight bytes past `end` are readable (the chunk buffers carry zero padding) so the
//! wide load never needs a bounds branch of its own.
//!
//! **Strings.** JSON escapes (RFC 8259 §7) decode to UTF-8; `\uXXXX` code units go through
//! [`Utf16Decoder`], which pairs surrogates and turns a lone surrogate into U+FFFD — what
//! `TextDecoder`/`JSON.parse` + `String.prototype.toWellFormed` would show a DevTools user.

/// A scanning failure: offset into the scanned buffer and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError {
    pub pos: usize,
    pub message: String,
}

const ONES: u64 = 0x0101_0101_0101_0101;

#[inline(always)]
fn load8(buf: &[u8], p: usize) -> u64 {
    let mut w = [0u8; 8];
    let avail = buf.len().saturating_sub(p).min(8);
    w[..avail].copy_from_slice(&buf[p..p + avail]);
    u64::from_le_bytes(w)
}

/// High bit set in each byte of `x` (already XORed with `'0'`) that is not a digit.
#[inline(always)]
fn non_digits(x: u64) -> u64 {
    (((x & (0x7f * ONES)) + 0x76 * ONES) | x) & (0x80 * ONES)
}

/// Value of up to eight decimal digits held as byte values 0..=9, most significant digit in
/// the lowest byte, left-padded with zero bytes.
#[inline(always)]
fn eight_digits(v: u64) -> u64 {
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    ((v & 0x0000_00FF_0000_00FF)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32))))
        >> 32
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Describes the byte found where something else was expected.
pub fn describe(b: Option<u8>) -> String {
    match b {
        None => "the end of the data".to_string(),
        Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
        Some(b) => format!("byte 0x{b:02x}"),
    }
}

const POW10: [u64; 8] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The number starting with a digit at `p` and where it ends, for up to fifteen digits
/// inside `..end`; `None` sends the caller to the byte loop.
#[inline(always)]
fn fast_number(buf: &[u8], p: usize, end: usize, fast: bool) -> Option<(u64, usize)> {
    let x = if fast {
        u64::from_le_bytes(buf[p..p + 8].try_into().unwrap())
    } else {
        load8(buf, p)
    } ^ (0x30 * ONES);
    let nd = non_digits(x);
    let len = (nd.trailing_zeros() / 8) as usize;
    if nd != 0 {
        // 1 to 7 digits: the common case. (A caller's `end` sits on `]` or just after `,`,
        // so the bound only guards against misuse.)
        return (p + len <= end).then(|| (eight_digits(x << (64 - 8 * len)), p + len));
    }
    // 8 to 15 digits (ids and `to_node` in big files have eight): a second load.
    if !fast || p + 16 > buf.len() {
        return None;
    }
    let y = u64::from_le_bytes(buf[p + 8..p + 16].try_into().unwrap()) ^ (0x30 * ONES);
    let nd2 = non_digits(y);
    let len2 = (nd2.trailing_zeros() / 8) as usize;
    if nd2 == 0 || p + 8 + len2 > end {
        return None;
    }
    let hi = eight_digits(x);
    let v = if len2 == 0 {
        hi
    } else {
        hi * POW10[len2] + eight_digits(y << (64 - 8 * len2))
    };
    Some((v, p + 8 + len2))
}

/// Parses comma-separated integers from `buf[start..end]` onto `out`.
///
/// Returns `Some(p)` when the array's closing `]` is at `p`, and `None` when the segment
/// ran out right after a `,` (or before the first number), i.e. the array continues in the
/// next segment. `allow_empty` accepts `]` in place of the first number (the array `[]`).
/// The caller cuts segments right after a `,` or at the end of the data, so a number is
/// never split between two segments. `buf` should have eight readable bytes past `end` for
/// speed; shorter buffers work through a slower load.
pub fn parse_numbers(
    buf: &[u8],
    start: usize,
    end: usize,
    allow_empty: bool,
    out: &mut Vec<u64>,
) -> Result<Option<usize>, ScanError> {
    continue_numbers(buf, start, end, true, allow_empty, out)
}

/// [`parse_numbers`] on two segments at once, interleaving the two scans so that the CPU
/// overlaps their dependency chains (each number's end decides where the next load goes,
/// so a single scan is latency-bound). Results are exactly those of two separate calls.
pub fn parse_numbers2(
    buf: &[u8],
    (s1, e1, allow1): (usize, usize, bool),
    (s2, e2): (usize, usize),
    out1: &mut Vec<u64>,
    out2: &mut Vec<u64>,
) -> (
    Result<Option<usize>, ScanError>,
    Result<Option<usize>, ScanError>,
) {
    let (fast1, fast2) = (buf.len() >= e1 + 8, buf.len() >= e2 + 8);
    let (mut p1, mut p2) = (s1, s2);
    let (mut f1, mut f2) = (true, true);
    // Lock-step while both are in the plain "number, separator" rhythm; anything else
    // (the end, `]`, an error) ends the lock-step and each finishes on its own — re-scanning
    // that token, which is deterministic.
    while let (Ok(Step::Number(v1, n1)), Ok(Step::Number(v2, n2))) = (
        step(buf, p1, e1, f1 && allow1, fast1),
        step(buf, p2, e2, false, fast2),
    ) {
        out1.push(v1);
        out2.push(v2);
        (p1, p2, f1, f2) = (n1, n2, false, false);
    }
    (
        continue_numbers(buf, p1, e1, f1, allow1, out1),
        continue_numbers(buf, p2, e2, f2, false, out2),
    )
}

/// What [`step`] found.
enum Step {
    /// A number and the position after its `,`.
    Number(u64, usize),
    /// A number, then the closing `]` at the position.
    Last(u64, usize),
    /// The closing `]` of an empty array.
    Closed(usize),
    /// The segment ended where a number could start.
    More,
}

/// Scans one number and its separator at `p`. `empty_ok`: a `]` may stand here (`[]`).
#[inline(always)]
fn step(
    buf: &[u8],
    mut p: usize,
    end: usize,
    empty_ok: bool,
    fast: bool,
) -> Result<Step, ScanError> {
    let err = |pos: usize, m: String| Err(ScanError { pos, message: m });
    while p < end && is_ws(buf[p]) {
        p += 1;
    }
    if p >= end {
        return Ok(Step::More);
    }
    let b = buf[p];
    if !b.is_ascii_digit() {
        if b == b']' && empty_ok {
            return Ok(Step::Closed(p));
        }
        let what = if b == b'-' {
            "a negative number".to_string()
        } else {
            describe(Some(b))
        };
        return err(p, format!("expected a non-negative integer, found {what}"));
    }
    let value;
    if let Some((v, q)) = fast_number(buf, p, end, fast) {
        value = v;
        p = q;
    } else {
        let s = p;
        let mut v: u64 = 0;
        while p < end && buf[p].is_ascii_digit() {
            v = match v
                .checked_mul(10)
                .and_then(|v| v.checked_add((buf[p] - b'0') as u64))
            {
                Some(v) => v,
                None => return err(s, "integer does not fit in 64 bits".to_string()),
            };
            p += 1;
        }
        value = v;
    }
    if p < end && buf[p] == b',' {
        return Ok(Step::Number(value, p + 1));
    }
    while p < end && is_ws(buf[p]) {
        p += 1;
    }
    if p >= end {
        return err(
            p,
            "expected ',' or ']' after a number, found the end of the data".into(),
        );
    }
    match buf[p] {
        b',' => Ok(Step::Number(value, p + 1)),
        b']' => Ok(Step::Last(value, p)),
        other => err(
            p,
            format!(
                "expected ',' or ']' after a number, found {}",
                describe(Some(other))
            ),
        ),
    }
}

/// The scan loop from `p`; `first`: no number has been read in this segment yet.
fn continue_numbers(
    buf: &[u8],
    mut p: usize,
    end: usize,
    first: bool,
    allow_empty: bool,
    out: &mut Vec<u64>,
) -> Result<Option<usize>, ScanError> {
    let fast = buf.len() >= end + 8;
    let mut empty_ok = first && allow_empty;
    loop {
        match step(buf, p, end, empty_ok, fast)? {
            Step::Number(v, next) => {
                out.push(v);
                p = next;
                empty_ok = false;
            }
            Step::Last(v, q) => {
                out.push(v);
                return Ok(Some(q));
            }
            Step::Closed(q) => return Ok(Some(q)),
            Step::More => return Ok(None),
        }
    }
}

/// Byte offset (in `buf`) of the `k`-th number of a segment that [`parse_numbers`] accepted.
pub fn nth_number_offset(buf: &[u8], start: usize, end: usize, k: usize) -> usize {
    let mut p = start;
    let mut i = 0;
    while p < end {
        if buf[p].is_ascii_digit() {
            if i == k {
                return p;
            }
            i += 1;
            while p < end && buf[p].is_ascii_digit() {
                p += 1;
            }
        } else {
            p += 1;
        }
    }
    end
}

/// The byte a one-character JSON escape (`\n`, `\"`, ...) stands for.
#[inline]
pub fn simple_escape(b: u8) -> Option<u8> {
    Some(match b {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

/// Value of one hexadecimal digit.
#[inline]
pub fn hex_digit(b: u8) -> Option<u16> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u16),
        b'a'..=b'f' => Some((b - b'a' + 10) as u16),
        b'A'..=b'F' => Some((b - b'A' + 10) as u16),
        _ => None,
    }
}

/// Turns a sequence of `\uXXXX` UTF-16 code units into UTF-8, pairing surrogates.
///
/// A high surrogate waits for the next unit; anything else arriving first (another escape,
/// a raw byte, the closing quote — signalled by [`flush`](Self::flush)) makes it U+FFFD.
#[derive(Debug, Default)]
pub struct Utf16Decoder {
    pending_high: Option<u16>,
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl Utf16Decoder {
    pub fn push(&mut self, cu: u16, out: &mut Vec<u8>) {
        match cu {
            0xD800..=0xDBFF => {
                self.flush(out);
                self.pending_high = Some(cu);
            }
            0xDC00..=0xDFFF => match self.pending_high.take() {
                Some(hi) => {
                    let c = 0x10000 + (((hi as u32) - 0xD800) << 10) + ((cu as u32) - 0xDC00);
                    push_char(c, out);
                }
                None => out.extend_from_slice(REPLACEMENT),
            },
            _ => {
                self.flush(out);
                push_char(cu as u32, out);
            }
        }
    }

    /// Ends a run of `\u` escapes: a waiting high surrogate becomes U+FFFD.
    #[inline]
    pub fn flush(&mut self, out: &mut Vec<u8>) {
        if self.pending_high.take().is_some() {
            out.extend_from_slice(REPLACEMENT);
        }
    }
}

fn push_char(c: u32, out: &mut Vec<u8>) {
    let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
    let mut b = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a whole array body (the text between `[` and `]`).
    fn nums(s: &str) -> Result<Vec<u64>, ScanError> {
        let mut buf = s.as_bytes().to_vec();
        buf.push(b']');
        let end = buf.len();
        buf.extend_from_slice(&[0; 8]);
        let mut out = Vec::new();
        match parse_numbers(&buf, 0, end, true, &mut out)? {
            Some(p) if p == end - 1 => Ok(out),
            other => panic!("closing bracket not found: {other:?}"),
        }
    }

    #[test]
    fn every_length_of_number() {
        let mut v = 0u64;
        let mut expect = Vec::new();
        let mut text = String::new();
        for d in 0..19 {
            v = v * 10 + (d % 9 + 1);
            expect.push(v);
            text.push_str(&format!("{v},"));
            expect.push(0);
            text.push_str("0,");
        }
        text.pop();
        assert_eq!(nums(&text).unwrap(), expect);
        assert_eq!(nums("18446744073709551615").unwrap(), vec![u64::MAX]);
        assert!(nums("18446744073709551616")
            .unwrap_err()
            .message
            .contains("64 bits"));
    }

    #[test]
    fn separators_and_whitespace() {
        assert_eq!(
            nums("9,1,1,0,5,0,0\n,9,2,3").unwrap(),
            vec![9, 1, 1, 0, 5, 0, 0, 9, 2, 3]
        );
        assert_eq!(nums(" 1 ,\n 2 \r\n, 3 ").unwrap(), vec![1, 2, 3]);
        assert_eq!(nums("").unwrap(), Vec::<u64>::new());
        assert_eq!(nums("  \n").unwrap(), Vec::<u64>::new());
        // A segment cut after a comma asks for more.
        let mut out = Vec::new();
        let b = b"12345678,\n9,";
        assert_eq!(parse_numbers(b, 0, b.len(), true, &mut out), Ok(None));
        assert_eq!(out, vec![12345678, 9]);
        // The closing bracket may come with more data behind it.
        out.clear();
        let b = b"1,2],\"edges\":[";
        assert_eq!(parse_numbers(b, 0, b.len(), true, &mut out), Ok(Some(3)));
        // A number running into the end of the data is an error (a truncated file).
        out.clear();
        let e = parse_numbers(b"1,23", 0, 4, true, &mut out).unwrap_err();
        assert!(e.message.contains("end of the data"));
        // Without padding the safe load is used.
        out.clear();
        assert_eq!(
            parse_numbers(b"1234567,89]", 0, 11, false, &mut out),
            Ok(Some(10))
        );
        assert_eq!(out, vec![1234567, 89]);
    }

    #[test]
    fn rejects_what_v8_never_writes() {
        let e = nums("1,-2").unwrap_err();
        assert_eq!(e.pos, 2);
        assert!(e.message.contains("negative"));
        let e = nums("1.5").unwrap_err();
        assert_eq!(e.pos, 1);
        assert!(e.message.contains("'.'"), "{}", e.message);
        assert!(nums("1,,2").is_err());
        assert!(nums("1,").unwrap_err().message.contains("']'"));
        assert!(nums("1 2").is_err());
        assert!(nums("\"a\"").is_err());
        let mut out = Vec::new();
        assert!(parse_numbers(b"]", 0, 1, false, &mut out).is_err());
    }

    #[test]
    fn finds_the_kth_number() {
        let b = b"12, 3,\n456,7";
        assert_eq!(nth_number_offset(b, 0, b.len(), 0), 0);
        assert_eq!(nth_number_offset(b, 0, b.len(), 2), 7);
        assert_eq!(nth_number_offset(b, 0, b.len(), 3), 11);
    }

    #[test]
    fn swar_matches_naive_on_all_short_numbers_sampled() {
        let mut text = String::new();
        let mut expect = Vec::new();
        let mut x: u64 = 1;
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = match i % 4 {
                0 => x >> 60,
                1 => x >> 40,
                2 => x >> 30,
                _ => x >> 1,
            };
            expect.push(v);
            text.push_str(&v.to_string());
            text.push_str(if i % 7 == 6 { "\n," } else { "," });
        }
        text.pop();
        assert_eq!(nums(&text).unwrap(), expect);
    }

    #[test]
    fn two_streams_equal_two_scans() {
        let cases: &[(&str, &str)] = &[
            ("1,22,333,4444,55555,", "6,77,8888888,999999999,"),
            ("1,2,3]", "garbage"),
            ("]", "1,"),
            ("1,\n2,3,", "4,5,6]trailing"),
            ("12345678901234,5,", "1,-2,"),
            ("1,x,", "1,2,3,4,5,6,7,8,9,"),
            ("9,1,1,0,5,0,0\n,9,2,", "1,2"),
        ];
        for (x, y) in cases {
            let text = format!("{x}{y}");
            let mut buf = text.as_bytes().to_vec();
            buf.extend_from_slice(&[0; 8]);
            let (e1, e2) = (x.len(), text.len());
            for allow in [false, true] {
                let (mut a, mut b, mut c, mut d) = (vec![], vec![], vec![], vec![]);
                let (r1, r2) = parse_numbers2(&buf, (0, e1, allow), (e1, e2), &mut a, &mut b);
                let s1 = parse_numbers(&buf, 0, e1, allow, &mut c);
                let s2 = parse_numbers(&buf, e1, e2, false, &mut d);
                assert_eq!((r1, r2, &a, &b), (s1, s2, &c, &d), "{x} | {y}");
            }
        }
    }

    proptest::proptest! {
        /// Interleaved scanning equals two plain scans on any text, cut anywhere.
        #[test]
        fn two_streams_equal_two_scans_on_random_text(
            text in "[0-9,\\] \n-]{0,80}",
            cut in 0usize..81,
            allow in proptest::bool::ANY,
        ) {
            let mut buf = text.as_bytes().to_vec();
            let (e1, e2) = (cut.min(buf.len()), buf.len());
            buf.extend_from_slice(&[0; 8]);
            let (mut a, mut b, mut c, mut d) = (vec![], vec![], vec![], vec![]);
            let (r1, r2) = parse_numbers2(&buf, (0, e1, allow), (e1, e2), &mut a, &mut b);
            let s1 = parse_numbers(&buf, 0, e1, allow, &mut c);
            let s2 = parse_numbers(&buf, e1, e2, false, &mut d);
            proptest::prop_assert_eq!((r1, r2, a, b), (s1, s2, c, d));
        }
    }

    fn decode_units(units: &[u16]) -> String {
        let mut d = Utf16Decoder::default();
        let mut out = Vec::new();
        for &u in units {
            d.push(u, &mut out);
        }
        d.flush(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn surrogates() {
        assert_eq!(decode_units(&[0x41, 0xe9, 0x20ac]), "Aé€");
        assert_eq!(decode_units(&[0xD83D, 0xDE00]), "😀");
        assert_eq!(decode_units(&[0xD83D]), "\u{FFFD}");
        assert_eq!(decode_units(&[0xDE00, 0x41]), "\u{FFFD}A");
        assert_eq!(decode_units(&[0xD83D, 0xD83D, 0xDE00]), "\u{FFFD}😀");
        assert_eq!(decode_units(&[0xD83D, 0x41]), "\u{FFFD}A");
        assert_eq!(decode_units(&[0]), "\0");
    }

    #[test]
    fn escapes_and_hex() {
        assert_eq!(simple_escape(b'n'), Some(b'\n'));
        assert_eq!(simple_escape(b'/'), Some(b'/'));
        assert_eq!(simple_escape(b'"'), Some(b'"'));
        assert_eq!(simple_escape(b'x'), None);
        assert_eq!(hex_digit(b'F'), Some(15));
        assert_eq!(hex_digit(b'g'), None);
        assert_eq!(describe(None), "the end of the data");
        assert_eq!(describe(Some(0xff)), "byte 0xff");
    }
}
