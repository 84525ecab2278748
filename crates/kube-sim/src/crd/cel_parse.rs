//! CEL lexer and recursive-descent parser (cel-spec grammar, macros
//! expanded into comprehension nodes).

use std::rc::Rc;

use super::cel::Val;
use super::cel_lex::{lex, Tok};
pub(crate) use super::cel_lex::{Expr, Macro, SynErr, E};

/// Maximum expression nesting accepted by the parser.
const MAX_NESTING: usize = 150;

/// Words CEL reserves; field names equal to them are escaped in expressions.
pub(super) const RESERVED: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

pub(crate) struct Parser {
    toks: Vec<(Tok, usize)>,
    i: usize,
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Eof => "<EOF>".to_string(),
        Tok::Ident(s) => s.clone(),
        Tok::Punct(p) => (*p).to_string(),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Int(i) => i.to_string(),
        Tok::BigInt(u) | Tok::Uint(u) => u.to_string(),
        Tok::Double(d) => d.to_string(),
        Tok::Bytes(_) => "bytes".to_string(),
    }
}

pub(crate) fn parse(src: &str) -> Result<E, SynErr> {
    let mut p = Parser {
        toks: lex(src)?,
        i: 0,
        depth: 0,
    };
    let e = p.expr()?;
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.unexpected("<EOF>"));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.i).map_or(&Tok::Eof, |t| &t.0)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(0, |t| t.1)
    }

    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks.get(self.i).cloned().unwrap_or((Tok::Eof, 0));
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        let hit = self.is(p);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn unexpected(&self, expecting: &str) -> SynErr {
        SynErr {
            msg: format!(
                "Syntax error: mismatched input '{}' expecting {expecting}",
                describe(self.peek())
            ),
            pos: self.pos(),
        }
    }

    fn expect(&mut self, p: &str) -> Result<(), SynErr> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{p}'")))
        }
    }

    fn enter(&mut self) -> Result<(), SynErr> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(SynErr {
                msg: format!("expression recursion limit exceeded: {MAX_NESTING}"),
                pos: self.pos(),
            });
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<E, SynErr> {
        self.enter()?;
        let cond = self.binary(0)?;
        let result = if self.is("?") {
            let pos = self.pos();
            self.next();
            let a = self.binary(0)?;
            self.expect(":")?;
            let b = self.expr()?;
            Ok(E::new(
                Expr::Call(None, "_?_:_".into(), vec![cond, a, b]),
                pos,
            ))
        } else {
            Ok(cond)
        };
        self.depth -= 1;
        result
    }

    /// Binary operators by precedence climbing; levels: `||`, `&&`,
    /// relations, additive, multiplicative (all left-associative).
    fn binary(&mut self, min_level: usize) -> Result<E, SynErr> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["<", "<=", ">", ">=", "==", "!=", "in"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        let mut lhs = self.unary()?;
        // a left-associative chain nests one level per operator
        let entered = self.depth;
        loop {
            let found = match self.peek() {
                Tok::Punct(p) => LEVELS.iter().position(|l| l.contains(p)).map(|l| (l, *p)),
                Tok::Ident(s) if s == "in" => Some((2, "in")),
                _ => None,
            };
            let Some((level, op)) = found.filter(|(l, _)| *l >= min_level) else {
                break;
            };
            let pos = self.pos();
            self.next();
            self.enter()?;
            let rhs = self.binary(level + 1)?;
            let name = if op == "in" {
                "@in".to_string()
            } else {
                format!("_{op}_")
            };
            lhs = E::new(Expr::Call(None, name, vec![lhs, rhs]), pos);
        }
        self.depth = entered;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<E, SynErr> {
        let pos = self.pos();
        if self.eat("!") {
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(E::new(Expr::Call(None, "!_".into(), vec![e]), pos));
        }
        if self.eat("-") {
            match self.peek().clone() {
                Tok::Int(v) if !self.member_follows() => {
                    self.next();
                    return Ok(E::new(Expr::Lit(Val::Int(-v)), pos));
                }
                Tok::BigInt(v) if v == 1u64 << 63 => {
                    self.next();
                    return Ok(E::new(Expr::Lit(Val::Int(i64::MIN)), pos));
                }
                _ => {}
            }
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(E::new(Expr::Call(None, "-_".into(), vec![e]), pos));
        }
        self.member()
    }

    /// Whether the token after the current one continues a member chain.
    fn member_follows(&self) -> bool {
        matches!(self.toks.get(self.i + 1), Some((Tok::Punct("." | "["), _)))
    }

    fn member(&mut self) -> Result<E, SynErr> {
        let mut e = self.primary()?;
        // every selection/index/call nests the expression one level deeper
        let entered = self.depth;
        loop {
            let pos = self.pos();
            if self.eat(".") {
                self.enter()?;
                let (tok, _) = self.next();
                let Tok::Ident(name) = tok else {
                    self.i -= 1;
                    return Err(self.unexpected("IDENTIFIER"));
                };
                if self.eat("(") {
                    let args = self.args(")")?;
                    e = super::cel_lex::expand_member(e, name, args, pos)?;
                } else {
                    e = E::new(Expr::Select(Box::new(e), name, false), pos);
                }
            } else if self.eat("[") {
                self.enter()?;
                let idx = self.expr()?;
                self.expect("]")?;
                e = E::new(Expr::Call(None, "_[_]".into(), vec![e, idx]), pos);
            } else {
                self.depth = entered;
                return Ok(e);
            }
        }
    }

    fn args(&mut self, close: &str) -> Result<Vec<E>, SynErr> {
        let mut args = Vec::new();
        if self.eat(close) {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat(close) {
                return Ok(args);
            }
            self.expect(",")?;
            if self.eat(close) {
                return Ok(args);
            }
        }
    }

    fn primary(&mut self) -> Result<E, SynErr> {
        let (tok, pos) = self.next();
        let lit = |v: Val| Ok(E::new(Expr::Lit(v), pos));
        match tok {
            Tok::Int(v) => lit(Val::Int(v)),
            Tok::BigInt(_) => Err(SynErr {
                msg: "invalid int literal".into(),
                pos,
            }),
            Tok::Uint(v) => lit(Val::Uint(v)),
            Tok::Double(v) => lit(Val::Double(v)),
            Tok::Str(s) => lit(Val::Str(Rc::from(s.as_str()))),
            Tok::Bytes(b) => lit(Val::Bytes(Rc::from(b.as_slice()))),
            Tok::Ident(name) => self.ident(name, pos),
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Punct("[") => {
                let items = self.args("]")?;
                Ok(E::new(Expr::List(items), pos))
            }
            Tok::Punct("{") => {
                let mut entries = Vec::new();
                if !self.eat("}") {
                    loop {
                        let k = self.expr()?;
                        self.expect(":")?;
                        let v = self.expr()?;
                        entries.push((k, v));
                        if self.eat("}") {
                            break;
                        }
                        self.expect(",")?;
                        if self.eat("}") {
                            break;
                        }
                    }
                }
                Ok(E::new(Expr::Map(entries), pos))
            }
            Tok::Punct(".") => match self.next() {
                (Tok::Ident(name), p) => self.ident(name, p),
                _ => {
                    self.i -= 1;
                    Err(self.unexpected("IDENTIFIER"))
                }
            },
            _ => {
                self.i -= 1;
                Err(self.unexpected("an expression"))
            }
        }
    }

    fn ident(&mut self, name: String, pos: usize) -> Result<E, SynErr> {
        match name.as_str() {
            "true" => return Ok(E::new(Expr::Lit(Val::Bool(true)), pos)),
            "false" => return Ok(E::new(Expr::Lit(Val::Bool(false)), pos)),
            "null" => return Ok(E::new(Expr::Lit(Val::Null), pos)),
            n if RESERVED.contains(&n) || n == "in" => {
                return Err(SynErr {
                    msg: format!("reserved identifier: {n}"),
                    pos,
                });
            }
            _ => {}
        }
        if !self.eat("(") {
            return Ok(E::new(Expr::Ident(name), pos));
        }
        let mut args = self.args(")")?;
        if name == "has" {
            return match (args.len(), args.pop()) {
                (
                    1,
                    Some(E {
                        expr: Expr::Select(operand, field, _),
                        pos: p,
                    }),
                ) => Ok(E::new(Expr::Select(operand, field, true), p)),
                (_, arg) => Err(SynErr {
                    msg: "invalid argument to has() macro".into(),
                    pos: arg.map_or(pos, |a| a.pos),
                }),
            };
        }
        Ok(E::new(Expr::Call(None, name, args), pos))
    }
}
