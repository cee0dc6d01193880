//! PATCH (RFC 7644 §3.5.2) applied to a resource's SCIM JSON; the result is then
//! stored as a replacement would be. Paths are parsed by the `scim_v2` crate.
use scim_v2::filter::{AttrPath, PatchPath};
use serde_json::{Map, Value};

use super::ScimError;
use super::filter::element_matches;

const PATCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
use super::discovery::ENTERPRISE_URN;
/// Most operations one PATCH may carry.
pub const MAX_OPERATIONS: usize = 1000;

fn no_target(detail: impl Into<String>) -> ScimError {
    ScimError::new(axum::http::StatusCode::BAD_REQUEST, Some("noTarget"), detail)
}

fn invalid_path(detail: impl Into<String>) -> ScimError {
    ScimError::new(axum::http::StatusCode::BAD_REQUEST, Some("invalidPath"), detail)
}

/// The key `key` is stored under in `object`, whatever its case, or `key` itself.
fn key_in(object: &Map<String, Value>, key: &str) -> String {
    object.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned().unwrap_or_else(|| key.to_string())
}

/// The object an attribute path lives in: the resource, or an extension's object.
fn container<'a>(resource: &'a mut Map<String, Value>, path: &AttrPath, core: &str) -> &'a mut Map<String, Value> {
    match &path.uri {
        Some(uri) if !uri.eq_ignore_ascii_case(core) => {
            let key = key_in(resource, uri);
            let entry = resource.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry.as_object_mut().expect("made an object above")
        }
        _ => resource,
    }
}

/// Adds `value` into `target`: values join a list, objects merge, anything else replaces.
fn add_into(target: &mut Value, value: Value) {
    match (target, value) {
        (Value::Array(items), Value::Array(new)) => {
            for v in new {
                if !items.contains(&v) {
                    items.push(v);
                }
            }
        }
        (Value::Array(items), v) => {
            if !items.contains(&v) {
                items.push(v);
            }
        }
        (Value::Object(obj), Value::Object(new)) => {
            for (k, v) in new {
                let key = key_in(obj, &k);
                match obj.get_mut(&key) {
                    Some(existing) if existing.is_array() || existing.is_object() => add_into(existing, v),
                    _ => {
                        obj.insert(key, v);
                    }
                }
            }
        }
        (t, v) => *t = v,
    }
}

