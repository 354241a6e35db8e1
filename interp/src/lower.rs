//! Lowering: oxc's AST → the interpreter's IR ([`crate::ir`]), once per file.
//!
//! Each file becomes one function literal, Node's CommonJS module wrapper
//! `function (exports, require, module, __filename, __dirname) { … }`, so a module's
//! top-level variables are that function's locals (in its context when a closure captures
//! them), exactly as in Node. While walking, the lowerer declares bindings and records
//! references in [`Scopes`]; `var`s are hoisted to their function, function declarations
//! to their block, `let`/`const`/`class` start in the temporal dead zone. `this`,
//! `new.target` and `arguments` are bindings of the nearest non-arrow function, declared
//! only when used, so an arrow function that uses `this` captures it through a context as
//! in V8. Anything outside the supported subset (`docs/scenario-language.md`) is an
//! [`Unsupported`] error naming the feature and its position; nothing is silently dropped.

use std::cell::Cell;

use bumpalo::Bump;
use oxc_ast::ast;
use oxc_span::GetSpan;
use oxc_syntax::operator::{
    AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator, UpdateOperator,
};
use sim::Heap;

use crate::ir::*;
use crate::names::Names;
use crate::scope::{BindingKind, Scopes};
use crate::source::Sources;

/// A construct outside the subset, or a heap failure while interning names.
#[derive(Debug)]
pub enum LowerError {
    Unsupported(Pos, String),
    Heap(sim::HeapError),
}

impl From<sim::HeapError> for LowerError {
    fn from(e: sim::HeapError) -> Self {
        LowerError::Heap(e)
    }
}

type R<T> = Result<T, LowerError>;

/// Parameters of the module wrapper, in Node's order.
pub const MODULE_PARAMS: [&str; 5] = ["exports", "require", "module", "__filename", "__dirname"];

struct FnState<'a> {
    scope: ScopeId,
    arrow: bool,
    kind: FuncKind,
    vars: Vec<Init<'a>>,
    this_var: Option<&'a Var>,
    new_target_var: Option<&'a Var>,
    arguments_var: Option<&'a Var>,
    this_properties: u32,
}

/// The class whose methods are being lowered (for `super`).
struct ClassState {
    scope: ScopeId,
}

pub struct Lowerer<'a, 'i> {
    pub bump: &'a Bump,
    pub heap: &'i mut Heap,
    pub names: &'i mut Names,
    pub scopes: &'i mut Scopes<'a>,
    pub funcs: &'i mut Vec<&'a FuncLit<'a>>,
    pub sources: &'i Sources,
    file: u32,
    scope: ScopeId,
    fns: Vec<FnState<'a>>,
    blocks: Vec<Vec<Init<'a>>>,
    classes: Vec<(ClassState, bool)>,
}

fn unsupported<T>(pos: Pos, what: &str) -> R<T> {
    Err(LowerError::Unsupported(pos, what.to_string()))
}

impl<'a, 'i> Lowerer<'a, 'i> {
    pub fn new(
        bump: &'a Bump,
        heap: &'i mut Heap,
        names: &'i mut Names,
        scopes: &'i mut Scopes<'a>,
        funcs: &'i mut Vec<&'a FuncLit<'a>>,
        sources: &'i Sources,
        file: u32,
    ) -> Self {
        Lowerer {
            bump,
            heap,
            names,
            scopes,
            funcs,
            sources,
            file,
            scope: 0,
            fns: Vec::new(),
            blocks: Vec::new(),
            classes: Vec::new(),
        }
    }

    fn pos(&self, span: oxc_span::Span) -> Pos {
        Pos {
            file: self.file,
            offset: span.start,
        }
    }

    fn name(&mut self, s: &str) -> R<Name> {
        Ok(self.names.intern(self.heap, s)?)
    }

