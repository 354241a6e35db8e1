//! `--analyze`: the snapshot's chunks go to the analyzer's reader while they arrive, so the
//! graph is built during the capture and the report follows the last chunk without a
//! second pass over the file.
//!
//! The reader ([`analyzer::reader::read_stream`]) runs on its own thread and pulls bytes
//! through a [`std::io::Read`] backed by a bounded channel of chunks: when it falls behind,
//! the capture waits (back-pressure) rather than buffering the snapshot in memory. The
//! stream comes from the process heapsim attached to, which states true counts in its
//! header, so the reader's allocations are not bounded by a length.

use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use analyzer::reader::ReadError;
use analyzer::snapshot::HeapSnapshot;

use crate::error::{Error, Result};

/// Chunks in flight between the capture and the reader.
const IN_FLIGHT: usize = 256;

/// The reading end: chunks in order, then the end of the stream when the sender is gone.
struct ChunkReader {
    rx: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(next) => {
                    self.chunk = next;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A reader thread fed with chunks.
pub struct Feed {
    tx: Option<SyncSender<Vec<u8>>>,
    reader: JoinHandle<std::result::Result<HeapSnapshot, ReadError>>,
}

impl Feed {
    pub fn start() -> Feed {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let input = ChunkReader {
            rx,
            chunk: Vec::new(),
            at: 0,
        };
        let reader = std::thread::spawn(move || analyzer::reader::read_stream(input, u64::MAX));
        Feed {
            tx: Some(tx),
            reader,
        }
    }

    /// Hands a chunk to the reader. A reader that already stopped (on an error) takes no
    /// more; its error comes from [`Feed::finish`], and the capture itself goes on.
    pub fn push(&mut self, chunk: Vec<u8>) {
        if let Some(tx) = &self.tx {
            if tx.send(chunk).is_err() {
                self.tx = None;
            }
        }
    }

    /// Ends the stream and waits for the reader's snapshot.
    pub fn finish(mut self) -> Result<HeapSnapshot> {
        self.tx = None;
        let read = self
            .reader
            .join()
            .map_err(|_| Error::Read("the snapshot reader stopped unexpectedly".into()))?;
        read.map_err(|e| Error::Read(format!("the captured snapshot: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_stream_reads_like_the_whole() {
        let text = br#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["synthetic","object"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["property","element"],"string_or_number","node"]},"node_count":2,"edge_count":1},"nodes":[0,0,1,0,1,0,0,1,1,3,16,0,0,0],"edges":[0,1,7],"strings":["","root","child"]}"#;
        let mut feed = Feed::start();
        for piece in text.chunks(7) {
            feed.push(piece.to_vec());
        }
        let s = feed.finish().unwrap();
        assert_eq!((s.node_count(), s.edge_count()), (2, 1));
        assert_eq!(s.node_id(1), 3);
    }

    #[test]
    fn a_cut_stream_is_a_read_error() {
        let mut feed = Feed::start();
        feed.push(br#"{"snapshot":{"meta":"#.to_vec());
        let e = feed.finish().err().unwrap().to_string();
        assert!(e.starts_with("the captured snapshot: "), "{e}");
    }
}
