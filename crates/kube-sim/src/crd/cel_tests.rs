use serde_json::{json, Value};

use super::*;

fn schema() -> Value {
    json!({"type": "object", "properties": {
        "name": {"type": "string"}, "n": {"type": "integer"}, "d": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "ref": {"type": "object", "properties": {"name": {"type": "string"}}},
        "x-y": {"type": "string"}, "any": {"x-kubernetes-int-or-string": true}
    }})
}

fn data() -> Value {
    json!({"name": "web", "n": 3, "d": 1.5, "tags": ["a", "b"], "labels": {"app": "x"}, "ref": {}, "x-y": "dash", "any": "50%"})
}

fn eval(src: &str) -> Result<Val, String> {
    let s = schema();
    let p = Program::compile(src, Some(&s), false, Expect::Bool).map_err(|e| e.detail)?;
    p.eval(&data(), Some(&s)).map_err(|e| e.to_string())
}

#[test]
fn evaluates() {
    let cases: Vec<(&str, Result<bool, &str>)> = vec![
        ("self.name == 'web'", Ok(true)),
        ("self.name == \"web\" && self.n == 3", Ok(true)),
        ("has(self.ref) && !has(self.ref.name)", Ok(true)),
        ("has(self.labels.app) && !has(self.labels.nope)", Ok(true)),
        ("self.ref.name == 'x'", Err("no such key: name")),
        ("false && self.ref.name == 'x'", Ok(false)),
        ("self.ref.name == 'x' && false", Ok(false)),
        ("self.ref.name == 'x' || true", Ok(true)),
        ("self.ref.name == 'x' || false", Err("no such key: name")),
        ("self.n > 2 && self.n >= 3 && self.n < 4 && self.n <= 3 && self.n != 4", Ok(true)),
        ("self.d > 1 && self.d == 1.5 && 1 == 1.0 && 2u > 1", Ok(true)),
        ("self.tags.size() == 2 && size(self.name) == 3 && 'a' in self.tags && 'app' in self.labels", Ok(true)),
        ("(self.n == 3 ? 'yes' : 'no') == 'yes'", Ok(true)),
        ("self.tags.all(t, t.size() == 1) && self.tags.exists(t, t == 'b') && self.tags.exists_one(t, t == 'a')", Ok(true)),
        ("self.tags.map(t, t + '!') == ['a!', 'b!'] && self.tags.filter(t, t != 'a') == ['b']", Ok(true)),
        ("self.labels.all(k, k.startsWith('a')) && self.labels['app'] == 'x'", Ok(true)),
        ("self.name.matches('^w.b$') && self.name.contains('e') && self.name.endsWith('b')", Ok(true)),
        ("self.x__dash__y == 'dash'", Ok(true)),
        ("type(self.any) == string && int('7') + 1 == 8 && string(self.n) == '3'", Ok(true)),
        ("self.n + 9223372036854775807 > 0", Err("integer overflow")),
        ("self.n / 0 == 1", Err("division by zero")),
        ("self.tags[5] == 'a'", Err("index out of bounds: 5")),
        ("self.any > 5", Err("no such overload")),
        ("'a\\'b' == \"a'b\" && r'\\d' == '\\\\d' && '''x''' == 'x' && '\\u00e9' == 'é'", Ok(true)),
        ("[1, 2] + [3] == [1, 2, 3] && {'a': 1}['a'] == 1 && -self.n == -3 && 7 % 4 == 3", Ok(true)),
        ("self.name.lowerAscii() == 'web' && self.name.upperAscii() == 'WEB' && 'a,b'.split(',') == self.tags", Ok(true)),
        ("self.tags.join('-') == 'a-b' && 'abc'.substring(1) == 'bc' && 'abc'.indexOf('c') == 2", Ok(true)),
    ];
    for (src, want) in cases {
        let got = eval(src).map(|v| matches!(v, Val::Bool(true)));
        assert_eq!(got, want.map_err(String::from), "{src}");
    }
}

#[test]
fn compile_errors() {
    let cases = vec![
        ("self.nope == 'x'", "compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 'x'\n | ....^"),
        ("has(self.nope)", "compilation failed: ERROR: <input>:1:9: undefined field 'nope'\n | has(self.nope)\n | ........^"),
        ("self.name ==", "compilation failed: ERROR: <input>:1:13: Syntax error: mismatched input '<EOF>' expecting an expression\n | self.name ==\n | ............^"),
        ("self.name", "cel expression must evaluate to a bool"),
        ("self.name == 1", "compilation failed: ERROR: <input>:1:11: found no matching overload for '_==_' applied to '(string, int)'\n | self.name == 1\n | ..........^"),
        ("foo(self)", "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo(self)\n | ^"),
        ("has(self)", "compilation failed: ERROR: <input>:1:5: invalid argument to has() macro\n | has(self)\n | ....^"),
        ("self.name == 'x' #", "compilation failed: ERROR: <input>:1:18: Syntax error: token recognition error at: '#'\n | self.name == 'x' #\n | .................^"),
        ("self.ref.name == self.n", "compilation failed: ERROR: <input>:1:15: found no matching overload for '_==_' applied to '(string, int)'\n | self.ref.name == self.n\n | ..............^"),
    ];
    let s = schema();
    for (src, want) in cases {
        let err = Program::compile(src, Some(&s), false, Expect::Bool)
            .map(|_| ())
            .map_err(|e| e.detail);
        assert_eq!(err, Err(want.to_string()), "{src}");
    }
    let deep = format!("{}true{}", "(".repeat(300), ")".repeat(300));
    let err = Program::compile(&deep, None, false, Expect::Bool)
        .map(|_| ())
        .map_err(|e| e.detail);
    assert!(err.is_err_and(|e| e.contains("recursion limit")));
}