    fn alloc<T>(&self, v: T) -> &'a T {
        self.bump.alloc(v)
    }

    fn slice<T>(&self, v: Vec<T>) -> &'a [T] {
        self.bump.alloc_slice_fill_iter(v)
    }

    fn new_var(&mut self, name: Name) -> &'a Var {
        self.bump.alloc(Var {
            slot: Cell::new(Slot::Unresolved),
            name,
            checks_tdz: Cell::new(false),
        })
    }

    fn reference(&mut self, text: &str) -> R<&'a Var> {
        let n = self.name(text)?;
        let v = self.new_var(n);
        Ok(self.scopes.reference(self.scope, v))
    }

    fn declare_in(&mut self, scope: ScopeId, text: &str, kind: BindingKind) -> R<&'a Var> {
        let n = self.name(text)?;
        let v = self.new_var(n);
        Ok(self.scopes.declare(scope, n, kind, v))
    }

    /// The innermost non-arrow function (where `this` and friends live).
    fn this_fn(&mut self) -> &mut FnState<'a> {
        let i = self
            .fns
            .iter()
            .rposition(|f| !f.arrow)
            .expect("the module wrapper is a function");
        &mut self.fns[i]
    }

    fn special_var(&mut self, which: &str) -> R<&'a Var> {
        let f = self.this_fn();
        let existing = match which {
            "this" => f.this_var,
            ".new.target" => f.new_target_var,
            _ => f.arguments_var,
        };
        if existing.is_none() {
            let scope = self.this_fn().scope;
            let kind = if self.this_fn().kind == (FuncKind::ClassCtor { derived: true })
                && which == "this"
            {
                BindingKind::Lexical
            } else {
                BindingKind::Var
            };
            let v = self.declare_in(scope, which, kind)?;
            let f = self.this_fn();
            match which {
                "this" => f.this_var = Some(v),
                ".new.target" => f.new_target_var = Some(v),
                _ => f.arguments_var = Some(v),
            }
        }
        self.reference(which)
    }

    // ----- programs and functions ------------------------------------------------------------

    /// Lowers a whole file as its module wrapper function; returns its id.
    pub fn program(&mut self, program: &ast::Program<'_>, name: &str) -> R<FuncId> {
        let first_scope = self.scopes.len() as ScopeId;
        let registers = self.alloc(Cell::new(0));
        let scope = self.scopes.function(None, registers);
        self.scope = scope;
        self.fns.push(FnState {
            scope,
            arrow: false,
            kind: FuncKind::Normal,
            vars: Vec::new(),
            this_var: None,
            new_target_var: None,
            arguments_var: None,
            this_properties: 0,
        });
        let mut params = Vec::new();
        for p in MODULE_PARAMS {
            let v = self.declare_in(scope, p, BindingKind::Var)?;
            let pattern = self.alloc(Pattern::Target(Target::Var(v)));
            params.push(Param {
                pattern,
                simple: Some(v),
            });
        }
        self.blocks.push(Vec::new());
        let body = self.statements(&program.body)?;
        let id = self.finish_function(FinishFn {
            name,
            kind: FuncKind::Normal,
            pos: self.pos(program.span),
            scope,
            params,
            rest: None,
            body,
            expr_body: None,
            self_var: None,
            registers,
        });
        self.scopes.resolve(first_scope);
        Ok(id)
    }

    fn finish_function(&mut self, f: FinishFn<'a, '_>) -> FuncId {
        let block_inits = self.blocks.pop().unwrap_or_default();
        let st = self.fns.pop().expect("function state");
        let mut inits = st.vars;
        inits.extend(block_inits);
        let (line, column) = self.sources.line_column(f.pos);
        let lit = FuncLit {
            name: self.bump.alloc_str(f.name),
            kind: f.kind,
            pos: f.pos,
            line,
            column,
            scope: f.scope,
            params: self.slice(f.params),
            rest: f.rest,
            inits: self.slice(inits),
            body: f.body,
            expr_body: f.expr_body,
            this_var: st.this_var,
            new_target_var: st.new_target_var,
            arguments_var: st.arguments_var,
            self_var: f.self_var,
            registers: f.registers,
            this_properties: st.this_properties,
        };
        let id = self.funcs.len() as FuncId;
        self.funcs.push(self.bump.alloc(lit));
        id
    }

    fn function(&mut self, func: &ast::Function<'_>, name: &str, kind: FuncKind) -> R<FuncId> {
        let pos = self.pos(func.span);
        if func.generator {
            return unsupported(pos, "generator functions");
        }
        if func.r#async {
            return unsupported(pos, "async functions");
        }
        let Some(body) = &func.body else {
            return unsupported(pos, "functions without a body");
        };
        self.with_function(
            pos,
            name,
            kind,
            false,
            &func.params,
            |l| l.statements(&body.statements).map(|b| (b, None)),
            func.id.as_ref().map(|id| id.name.as_str()),
        )
    }

    fn arrow(&mut self, a: &ast::ArrowFunctionExpression<'_>) -> R<FuncId> {
        let pos = self.pos(a.span);
        if a.r#async {
            return unsupported(pos, "async arrow functions");
        }
        self.with_function(
            pos,
            "",
            FuncKind::Arrow,
            true,
            &a.params,
            |l| match &a.body {
                ast::ArrowFunctionBody::FunctionBody(b) => {
                    l.statements(&b.statements).map(|b| (b, None))
                }
                e => {
                    let e = l.expr(e.to_expression())?;
                    Ok((&[][..], Some(e)))
                }
            },
            None,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn with_function(
        &mut self,
        pos: Pos,
        name: &str,
        kind: FuncKind,
        arrow: bool,
        params: &ast::FormalParameters<'_>,
        body: impl FnOnce(&mut Self) -> R<(&'a [Stmt<'a>], Option<&'a Expr<'a>>)>,
        self_name: Option<&str>,
    ) -> R<FuncId> {
        let outer = self.scope;
        let registers = self.alloc(Cell::new(0));
        let scope = self.scopes.function(Some(outer), registers);
        self.scope = scope;
        self.fns.push(FnState {
            scope,
            arrow,
            kind,
            vars: Vec::new(),
            this_var: None,
            new_target_var: None,
            arguments_var: None,
            this_properties: 0,
        });
        self.blocks.push(Vec::new());
        let self_var = match self_name {
            Some(n) if kind == FuncKind::Normal => {
                Some(self.declare_in(scope, n, BindingKind::Var)?)
            }
            _ => None,
        };
        let mut ps = Vec::new();
        for p in &params.items {
            let pattern = self.binding_pattern(&p.pattern, BindingKind::Var)?;
            let pattern = match &p.initializer {
                Some(init) => {
                    let d = self.expr(init)?;
                    self.alloc(Pattern::Default(pattern, d))
                }
                None => pattern,
            };
            let simple = match pattern {
                Pattern::Target(Target::Var(v)) => Some(*v),
                _ => None,
            };
            ps.push(Param { pattern, simple });
        }
        let rest = match &params.rest {
            Some(r) => Some(self.binding_pattern(&r.rest.argument, BindingKind::Var)?),
            None => None,
        };
        let (stmts, expr_body) = body(self)?;
        let id = self.finish_function(FinishFn {
            name,
            kind,
            pos,
            scope,
            params: ps,
            rest,
            body: stmts,
            expr_body,
            self_var,
            registers,
        });
        self.scope = outer;
        Ok(id)
    }

    // ----- statements ------------------------------------------------------------------------

    fn statements(&mut self, stmts: &[ast::Statement<'_>]) -> R<&'a [Stmt<'a>]> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            out.push(self.statement(s, &[])?);
        }
        Ok(self.slice(out))
    }

    /// A nested block with its own scope.
    fn block(&mut self, stmts: &[ast::Statement<'_>]) -> R<&'a Block<'a>> {
        self.scoped(|l| l.statements(stmts))
            .map(|(scope, inits, body)| self.alloc(Block { scope, inits, body }))
    }

    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<(ScopeId, &'a [Init<'a>], T)> {
        let outer = self.scope;
        let scope = self.scopes.block(outer);
        self.scope = scope;
        self.blocks.push(Vec::new());
        let r = f(self);
        let inits = self.blocks.pop().unwrap_or_default();
        self.scope = outer;
        Ok((scope, self.slice(inits), r?))
    }

    fn statement(&mut self, s: &ast::Statement<'_>, labels: &[Name]) -> R<Stmt<'a>> {
        use ast::Statement as S;
        let labels_ir = self.slice(labels.to_vec());
        Ok(match s {
            S::ExpressionStatement(e) => Stmt::Expr(self.expr(&e.expression)?),
            S::VariableDeclaration(d) => self.var_decl(d)?,
            S::FunctionDeclaration(f) => {
                let name = f.id.as_ref().map(|i| i.name.as_str()).unwrap_or("");
                let id = self.function(f, name, FuncKind::Normal)?;
                let v = self.declare_in(self.scope, name, BindingKind::Var)?;
                self.blocks
                    .last_mut()
                    .expect("a block")
                    .push(Init::Function(v, id));
                Stmt::Empty
            }
            S::ClassDeclaration(c) => {
                let name = c.id.as_ref().map(|i| i.name.as_str()).unwrap_or("");
                let v = self.declare_in(self.scope, name, BindingKind::Lexical)?;
                self.blocks.last_mut().expect("a block").push(Init::Hole(v));
                let class = self.class(c, name)?;
                let target = self.alloc(Pattern::Target(Target::Var(v)));
                Stmt::Bind(target, self.alloc(Expr::Class(class)))
            }
            S::ReturnStatement(r) => Stmt::Return(match &r.argument {
                Some(e) => Some(self.expr(e)?),
                None => None,
            }),
            S::IfStatement(i) => {
                let test = self.expr(&i.test)?;
                let then = self.sub_statement(&i.consequent)?;
                let alt = match &i.alternate {
                    Some(a) => Some(self.sub_statement(a)?),
                    None => None,
                };
                Stmt::If(test, then, alt)
            }
            S::BlockStatement(b) => Stmt::Block(self.block(&b.body)?),
            S::EmptyStatement(_) => Stmt::Empty,
            S::WhileStatement(w) => Stmt::While {
                test: self.expr(&w.test)?,
                body: self.sub_statement(&w.body)?,
                labels: labels_ir,
            },
            S::DoWhileStatement(w) => Stmt::DoWhile {
                body: self.sub_statement(&w.body)?,
                test: self.expr(&w.test)?,
                labels: labels_ir,
            },
            S::ForStatement(f) => {
                let (scope, inits, (init, test, update, body)) = self.scoped(|l| {
                    let init = match &f.init {
                        None => None,
                        Some(ast::ForStatementInit::VariableDeclaration(d)) => {
                            let d = l.var_decl(d)?;
                            Some(l.alloc(d))
                        }
                        Some(e) => {
                            let e = l.expr(e.to_expression())?;
                            Some(l.alloc(Stmt::Expr(e)))
                        }
                    };
                    let test = match &f.test {
                        Some(t) => Some(l.expr(t)?),
                        None => None,
                    };
                    let update = match &f.update {
                        Some(u) => Some(l.expr(u)?),
                        None => None,
                    };
                    let body = l.sub_statement(&f.body)?;
                    Ok((init, test, update, body))
                })?;
                let init: Option<&'a Stmt<'a>> = init;
                Stmt::For {
                    scope,
                    inits,
                    init,
                    test,
                    update,
                    body,
                    labels: labels_ir,
                }
            }
            S::ForOfStatement(f) => {
                if f.r#await {
                    return unsupported(self.pos(f.span), "for await");
                }
                self.for_each(&f.left, &f.right, &f.body, false, labels_ir, f.span)?
            }
            S::ForInStatement(f) => {
                self.for_each(&f.left, &f.right, &f.body, true, labels_ir, f.span)?
            }
            S::BreakStatement(b) => Stmt::Break(match &b.label {
                Some(l) => Some(self.name(l.name.as_str())?),
                None => None,
            }),
            S::ContinueStatement(c) => Stmt::Continue(match &c.label {
                Some(l) => Some(self.name(l.name.as_str())?),
                None => None,
            }),
            S::ThrowStatement(t) => Stmt::Throw(self.expr(&t.argument)?, self.pos(t.span)),
            S::TryStatement(t) => {
                let block = self.block(&t.block.body)?;
                let catch = match &t.handler {
                    Some(h) => {
                        let (scope, inits, (param, body)) = self.scoped(|l| {
                            let param = match &h.param {
                                Some(p) => Some(l.binding_pattern(&p.pattern, BindingKind::Var)?),
                                None => None,
                            };
                            let body = l.block(&h.body.body)?;
                            Ok((param, body))
                        })?;
                        debug_assert!(inits.is_empty());
                        Some(self.alloc(Catch { param, body, scope }))
                    }
                    None => None,
                };
                let finally = match &t.finalizer {
                    Some(f) => Some(self.block(&f.body)?),
                    None => None,
                };
                Stmt::Try {
                    block,
                    catch,
                    finally,
                }
            }
            S::SwitchStatement(sw) => {
                let value = self.expr(&sw.discriminant)?;
                let (scope, inits, cases) = self.scoped(|l| {
                    let mut cases = Vec::new();
                    for c in &sw.cases {
                        let test = match &c.test {
                            Some(t) => Some(l.expr(t)?),
                            None => None,
                        };
                        let body = l.statements(&c.consequent)?;
                        cases.push(Case { test, body });
                    }
                    Ok(l.slice(cases))
                })?;
                Stmt::Switch {
                    scope,
                    inits,
                    value,
                    cases,
                    labels: labels_ir,
                }
            }
            S::LabeledStatement(l) => {
                let mut all = labels.to_vec();
                all.push(self.name(l.label.name.as_str())?);
                let inner = self.statement(&l.body, &all)?;
                let is_loop = matches!(
                    inner,
                    Stmt::While { .. }
                        | Stmt::DoWhile { .. }
                        | Stmt::For { .. }
                        | Stmt::ForOf { .. }
                        | Stmt::Switch { .. }
                );
                if is_loop {
                    inner
                } else {
                    Stmt::Labeled(self.slice(all), self.alloc(inner))
                }
            }
            S::DebuggerStatement(_) => Stmt::Empty,
            S::WithStatement(w) => return unsupported(self.pos(w.span), "with statements"),
            other => {
                return unsupported(
                    self.pos(other.span()),
                    "import/export declarations (use require and module.exports)",
                )
            }
        })
    }

    fn sub_statement(&mut self, s: &ast::Statement<'_>) -> R<&'a Stmt<'a>> {
        let st = self.statement(s, &[])?;
        Ok(self.alloc(st))
    }

    fn for_each(
        &mut self,
        left: &ast::ForStatementLeft<'_>,
        right: &ast::Expression<'_>,
        body: &ast::Statement<'_>,
        keys: bool,
        labels: &'a [Name],
        span: oxc_span::Span,
    ) -> R<Stmt<'a>> {
        let iterable = self.expr(right)?;
        let (scope, inits, (target, body)) = self.scoped(|l| {
            let target = match left {
                ast::ForStatementLeft::VariableDeclaration(d) => {
                    let kind = l.decl_kind(d);
                    let Some(decl) = d.declarations.first() else {
                        return unsupported(l.pos(d.span), "an empty for-of declaration");
                    };
                    l.binding_pattern_hoisted(&decl.id, kind)?
                }
                other => {
                    let t = other.to_assignment_target();
                    {
                        let t = l.assign_target(t)?;
                        l.alloc(Pattern::Target(t))
                    }
                }
            };
            let body = l.sub_statement(body)?;
            Ok((target, body))
        })?;
        Ok(Stmt::ForOf {
            scope,
            inits,
            target,
            iterable,
            body,
            keys,
            labels,
            pos: self.pos(span),
        })
    }

    fn decl_kind(&self, d: &ast::VariableDeclaration<'_>) -> BindingKind {
        match d.kind {
            ast::VariableDeclarationKind::Var => BindingKind::Var,
            _ => BindingKind::Lexical,
        }
    }

    fn var_decl(&mut self, d: &ast::VariableDeclaration<'_>) -> R<Stmt<'a>> {
        let kind = self.decl_kind(d);
        if matches!(
            d.kind,
            ast::VariableDeclarationKind::Using | ast::VariableDeclarationKind::AwaitUsing
        ) {
            return unsupported(self.pos(d.span), "using declarations");
        }
        let mut out = Vec::new();
        for decl in &d.declarations {
            let pattern = self.binding_pattern_hoisted(&decl.id, kind)?;
            match &decl.init {
                Some(e) => {
                    let value = self.expr_named(e, pattern)?;
                    out.push(Stmt::Bind(pattern, value));
                }
                None if kind == BindingKind::Lexical => {
                    out.push(Stmt::Bind(pattern, self.alloc(Expr::Undefined)))
                }
                None => {}
            }
        }
        Ok(match out.len() {
            0 => Stmt::Empty,
            1 => out.pop().expect("one"),
            _ => Stmt::Block(self.alloc(Block {
                scope: u32::MAX,
                inits: &[],
                body: self.slice(out),
            })),
        })
    }

    /// An initializer; anonymous functions and classes take the binding's name, as
    /// `const onError = function () {}` names its function `onError` in V8.
    fn expr_named(&mut self, e: &ast::Expression<'_>, p: &Pattern<'a>) -> R<&'a Expr<'a>> {
        let name = match p {
            Pattern::Target(Target::Var(v)) => Some(v.name),
            _ => None,
        };
        self.expr_with_name(e, name)
    }

    fn expr_with_name(&mut self, e: &ast::Expression<'_>, name: Option<Name>) -> R<&'a Expr<'a>> {
        let text = name.map(|n| {
            let t = Names::get(self.heap, n);
            self.heap.string_content(t.addr())
        });
        match (e, text) {
            (ast::Expression::FunctionExpression(f), Some(t)) if f.id.is_none() => {
                let id = self.function(f, &t, FuncKind::Normal)?;
                Ok(self.alloc(Expr::Function(id)))
            }
            (ast::Expression::ArrowFunctionExpression(a), Some(t)) => {
                let id = self.arrow(a)?;
                self.rename(id, &t);
                Ok(self.alloc(Expr::Function(id)))
            }
            (ast::Expression::ClassExpression(c), Some(t)) if c.id.is_none() => {
                let class = self.class(c, &t)?;
                Ok(self.alloc(Expr::Class(class)))
            }
            _ => self.expr(e),
        }
    }

    fn rename(&mut self, id: FuncId, name: &str) {
        let f = self.funcs[id as usize];
        let renamed = FuncLit {
            name: self.bump.alloc_str(name),
            kind: f.kind,
            pos: f.pos,
            line: f.line,
            column: f.column,
            scope: f.scope,
            params: f.params,
            rest: f.rest,
            inits: f.inits,
            body: f.body,
            expr_body: f.expr_body,
            this_var: f.this_var,
            new_target_var: f.new_target_var,
            arguments_var: f.arguments_var,
            self_var: f.self_var,
            registers: f.registers,
            this_properties: f.this_properties,
        };
        self.funcs[id as usize] = self.bump.alloc(renamed);
    }

    /// A declaration's pattern: names are declared in the current block (`let`/`const`,
    /// starting as holes) or hoisted to the function (`var`, starting `undefined`).
    fn binding_pattern_hoisted(
        &mut self,
        p: &ast::BindingPattern<'_>,
        kind: BindingKind,
    ) -> R<&'a Pattern<'a>> {
        let pattern = self.binding_pattern_in(p, kind, true)?;
        Ok(pattern)
    }

    fn binding_pattern(
        &mut self,
        p: &ast::BindingPattern<'_>,
        kind: BindingKind,
    ) -> R<&'a Pattern<'a>> {
        self.binding_pattern_in(p, kind, false)
    }

    fn bind_name(&mut self, name: &str, kind: BindingKind, hoisted: bool) -> R<&'a Var> {
        if !hoisted {
            return self.declare_in(self.scope, name, kind);
        }
        match kind {
            BindingKind::Var => {
                let fscope = self.fns.last().expect("function").scope;
                let n = self.name(name)?;
                let fresh = !self.scopes.declares(fscope, n);
                let v = self.declare_in(fscope, name, kind)?;
                if fresh {
                    self.fns
                        .last_mut()
                        .expect("function")
                        .vars
                        .push(Init::Undefined(v));
                }
                // The use site resolves from the current scope like any reference.
                self.reference(name)
            }
            BindingKind::Lexical => {
                let v = self.declare_in(self.scope, name, kind)?;
                self.blocks.last_mut().expect("a block").push(Init::Hole(v));
                Ok(v)
            }
        }
    }

    fn binding_pattern_in(
        &mut self,
        p: &ast::BindingPattern<'_>,
        kind: BindingKind,
        hoisted: bool,
    ) -> R<&'a Pattern<'a>> {
        use ast::BindingPattern as B;
        Ok(match p {
            B::BindingIdentifier(id) => {
                let v = self.bind_name(id.name.as_str(), kind, hoisted)?;
                self.alloc(Pattern::Target(Target::Var(v)))
            }
            B::AssignmentPattern(a) => {
                let inner = self.binding_pattern_in(&a.left, kind, hoisted)?;
                let d = self.expr_named(&a.right, inner)?;
                self.alloc(Pattern::Default(inner, d))
            }
            B::ArrayPattern(a) => {
                let mut items = Vec::new();
                for e in &a.elements {
                    items.push(match e {
                        Some(e) => Some(self.binding_pattern_in(e, kind, hoisted)?),
                        None => None,
                    });
                }
                let rest = match &a.rest {
                    Some(r) => Some(self.binding_pattern_in(&r.argument, kind, hoisted)?),
                    None => None,
                };
                self.alloc(Pattern::Array {
                    items: self.slice(items),
                    rest,
                })
            }
            B::ObjectPattern(o) => {
                let mut props = Vec::new();
                for prop in &o.properties {
                    let key = self.prop_key(&prop.key, prop.computed)?;
                    let value = self.binding_pattern_in(&prop.value, kind, hoisted)?;
                    props.push((key, value));
                }
                let rest = match &o.rest {
                    Some(r) => Some(self.binding_pattern_in(&r.argument, kind, hoisted)?),
                    None => None,
                };
                self.alloc(Pattern::Object {
                    props: self.slice(props),
                    rest,
                })
            }
        })
    }

    // ----- classes ---------------------------------------------------------------------------

    fn class(&mut self, c: &ast::Class<'_>, name: &str) -> R<&'a ClassDef<'a>> {
        let pos = self.pos(c.span);
        if !c.decorators.is_empty() {
            return unsupported(pos, "decorators");
        }
        let heritage = match &c.heritage {
            Some(h) => Some(self.expr(&h.expression)?),
            None => None,
        };
        let n = self.name(name)?;
        let (scope, _inits, (this_class, parent, ctor, methods)) = self.scoped(|l| {
            let this_class = l.declare_in(
                l.scope,
                if name.is_empty() { ".class" } else { name },
                BindingKind::Var,
            )?;
            let parent = l.declare_in(l.scope, ".parent", BindingKind::Var)?;
            l.classes
                .push((ClassState { scope: l.scope }, heritage.is_some()));
            let r = l.class_body(c, name, heritage.is_some(), pos);
            l.classes.pop();
            let (ctor, methods) = r?;
            Ok((this_class, parent, ctor, methods))
        })?;
        Ok(self.alloc(ClassDef {
            name: n,
            heritage,
            ctor,
            methods,
            this_class,
            parent,
            scope,
            pos,
        }))
    }

    fn class_body(
        &mut self,
        c: &ast::Class<'_>,
        name: &str,
        derived: bool,
        pos: Pos,
    ) -> R<(FuncId, &'a [Method<'a>])> {
        let ctor_kind = FuncKind::ClassCtor { derived };
        let mut ctor = None;
        let mut methods = Vec::new();
        for el in &c.body.body {
            match el {
                ast::ClassElement::MethodDefinition(m) => {
                    let mpos = self.pos(m.span);
                    if m.kind == ast::MethodDefinitionKind::Constructor {
                        ctor = Some(self.function(&m.value, name, ctor_kind)?);
                        continue;
                    }
                    let kind = match m.kind {
                        ast::MethodDefinitionKind::Get | ast::MethodDefinitionKind::Set => {
                            return unsupported(mpos, "getters and setters")
                        }
                        _ => PropKind::Value,
                    };
                    let key = self.prop_key(&m.key, m.computed)?;
                    let mname = m
                        .key
                        .static_name()
                        .map(|s| s.to_string())
                        .unwrap_or_default();
                    self.classes.last_mut().expect("class").1 = m.r#static || derived;
                    let func = self.function(&m.value, &mname, FuncKind::Method)?;
                    methods.push(Method {
                        key,
                        func,
                        kind,
                        is_static: m.r#static,
                    });
                }
                other => {
                    return unsupported(
                        self.pos(other.span()),
                        "class fields and static blocks (assign in the constructor)",
                    )
                }
            }
        }
        let ctor = match ctor {
            Some(c) => c,
            None => self.default_ctor(name, derived, pos)?,
        };
        Ok((ctor, self.slice(methods)))
    }

    /// `constructor(...args) { super(...args); }` for a derived class, `constructor() {}`
    /// for a base class, as the spec synthesizes them.
    fn default_ctor(&mut self, name: &str, derived: bool, pos: Pos) -> R<FuncId> {
        let outer = self.scope;
        let registers = self.alloc(Cell::new(0));
        let scope = self.scopes.function(Some(outer), registers);
        self.scope = scope;
        self.fns.push(FnState {
            scope,
            arrow: false,
            kind: FuncKind::ClassCtor { derived },
            vars: Vec::new(),
            this_var: None,
            new_target_var: None,
            arguments_var: None,
            this_properties: 0,
        });
        self.blocks.push(Vec::new());
        let mut rest = None;
        let mut body: &'a [Stmt<'a>] = &[];
        if derived {
            let args = self.declare_in(scope, "args", BindingKind::Var)?;
            rest = Some(self.alloc(Pattern::Target(Target::Var(args))));
            let call = self.super_call(vec![Arg::Spread(self.alloc(Expr::Var(args, pos)))], pos)?;
            body = self.slice(vec![Stmt::Expr(call)]);
        }
        let id = self.finish_function(FinishFn {
            name,
            kind: FuncKind::ClassCtor { derived },
            pos,
            scope,
            params: Vec::new(),
            rest,
            body,
            expr_body: None,
            self_var: None,
            registers,
        });
        self.scope = outer;
        Ok(id)
    }

    fn super_call(&mut self, args: Vec<Arg<'a>>, pos: Pos) -> R<&'a Expr<'a>> {
        let Some((class, _)) = self.classes.last() else {
            return unsupported(pos, "super outside a class");
        };
        let _ = class.scope;
        let this = self.special_var("this")?;
        let new_target = self.special_var(".new.target")?;
        let parent = self.reference(".parent")?;
        Ok(self.alloc(Expr::SuperCall {
            parent,
            this,
            new_target,
            args: self.slice(args),
            pos,
        }))
    }

    // ----- expressions -----------------------------------------------------------------------

    fn prop_key(&mut self, k: &ast::PropertyKey<'_>, computed: bool) -> R<Key<'a>> {
        if !computed {
            if let Some(n) = k.static_name() {
                return Ok(Key::Named(self.name(&n)?));
            }
        }
        match k {
            ast::PropertyKey::PrivateIdentifier(p) => {
                unsupported(self.pos(p.span), "private names")
            }
            ast::PropertyKey::StaticIdentifier(id) => Ok(Key::Named(self.name(id.name.as_str())?)),
            other => Ok(Key::Computed(self.expr(other.to_expression())?)),
        }
    }

    fn args(&mut self, args: &[ast::Argument<'_>]) -> R<&'a [Arg<'a>]> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            out.push(match a {
                ast::Argument::SpreadElement(s) => Arg::Spread(self.expr(&s.argument)?),
                other => Arg::Plain(self.expr(other.to_expression())?),
            });
        }
        Ok(self.slice(out))
    }

    fn member_key(&mut self, m: &ast::MemberExpression<'_>) -> R<Key<'a>> {
        match m {
            ast::MemberExpression::StaticMemberExpression(s) => {
                Ok(Key::Named(self.name(s.property.name.as_str())?))
            }
            ast::MemberExpression::ComputedMemberExpression(c) => match &c.expression {
                ast::Expression::StringLiteral(s) => Ok(Key::Named(self.name(s.value.as_str())?)),
                e => Ok(Key::Computed(self.expr(e)?)),
            },
            ast::MemberExpression::PrivateFieldExpression(p) => {
                unsupported(self.pos(p.span), "private fields")
            }
        }
    }

    fn member(&mut self, m: &ast::MemberExpression<'_>) -> R<&'a Expr<'a>> {
        let pos = self.pos(m.span());
        let (object, optional) = match m {
            ast::MemberExpression::StaticMemberExpression(s) => (&s.object, s.optional),
            ast::MemberExpression::ComputedMemberExpression(c) => (&c.object, c.optional),
            ast::MemberExpression::PrivateFieldExpression(p) => {
                return unsupported(self.pos(p.span), "private fields")
            }
        };
        let key = self.member_key(m)?;
        if let ast::Expression::Super(_) = object {
            return self.super_member(key, pos);
        }
        let obj = self.expr(object)?;
        Ok(self.alloc(Expr::Member {
            obj,
            key,
            optional,
            pos,
        }))
    }

    fn super_member(&mut self, key: Key<'a>, pos: Pos) -> R<&'a Expr<'a>> {
        let Some((_, is_static)) = self.classes.last() else {
            return unsupported(pos, "super outside a class method");
        };
        let is_static = *is_static
            && !matches!(
                self.this_fn().kind,
                FuncKind::ClassCtor { .. } | FuncKind::Method
            );
        let parent = self.reference(".parent")?;
        let this = self.special_var("this")?;
        Ok(self.alloc(Expr::SuperMember {
            parent,
            this,
            is_static,
            key,
            pos,
        }))
    }

    fn assign_target(&mut self, t: &ast::AssignmentTarget<'_>) -> R<Target<'a>> {
        use ast::AssignmentTarget as T;
        match t {
            T::AssignmentTargetIdentifier(id) => Ok(Target::Var(self.reference(id.name.as_str())?)),
            T::ArrayAssignmentTarget(a) => {
                let mut items = Vec::new();
                for e in &a.elements {
                    items.push(match e {
                        Some(e) => Some(self.assign_target_maybe_default(e)?),
                        None => None,
                    });
                }
                let rest = match &a.rest {
                    Some(r) => {
                        let t = self.assign_target(&r.target)?;
                        Some(self.alloc(Pattern::Target(t)))
                    }
                    None => None,
                };
                Ok(Target::Pattern(self.alloc(Pattern::Array {
                    items: self.slice(items),
                    rest,
                })))
            }
            T::ObjectAssignmentTarget(o) => {
                let mut props = Vec::new();
                for p in &o.properties {
                    match p {
                        ast::AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(i) => {
                            let key = Key::Named(self.name(i.binding.name.as_str())?);
                            let v = self.reference(i.binding.name.as_str())?;
                            let mut pat = Pattern::Target(Target::Var(v));
                            if let Some(init) = &i.init {
                                let d = self.expr(init)?;
                                pat = Pattern::Default(self.alloc(pat), d);
                            }
                            props.push((key, self.alloc(pat)));
                        }
                        ast::AssignmentTargetProperty::AssignmentTargetPropertyProperty(p) => {
                            let key = self.prop_key(&p.name, p.computed)?;
                            let pat = self.assign_target_maybe_default(&p.binding)?;
                            props.push((key, pat));
                        }
                    }
                }
                let rest = match &o.rest {
                    Some(r) => {
                        let t = self.assign_target(&r.target)?;
                        Some(self.alloc(Pattern::Target(t)))
                    }
                    None => None,
                };
                Ok(Target::Pattern(self.alloc(Pattern::Object {
                    props: self.slice(props),
                    rest,
                })))
            }
            other => match other.as_member_expression() {
                Some(m) => {
                    let pos = self.pos(m.span());
                    let obj = match m.object() {
                        ast::Expression::Super(_) => {
                            return unsupported(pos, "assignment to super properties")
                        }
                        o => self.expr(o)?,
                    };
                    let key = self.member_key(m)?;
                    Ok(Target::Member { obj, key })
                }
                None => unsupported(self.pos(other.span()), "this assignment target"),
            },
        }
    }

    fn assign_target_maybe_default(
        &mut self,
        t: &ast::AssignmentTargetMaybeDefault<'_>,
    ) -> R<&'a Pattern<'a>> {
        let p = match t {
            ast::AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(d) => {
                let inner = self.assign_target(&d.binding)?;
                let init = self.expr(&d.init)?;
                Pattern::Default(self.alloc(Pattern::Target(inner)), init)
            }
            other => Pattern::Target(self.assign_target(other.to_assignment_target())?),
        };
        Ok(self.alloc(p))
    }

    fn simple_target(&mut self, t: &ast::SimpleAssignmentTarget<'_>) -> R<Target<'a>> {
        match t {
            ast::SimpleAssignmentTarget::AssignmentTargetIdentifier(id) => {
                Ok(Target::Var(self.reference(id.name.as_str())?))
            }
            other => match other.as_member_expression() {
                Some(m) => {
                    let obj = self.expr(m.object())?;
                    let key = self.member_key(m)?;
                    Ok(Target::Member { obj, key })
                }
                None => unsupported(self.pos(other.span()), "this update target"),
            },
        }
    }

    fn count_this_property(&mut self, t: &Target<'a>) {
        if let Target::Member {
            obj: Expr::This(..),
            key: Key::Named(_),
        } = t
        {
            let f = self.fns.last_mut().expect("function");
            if matches!(f.kind, FuncKind::ClassCtor { .. } | FuncKind::Normal) {
                f.this_properties += 1;
            }
        }
    }

    pub fn expr(&mut self, e: &ast::Expression<'_>) -> R<&'a Expr<'a>> {
        use ast::Expression as E;
        let pos = self.pos(e.span());
        let out = match e {
            E::BooleanLiteral(b) => Expr::Bool(b.value),
            E::NullLiteral(_) => Expr::Null,
            E::NumericLiteral(n) => Expr::Num(n.value),
            E::StringLiteral(s) => Expr::Str(self.name(s.value.as_str())?),
            E::TemplateLiteral(t) => {
                let mut quasis = Vec::new();
                for q in &t.quasis {
                    let text = q
                        .value
                        .cooked
                        .as_ref()
                        .map(|c| c.as_str())
                        .unwrap_or(q.value.raw.as_str());
                    quasis.push(self.name(text)?);
                }
                let mut exprs = Vec::new();
                for x in &t.expressions {
                    exprs.push(self.expr(x)?);
                }
                Expr::Template {
                    quasis: self.slice(quasis),
                    exprs: self.slice(exprs),
                }
            }
            E::Identifier(id) => match id.name.as_str() {
                // Both are read-only in practice: `undefined` is a non-writable global
                // and the subset does not let a script declare `arguments`.
                "undefined" => Expr::Undefined,
                "arguments" => Expr::Var(self.special_var("arguments")?, pos),
                n => Expr::Var(self.reference(n)?, pos),
            },
            E::ThisExpression(_) => Expr::This(self.special_var("this")?, pos),
            E::ArrayExpression(a) => {
                let mut items = Vec::new();
                for el in &a.elements {
                    items.push(match el {
                        ast::ArrayExpressionElement::SpreadElement(s) => {
                            Arg::Spread(self.expr(&s.argument)?)
                        }
                        ast::ArrayExpressionElement::Elision(_) => {
                            return unsupported(pos, "array holes (elisions)")
                        }
                        other => Arg::Plain(self.expr(other.to_expression())?),
                    });
                }
                Expr::Array(self.slice(items), pos)
            }
            E::ObjectExpression(o) => {
                let mut props = Vec::new();
                for p in &o.properties {
                    match p {
                        ast::ObjectPropertyKind::SpreadProperty(s) => {
                            props.push(Prop {
                                key: Key::Named(self.name("")?),
                                value: self.expr(&s.argument)?,
                                kind: PropKind::Value,
                                spread: true,
                            });
                        }
                        ast::ObjectPropertyKind::ObjectProperty(p) => {
                            if p.kind != ast::PropertyKind::Init {
                                return unsupported(self.pos(p.span), "getters and setters");
                            }
                            let key = self.prop_key(&p.key, p.computed)?;
                            let value = if p.method {
                                let name = p
                                    .key
                                    .static_name()
                                    .map(|s| s.to_string())
                                    .unwrap_or_default();
                                match &p.value {
                                    E::FunctionExpression(f) => {
                                        let id = self.function(f, &name, FuncKind::Method)?;
                                        self.alloc(Expr::Function(id))
                                    }
                                    v => self.expr(v)?,
                                }
                            } else {
                                let name = match key {
                                    Key::Named(n) => Some(n),
                                    Key::Computed(_) => None,
                                };
                                self.expr_with_name(&p.value, name)?
                            };
                            props.push(Prop {
                                key,
                                value,
                                kind: PropKind::Value,
                                spread: false,
                            });
                        }
                    }
                }
                Expr::Object(self.slice(props), pos)
            }
            E::FunctionExpression(f) => {
                let name = f.id.as_ref().map(|i| i.name.as_str()).unwrap_or("");
                Expr::Function(self.function(f, name, FuncKind::Normal)?)
            }
            E::ArrowFunctionExpression(a) => Expr::Function(self.arrow(a)?),
            E::ClassExpression(c) => {
                let name = c.id.as_ref().map(|i| i.name.as_str()).unwrap_or("");
                Expr::Class(self.class(c, name)?)
            }
            E::StaticMemberExpression(_)
            | E::ComputedMemberExpression(_)
            | E::PrivateFieldExpression(_) => {
                return self.member(e.to_member_expression());
            }
            E::CallExpression(c) => {
                if let E::Super(_) = &c.callee {
                    let args = self.args(&c.arguments)?;
                    return self.super_call(args.to_vec(), pos);
                }
                let callee = self.expr(&c.callee)?;
                Expr::Call {
                    callee,
                    args: self.args(&c.arguments)?,
                    optional: c.optional,
                    pos,
                }
            }
            E::NewExpression(n) => Expr::New {
                callee: self.expr(&n.callee)?,
                args: self.args(&n.arguments)?,
                pos,
            },
            E::ChainExpression(c) => {
                let inner = match &c.expression {
                    ast::ChainElement::CallExpression(call) => {
                        let callee = self.expr(&call.callee)?;
                        let args = self.args(&call.arguments)?;
                        self.alloc(Expr::Call {
                            callee,
                            args,
                            optional: call.optional,
                            pos,
                        })
                    }
                    other => match other.as_member_expression() {
                        Some(m) => self.member(m)?,
                        None => return unsupported(pos, "this optional chain"),
                    },
                };
                Expr::Chain(inner)
            }
            E::AssignmentExpression(a) => {
                let target = self.assign_target(&a.left)?;
                self.count_this_property(&target);
                let value = match (&target, a.operator) {
                    (Target::Var(v), AssignmentOperator::Assign) => {
                        self.expr_with_name(&a.right, Some(v.name))?
                    }
                    _ => self.expr(&a.right)?,
                };
                match a.operator {
                    AssignmentOperator::Assign => Expr::Assign { target, value, pos },
                    op => {
                        if let Some(l) = op.to_logical_operator() {
                            Expr::LogicalAssign {
                                target,
                                op: logic_op(l),
                                value,
                                pos,
                            }
                        } else {
                            let b = op.to_binary_operator().expect("compound operator");
                            Expr::CompoundAssign {
                                target,
                                op: bin_op(b),
                                value,
                                pos,
                            }
                        }
                    }
                }
            }
            E::UpdateExpression(u) => Expr::Update {
                target: self.simple_target(&u.argument)?,
                delta: if u.operator == UpdateOperator::Increment {
                    1.0
                } else {
                    -1.0
                },
                prefix: u.prefix,
                pos,
            },
            E::UnaryExpression(u) => match u.operator {
                UnaryOperator::Delete => match u.argument.as_member_expression() {
                    Some(m) => Expr::Delete {
                        obj: self.expr(m.object())?,
                        key: self.member_key(m)?,
                        pos,
                    },
                    None => Expr::Bool(true),
                },
                UnaryOperator::Typeof => match &u.argument {
                    E::Identifier(id) if id.name.as_str() != "undefined" => {
                        Expr::TypeofVar(self.reference(id.name.as_str())?)
                    }
                    a => Expr::Unary(UnOp::Typeof, self.expr(a)?, pos),
                },
                op => {
                    let arg = self.expr(&u.argument)?;
                    let op = match op {
                        UnaryOperator::LogicalNot => UnOp::Not,
                        UnaryOperator::UnaryNegation => UnOp::Neg,
                        UnaryOperator::UnaryPlus => UnOp::Plus,
                        UnaryOperator::BitwiseNot => UnOp::BitNot,
                        _ => UnOp::Void,
                    };
                    Expr::Unary(op, arg, pos)
                }
            },
            E::BinaryExpression(b) => {
                let l = self.expr(&b.left)?;
                let r = self.expr(&b.right)?;
                Expr::Binary(bin_op(b.operator), l, r, pos)
            }
            E::LogicalExpression(l) => {
                let a = self.expr(&l.left)?;
                let b = self.expr(&l.right)?;
                Expr::Logical(logic_op(l.operator), a, b)
            }
            E::ConditionalExpression(c) => {
                let t = self.expr(&c.test)?;
                let a = self.expr(&c.consequent)?;
                let b = self.expr(&c.alternate)?;
                Expr::Cond(t, a, b)
            }
            E::SequenceExpression(s) => {
                let mut out = Vec::new();
                for x in &s.expressions {
                    out.push(self.expr(x)?);
                }
                Expr::Seq(self.slice(out))
            }
            E::ParenthesizedExpression(p) => return self.expr(&p.expression),
            E::NewTarget(_) => Expr::NewTarget(self.special_var(".new.target")?),
            E::AwaitExpression(_) => return unsupported(pos, "await"),
            E::YieldExpression(_) => return unsupported(pos, "yield"),
            E::RegExpLiteral(_) => return unsupported(pos, "regular expressions"),
            E::BigIntLiteral(_) => return unsupported(pos, "BigInt"),
            E::TaggedTemplateExpression(_) => return unsupported(pos, "tagged templates"),
            E::ImportExpression(_) | E::ImportMeta(_) => {
                return unsupported(pos, "ES modules (use require)")
            }
            E::Super(_) => return unsupported(pos, "super here"),
            E::PrivateInExpression(_) => return unsupported(pos, "private names"),
            _ => return unsupported(pos, "TypeScript/JSX syntax"),
        };
        Ok(self.alloc(out))
    }
}

struct FinishFn<'a, 's> {
    name: &'s str,
    kind: FuncKind,
    pos: Pos,
    scope: ScopeId,
    params: Vec<Param<'a>>,
    rest: Option<&'a Pattern<'a>>,
    body: &'a [Stmt<'a>],
    expr_body: Option<&'a Expr<'a>>,
    self_var: Option<&'a Var>,
    registers: &'a Cell<u32>,
}

fn bin_op(op: BinaryOperator) -> BinOp {
    use BinaryOperator as B;
    match op {
        B::Equality => BinOp::LooseEq,
        B::Inequality => BinOp::LooseNe,
        B::StrictEquality => BinOp::StrictEq,
        B::StrictInequality => BinOp::StrictNe,
        B::LessThan => BinOp::Lt,
        B::LessEqualThan => BinOp::Le,
        B::GreaterThan => BinOp::Gt,
        B::GreaterEqualThan => BinOp::Ge,
        B::Addition => BinOp::Add,
        B::Subtraction => BinOp::Sub,
        B::Multiplication => BinOp::Mul,
        B::Division => BinOp::Div,
        B::Remainder => BinOp::Rem,
        B::Exponential => BinOp::Exp,
        B::ShiftLeft => BinOp::Shl,
        B::ShiftRight => BinOp::Shr,
        B::ShiftRightZeroFill => BinOp::UShr,
        B::BitwiseOR => BinOp::BitOr,
        B::BitwiseXOR => BinOp::BitXor,
        B::BitwiseAnd => BinOp::BitAnd,
        B::In => BinOp::In,
        B::Instanceof => BinOp::InstanceOf,
    }
}

fn logic_op(op: LogicalOperator) -> LogicOp {
    match op {
        LogicalOperator::Or => LogicOp::Or,
        LogicalOperator::And => LogicOp::And,
        LogicalOperator::Coalesce => LogicOp::Nullish,
    }
}