/// The message's operations applied, in order, to `resource` (whose core schema is `core`).
pub fn apply(resource: &mut Map<String, Value>, message: &Map<String, Value>, core: &str) -> Result<(), ScimError> {
    let schemas = message.get("schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| s.iter().any(|u| u.as_str() == Some(PATCH_URN))) {
        return Err(ScimError::invalid(format!("a PATCH must name the schema {PATCH_URN}")));
    }
    let operations = super::filter::get_ci(message, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid("a PATCH needs a list of Operations"))?;
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            Some("tooMany"),
            format!("at most {MAX_OPERATIONS} operations"),
        ));
    }
    for (n, op) in operations.iter().enumerate() {
        let op = op.as_object().ok_or_else(|| ScimError::invalid(format!("operation {} is not an object", n + 1)))?;
        let kind = super::filter::get_ci(op, "op").and_then(Value::as_str).unwrap_or_default().to_lowercase();
        let value = super::filter::get_ci(op, "value").cloned();
        let path = super::filter::get_ci(op, "path").and_then(Value::as_str).map(str::trim).filter(|p| !p.is_empty());
        if let Some(urn) = path.filter(|p| p.eq_ignore_ascii_case(ENTERPRISE_URN)) {
            // The extension as a whole: the grammar would read its last part as an attribute.
            let key = key_in(resource, urn);
            match (kind.as_str(), value) {
                ("remove", _) => {
                    resource.remove(&key);
                }
                ("add", Some(v @ Value::Object(_))) => add_into(resource.entry(key).or_insert_with(|| Value::Object(Map::new())), v),
                ("replace", Some(v @ Value::Object(_))) => {
                    resource.insert(key, v);
                }
                _ => return Err(ScimError::invalid(format!("operation {}: the extension's value must be an object", n + 1))),
            }
            continue;
        }
        let path = path
            .map(|p| p.parse::<PatchPath>().map_err(|e| invalid_path(format!("operation {}: the path {p:?} is not valid: {e}", n + 1))))
            .transpose()?;
        match (kind.as_str(), path) {
            ("add" | "replace", None) => {
                let Some(Value::Object(values)) = value else {
                    return Err(ScimError::invalid(format!("operation {}: without a path, the value must be an object", n + 1)));
                };
                for (k, v) in values {
                    // An attribute named by its full URN path ("urn:…:User:manager") lands in its
                    // extension; an extension's own URN names its whole object.
                    let whole_extension = k.eq_ignore_ascii_case(ENTERPRISE_URN);
                    let (target, name) = match k
                        .rsplit_once(':')
                        .filter(|(urn, _)| !whole_extension && urn.starts_with("urn:") && k.matches(':').count() > 6)
                    {
                        Some((urn, name)) if !urn.eq_ignore_ascii_case(core) => {
                            let path = AttrPath { uri: Some(urn.to_string()), name: name.to_string(), sub_attr: None };
                            (container(resource, &path, core), name.to_string())
                        }
                        _ => (&mut *resource, k.clone()),
                    };
                    let key = key_in(target, &name);
                    match (kind.as_str(), target.get_mut(&key)) {
                        ("add", Some(existing)) if existing.is_array() || existing.is_object() => add_into(existing, v),
                        _ => {
                            target.insert(key, v);
                        }
                    }
                }
            }
            ("add" | "replace", Some(PatchPath::Attr(path))) => {
                let value = value.ok_or_else(|| ScimError::invalid(format!("operation {}: {kind} needs a value", n + 1)))?;
                let target = container(resource, &path, core);
                let key = key_in(target, &path.name);
                match &path.sub_attr {
                    Some(sub) => {
                        let entry = target.entry(key).or_insert_with(|| Value::Object(Map::new()));
                        if !entry.is_object() {
                            *entry = Value::Object(Map::new());
                        }
                        let inner = entry.as_object_mut().expect("made an object above");
                        let sub_key = key_in(inner, sub);
                        inner.insert(sub_key, value);
                    }
                    None if kind == "add" => match target.get_mut(&key) {
                        Some(existing) => add_into(existing, value),
                        None => {
                            target.insert(key, value);
                        }
                    },
                    None => {
                        target.insert(key, value);
                    }
                }
            }
            ("add" | "replace", Some(PatchPath::Value(vp))) => {
                let value = value.ok_or_else(|| ScimError::invalid(format!("operation {}: {kind} needs a value", n + 1)))?;
                let target = container(resource, &vp.attr, core);
                let key = key_in(target, &vp.attr.name);
                let Some(Value::Array(items)) = target.get_mut(&key) else {
                    return Err(no_target(format!("operation {}: {} has no values to match", n + 1, vp.attr.name)));
                };
                let mut hit = false;
                for item in items.iter_mut().filter(|i| element_matches(i, &vp.filter)) {
                    hit = true;
                    match (&vp.sub_attr, item.as_object_mut()) {
                        (Some(sub), Some(obj)) => {
                            let k = key_in(obj, sub);
                            obj.insert(k, value.clone());
                        }
                        _ => *item = value.clone(),
                    }
                }
                if !hit {
                    return Err(no_target(format!("operation {}: no value of {} matches", n + 1, vp.attr.name)));
                }
            }
            ("remove", None) => return Err(no_target(format!("operation {}: remove needs a path", n + 1))),
            ("remove", Some(PatchPath::Attr(path))) => {
                let target = container(resource, &path, core);
                let key = key_in(target, &path.name);
                match (&path.sub_attr, target.get_mut(&key), value) {
                    (Some(sub), Some(Value::Object(inner)), _) => {
                        let k = key_in(inner, sub);
                        inner.remove(&k);
                    }
                    // Entra ID removes members by value: {"path": "members", "value": [{"value": "7"}]}.
                    (None, Some(Value::Array(items)), Some(Value::Array(gone))) => {
                        let ids: Vec<&Value> = gone.iter().filter_map(|g| g.get("value")).collect();
                        items.retain(|i| !ids.contains(&i.get("value").unwrap_or(&Value::Null)) && !gone.contains(i));
                    }
                    _ => {
                        target.remove(&key);
                    }
                }
            }
            ("remove", Some(PatchPath::Value(vp))) => {
                let target = container(resource, &vp.attr, core);
                let key = key_in(target, &vp.attr.name);
                if let Some(Value::Array(items)) = target.get_mut(&key) {
                    match &vp.sub_attr {
                        Some(sub) => {
                            for item in items.iter_mut().filter(|i| element_matches(i, &vp.filter)) {
                                if let Some(obj) = item.as_object_mut() {
                                    let k = key_in(obj, sub);
                                    obj.remove(&k);
                                }
                            }
                        }
                        None => items.retain(|i| !element_matches(i, &vp.filter)),
                    }
                }
            }
            (other, _) => return Err(ScimError::invalid(format!("operation {}: {other:?} is not add, remove or replace", n + 1))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

    fn patched(ops: Value) -> Result<Value, ScimError> {
        let mut resource = json!({
            "userName": "ada", "displayName": "Ada", "active": true,
            "emails": [{"value": "ada@a.nhs.uk", "type": "work", "primary": true}],
            "members": [{"value": "1"}, {"value": "2"}],
        })
        .as_object()
        .cloned()
        .unwrap();
        let message = json!({"schemas": [PATCH_URN], "Operations": ops}).as_object().cloned().unwrap();
        apply(&mut resource, &message, USER).map(|()| Value::Object(resource))
    }

    #[test]
    fn add_replace_and_remove_reach_attributes_values_and_extensions() {
        let r = patched(json!([{"op": "Replace", "path": "active", "value": false}])).unwrap();
        assert_eq!(r["active"], json!(false));
        let r = patched(json!([{"op": "add", "path": "emails", "value": [{"value": "a2@a.nhs.uk", "type": "home"}]}])).unwrap();
        assert_eq!(r["emails"].as_array().unwrap().len(), 2);
        let r = patched(json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@a.nhs.uk"}])).unwrap();
        assert_eq!(r["emails"][0]["value"], json!("new@a.nhs.uk"));
        let r = patched(json!([{"op": "remove", "path": "members[value eq \"1\"]"}])).unwrap();
        assert_eq!(r["members"], json!([{"value": "2"}]));
        let r = patched(json!([{"op": "remove", "path": "members", "value": [{"value": "2"}]}])).unwrap();
        assert_eq!(r["members"], json!([{"value": "1"}]));
        let r = patched(json!([{"op": "add", "value": {"displayName": "Ada L", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": {"value": "9"}}}])).unwrap();
        assert_eq!(r["displayName"], json!("Ada L"));
        assert_eq!(r["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"], json!("9"));
        let r = patched(json!([{"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "value": {"manager": {"value": "5"}}}])).unwrap();
        assert_eq!(r["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"], json!("5"));
        let r = patched(
            json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "value": "4"}]),
        )
        .unwrap();
        assert_eq!(r["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"], json!("4"));
    }

    #[test]
    fn bad_operations_say_which_and_why() {
        let e = patched(json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "x"}])).unwrap_err();
        assert!(format!("{e:?}").contains("noTarget"), "{e:?}");
        let e = patched(json!([{"op": "move", "path": "active"}])).unwrap_err();
        assert!(format!("{e:?}").contains("operation 1"), "{e:?}");
        let e = patched(json!([{"op": "remove"}])).unwrap_err();
        assert!(format!("{e:?}").contains("noTarget"), "{e:?}");
    }
}
