//! Kubernetes label selectors: parsing, matching and validation.
//!
//! `--watch-label-selector` shards objects between controller instances the way Flux does
//! (e.g. `sharding.fluxcd.io/key notin (shard1, shard2)`). The selector is validated here
//! at start-up so a typo fails fast, and handed to the API server's watch; [`Selector::matches`]
//! lets code check objects locally with the same semantics.

use std::collections::BTreeMap;
use std::fmt;

/// A parse failure, naming the offending selector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid label selector {selector:?}: {reason}")]
pub struct SelectorError {
    pub selector: String,
    pub reason: String,
}

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// Parses the Kubernetes selector syntax.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let err = |reason: &str| SelectorError {
            selector: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut requirements = Vec::new();
        for part in split_top_level(text).map_err(|r| err(&r))? {
            let part = part.trim();
            if part.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err(err("empty requirement"));
            }
            requirements.push(parse_requirement(part).map_err(|r| err(&r))?);
        }
        Ok(Selector { requirements })
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match r {
                Requirement::Equals(k, v) => format!("{k}={v}"),
                Requirement::NotEquals(k, v) => format!("{k}!={v}"),
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// Splits on commas outside parentheses.
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unbalanced ')'".into());
                }
            }
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced '('".into());
    }
    parts.push(&text[start..]);
    Ok(parts)
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key_of(key.trim())?));
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(
            key_of(k.trim())?,
            value_of(v.trim())?,
        ));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key_of(k.trim())?, value_of(v.trim())?));
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let key = key_of(words[0])?;
        let rest = words[1].trim_start();
        let (op, list) = if let Some(l) = rest.strip_prefix("notin") {
            ("notin", l)
        } else if let Some(l) = rest.strip_prefix("in") {
            ("in", l)
        } else {
            return Err(format!("unknown operator in {part:?}"));
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(|| format!("expected a parenthesised list after {op}"))?;
        let values = inner
            .split(',')
            .map(|v| value_of(v.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        if values.iter().all(String::is_empty) {
            return Err(format!("{op} needs at least one value"));
        }
        return Ok(if op == "in" {
            Requirement::In(key, values)
        } else {
            Requirement::NotIn(key, values)
        });
    }
    Ok(Requirement::Exists(key_of(part)?))
}

/// A qualified label key: optional DNS-subdomain prefix and `/`, then a name of ≤ 63 chars.
fn key_of(key: &str) -> Result<String, String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if !ok {
            return Err(format!("invalid label key prefix {p:?}"));
        }
    }
    if !is_label_name(name) || name.is_empty() {
        return Err(format!("invalid label key {key:?}"));
    }
    Ok(key.to_owned())
}

fn value_of(v: &str) -> Result<String, String> {
    if v.is_empty() || is_label_name(v) {
        Ok(v.to_owned())
    } else {
        Err(format!("invalid label value {v:?}"))
    }
}

fn is_label_name(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    s.len() <= 63
        && s.chars().all(|c| alnum(c) || matches!(c, '-' | '_' | '.'))
        && s.chars().next().is_none_or(alnum)
        && s.chars().last().is_none_or(alnum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn flux_sharding_selectors() {
        let s = Selector::parse("sharding.fluxcd.io/key notin (shard1, shard2)").unwrap();
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("sharding.fluxcd.io/key", "shard3")])));
        assert!(!s.matches(&labels(&[("sharding.fluxcd.io/key", "shard1")])));

        let s = Selector::parse("sharding.fluxcd.io/key in (shard1)").unwrap();
        assert!(s.matches(&labels(&[("sharding.fluxcd.io/key", "shard1")])));
        assert!(!s.matches(&labels(&[])));
        assert_eq!(s.to_string(), "sharding.fluxcd.io/key in (shard1)");
    }

    #[test]
    fn equality_existence_and_conjunction() {
        let s = Selector::parse("app=web,tier!=db,!legacy,team").unwrap();
        assert_eq!(s.requirements.len(), 4);
        assert!(s.matches(&labels(&[("app", "web"), ("team", "a")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("team", "a"), ("legacy", "")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("team", "a"), ("tier", "db")])));
        assert!(Selector::parse("app==web")
            .unwrap()
            .matches(&labels(&[("app", "web")])));
        assert!(Selector::parse("").unwrap().is_empty());
    }

    #[test]
    fn rejects_malformed_selectors() {
        for bad in [
            "app in shard1",
            "app in ()",
            "a,,b",
            "app=(x",
            "-bad=1",
            "app=va lue",
            "a/b/c=1",
            "key notin (x",
        ] {
            let e = Selector::parse(bad).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid label selector"),
                "{bad}: {e}"
            );
        }
    }
}
