//! A `u32` column packed into variable-length bytes while a memory-heavy step runs without
//! it, and unpacked exactly afterwards.
//!
//! Each value is stored as the difference from the one before it, zigzag-mapped so that
//! small negative differences stay small (`(d << 1) ^ (d >> 31)`, as Protocol Buffers'
//! `sint32`), in LEB128: seven bits per byte, the high bit meaning "more bytes follow"
//! (DWARF 5, §7.6; Protocol Buffers' varints). Differences wrap, so every `u32` sequence
//! round-trips. V8's node ids mostly ascend in small steps and its edge names cluster, so
//! on a 12 M-node Node 20 snapshot node ids take 0.25 of their four bytes per value and
//! edge names about 0.55 (`docs/performance.md`): the analysis packs them for the
//! dominator pass, the step with the largest working set, which reads neither.

/// The packed form of a `u32` column.
#[derive(Clone, Debug, Default)]
pub struct PackedColumn {
    bytes: Vec<u8>,
    len: usize,
}

#[inline]
fn zigzag(v: u32, prev: u32) -> u32 {
    let d = v.wrapping_sub(prev) as i32;
    ((d << 1) ^ (d >> 31)) as u32
}

/// Bytes LEB128 takes for `z`.
#[inline]
fn width(z: u32) -> usize {
    (32 - (z | 1).leading_zeros() as usize).div_ceil(7)
}

impl PackedColumn {
    /// Packs `values`, freeing them; the bytes are sized exactly by a first pass, so the
    /// packed form is never regrown.
    pub fn pack(values: Vec<u32>) -> PackedColumn {
        PackedColumn::pack_iter(values.iter().copied())
    }

    /// Packs the values `values` yields (it is run twice: to size the bytes, to fill them).
    pub fn pack_iter(values: impl Iterator<Item = u32> + Clone) -> PackedColumn {
        let mut prev = 0;
        let (mut total, mut len) = (0, 0);
        for v in values.clone() {
            total += width(zigzag(v, std::mem::replace(&mut prev, v)));
            len += 1;
        }
        let mut bytes = Vec::with_capacity(total);
        prev = 0;
        for v in values {
            let mut z = zigzag(v, std::mem::replace(&mut prev, v));
            while z >= 0x80 {
                bytes.push(z as u8 | 0x80);
                z >>= 7;
            }
            bytes.push(z as u8);
        }
        PackedColumn { bytes, len }
    }

    /// The column as it was packed, freeing the packed form.
    pub fn unpack(self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len);
        out.extend(self.iter());
        out
    }

    /// The values in order, decoded as they are read.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (mut prev, mut z, mut shift) = (0u32, 0u32, 0);
        self.bytes.iter().filter_map(move |&b| {
            z |= ((b & 0x7f) as u32) << shift;
            shift += 7;
            (b < 0x80).then(|| {
                let d = ((z >> 1) as i32) ^ -((z & 1) as i32);
                prev = prev.wrapping_add(d as u32);
                (z, shift) = (0, 0);
                prev
            })
        })
    }

    /// Values held.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_step_round_trips() {
        let cases: [Vec<u32>; 4] = [
            vec![],
            vec![
                0,
                1,
                3,
                5,
                4,
                0,
                u32::MAX,
                0,
                u32::MAX,
                u32::MAX - 1,
                1 << 31,
                7,
            ],
            (0..1000).map(|i| i * 2 + 1).collect(),
            (0..40).map(|k| 1u32 << (k % 32)).collect(),
        ];
        for values in cases {
            let p = PackedColumn::pack(values.clone());
            assert_eq!(p.iter().collect::<Vec<_>>(), values);
            assert_eq!(p.len(), values.len());
            assert_eq!(p.unpack(), values);
        }
        // Ascending ids in steps of two take one byte each.
        let ids: Vec<u32> = (0..1000).map(|i| i * 2 + 1).collect();
        assert_eq!(PackedColumn::pack(ids).heap_bytes(), 1000);
    }

    proptest::proptest! {
        #[test]
        fn any_column_round_trips(values in proptest::collection::vec(proptest::num::u32::ANY, 0..300)) {
            proptest::prop_assert_eq!(PackedColumn::pack(values.clone()).unpack(), values);
        }
    }
}
