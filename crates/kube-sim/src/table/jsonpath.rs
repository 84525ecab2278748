//! The subset of Kubernetes JSONPath (client-go `util/jsonpath`) that CRD printer columns
//! use: `.field`, `['field']`, `[n]` (negative from the end), `[a:b:c]`, `[*]` / `.*`,
//! `..field`, unions `[0,1]` / `['a','b']`, and filters `[?(@.type=="Ready")]` with
//! `== != < <= > >=` or a bare `@.path` (exists). Missing keys yield no result.

use std::cmp::Ordering;

use serde_json::Value;

/// A parsed JSONPath expression.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

/// Why a JSONPath expression could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognized JSONPath {path:?}: {reason}")]
pub struct JsonPathError {
    path: String,
    reason: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Keys(Vec<String>),
    Wildcard,
    Recursive(Option<String>),
    Indexes(Vec<i64>),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Filter(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Current(Vec<Segment>),
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    left: Operand,
    /// `None`: the bare form, true when the left side exists.
    compare: Option<(String, Operand)>,
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl JsonPath {
    /// Parses an expression such as `.status.conditions[?(@.type=="Ready")].status`; an
    /// optional `{...}` wrapper and leading `$` are accepted.
    pub fn parse(expr: &str) -> Result<Self, JsonPathError> {
        let trimmed = expr.trim();
        let inner = trimmed
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .unwrap_or(trimmed);
        let inner = inner.strip_prefix('$').unwrap_or(inner);
        let mut parser = Parser {
            src: expr,
            chars: inner.chars().collect(),
            pos: 0,
        };
        let segments = parser.segments(false)?;
        if parser.pos != parser.chars.len() {
            return Err(parser.error("unexpected character"));
        }
        Ok(Self { segments })
    }

    /// All values the path selects, in document order.
    pub fn find<'v>(&self, root: &'v Value) -> Vec<&'v Value> {
        eval(&self.segments, vec![root])
    }
}

impl Parser<'_> {
    fn error(&self, reason: &str) -> JsonPathError {
        JsonPathError {
            path: self.src.to_owned(),
            reason: format!("{reason} at {}", self.pos),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Segments up to the end, or (inside a filter) up to an operator, space or `)`.
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Segment>, JsonPathError> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                '.' if self.chars.get(self.pos + 1) == Some(&'.') => {
                    self.pos += 2;
                    let name = self.name();
                    out.push(Segment::Recursive(
                        (name != "*" && !name.is_empty()).then_some(name),
                    ));
                }
                '.' => {
                    self.pos += 1;
                    if self.eat('*') {
                        out.push(Segment::Wildcard);
                    } else if !matches!(self.peek(), Some('[') | None) {
                        let name = self.name();
                        if name.is_empty() {
                            return Err(self.error("empty field name"));
                        }
                        out.push(Segment::Keys(vec![name]));
                    }
                }
                '[' => {
                    self.pos += 1;
                    out.push(self.bracket()?);
                }
                _ if in_filter => break,
                _ => return Err(self.error("expected '.' or '['")),
            }
        }
        Ok(out)
    }

    /// A field name; `\` escapes the next character.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' {
                if let Some(&next) = self.chars.get(self.pos + 1) {
                    name.push(next);
                    self.pos += 2;
                    continue;
                }
            }
            if matches!(
                c,
                '.' | '[' | ']' | '(' | ')' | '=' | '!' | '<' | '>' | ',' | ' '
            ) {
                break;
            }
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn quoted(&mut self) -> Result<String, JsonPathError> {
        let Some(quote) = self.peek().filter(|q| *q == '\'' || *q == '"') else {
            return Err(self.error("expected a quote"));
        };
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') if self.chars.get(self.pos + 1).is_some() => {
                    out.push(self.chars[self.pos + 1]);
                    self.pos += 2;
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Option<i64> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        text.parse().ok()
    }

    /// The inside of `[...]`, the `[` already consumed.
    fn bracket(&mut self) -> Result<Segment, JsonPathError> {
        self.skip_spaces();
        let segment = match self.peek() {
            Some('*') => {
                self.pos += 1;
                Segment::Wildcard
            }
            Some('?') => {
                self.pos += 1;
                if !self.eat('(') {
                    return Err(self.error("expected '(' after '?'"));
                }
                let filter = self.filter()?;
                if !self.eat(')') {
                    return Err(self.error("expected ')'"));
                }
                Segment::Filter(Box::new(filter))
            }
            Some('\'' | '"') => {
                let mut keys = vec![self.quoted()?];
                while self.eat(',') {
                    self.skip_spaces();
                    keys.push(self.quoted()?);
                }
                Segment::Keys(keys)
            }
            _ => self.indexes()?,
        };
        self.skip_spaces();
        if !self.eat(']') {
            return Err(self.error("expected ']'"));
        }
        Ok(segment)
    }

    fn indexes(&mut self) -> Result<Segment, JsonPathError> {
        let first = self.number();
        if self.eat(':') {
            let end = self.number();
            let step = if self.eat(':') { self.number() } else { None };
            return Ok(Segment::Slice(first, end, step));
        }
        let mut list = vec![first.ok_or_else(|| self.error("expected an index"))?];
        while self.eat(',') {
            self.skip_spaces();
            list.push(
                self.number()
                    .ok_or_else(|| self.error("expected an index"))?,
            );
        }
        Ok(Segment::Indexes(list))
    }

    fn operand(&mut self) -> Result<Operand, JsonPathError> {
        self.skip_spaces();
        match self.peek() {
            Some('@') => {
                self.pos += 1;
                Ok(Operand::Current(self.segments(true)?))
            }
            Some('\'' | '"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            _ => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                serde_json::from_str::<Value>(&text)
                    .ok()
                    .filter(|v| v.is_number() || v.is_boolean())
                    .map(Operand::Literal)
                    .ok_or_else(|| self.error("expected '@', a string, a number or a boolean"))
            }
        }
    }

    fn filter(&mut self) -> Result<Filter, JsonPathError> {
        let left = self.operand()?;
        self.skip_spaces();
        let mut compare = None;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            let matched = op
                .chars()
                .enumerate()
                .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c));
            if matched {
                self.pos += op.len();
                compare = Some((op.to_owned(), self.operand()?));
                break;
            }
        }
        self.skip_spaces();
        Ok(Filter { left, compare })
    }
}

