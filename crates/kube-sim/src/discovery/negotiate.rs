//! Content negotiation for `/api` and `/apis` (spec §1.1, §2.2, §10 rows 2–6).

use std::fmt;

/// Which discovery document to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscoveryFormat {
    /// `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`.
    AggregatedV2,
    /// `apidiscovery.k8s.io/v2beta1`: same shape, other apiVersion.
    AggregatedV2Beta1,
    /// `APIVersions` / `APIGroupList`, plain `application/json`.
    Legacy,
}

pub const CONTENT_TYPE_V2: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
pub const CONTENT_TYPE_V2BETA1: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

impl DiscoveryFormat {
    /// The response `Content-Type`; clients recognise aggregated discovery by it alone.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::AggregatedV2 => CONTENT_TYPE_V2,
            Self::AggregatedV2Beta1 => CONTENT_TYPE_V2BETA1,
            Self::Legacy => "application/json",
        }
    }

    /// `apiVersion` of an aggregated list (`v1` for legacy documents).
    pub fn api_version(self) -> &'static str {
        match self {
            Self::AggregatedV2 => "apidiscovery.k8s.io/v2",
            Self::AggregatedV2Beta1 => "apidiscovery.k8s.io/v2beta1",
            Self::Legacy => "v1",
        }
    }
}

/// The Accept header admits no discovery format we serve: answer 406 `NotAcceptable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAcceptable {
    pub accept: String,
}

impl fmt::Display for NotAcceptable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "only the following media types are accepted: application/json, {CONTENT_TYPE_V2}, \
             {CONTENT_TYPE_V2BETA1}"
        )
    }
}

impl std::error::Error for NotAcceptable {}

/// What one media range of the Accept header asks for, if we can serve it.
fn clause_format(clause: &str) -> Option<DiscoveryFormat> {
    let mut parts = clause.split(';').map(str::trim);
    let media = parts.next()?.to_ascii_lowercase();
    if !matches!(media.as_str(), "application/json" | "application/*" | "*/*") {
        return None;
    }
    let (mut group, mut version, mut as_kind) = (None, None, None);
    for param in parts {
        let (k, v) = param.split_once('=')?;
        let v = v.trim().trim_matches('"');
        match k.trim() {
            "g" => group = Some(v),
            "v" => version = Some(v),
            "as" => as_kind = Some(v),
            // `profile=nopeer`: no peer servers here, so the document is the same.
            "profile" if v == "nopeer" => {}
            "q" | "charset" | "pretty" => {}
            _ => return None,
        }
    }
    match (as_kind, group, version) {
        (None, None, None) => Some(DiscoveryFormat::Legacy),
        (Some("APIGroupDiscoveryList"), Some("apidiscovery.k8s.io"), Some("v2")) => {
            Some(DiscoveryFormat::AggregatedV2)
        }
        (Some("APIGroupDiscoveryList"), Some("apidiscovery.k8s.io"), Some("v2beta1")) => {
            Some(DiscoveryFormat::AggregatedV2Beta1)
        }
        _ => None,
    }
}

/// The `q` parameter of a media range (1 when absent or malformed).
fn quality(clause: &str) -> f32 {
    clause
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().strip_prefix("q="))
        .find_map(|q| q.trim().parse().ok())
        .unwrap_or(1.0)
}

/// Picks the discovery format for an Accept header: the first acceptable media range in the
/// client's order of preference (q-value, then position). No or empty Accept (kube-rs
/// `Discovery::run`) means legacy JSON.
pub fn negotiate(accept: Option<&str>) -> Result<DiscoveryFormat, NotAcceptable> {
    let Some(header) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(DiscoveryFormat::Legacy);
    };
    let mut clauses: Vec<(f32, &str)> = header
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| (quality(c), c))
        .filter(|(q, _)| *q > 0.0)
        .collect();
    // Stable sort: equal q keeps the client's order.
    clauses.sort_by(|a, b| b.0.total_cmp(&a.0));
    clauses
        .into_iter()
        .find_map(|(_, c)| clause_format(c))
        .ok_or_else(|| NotAcceptable {
            accept: header.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECTL: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,\
        application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    #[test]
    fn recorded_accept_headers() {
        use DiscoveryFormat::*;
        assert_eq!(negotiate(Some(KUBECTL)), Ok(AggregatedV2));
        assert_eq!(negotiate(None), Ok(Legacy));
        assert_eq!(negotiate(Some("")), Ok(Legacy));
        assert_eq!(negotiate(Some("application/json, */*")), Ok(Legacy));
        let v2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
        assert_eq!(negotiate(Some(v2beta1)), Ok(AggregatedV2Beta1));
        // client-go 0.36+: profile=nopeer first, no v2beta1.
        let newer = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;\
                     profile=nopeer,application/json;g=apidiscovery.k8s.io;v=v2;\
                     as=APIGroupDiscoveryList,application/json";
        assert_eq!(negotiate(Some(newer)), Ok(AggregatedV2));
        // Protobuf first: skipped, JSON aggregated next.
        let proto = "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;\
                     as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;\
                     as=APIGroupDiscoveryList";
        assert_eq!(negotiate(Some(proto)), Ok(AggregatedV2));
        // q-values reorder.
        let q = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5, \
                 application/json;q=0.9";
        assert_eq!(negotiate(Some(q)), Ok(Legacy));
        // An unknown discovery version is skipped, a Table request is not discovery.
        let v3 = "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList";
        assert!(negotiate(Some(v3)).is_err());
        assert!(negotiate(Some("application/json;as=Table;v=v1;g=meta.k8s.io")).is_err());
        let err = negotiate(Some("application/vnd.kubernetes.protobuf")).unwrap_err();
        assert!(err.to_string().contains("application/json"));
    }

    #[test]
    fn content_types() {
        assert_eq!(
            DiscoveryFormat::AggregatedV2.content_type(),
            CONTENT_TYPE_V2
        );
        assert_eq!(
            DiscoveryFormat::AggregatedV2Beta1.api_version(),
            "apidiscovery.k8s.io/v2beta1"
        );
        assert_eq!(DiscoveryFormat::Legacy.content_type(), "application/json");
    }
}
