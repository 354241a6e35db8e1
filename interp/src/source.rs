//! The scripts of a run: names, source text, and byte offset → line:column.
//!
//! Positions in the IR are byte offsets ([`crate::ir::Pos`]); this table turns them into
//! the 1-based `file:line:column` of error messages and the 0-based line and column that
//! `SharedFunctionInfo`s (and so snapshot `locations`) record, as V8's `Script::GetPositionInfo`
//! does, columns counted in UTF-16 units.

use crate::ir::Pos;

pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
}

#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: &str, text: String) -> u32 {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        self.files.push(SourceFile {
            name: name.to_string(),
            text,
            line_starts,
        });
        self.files.len() as u32 - 1
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn file(&self, id: u32) -> &SourceFile {
        &self.files[id as usize]
    }

    /// 0-based line and UTF-16 column of `pos`.
    pub fn line_column(&self, pos: Pos) -> (u32, u32) {
        let f = self.file(pos.file);
        let off = (pos.offset as usize).min(f.text.len());
        let line = f.line_starts.partition_point(|&s| s as usize <= off) - 1;
        let start = f.line_starts[line] as usize;
        let col = f
            .text
            .get(start..off)
            .map(|s| s.encode_utf16().count())
            .unwrap_or(0);
        (line as u32, col as u32)
    }

    /// `file:line:column` (1-based), as error messages name a position.
    pub fn location(&self, pos: Pos) -> String {
        let (l, c) = self.line_column(pos);
        format!("{}:{}:{}", self.file(pos.file).name, l + 1, c + 1)
    }

    /// The line holding `pos` and a caret under its column, as Node prints an uncaught
    /// exception's position.
    pub fn caret(&self, pos: Pos) -> String {
        let f = self.file(pos.file);
        let (l, c) = self.line_column(pos);
        let start = f.line_starts[l as usize] as usize;
        let line = f.text[start..].lines().next().unwrap_or("");
        let pad: String = line
            .chars()
            .take(c as usize)
            .map(|ch| if ch == '\t' { '\t' } else { ' ' })
            .collect();
        format!("{line}\n{pad}^")
    }
}
