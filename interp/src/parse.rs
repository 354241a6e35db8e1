//! Parsing with oxc (`oxc_parser`): a file's source → its AST in an oxc arena, or the first
//! syntax error as a positioned [`ScriptError`]. Scripts are CommonJS, as Node runs `.js`
//! files.

use oxc_allocator::Allocator;
use oxc_ast::ast::Program;
use oxc_parser::Parser;
use oxc_span::SourceType;

use crate::error::{ErrorKind, ScriptError};
use crate::ir::Pos;
use crate::source::Sources;

/// Parses file `file` of `sources` into `arena`.
pub fn parse<'s>(
    arena: &'s Allocator,
    sources: &'s Sources,
    file: u32,
) -> Result<Program<'s>, ScriptError> {
    let text = sources.file(file).text.as_str();
    let ret = Parser::new(arena, text, SourceType::cjs()).parse();
    if let Some(d) = ret.diagnostics.first() {
        let offset = d.labels.first().map(|l| l.offset()).unwrap_or(0);
        return Err(ScriptError::at(
            ErrorKind::Syntax,
            sources,
            Pos { file, offset },
            &format!("SyntaxError: {}", d.message),
        ));
    }
    Ok(ret.program)
}
