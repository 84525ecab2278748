//! Reads: get, list (selectors, paging on a snapshot, Tables).

use super::*;

pub(crate) fn get(api: &Api, rt: &ResourceType, t: &Target, name: &str) -> Result<Value, ApiError> {
    api.store
        .get(&rt.key(), &key(t, name))
        .map(|o| present(o, rt))
        .ok_or_else(|| ApiError::not_found(&rt.subject(name)))
}

pub(crate) fn selectors(req: &Request, rt: &ResourceType) -> Result<Selectors, ApiError> {
    Selectors::parse(
        req.query.get("labelSelector"),
        req.query.get("fieldSelector"),
        &rt.kind,
        rt.custom,
    )
}

pub(crate) fn list(
    api: &Api,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
) -> Result<Reply, ApiError> {
    let selectors = selectors(req, rt)?;
    // A continued list reads the snapshot of its first page (spec §2.15).
    let continued = match req.query.get("continue") {
        Some(token) => {
            if req.query.get("resourceVersion").is_some()
                || req.query.get("resourceVersionMatch").is_some()
            {
                return Err(ApiError::invalid_options(
                    "ListOptions",
                    "resourceVersion",
                    "Forbidden: specifying resource version is not allowed when using continue",
                ));
            }
            Some(decode_continue(token).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: invalid format")
            })?)
        }
        None => None,
    };
    let (items, rv) = match &continued {
        Some((snapshot, _)) => {
            let items = api.store.list_at(&rt.key(), t.namespace.as_deref(), *snapshot).ok_or_else(|| {
                ApiError::expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
            })?;
            (items, *snapshot)
        }
        None => api.store.list(&rt.key(), t.namespace.as_deref()),
    };
    let mut items: Vec<Value> = items
        .into_iter()
        .filter(|o| selectors.matches(o))
        .map(|o| present(o, rt))
        .collect();
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if let Some((_, start)) = &continued {
        items.retain(|o| item_key(o) > *start);
    }
    if let Some(limit) = req
        .query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
    {
        if items.len() > limit {
            let remaining = items.len() - limit;
            items.truncate(limit);
            let last = items.last().map(item_key).unwrap_or_default();
            metadata["continue"] = json!(encode_continue(rv, &last));
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    if rt.custom && metadata.get("continue").is_none() {
        metadata["continue"] = json!("");
    }
    if let Some((kind, include)) = table_request(api, req, rt)? {
        let mut table = crate::table::table(&kind, &items, include, &rv.to_string(), true);
        if let Some(token) = metadata.get("continue") {
            table["metadata"]["continue"] = token.clone();
        }
        return Ok(Reply::ok(table));
    }
    Ok(Reply::ok(json!({
        "kind": rt.list_kind(),
        "apiVersion": rt.api_version(),
        "metadata": metadata,
        "items": items,
    })))
}

pub(crate) fn item_key(o: &Value) -> String {
    format!(
        "{}/{}",
        meta_str(o, "namespace").unwrap_or_default(),
        meta_str(o, "name").unwrap_or_default()
    )
}

/// Continue tokens are opaque to clients: hex of `<list resourceVersion>/<last key>`.
pub(crate) fn encode_continue(rv: u64, last: &str) -> String {
    format!("{rv}/{last}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn decode_continue(token: &str) -> Option<(u64, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (rv, last) = text.split_once('/')?;
    Some((rv.parse().ok()?, last.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let t = encode_continue(120, "demo/cm-1");
        assert_eq!(decode_continue(&t), Some((120, "demo/cm-1".to_owned())));
        assert_eq!(decode_continue("zz"), None);
        assert_eq!(decode_continue("abc"), None);
    }
}
