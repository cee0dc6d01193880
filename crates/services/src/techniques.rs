//! The technique catalogue: the techniques shipped with Signpost
//! (`data/techniques.yaml`), as the organisation has edited them, and its own.
use signpost_domain::FieldError;
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::Actor;
use signpost_domain::techniques::Technique;

use crate::{ServiceError, Signpost, policy};

const SHIPPED: &str = include_str!("../data/techniques.yaml");
const MAX_TEXT: usize = 2_000;
const MAX_ITEMS: usize = 30;
const MAX_ITEM: usize = 500;

/// The shipped techniques, in the catalogue's order.
pub fn shipped_techniques() -> Vec<Technique> {
    serde_norway::from_str(SHIPPED).expect("the shipped technique catalogue is valid (tested)")
}

fn validate(t: &Technique) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let key_ok = (1..=60).contains(&t.key.len())
        && t.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !t.key.starts_with('-');
    if !key_ok {
        errors.push(FieldError::new("key", "must be 1 to 60 lower-case letters, digits and hyphens, starting with a letter or digit"));
    }
    if t.name.trim().is_empty() || t.name.chars().count() > 120 {
        errors.push(FieldError::new("name", "must be 1 to 120 characters"));
    }
    for (field, text) in
        [("source", &t.source), ("purpose", &t.purpose), ("group_size", &t.group_size), ("duration", &t.duration), ("output", &t.output)]
    {
        if text.chars().count() > MAX_TEXT {
            errors.push(FieldError::new(field, format!("must be {MAX_TEXT} characters or fewer")));
        }
    }
    for (field, items) in [("roles", &t.roles), ("steps", &t.steps), ("questions", &t.questions)] {
        if items.len() > MAX_ITEMS {
            errors.push(FieldError::new(field, format!("at most {MAX_ITEMS} items")));
        }
        for (i, item) in items.iter().enumerate() {
            if item.trim().is_empty() || item.chars().count() > MAX_ITEM {
                errors.push(FieldError::new(format!("{field}[{i}]"), format!("must be 1 to {MAX_ITEM} characters")));
            }
        }
    }
    let mut keys = Vec::new();
    for (i, f) in t.record.iter().enumerate() {
        let key_ok = (1..=40).contains(&f.key.len()) && f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            errors.push(FieldError::new(format!("record[{i}].key"), "must be 1 to 40 lower-case letters, digits and underscores"));
        } else if keys.contains(&&f.key) {
            errors.push(FieldError::new(format!("record[{i}].key"), format!("{:?} is used twice", f.key)));
        }
        keys.push(&f.key);
        if f.label.trim().is_empty() || f.label.chars().count() > MAX_ITEM {
            errors.push(FieldError::new(format!("record[{i}].label"), format!("must be 1 to {MAX_ITEM} characters")));
        }
    }
    errors
}

impl Signpost {
    /// The catalogue: shipped techniques in order (as edited), then the organisation's own by name.
    pub async fn techniques(&self, _actor: &Actor) -> Result<Vec<Technique>, ServiceError> {
        let mut stored = self.store.techniques().await?;
        let mut all: Vec<Technique> = shipped_techniques()
            .into_iter()
            .map(|t| match stored.iter().position(|s| s.key == t.key) {
                Some(i) => stored.swap_remove(i),
                None => t,
            })
            .collect();
        stored.sort_by_key(|t| t.name.to_lowercase());
        all.extend(stored);
        Ok(all)
    }

    /// One technique by key.
    pub async fn technique(&self, actor: &Actor, key: &str) -> Result<Technique, ServiceError> {
        self.techniques(actor).await?.into_iter().find(|t| t.key == key).ok_or_else(|| ServiceError::NotFound("the technique".into()))
    }

    /// Edits a technique or adds the organisation's own (knowledge specialists and admins).
    pub async fn save_technique(&self, actor: &Actor, technique: Technique) -> Result<Technique, ServiceError> {
        policy::ensure_specialist(actor)?;
        let errors = validate(&technique);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let shipped = shipped_techniques().iter().any(|t| t.key == technique.key);
        let what = if shipped { "edited the shipped technique" } else { "saved the organisation's technique" };
        let audit = AuditRecord::new(Some(actor.user_id), "technique.save", format!("{what} {}", technique.name));
        self.store.save_technique(&technique, audit).await?;
        Ok(technique)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use signpost_domain::techniques::Stage;

    use super::*;

    #[test]
    fn the_catalogue_holds_the_hee_thirteen_at_their_stages_and_the_three_extra() {
        let all = shipped_techniques();
        let stage_of = |name: &str| all.iter().find(|t| t.name.starts_with(name)).map(|t| t.stage);
        let hee = [
            (Stage::Before, ["Self-assessment", "Peer assist", "Before action review", "Appreciative inquiry"].as_slice()),
            (
                Stage::During,
                [
                    "After action review",
                    "Knowledge café",
                    "Randomised coffee trials",
                    "Communities of practice",
                    "Action learning sets",
                    "Knowledge assets",
                    "Fishbowl",
                ]
                .as_slice(),
            ),
            (Stage::After, ["Knowledge harvesting", "Retrospect"].as_slice()),
        ];
        for (stage, names) in hee {
            for name in names {
                assert_eq!(stage_of(name), Some(stage), "{name}");
            }
        }
        for extra in ["Premortem", "Conversation café", "Knowledge exchange"] {
            assert!(stage_of(extra).is_some(), "{extra}");
        }
        assert_eq!(all.len(), 16);
        assert_eq!(all.iter().map(|t| t.key.as_str()).collect::<HashSet<_>>().len(), 16, "keys are unique");
        assert!(all.iter().all(|t| validate(t).is_empty()), "every shipped technique passes the editor's checks");
    }

    #[test]
    fn methods_keep_their_published_questions() {
        let all = shipped_techniques();
        let aar = all.iter().find(|t| t.key == "after-action-review").unwrap();
        assert_eq!(
            aar.questions,
            [
                "What was supposed to happen?",
                "What actually happened?",
                "Why was there a difference?",
                "What can we learn (what worked, what didn't, what would we do differently)?"
            ]
        );
        let bar = all.iter().find(|t| t.key == "before-action-review").unwrap();
        assert_eq!(bar.questions[2], "What have we or others learned from similar situations?");
    }
}
