//! CEL syntax: the AST and the lexer (tokens with source offsets).

use super::cel::Val;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Macro {
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
}

#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Lit(Val),
    Ident(String),
    /// `operand.field`; `test` marks a `has()` presence test
    Select(Box<E>, String, bool),
    /// function call: optional receiver, name, arguments. Operators are
    /// calls named like cel-go's (`_&&_`, `!_`, `_[_]`, `@in`, ...).
    Call(Option<Box<E>>, String, Vec<E>),
    List(Vec<E>),
    Map(Vec<(E, E)>),
    /// `range.macro(var, pred[, transform])`
    Comp {
        kind: Macro,
        range: Box<E>,
        var: String,
        pred: Box<E>,
        transform: Option<Box<E>>,
    },
}

/// An expression with its source offset (for error locations).
#[derive(Clone, Debug)]
pub(crate) struct E {
    pub(crate) expr: Expr,
    pub(crate) pos: usize,
}

/// A syntax error: message and source offset.
impl E {
    pub(crate) fn new(expr: Expr, pos: usize) -> E {
        E { expr, pos }
    }
}

/// Expands the comprehension macros `all`, `exists`, `exists_one`, `map`
/// and `filter`; other member calls stay calls.
pub(crate) fn expand_member(
    target: E,
    name: String,
    mut args: Vec<E>,
    pos: usize,
) -> Result<E, SynErr> {
    let kind = match name.as_str() {
        "all" => Some(Macro::All),
        "exists" => Some(Macro::Exists),
        "exists_one" => Some(Macro::ExistsOne),
        "map" => Some(Macro::Map),
        "filter" => Some(Macro::Filter),
        _ => None,
    };
    let Some(kind) = kind.filter(|k| args.len() == 2 || (*k == Macro::Map && args.len() == 3))
    else {
        return Ok(E::new(Expr::Call(Some(Box::new(target)), name, args), pos));
    };
    let Expr::Ident(var) = &args[0].expr else {
        return Err(SynErr {
            msg: "argument must be a simple name".into(),
            pos: args[0].pos,
        });
    };
    let var = var.clone();
    let transform = (args.len() == 3).then(|| args.remove(2));
    let pred = args.remove(1);
    let (pred, transform) = match (kind, transform) {
        (Macro::Map, None) => (
            E::new(Expr::Lit(Val::Bool(true)), pos),
            Some(Box::new(pred)),
        ),
        (_, t) => (pred, t.map(Box::new)),
    };
    Ok(E::new(
        Expr::Comp {
            kind,
            range: Box::new(target),
            var,
            pred: Box::new(pred),
            transform,
        },
        pos,
    ))
}

#[derive(Clone, Debug)]
pub(crate) struct SynErr {
    pub(crate) msg: String,
    pub(crate) pos: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Int(i64),
    /// an integer literal too large for int64 (only valid after unary minus)
    BigInt(u64),
    Uint(u64),
    Double(f64),
    Str(String),
    Bytes(Vec<u8>),
    Ident(String),
    Punct(&'static str),
    Eof,
}

const PUNCTS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}", ".", ",", ":", "?", "!", "-",
    "+", "*", "/", "%", "<", ">",
];

pub(crate) fn lex(src: &str) -> Result<Vec<(Tok, usize)>, SynErr> {
    let b = src.as_bytes();
    let mut out: Vec<(Tok, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        let prev_operand = matches!(
            out.last(),
            Some((Tok::Ident(_) | Tok::Punct(")" | "]" | "}"), _))
        );
        if c.is_ascii_digit()
            || (c == b'.' && !prev_operand && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let (tok, n) = lex_number(&src[i..]).map_err(|msg| SynErr { msg, pos: start })?;
            out.push((tok, start));
            i += n;
            continue;
        }
        let quote_at = match c {
            b'"' | b'\'' => Some((i, false, false)),
            b'r' | b'R' | b'b' | b'B' => {
                let (raw, bytes, skip) = string_prefix(&b[i..]);
                (skip > 0).then_some((i + skip, raw, bytes))
            }
            _ => None,
        };
        if let Some((q, raw, bytes)) = quote_at {
            let (text, n) = lex_string(&src[q..], raw).map_err(|msg| SynErr { msg, pos: start })?;
            out.push((
                if bytes {
                    Tok::Bytes(text)
                } else {
                    Tok::Str(String::from_utf8_lossy(&text).into_owned())
                },
                start,
            ));
            i = q + n;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(src[start..i].to_string()), start));
            continue;
        }
        if let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) {
            out.push((Tok::Punct(p), start));
            i += p.len();
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        return Err(SynErr {
            msg: format!("Syntax error: token recognition error at: '{ch}'"),
            pos: start,
        });
    }
    out.push((Tok::Eof, src.len()));
    Ok(out)
}