#[test]
fn resource_root_and_escaping() {
    let s = json!({"type": "object", "properties": {"metadata": {"type": "object"}, "spec": {"type": "object"}}});
    let obj = json!({"apiVersion": "v1", "kind": "K", "metadata": {"name": "n", "labels": {"a": "b"}}, "spec": {}});
    let ok = Program::compile(
        "self.metadata.name == 'n' && self.kind == 'K'",
        Some(&s),
        true,
        Expect::Bool,
    );
    assert!(ok.is_ok_and(|p| p.eval_bool(&obj, Some(&s)) == Ok(true)));
    let labels = Program::compile("has(self.metadata.labels)", Some(&s), true, Expect::Bool);
    assert!(labels.is_err_and(|e| e.detail.contains("undefined field 'labels'")));
    assert_eq!(
        escape_property("x-y.z/w__v").as_deref(),
        Some("x__dash__y__dot__z__slash__w__underscores__v")
    );
    assert_eq!(
        escape_property("namespace").as_deref(),
        Some("__namespace__")
    );
    assert_eq!(escape_property("1a"), None);
    assert_eq!(unescape_ident("__namespace__"), "namespace");
    assert_eq!(unescape_ident("x__dash__y"), "x-y");
}

#[test]
fn never_panics_on_garbage() {
    let inputs = [
        "",
        "(",
        ")",
        "[",
        "{",
        "'",
        "\"",
        "'''",
        "r'",
        "1u2",
        "0x",
        "9223372036854775808",
        "-9223372036854775808 < 0",
        "a.b.c(",
        "self..x",
        "self.[0]",
        "!!!!!",
        "- - -1 == 1",
        "{1:2,}",
        "[1,2,][0] == 1",
        "self.all(x,",
        "\\",
        "é",
        "1e400 > 1",
    ];
    for src in inputs {
        if let Ok(p) = Program::compile(src, None, false, Expect::Bool) {
            let _ = p.eval(&json!({"a": [1]}), None);
        }
    }
    let p = Program::compile("[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, true))))))", None, false, Expect::Bool);
    assert!(p.is_ok_and(|p| p.eval(&json!(null), None) == Err(EvalError::CostLimit)));
}

#[test]
fn nesting_is_bounded() {
    let ok = format!("{}true{}", "(".repeat(140), ")".repeat(140));
    let p = Program::compile(&ok, None, false, Expect::Bool);
    assert!(p.is_ok_and(|p| p.eval_bool(&json!(null), None) == Ok(true)));
    let chain = vec!["false"; 120].join(" || ") + " || true";
    let p = Program::compile(&chain, None, false, Expect::Bool);
    assert!(p.is_ok_and(|p| p.eval_bool(&json!(null), None) == Ok(true)));
    for src in [
        vec!["1"; 5000].join(" + ") + " == 1",
        format!("self{} == 1", ".a".repeat(5000)),
        format!("{}true", "!".repeat(5000)),
        format!("{}1 == 1", "-".repeat(5000)),
        format!("{}1{} == 1", "[".repeat(5000), "]".repeat(5000)),
        format!("self{} == 1", "[0]".repeat(5000)),
    ] {
        let err = Program::compile(&src, None, false, Expect::Bool)
            .map(|_| ())
            .map_err(|e| e.detail);
        assert!(
            err.is_err_and(|e| e.contains("recursion limit exceeded")),
            "{}",
            &src[..20]
        );
    }
}

#[test]
fn library_functions_are_skipped_not_rejected() {
    let s = schema();
    for src in [
        "isURL(self.name)",
        "sets.contains(self.tags, ['a'])",
        "quantity(self.name).isInteger()",
        "self.name.find('w') == 'w'",
    ] {
        let p = Program::compile(src, Some(&s), false, Expect::Bool);
        let got = p.map(|p| p.eval(&data(), Some(&s))).map_err(|e| e.detail);
        assert!(
            matches!(got, Ok(Err(EvalError::Unsupported(_)))),
            "{src}: {got:?}"
        );
    }
    let err = Program::compile("nosuch.fn(self)", Some(&s), false, Expect::Bool)
        .map(|_| ())
        .map_err(|e| e.detail);
    assert!(err.is_err_and(|e| e.contains("undeclared reference to 'nosuch'")));
}
