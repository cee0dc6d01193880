//! Translates a visibility [`Condition`] into an SQL predicate over `assets`.
//! Every value in a condition is an integer id or a fixed enum name, so they are
//! written into the SQL directly; nothing a user typed reaches this text.
use signpost_domain::visibility::Condition;

pub(crate) fn predicate(c: &Condition) -> String {
    fn ids(v: &[impl ToString]) -> String {
        v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
    fn names<'a>(v: impl Iterator<Item = &'a str>) -> String {
        v.map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
    }
    match c {
        Condition::Always => "1 = 1".into(),
        Condition::Never => "1 = 0".into(),
        Condition::Any(cs) if cs.is_empty() => "1 = 0".into(),
        Condition::All(cs) if cs.is_empty() => "1 = 1".into(),
        Condition::Any(cs) => format!("({})", cs.iter().map(predicate).collect::<Vec<_>>().join(" OR ")),
        Condition::All(cs) => format!("({})", cs.iter().map(predicate).collect::<Vec<_>>().join(" AND ")),
        Condition::OwnerIs(u) => format!("assets.owner_id = {u}"),
        Condition::StatusIn(s) if s.is_empty() => "1 = 0".into(),
        Condition::StatusIn(s) => format!("assets.status IN ({})", names(s.iter().map(|s| s.as_str()))),
        Condition::VisibilityIn(v) if v.is_empty() => "1 = 0".into(),
        Condition::VisibilityIn(v) => format!("assets.visibility IN ({})", names(v.iter().map(|v| v.as_str()))),
        Condition::TeamIn(t) if t.is_empty() => "1 = 0".into(),
        Condition::TeamIn(t) => format!("assets.team_id IN ({})", ids(t)),
        Condition::NamedViewer(u) => format!("EXISTS (SELECT 1 FROM asset_viewers v WHERE v.asset_id = assets.id AND v.user_id = {u})"),
    }
}