fn eval<'v>(segments: &[Segment], mut values: Vec<&'v Value>) -> Vec<&'v Value> {
    for segment in segments {
        values = values.into_iter().flat_map(|v| step(segment, v)).collect();
    }
    values
}

fn step<'v>(segment: &Segment, value: &'v Value) -> Vec<&'v Value> {
    match (segment, value) {
        (Segment::Keys(keys), Value::Object(map)) => {
            keys.iter().filter_map(|k| map.get(k)).collect()
        }
        (Segment::Wildcard, Value::Object(map)) => map.values().collect(),
        (Segment::Wildcard, Value::Array(items)) => items.iter().collect(),
        (Segment::Recursive(name), _) => {
            let mut out = Vec::new();
            descend(name.as_deref(), value, &mut out);
            out
        }
        (Segment::Indexes(list), Value::Array(items)) => list
            .iter()
            .filter_map(|&i| {
                let i = if i < 0 { i + items.len() as i64 } else { i };
                usize::try_from(i).ok().and_then(|i| items.get(i))
            })
            .collect(),
        (Segment::Slice(start, end, step), Value::Array(items)) => {
            slice(items, *start, *end, *step)
        }
        (Segment::Filter(filter), Value::Array(items)) => {
            items.iter().filter(|item| filter.matches(item)).collect()
        }
        _ => Vec::new(),
    }
}

fn descend<'v>(name: Option<&str>, value: &'v Value, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            match name {
                Some(name) => out.extend(map.get(name)),
                None => out.extend(map.values()),
            }
            map.values().for_each(|v| descend(name, v, out));
        }
        Value::Array(items) => {
            if name.is_none() {
                out.extend(items.iter());
            }
            items.iter().for_each(|v| descend(name, v, out));
        }
        _ => {}
    }
}

fn slice(items: &[Value], start: Option<i64>, end: Option<i64>, step: Option<i64>) -> Vec<&Value> {
    let len = items.len() as i64;
    let clamp = |i: i64| if i < 0 { (i + len).max(0) } else { i.min(len) };
    let (start, end) = (clamp(start.unwrap_or(0)), clamp(end.unwrap_or(len)));
    let step = step.filter(|s| *s > 0).unwrap_or(1);
    (start..end)
        .step_by(step as usize)
        .filter_map(|i| items.get(i as usize))
        .collect()
}

impl Filter {
    fn operand<'v>(operand: &'v Operand, item: &'v Value) -> Option<&'v Value> {
        match operand {
            Operand::Current(path) => eval(path, vec![item]).first().copied(),
            Operand::Literal(v) => Some(v),
        }
    }

    fn matches(&self, item: &Value) -> bool {
        let Some(left) = Self::operand(&self.left, item) else {
            return false;
        };
        let Some((op, right)) = &self.compare else {
            return true;
        };
        let Some(right) = Self::operand(right, item) else {
            return false;
        };
        let ordering = match (left, right) {
            (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) if op == "==" || op == "!=" => Some(a.cmp(b)),
            _ => None,
        };
        match (op.as_str(), ordering) {
            ("==", Some(o)) => o == Ordering::Equal,
            ("!=", Some(o)) => o != Ordering::Equal,
            ("<", Some(o)) => o == Ordering::Less,
            ("<=", Some(o)) => o != Ordering::Greater,
            (">", Some(o)) => o == Ordering::Greater,
            (">=", Some(o)) => o != Ordering::Less,
            _ => false,
        }
    }
}
