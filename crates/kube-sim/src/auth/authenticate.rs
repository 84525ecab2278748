//! Bearer-token authentication (spec §7.1).

use std::collections::HashMap;
use std::fmt;

use rand::Rng;
use serde_json::{json, Value};

use super::{UserInfo, ANONYMOUS_USER, AUTHENTICATED_GROUP, MASTERS_GROUP, UNAUTHENTICATED_GROUP};

/// User name of the admin token.
pub const ADMIN_USER: &str = "kube-sim-admin";

/// Extra key kube-apiserver sets for ServiceAccount tokens (`JTI=<id>`).
const CREDENTIAL_ID_KEY: &str = "authentication.kubernetes.io/credential-id";

/// The request carried a bearer token that is not known: answer HTTP 401 with
/// [`Unauthorized::status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Unauthorized")]
pub struct Unauthorized;

impl Unauthorized {
    /// HTTP status code (401).
    pub const CODE: u16 = 401;

    /// The exact 401 `Status` body of kube-apiserver.
    pub fn status(&self) -> Value {
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401
        })
    }
}

#[derive(Clone, PartialEq, Eq)]
struct TokenEntry {
    user: UserInfo,
    /// `(namespace, name)` for ServiceAccount tokens.
    service_account: Option<(String, String)>,
}

/// Token table: static tokens (the admin token and any added with
/// [`Authenticator::add_token`]) and ServiceAccount tokens issued for TokenRequest.
#[derive(Clone)]
pub struct Authenticator {
    tokens: HashMap<String, TokenEntry>,
    /// Whether requests without credentials run as `system:anonymous` (default) or get 401.
    pub anonymous_enabled: bool,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the tokens themselves.
        f.debug_struct("Authenticator")
            .field("tokens", &self.tokens.len())
            .field("anonymous_enabled", &self.anonymous_enabled)
            .finish()
    }
}

impl Default for Authenticator {
    fn default() -> Self {
        Authenticator {
            tokens: HashMap::new(),
            anonymous_enabled: true,
        }
    }
}

impl Authenticator {
    /// An authenticator where `admin_token` authenticates as `kube-sim-admin` in groups
    /// `system:masters` and `system:authenticated`. Anonymous requests are enabled.
    pub fn new(admin_token: &str) -> Self {
        let mut a = Authenticator::default();
        a.add_token(admin_token, UserInfo::new(ADMIN_USER, &[MASTERS_GROUP]));
        a
    }

    /// A random opaque token (64 hex characters).
    pub fn random_token() -> String {
        let bytes: [u8; 32] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Adds a static token. `system:authenticated` is added at authentication time unless
    /// the user already lists it or `system:unauthenticated`.
    pub fn add_token(&mut self, token: &str, user: UserInfo) {
        self.tokens.insert(
            token.to_string(),
            TokenEntry {
                user,
                service_account: None,
            },
        );
    }

    /// Issues a new opaque token for ServiceAccount `ns/name` (TokenRequest subresource).
    pub fn issue_service_account_token(&mut self, ns: &str, name: &str) -> String {
        self.issue_service_account_token_with_uid(ns, name, "")
    }

    /// Like [`Authenticator::issue_service_account_token`], recording the ServiceAccount's
    /// uid as the user's uid (as JWT authentication does).
    pub fn issue_service_account_token_with_uid(
        &mut self,
        ns: &str,
        name: &str,
        uid: &str,
    ) -> String {
        let token = Self::random_token();
        let mut user = UserInfo::service_account(ns, name);
        user.uid = uid.to_string();
        user.extra.insert(
            CREDENTIAL_ID_KEY.to_string(),
            vec![format!("JTI={}", random_uuid())],
        );
        self.tokens.insert(
            token.clone(),
            TokenEntry {
                user,
                service_account: Some((ns.to_string(), name.to_string())),
            },
        );
        token
    }

    /// Invalidates every token of ServiceAccount `ns/name` (call when it is deleted);
    /// returns how many were removed.
    pub fn revoke_service_account(&mut self, ns: &str, name: &str) -> usize {
        let before = self.tokens.len();
        self.tokens.retain(|_, e| {
            e.service_account
                .as_ref()
                .is_none_or(|(n, s)| n != ns || s != name)
        });
        before - self.tokens.len()
    }

    /// Removes one token; returns whether it existed.
    pub fn revoke_token(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    /// Authenticates a request from its `Authorization` header value.
    ///
    /// As kube-apiserver: only `Bearer <token>` (scheme case-insensitive) is looked at. An
    /// unknown token is [`Unauthorized`]. No header, another scheme or an empty bearer
    /// token carries no credentials: `system:anonymous` in `system:unauthenticated`, or
    /// [`Unauthorized`] when anonymous requests are disabled.
    pub fn authenticate(
        &self,
        authorization_header: Option<&str>,
    ) -> Result<UserInfo, Unauthorized> {
        match authorization_header.and_then(bearer_token) {
            Some(token) => {
                let entry = self.tokens.get(token).ok_or(Unauthorized)?;
                Ok(with_authenticated_group(entry.user.clone()))
            }
            None if self.anonymous_enabled => Ok(UserInfo::anonymous()),
            None => Err(Unauthorized),
        }
    }
}

/// The token of `Bearer <token>`; `None` if the header carries no bearer credentials.
fn bearer_token(header: &str) -> Option<&str> {
    let header = header.trim();
    let mut parts = header.splitn(3, ' ');
    let scheme = parts.next()?;
    let token = parts.next()?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn with_authenticated_group(mut user: UserInfo) -> UserInfo {
    let marked = user
        .groups
        .iter()
        .any(|g| g == AUTHENTICATED_GROUP || g == UNAUTHENTICATED_GROUP);
    if user.name != ANONYMOUS_USER && !marked {
        user.groups.push(AUTHENTICATED_GROUP.to_string());
    }
    user
}

/// A random version-4 UUID.
fn random_uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
