//! The lowered program: a compact tree allocated once per run in a `bumpalo` arena.
//!
//! [`crate::lower`] turns oxc's AST into this IR. Names are resolved by [`crate::scope`]
//! after a whole file is lowered, so a variable reference carries a [`Cell`] that the
//! resolver fills with its [`Slot`]: a frame register (a handle that dies with the call), a
//! slot of a heap `Context` some scopes up the `previous` chain, or a property of the global
//! object. Property names and string literals are internalized when lowered and referred to
//! by their index in the heap's string table ([`Name`]).

use std::cell::Cell;

/// An internalized string: its index in the heap's `(Internalized strings)` root list,
/// which the collectors keep up to date as the string moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Name(pub u32);

/// A source position: file and byte offset (rendered as line:column by [`crate::source`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    pub file: u32,
    pub offset: u32,
}

/// Scope ids index [`crate::scope::Scopes`].
pub type ScopeId = u32;
/// Function literal ids index the interpreter's function table.
pub type FuncId = u32;

/// Where a resolved variable lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Not resolved yet (only between lowering and resolution).
    Unresolved,
    /// Register `i` of the current frame.
    Reg(u32),
    /// Variable `slot` of the context `depth` steps up the `previous` chain.
    Ctx { depth: u32, slot: u32 },
    /// A property of the global object.
    Global(Name),
}

/// A variable reference: the resolved slot, and whether it may be read before its
/// declaration ran (`let`/`const`/`class`: the hole means "uninitialized").
#[derive(Debug)]
pub struct Var {
    pub slot: Cell<Slot>,
    pub name: Name,
    pub checks_tdz: Cell<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    StrictEq,
    StrictNe,
    LooseEq,
    LooseNe,
    Lt,
    Le,
    Gt,
    Ge,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    InstanceOf,
    In,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
    Nullish,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
    Plus,
    BitNot,
    Typeof,
    Void,
}

/// A property key: a name known when lowering, or computed at run time.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    Named(Name),
    Computed(&'a Expr<'a>),
}

/// What an assignment or update writes to.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    Var(&'a Var),
    Member { obj: &'a Expr<'a>, key: Key<'a> },
    Pattern(&'a Pattern<'a>),
}

/// A destructuring pattern (or a plain binding).
#[derive(Debug)]
pub enum Pattern<'a> {
    Target(Target<'a>),
    Default(&'a Pattern<'a>, &'a Expr<'a>),
    Array {
        items: &'a [Option<&'a Pattern<'a>>],
        rest: Option<&'a Pattern<'a>>,
    },
    Object {
        props: &'a [(Key<'a>, &'a Pattern<'a>)],
        rest: Option<&'a Pattern<'a>>,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Plain(&'a Expr<'a>),
    Spread(&'a Expr<'a>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropKind {
    Value,
    Get,
    Set,
}

#[derive(Debug)]
pub struct Prop<'a> {
    pub key: Key<'a>,
    pub value: &'a Expr<'a>,
    pub kind: PropKind,
    pub spread: bool,
}

#[derive(Debug)]
pub struct Method<'a> {
    pub key: Key<'a>,
    pub func: FuncId,
    pub kind: PropKind,
    pub is_static: bool,
}

#[derive(Debug)]
pub struct ClassDef<'a> {
    pub name: Name,
    pub heritage: Option<&'a Expr<'a>>,
    pub ctor: FuncId,
    pub methods: &'a [Method<'a>],
    /// Hidden class-scope bindings: the class itself and its parent, for `super`.
    pub this_class: &'a Var,
    pub parent: &'a Var,
    pub scope: ScopeId,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum Expr<'a> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Name),
    Template {
        quasis: &'a [Name],
        exprs: &'a [&'a Expr<'a>],
    },
    Var(&'a Var, Pos),
    This(&'a Var, Pos),
    Array(&'a [Arg<'a>], Pos),
    Object(&'a [Prop<'a>], Pos),
    Function(FuncId),
    Class(&'a ClassDef<'a>),
    Member {
        obj: &'a Expr<'a>,
        key: Key<'a>,
        optional: bool,
        pos: Pos,
    },
    SuperMember {
        parent: &'a Var,
        this: &'a Var,
        is_static: bool,
        key: Key<'a>,
        pos: Pos,
    },
    Call {
        callee: &'a Expr<'a>,
        args: &'a [Arg<'a>],
        optional: bool,
        pos: Pos,
    },
    SuperCall {
        parent: &'a Var,
        this: &'a Var,
        new_target: &'a Var,
        args: &'a [Arg<'a>],
        pos: Pos,
    },
    New {
        callee: &'a Expr<'a>,
        args: &'a [Arg<'a>],
        pos: Pos,
    },
    NewTarget(&'a Var),
    Chain(&'a Expr<'a>),
    Assign {
        target: Target<'a>,
        value: &'a Expr<'a>,
        pos: Pos,
    },
    CompoundAssign {
        target: Target<'a>,
        op: BinOp,
        value: &'a Expr<'a>,
        pos: Pos,
    },
    LogicalAssign {
        target: Target<'a>,
        op: LogicOp,
        value: &'a Expr<'a>,
        pos: Pos,
    },
    Update {
        target: Target<'a>,
        delta: f64,
        prefix: bool,
        pos: Pos,
    },
    Unary(UnOp, &'a Expr<'a>, Pos),
    TypeofVar(&'a Var),
    Delete {
        obj: &'a Expr<'a>,
        key: Key<'a>,
        pos: Pos,
    },
    Binary(BinOp, &'a Expr<'a>, &'a Expr<'a>, Pos),
    Logical(LogicOp, &'a Expr<'a>, &'a Expr<'a>),
    Cond(&'a Expr<'a>, &'a Expr<'a>, &'a Expr<'a>),
    Seq(&'a [&'a Expr<'a>]),
}

/// Bindings a scope initializes on entry.
#[derive(Debug)]
pub enum Init<'a> {
    /// `let`/`const`/`class`: the hole until the declaration runs.
    Hole(&'a Var),
    /// `var`: `undefined`.
    Undefined(&'a Var),
    /// A hoisted function declaration.
    Function(&'a Var, FuncId),
}

/// A block scope: its bindings and, when some are captured, its heap context.
#[derive(Debug)]
pub struct Block<'a> {
    pub scope: ScopeId,
    pub inits: &'a [Init<'a>],
    pub body: &'a [Stmt<'a>],
}

#[derive(Debug)]
pub struct Catch<'a> {
    pub param: Option<&'a Pattern<'a>>,
    pub body: &'a Block<'a>,
    pub scope: ScopeId,
}

