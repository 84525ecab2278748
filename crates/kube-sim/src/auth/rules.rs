//! PolicyRule matching and ClusterRole aggregation (spec §7.4).

use serde_json::Value;

use super::attributes::RequestAttributes;
use super::util::{label_selector_matches, meta_str, str_list};

/// Whether one RBAC `PolicyRule` (JSON) allows the request.
///
/// * `verbs` contains the verb or `*`;
/// * resource requests: `apiGroups` contains the group or `*`; `resources` contains `*`,
///   the resource (`resource/subresource` for subresource requests) or `*/subresource`;
///   `resourceNames` is empty or contains the name (so unnamed `create`/`list` never match
///   a rule with resourceNames);
/// * non-resource requests: `nonResourceURLs` contains `*`, the path, or a prefix ending in
///   `*` that the path starts with.
pub fn rule_allows(attrs: &RequestAttributes, rule: &Value) -> bool {
    if !has(rule, "verbs", |v| v == "*" || v == attrs.verb) {
        return false;
    }
    if !attrs.resource_request {
        return has(rule, "nonResourceURLs", |u| {
            u == "*"
                || u == attrs.path
                || (u.ends_with('*') && attrs.path.starts_with(u.trim_end_matches('*')))
        });
    }
    let combined = attrs.combined_resource();
    let sub = attrs.subresource.as_str();
    has(rule, "apiGroups", |g| g == "*" || g == attrs.api_group)
        && has(rule, "resources", |r| {
            r == "*" || r == combined || (!sub.is_empty() && r.strip_prefix("*/") == Some(sub))
        })
        && {
            let names = str_list(rule, "resourceNames");
            names.is_empty() || names.contains(&attrs.name)
        }
}

fn has(rule: &Value, key: &str, pred: impl Fn(&str) -> bool) -> bool {
    match rule.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).any(pred),
        _ => false,
    }
}

/// The rules the aggregation controller would give `role`: `None` if it has no
/// `aggregationRule`; otherwise the de-duplicated union of the rules of every other
/// ClusterRole in `cluster_roles` (in name order) whose labels match one of the
/// `clusterRoleSelectors` — through aggregated members too, so `admin` picks up `edit`
/// which picks up `view`. A member met again while its own aggregate is still being
/// built (a selection cycle) contributes its `rules` as stored.
pub fn aggregated_rules(role: &Value, cluster_roles: &[Value]) -> Option<Vec<Value>> {
    let all: Vec<&Value> = cluster_roles.iter().collect();
    is_aggregated(role).then(|| {
        cluster_role_rules(role, &all)
            .into_iter()
            .cloned()
            .collect()
    })
}

/// The `rules` list of a Role or ClusterRole as written (non-objects skipped).
pub(crate) fn own_rules(role: &Value) -> Vec<&Value> {
    match role.get("rules") {
        Some(Value::Array(rules)) => rules.iter().filter(|r| r.is_object()).collect(),
        _ => Vec::new(),
    }
}

fn is_aggregated(role: &Value) -> bool {
    role.get("aggregationRule").is_some_and(Value::is_object)
}

/// The effective rules of a ClusterRole within `all` (aggregated or as written).
pub(crate) fn cluster_role_rules<'a>(role: &'a Value, all: &[&'a Value]) -> Vec<&'a Value> {
    if !is_aggregated(role) {
        return own_rules(role);
    }
    let mut walk = Walk {
        all,
        in_progress: Vec::new(),
        done: Vec::new(),
        out: Vec::new(),
    };
    walk.aggregate(role);
    walk.out
}

/// One aggregation: every aggregated role is expanded at most once (linear in the
/// number of roles even with cycles and diamonds).
struct Walk<'a, 'b> {
    all: &'b [&'a Value],
    in_progress: Vec<&'a str>,
    done: Vec<&'a str>,
    out: Vec<&'a Value>,
}

impl<'a> Walk<'a, '_> {
    fn push(&mut self, rules: Vec<&'a Value>) {
        for rule in rules {
            if !self.out.contains(&rule) {
                self.out.push(rule);
            }
        }
    }

    fn aggregate(&mut self, role: &'a Value) {
        let name = meta_str(role, "name");
        self.in_progress.push(name);
        let selectors: Vec<&Value> = match role
            .get("aggregationRule")
            .and_then(|a| a.get("clusterRoleSelectors"))
        {
            Some(Value::Array(s)) => s.iter().collect(),
            _ => Vec::new(),
        };
        let mut members: Vec<&'a Value> = self
            .all
            .iter()
            .copied()
            .filter(|c| meta_str(c, "name") != name)
            .filter(|c| {
                let labels = c.get("metadata").and_then(|m| m.get("labels"));
                selectors.iter().any(|s| label_selector_matches(s, labels))
            })
            .collect();
        members.sort_by(|a, b| meta_str(a, "name").cmp(meta_str(b, "name")));
        for member in members {
            let m = meta_str(member, "name");
            if !is_aggregated(member) || self.in_progress.contains(&m) {
                self.push(own_rules(member));
            } else if !self.done.contains(&m) {
                self.aggregate(member);
            }
        }
        self.in_progress.pop();
        self.done.push(name);
    }
}
