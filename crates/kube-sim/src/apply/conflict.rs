//! Apply conflicts and their rendering as the 409 `Status` of §2.4
//! (upstream `merge.Conflicts` and `internal.NewConflictError`).

use std::fmt;

use serde::Serialize;

use super::fieldset::FieldSet;
use super::managers::ManagerId;
use super::path::{path_string, Path};

/// One field another manager owns with a different value.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The manager as messages name it: `"a"`, `"kubectl-edit" using apps/v1`,
    /// `"kubectl" with subresource "scale" using apps/v1`.
    pub manager: String,
    /// The conflicting field.
    pub path: Path,
    /// Upstream's manager identity string; messages sort managers by it.
    pub(crate) manager_key: String,
}

impl Conflict {
    /// The field as upstream renders it: `.spec.containers[name="web"].image`.
    pub fn field(&self) -> String {
        path_string(&self.path)
    }
}

/// One `details.causes` item of the conflict `Status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictCause {
    /// Always `FieldManagerConflict`.
    pub reason: String,
    /// `conflict with "a"`.
    pub message: String,
    /// `.data.k`.
    pub field: String,
}

/// Every conflict of a rejected apply, sorted by manager identity then field
/// (upstream iterates a Go map here, so its order varies; this one is stable).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conflicts(pub Vec<Conflict>);

impl Conflicts {
    pub(crate) fn from_sets(sets: &[(ManagerId, FieldSet)]) -> Self {
        let mut sorted: Vec<&(ManagerId, FieldSet)> = sets.iter().collect();
        sorted.sort_by_key(|(id, _)| id.key());
        let mut out = Vec::new();
        for (id, set) in sorted {
            let manager = id.describe();
            let manager_key = id.key();
            for path in set.paths() {
                out.push(Conflict {
                    manager: manager.clone(),
                    path,
                    manager_key: manager_key.clone(),
                });
            }
        }
        Conflicts(out)
    }

    /// Number of conflicts.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All conflicting paths.
    pub fn to_set(&self) -> FieldSet {
        FieldSet::from_paths(self.0.iter().map(|c| c.path.as_slice()))
    }

    /// The `Status` message: `Apply failed with 1 conflict: conflict with "a": .data.k`, or
    /// for several, per manager (sorted by identity):
    /// `Apply failed with 2 conflicts: conflicts with "a":\n- .data.k\n- .data.l`.
    pub fn message(&self) -> String {
        if let [only] = self.0.as_slice() {
            return format!(
                "Apply failed with 1 conflict: conflict with {}: {}",
                only.manager,
                only.field()
            );
        }
        let mut keys: Vec<&str> = self.0.iter().map(|c| c.manager_key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut lines = Vec::new();
        for key in keys {
            let mut group = self.0.iter().filter(|c| c.manager_key == key).peekable();
            if let Some(first) = group.peek() {
                lines.push(format!("conflicts with {}:", first.manager));
            }
            lines.extend(group.map(|c| format!("- {}", c.field())));
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.0.len(),
            lines.join("\n")
        )
    }

    /// The `details.causes` of the `Status`.
    pub fn causes(&self) -> Vec<ConflictCause> {
        self.0
            .iter()
            .map(|c| ConflictCause {
                reason: "FieldManagerConflict".to_owned(),
                message: format!("conflict with {}", c.manager),
                field: c.field(),
            })
            .collect()
    }

    /// The whole 409 `Status` object (§2.4): no name or kind in `details`.
    pub fn to_status(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message(),
            "reason": "Conflict",
            "details": {"causes": self.causes()},
            "code": 409,
        })
    }
}

impl fmt::Display for Conflicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
