//! Filters (RFC 7644 §3.4.2.2) evaluated over a resource's SCIM JSON, and the
//! `attributes` / `excludedAttributes` projection (§3.4.2.5). The grammar is parsed by
//! the `scim_v2` crate; attribute names are matched without regard to case.
use scim_v2::filter::{AttrExp, AttrPath, CompValue, CompareOp, Filter, ValFilter};
use serde_json::{Map, Value};

/// The value of `key` in `object`, whatever the case of the key.
pub fn get_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// The values an attribute path names in `resource` (several for a multi-valued one).
fn values<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(object) = resource.as_object() else { return Vec::new() };
    let container = match &path.uri {
        Some(uri)
            if !uri.eq_ignore_ascii_case("urn:ietf:params:scim:schemas:core:2.0:User")
                && !uri.eq_ignore_ascii_case("urn:ietf:params:scim:schemas:core:2.0:Group") =>
        {
            match get_ci(object, uri).and_then(Value::as_object) {
                Some(c) => c,
                None => return Vec::new(),
            }
        }
        _ => object,
    };
    let Some(value) = get_ci(container, &path.name) else { return Vec::new() };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    match &path.sub_attr {
        Some(sub) => items.into_iter().filter_map(|i| i.as_object().and_then(|o| get_ci(o, sub))).collect(),
        // A multi-valued complex attribute compares by its `value`.
        None => items.into_iter().map(|i| i.as_object().and_then(|o| get_ci(o, "value")).unwrap_or(i)).collect(),
    }
}

fn compare(value: &Value, op: &CompareOp, wanted: &CompValue) -> bool {
    use std::cmp::Ordering;
    let ordering = match (value, wanted) {
        (Value::String(a), CompValue::Str(b)) => {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            match op {
                CompareOp::Co => return a.contains(&b),
                CompareOp::Sw => return a.starts_with(&b),
                CompareOp::Ew => return a.ends_with(&b),
                _ => a.cmp(&b),
            }
        }
        (Value::Bool(a), CompValue::True) => a.cmp(&true),
        (Value::Bool(a), CompValue::False) => a.cmp(&false),
        (Value::Number(a), CompValue::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => return false,
        },
        (Value::Null, CompValue::Null) => Ordering::Equal,
        _ => return matches!(op, CompareOp::Ne),
    };
    match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn attr_matches(resource: &Value, expression: &AttrExp) -> bool {
    match expression {
        AttrExp::Present(path) => values(resource, path).into_iter().any(present),
        AttrExp::Comparison(path, op, wanted) => {
            let found = values(resource, path);
            if found.is_empty() {
                return matches!(op, CompareOp::Ne) || (matches!(op, CompareOp::Eq) && *wanted == CompValue::Null);
            }
            found.into_iter().any(|v| compare(v, op, wanted))
        }
    }
}

/// Whether an element of a multi-valued attribute matches a value filter (`type eq "work"`).
pub fn element_matches(element: &Value, filter: &ValFilter) -> bool {
    match filter {
        ValFilter::Attr(e) => attr_matches(element, e),
        ValFilter::Not(f) => !element_matches(element, f),
        ValFilter::And(a, b) => element_matches(element, a) && element_matches(element, b),
        ValFilter::Or(a, b) => element_matches(element, a) || element_matches(element, b),
    }
}

/// Whether `resource` matches `filter`.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::Attr(e) => attr_matches(resource, e),
        Filter::ValuePath(vp) => {
            let Some(object) = resource.as_object() else { return false };
            match get_ci(object, &vp.attr.name) {
                Some(Value::Array(items)) => items.iter().any(|i| element_matches(i, &vp.filter)),
                Some(one) => element_matches(one, &vp.filter),
                None => false,
            }
        }
        Filter::Not(f) => !matches(f, resource),
        Filter::And(a, b) => matches(a, resource) && matches(b, resource),
        Filter::Or(a, b) => matches(a, resource) || matches(b, resource),
    }
}

fn names(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default().split(',').map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect()
}

