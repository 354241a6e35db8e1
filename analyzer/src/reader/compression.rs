//! Compressed snapshots, recognised by their magic bytes and decoded as they stream in.
//!
//! Heap snapshots compress about tenfold, so they are often stored and shared as
//! `app.heapsnapshot.gz` or `.zst`. The first bytes decide, never the file name (a renamed
//! or piped file reads the same): gzip members start with `1f 8b` (RFC 1952 §2.3.1),
//! Zstandard frames with `28 b5 2f fd` (RFC 8878 §3.1.1); anything else is read as the
//! plain JSON it should be. Decoding happens on the reading thread, chunk by chunk, so
//! the decompressed text is never held whole: memory stays the reader's own buffers.
//!
//! Concatenated gzip members (`cat a.gz b.gz`, pigz) and Zstandard frames (`pzstd`) are read
//! as one stream, as `gzip -d` and `zstd -d` do. A corrupt or truncated compressed stream fails the read with one line naming the
//! format and the decoder's reason, at the decompressed byte where it stopped.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use super::error::ReadError;

/// How the input is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The input's first bytes, read off to identify it and put back in front of the rest.
pub(crate) type Sniffed<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Reads the first bytes of `input` and says how it is encoded; the returned reader yields
/// the whole input again, from its first byte.
pub(crate) fn sniff<R: Read>(mut input: R) -> Result<(Compression, Sniffed<R>), ReadError> {
    let mut head = Vec::with_capacity(ZSTD_MAGIC.len());
    (&mut input)
        .take(ZSTD_MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(|e| ReadError::io(format!("cannot read: {e}")))?;
    let kind = if head.starts_with(&ZSTD_MAGIC) {
        Compression::Zstd
    } else if head.starts_with(&GZIP_MAGIC) {
        Compression::Gzip
    } else {
        Compression::None
    };
    Ok((kind, Cursor::new(head).chain(input)))
}

/// The decoded stream of `input`, which is encoded as `kind`.
pub(crate) fn decoder<'a, R: Read + Send + 'a>(
    kind: Compression,
    input: R,
) -> Result<Box<dyn Read + Send + 'a>, ReadError> {
    Ok(match kind {
        Compression::None => Box::new(input),
        Compression::Gzip => Box::new(Labelled {
            inner: flate2::read::MultiGzDecoder::new(input),
            format: "gzip",
        }),
        Compression::Zstd => Box::new(Labelled {
            inner: ZstdFrames::new(input)?,
            format: "zstd",
        }),
    })
}

/// Zstandard frames one after another until the input ends (the decoder reads one frame).
struct ZstdFrames<R: Read> {
    frame: Option<ruzstd::decoding::StreamingDecoder<BufReader<R>, ruzstd::decoding::FrameDecoder>>,
}

impl<R: Read> ZstdFrames<R> {
    fn new(input: R) -> Result<Self, ReadError> {
        let frame = ruzstd::decoding::StreamingDecoder::new(BufReader::new(input))
            .map_err(|e| ReadError::io(format!("corrupt zstd data: {e}")))?;
        Ok(ZstdFrames { frame: Some(frame) })
    }
}

impl<R: Read> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = &mut self.frame else {
                return Ok(0);
            };
            let n = frame.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let mut rest = self.frame.take().map(|f| f.into_inner()).expect("a frame");
            if rest.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.frame =
                Some(ruzstd::decoding::StreamingDecoder::new(rest).map_err(io::Error::other)?);
        }
    }
}

/// Puts the format in front of a decoder's errors, so `read failed: corrupt gzip data:
/// invalid gzip header` says which layer failed.
struct Labelled<R> {
    inner: R,
    format: &'static str,
}

impl<R: Read> Read for Labelled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let reason = match e.kind() {
                io::ErrorKind::UnexpectedEof => "truncated".to_string(),
                _ => e.to_string(),
            };
            io::Error::new(e.kind(), format!("corrupt {} data: {reason}", self.format))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<Vec<u8>, String> {
        let (kind, input) = sniff(bytes).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        decoder(kind, input)
            .map_err(|e| e.to_string())?
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn plain_input_passes_through_whole_even_when_shorter_than_a_magic() {
        for data in [&b""[..], b"{", b"{\"snapshot\":{}}"] {
            let (kind, _) = sniff(data).unwrap();
            assert_eq!(kind, Compression::None);
            assert_eq!(decode(data).unwrap(), data);
        }
    }

    #[test]
    fn gzip_members_and_zstd_frames_are_decoded() {
        let data = b"{\"nodes\":[1,2,3]}".repeat(100);
        let gz = gzip(&data);
        assert_eq!(sniff(&gz[..]).unwrap().0, Compression::Gzip);
        assert_eq!(decode(&gz).unwrap(), data);
        let twice = [gz.clone(), gz].concat();
        assert_eq!(decode(&twice).unwrap(), data.repeat(2));
        let zst = ruzstd::encoding::compress_to_vec(
            &data[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        assert_eq!(sniff(&zst[..]).unwrap().0, Compression::Zstd);
        assert_eq!(decode(&zst).unwrap(), data);
        let frames = [zst.clone(), zst].concat();
        assert_eq!(decode(&frames).unwrap(), data.repeat(2));
    }

    #[test]
    fn corrupt_and_truncated_streams_name_the_format() {
        let data = b"{\"nodes\":[1,2,3]}".repeat(1000);
        let gz = gzip(&data);
        let cut = decode(&gz[..gz.len() / 2]).unwrap_err();
        assert!(cut.starts_with("corrupt gzip data"), "{cut}");
        let mut bad = gz.clone();
        bad[3] = 0xff; // reserved flag bits
        let err = decode(&bad).unwrap_err();
        assert!(err.starts_with("corrupt gzip data"), "{err}");
        let zst = ruzstd::encoding::compress_to_vec(
            &data[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let err = decode(&zst[..zst.len() / 2]).unwrap_err();
        assert!(err.contains("zstd"), "{err}");
    }
}