#[derive(Debug)]
pub struct Case<'a> {
    pub test: Option<&'a Expr<'a>>,
    pub body: &'a [Stmt<'a>],
}

#[derive(Debug)]
pub enum Stmt<'a> {
    Expr(&'a Expr<'a>),
    /// A binding declaration with its initial value (`let x = 1`, `const {a} = o`).
    Bind(&'a Pattern<'a>, &'a Expr<'a>),
    If(&'a Expr<'a>, &'a Stmt<'a>, Option<&'a Stmt<'a>>),
    Block(&'a Block<'a>),
    While {
        test: &'a Expr<'a>,
        body: &'a Stmt<'a>,
        labels: &'a [Name],
    },
    DoWhile {
        test: &'a Expr<'a>,
        body: &'a Stmt<'a>,
        labels: &'a [Name],
    },
    For {
        scope: ScopeId,
        inits: &'a [Init<'a>],
        init: Option<&'a Stmt<'a>>,
        test: Option<&'a Expr<'a>>,
        update: Option<&'a Expr<'a>>,
        body: &'a Stmt<'a>,
        labels: &'a [Name],
    },
    ForOf {
        scope: ScopeId,
        inits: &'a [Init<'a>],
        target: &'a Pattern<'a>,
        iterable: &'a Expr<'a>,
        body: &'a Stmt<'a>,
        keys: bool,
        labels: &'a [Name],
        pos: Pos,
    },
    Switch {
        scope: ScopeId,
        inits: &'a [Init<'a>],
        value: &'a Expr<'a>,
        cases: &'a [Case<'a>],
        labels: &'a [Name],
    },
    Labeled(&'a [Name], &'a Stmt<'a>),
    Return(Option<&'a Expr<'a>>),
    Break(Option<Name>),
    Continue(Option<Name>),
    Throw(&'a Expr<'a>, Pos),
    Try {
        block: &'a Block<'a>,
        catch: Option<&'a Catch<'a>>,
        finally: Option<&'a Block<'a>>,
    },
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuncKind {
    Normal,
    Arrow,
    Method,
    /// A class constructor (`derived`: its class `extends` another).
    ClassCtor {
        derived: bool,
    },
}

#[derive(Debug)]
pub struct Param<'a> {
    pub pattern: &'a Pattern<'a>,
    /// A plain identifier parameter without a default binds directly.
    pub simple: Option<&'a Var>,
}

/// One function literal: what its `SharedFunctionInfo` describes, plus its lowered body.
#[derive(Debug)]
pub struct FuncLit<'a> {
    pub name: &'a str,
    pub kind: FuncKind,
    pub pos: Pos,
    pub line: u32,
    pub column: u32,
    pub scope: ScopeId,
    pub params: &'a [Param<'a>],
    pub rest: Option<&'a Pattern<'a>>,
    pub inits: &'a [Init<'a>],
    pub body: &'a [Stmt<'a>],
    /// An arrow function's expression body.
    pub expr_body: Option<&'a Expr<'a>>,
    /// Where the function keeps `this`, `new.target`, `arguments` and its own name (named
    /// function expressions), when used.
    pub this_var: Option<&'a Var>,
    pub new_target_var: Option<&'a Var>,
    pub arguments_var: Option<&'a Var>,
    pub self_var: Option<&'a Var>,
    /// Registers of a frame, set by scope resolution.
    pub registers: &'a Cell<u32>,
    /// Expected in-object properties of instances (`this.x = …` in the constructor).
    pub this_properties: u32,
}
