//! The technique catalogue shipped with Signpost (`data/techniques.yaml`).
use signpost_domain::techniques::Technique;

const SHIPPED: &str = include_str!("../data/techniques.yaml");

/// The shipped techniques, in the catalogue's order.
pub fn shipped_techniques() -> Vec<Technique> {
    serde_norway::from_str(SHIPPED).expect("the shipped technique catalogue is valid (tested)")
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
