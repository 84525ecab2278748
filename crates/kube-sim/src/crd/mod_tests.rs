use serde_json::json;

use super::fielderr::{go_float_v, go_quote, go_value};
use super::*;
use crate::apply::gofmt::go_float_json;

fn cause(field: &str, message: &str) -> Cause {
    Cause {
        reason: "FieldValueInvalid".into(),
        message: message.into(),
        field: field.into(),
    }
}

#[test]
fn invalid_message_shapes() {
    let a = cause("spec.a", "Required value");
    let b = cause("spec.b", r#"Invalid value: "q": msg"#);
    let cases = vec![
        (vec![], r#"W.g "n" is invalid"#),
        (
            vec![a.clone()],
            r#"W.g "n" is invalid: spec.a: Required value"#,
        ),
        (
            vec![a.clone(), b.clone()],
            r#"W.g "n" is invalid: [spec.a: Required value, spec.b: Invalid value: "q": msg]"#,
        ),
        (
            vec![a.clone(), a.clone()],
            r#"W.g "n" is invalid: spec.a: Required value"#,
        ),
    ];
    for (causes, want) in cases {
        assert_eq!(invalid_message("W.g", "n", &causes), want);
    }
    assert_eq!(
        invalid_message("ConfigMap", "we\"ird", &[]),
        r#"ConfigMap "we\"ird" is invalid"#
    );
}

#[test]
fn go_rendering() {
    let values = vec![
        (json!("abc"), r#""abc""#),
        (json!("a\"b\n\u{1}"), r#""a\"b\n\x01""#),
        (json!(-1), "-1"),
        (json!(1.5), "1.5"),
        (json!(1e6), "1e+06"),
        (json!(123456.0), "123456"),
        (json!(0.00001), "1e-05"),
        (json!(true), "true"),
        (json!(null), "null"),
        (
            json!({"b": [1, 2.5], "a": "<&>"}),
            r#"{"a":"\u003c\u0026\u003e","b":[1,2.5]}"#,
        ),
    ];
    for (v, want) in values {
        assert_eq!(go_value(&v), want, "{v}");
    }
    assert_eq!(go_float_v(0.0), "0");
    assert_eq!(go_float_v(-2.25), "-2.25");
    assert_eq!(go_float_json(1e21), "1e+21");
    assert_eq!(go_float_json(1e-7), "1e-7");
    assert_eq!(go_float_json(100.0), "100");
    assert_eq!(go_quote("é"), r#""é""#);
}