/// Recognises `r"`, `b'`, `rb"`, `br'` prefixes: (raw, bytes, prefix length).
fn string_prefix(b: &[u8]) -> (bool, bool, usize) {
    let lower: Vec<u8> = b.iter().take(3).map(u8::to_ascii_lowercase).collect();
    let is_q = |i: usize| lower.get(i).is_some_and(|c| *c == b'"' || *c == b'\'');
    match lower.as_slice() {
        [b'r', b'b', ..] | [b'b', b'r', ..] if is_q(2) => (true, true, 2),
        [b'r', ..] if is_q(1) => (true, false, 1),
        [b'b', ..] if is_q(1) => (false, true, 1),
        _ => (false, false, 0),
    }
}

fn lex_number(s: &str) -> Result<(Tok, usize), String> {
    let b = s.as_bytes();
    if b.len() > 1 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        let mut n = 2;
        while n < b.len() && b[n].is_ascii_hexdigit() {
            n += 1;
        }
        let v = u64::from_str_radix(&s[2..n], 16).map_err(|_| "invalid int literal".to_string())?;
        if n < b.len() && (b[n] == b'u' || b[n] == b'U') {
            return Ok((Tok::Uint(v), n + 1));
        }
        return Ok((i64::try_from(v).map(Tok::Int).unwrap_or(Tok::BigInt(v)), n));
    }
    let mut n = 0;
    while n < b.len() && b[n].is_ascii_digit() {
        n += 1;
    }
    let mut float = false;
    if n < b.len() && b[n] == b'.' && b.get(n + 1).is_some_and(u8::is_ascii_digit) {
        float = true;
        n += 1;
        while n < b.len() && b[n].is_ascii_digit() {
            n += 1;
        }
    }
    if n < b.len() && (b[n] == b'e' || b[n] == b'E') {
        let mut m = n + 1;
        if m < b.len() && (b[m] == b'+' || b[m] == b'-') {
            m += 1;
        }
        if m < b.len() && b[m].is_ascii_digit() {
            float = true;
            n = m;
            while n < b.len() && b[n].is_ascii_digit() {
                n += 1;
            }
        }
    }
    if float {
        let v: f64 = s[..n]
            .parse()
            .map_err(|_| "invalid double literal".to_string())?;
        return Ok((Tok::Double(v), n));
    }
    let digits = &s[..n];
    if n < b.len() && (b[n] == b'u' || b[n] == b'U') {
        let v = digits
            .parse::<u64>()
            .map_err(|_| "invalid uint literal".to_string())?;
        return Ok((Tok::Uint(v), n + 1));
    }
    match digits.parse::<i64>() {
        Ok(v) => Ok((Tok::Int(v), n)),
        Err(_) => digits
            .parse::<u64>()
            .map(|v| (Tok::BigInt(v), n))
            .map_err(|_| "invalid int literal".to_string()),
    }
}

/// Lexes a quoted string starting at the quote; returns bytes and length.
fn lex_string(s: &str, raw: bool) -> Result<(Vec<u8>, usize), String> {
    let b = s.as_bytes();
    let q = b[0];
    let triple = b.len() >= 3 && b[1] == q && b[2] == q;
    let open = if triple { 3 } else { 1 };
    let mut out = Vec::new();
    let mut i = open;
    loop {
        if i >= b.len() {
            return Err(
                "Syntax error: token recognition error at: unterminated string".to_string(),
            );
        }
        if triple && b[i] == q && b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
            return Ok((out, i + 3));
        }
        if !triple && b[i] == q {
            return Ok((out, i + 1));
        }
        if !triple && b[i] == b'\n' {
            return Err("Syntax error: token recognition error at: newline in string".to_string());
        }
        if b[i] == b'\\' && !raw {
            let (bytes, n) = unescape(&b[i..])?;
            out.extend(bytes);
            i += n;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
}

fn unescape(b: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let bad = || {
        format!(
            "Syntax error: invalid escape sequence '\\{}'",
            b.get(1).map_or('?', |c| *c as char)
        )
    };
    let c = *b.get(1).ok_or_else(bad)?;
    let simple = |v: u8| Ok((vec![v], 2));
    let hex = |n: usize| -> Result<(Vec<u8>, usize), String> {
        let digits = b.get(2..2 + n).ok_or_else(bad)?;
        let text = std::str::from_utf8(digits).map_err(|_| bad())?;
        let v = u32::from_str_radix(text, 16).map_err(|_| bad())?;
        let ch = char::from_u32(v).ok_or_else(bad)?;
        let mut buf = [0u8; 4];
        Ok((ch.encode_utf8(&mut buf).as_bytes().to_vec(), 2 + n))
    };
    match c {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' | b'\'' | b'"' | b'`' | b'?' => simple(c),
        b'x' | b'X' => {
            let digits = b.get(2..4).ok_or_else(bad)?;
            let text = std::str::from_utf8(digits).map_err(|_| bad())?;
            Ok((vec![u8::from_str_radix(text, 16).map_err(|_| bad())?], 4))
        }
        b'u' => hex(4),
        b'U' => hex(8),
        b'0'..=b'3' => {
            let digits = b.get(1..4).ok_or_else(bad)?;
            let text = std::str::from_utf8(digits).map_err(|_| bad())?;
            Ok((vec![u8::from_str_radix(text, 8).map_err(|_| bad())?], 4))
        }
        _ => Err(bad()),
    }
}