/// The top-level attribute (or extension) a requested name refers to, and the rest.
fn split_name(name: &str) -> (String, Option<String>) {
    for urn in [super::discovery::ENTERPRISE_URN, super::discovery::USER_URN, super::discovery::GROUP_URN] {
        let urn = urn.to_lowercase();
        if let Some(rest) = name.strip_prefix(&urn) {
            let rest = rest.trim_start_matches(':');
            return if urn.contains("extension") { (urn.clone(), (!rest.is_empty()).then(|| rest.to_string())) } else { split_name(rest) };
        }
    }
    match name.split_once('.') {
        Some((top, sub)) => (top.to_string(), Some(sub.to_string())),
        None => (name.to_string(), None),
    }
}

/// `resource` with only the `attributes` asked for (and what is always returned), or
/// without the `excludedAttributes`.
pub fn project(resource: Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let Value::Object(object) = resource else { return resource };
    let wanted = names(attributes);
    let unwanted = names(excluded);
    let always = ["id", "schemas", "meta"];
    let mut out = Map::new();
    for (key, value) in object {
        let lower = key.to_lowercase();
        if always.contains(&lower.as_str()) {
            out.insert(key, value);
            continue;
        }
        if !wanted.is_empty() {
            let subs: Vec<Option<String>> =
                wanted.iter().map(|w| split_name(w)).filter(|(top, _)| *top == lower).map(|(_, sub)| sub).collect();
            if subs.is_empty() {
                continue;
            }
            if subs.iter().any(Option::is_none) {
                out.insert(key, value);
            } else if let Value::Object(inner) = value {
                let keep: Map<String, Value> = inner
                    .into_iter()
                    .filter(|(k, _)| subs.iter().flatten().any(|s| s.split('.').next() == Some(&k.to_lowercase())))
                    .collect();
                out.insert(key, Value::Object(keep));
            } else if let Value::Array(items) = value {
                let keep = items
                    .into_iter()
                    .map(|i| match i {
                        Value::Object(o) => {
                            Value::Object(o.into_iter().filter(|(k, _)| subs.iter().flatten().any(|s| *s == k.to_lowercase())).collect())
                        }
                        other => other,
                    })
                    .collect();
                out.insert(key, Value::Array(keep));
            }
            continue;
        }
        if unwanted.iter().map(|u| split_name(u)).any(|(top, sub)| top == lower && sub.is_none()) {
            continue;
        }
        out.insert(key, value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn person() -> Value {
        json!({
            "id": "7", "userName": "Ada@Trust.nhs.uk", "displayName": "Ada Lovelace", "active": true, "title": "",
            "emails": [{"value": "ada@trust.nhs.uk", "type": "work", "primary": true}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "3"}},
        })
    }

    fn hit(filter: &str) -> bool {
        matches(&filter.parse::<Filter>().unwrap(), &person())
    }

    #[test]
    fn filters_compare_without_case_and_combine() {
        assert!(hit("userName eq \"ada@trust.nhs.uk\""));
        assert!(hit("displayName co \"love\"") && hit("displayName sw \"ada\"") && !hit("displayName sw \"love\""));
        assert!(hit("userName pr") && !hit("title pr") && !hit("nickName pr"));
        assert!(hit("active eq true and displayName ew \"lace\""));
        assert!(hit("active eq false or userName eq \"ada@trust.nhs.uk\""));
        assert!(!hit("active eq false and userName eq \"ada@trust.nhs.uk\""));
        assert!(hit("emails[type eq \"work\" and value co \"trust\"]") && !hit("emails[type eq \"home\"]"));
        assert!(hit("emails.value eq \"ada@trust.nhs.uk\""));
        assert!(hit("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"3\""));
        assert!(hit("not (displayName eq \"Bob\")"));
    }

    #[test]
    fn projection_keeps_what_is_asked_and_always_the_id() {
        let only = project(person(), Some("userName,emails.value"), None);
        assert_eq!(only, json!({"id": "7", "userName": "Ada@Trust.nhs.uk", "emails": [{"value": "ada@trust.nhs.uk"}]}));
        let without = project(person(), None, Some("emails,displayName"));
        assert!(without.get("emails").is_none() && without.get("displayName").is_none() && without.get("userName").is_some());
    }
}
