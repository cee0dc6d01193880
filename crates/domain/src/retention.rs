//! Securing knowledge from movers and leavers: the HEE knowledge retention and
//! transfer toolkit's six steps as a plan, its prioritisation formula and its toolbox.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::StoreError;
use crate::assets::Asset;
use crate::audit::AuditRecord;
use crate::communities::CommunityId;
use crate::communities::Notification;
pub use crate::ids::PlanId;
use crate::learning::ActionId;
use crate::ports::{AssetWrite, Handover};
use crate::risk::CriticalArea;
use crate::{AssetId, TeamId, UserId};
use async_trait::async_trait;

/// Whether the person leaves the organisation or moves within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Departure {
    /// Leaving the organisation.
    Leaving,
    /// Moving to another role or team.
    Moving,
}

impl Departure {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Departure::Leaving => "leaving",
            Departure::Moving => "moving",
        }
    }
}

/// Who raised a knowledge area: the leaver (step 1) or the team (step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AreaSource {
    /// "The key knowledge areas I would take with me."
    Leaver,
    /// "What we would like to know."
    Team,
    /// Raised by both, and merged into one area.
    Both,
}

/// The toolbox. The toolkit says it is not a checklist: each priority gets what fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// A written handover note.
    HandoverNote,
    /// One-to-one with the line manager on one knowledge area (not an exit interview).
    ElicitationInterview,
    /// One hour: the team's and the leaver's "top 10" lists, merged and answered.
    KnowledgeExchange,
    /// Key contacts, internal and external.
    KeyContacts,
    /// A folder of key documents.
    HandoverFolder,
    /// Vital emails collated.
    VitalEmails,
    /// The successor works alongside the leaver.
    Shadowing,
    /// Who the leaver works with, and why.
    RelationshipMap,
}

impl Tool {
    /// Every tool, in the order the toolkit describes them.
    pub const ALL: [Tool; 8] = [
        Tool::HandoverNote,
        Tool::ElicitationInterview,
        Tool::KnowledgeExchange,
        Tool::KeyContacts,
        Tool::HandoverFolder,
        Tool::VitalEmails,
        Tool::Shadowing,
        Tool::RelationshipMap,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::HandoverNote => "handover_note",
            Tool::ElicitationInterview => "elicitation_interview",
            Tool::KnowledgeExchange => "knowledge_exchange",
            Tool::KeyContacts => "key_contacts",
            Tool::HandoverFolder => "handover_folder",
            Tool::VitalEmails => "vital_emails",
            Tool::Shadowing => "shadowing",
            Tool::RelationshipMap => "relationship_map",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Tool::HandoverNote => "Handover note",
            Tool::ElicitationInterview => "Elicitation interview",
            Tool::KnowledgeExchange => "Knowledge exchange",
            Tool::KeyContacts => "Key contacts",
            Tool::HandoverFolder => "Handover folder",
            Tool::VitalEmails => "Vital emails collated",
            Tool::Shadowing => "Shadowing",
            Tool::RelationshipMap => "Relationship map",
        }
    }

    /// What it involves, as the toolkit describes it.
    pub fn description(self) -> &'static str {
        match self {
            Tool::HandoverNote => "A written note of what the successor needs to know.",
            Tool::ElicitationInterview => "A one-to-one with the line manager about one knowledge area. It is not an exit interview.",
            Tool::KnowledgeExchange => {
                "One hour: the team drafts the top 10 things it wants to know, the leaver drafts the top 10 things \
                 the team needs to know; the lists are merged and answered, with the successor present if possible."
            }
            Tool::KeyContacts => "The people, inside and outside the organisation, the successor should know.",
            Tool::HandoverFolder => "A folder of the key documents.",
            Tool::VitalEmails => "The emails that matter, collated.",
            Tool::Shadowing => "The successor works alongside the leaver.",
            Tool::RelationshipMap => "Who the leaver works with, and why each relationship matters.",
        }
    }
}

/// The public prioritisation formula: Priority = Importance + Availability + Frequency, each 1 to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Score {
    /// How much it matters (1 to 3).
    pub importance: u8,
    /// How scarce it is: 3 when nobody else knows it.
    pub availability: u8,
    /// How often it is needed (1 to 3).
    pub frequency: u8,
}

impl Score {
    /// The lowest and highest value of each part.
    pub const RANGE: std::ops::RangeInclusive<u8> = 1..=3;

    /// Priority, from 3 to 9.
    pub fn priority(self) -> u8 {
        self.importance + self.availability + self.frequency
    }

    /// Whether every part is between 1 and 3.
    pub fn is_valid(self) -> bool {
        [self.importance, self.availability, self.frequency].iter().all(|v| Score::RANGE.contains(v))
    }
}

/// One action agreed for a knowledge area, and what it produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanAction {
    /// Identifier within the plan.
    pub id: i64,
    /// Which tool.
    pub tool: Tool,
    /// Who needs to know, how, when.
    pub note: String,
    /// Done.
    pub done: bool,
    /// The handover note it produced.
    pub output_asset_id: Option<AssetId>,
    /// For a knowledge exchange: the team's "top 10 things we want to know".
    #[serde(default)]
    pub we_want_to_know: Vec<String>,
    /// For a knowledge exchange: the leaver's "top 10 things you need to know".
    #[serde(default)]
    pub you_need_to_know: Vec<String>,
}

/// A knowledge area the leaver would take with them, or that the team wants to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KnowledgeArea {
    /// Identifier within the plan.
    pub id: i64,
    /// What it is.
    pub title: String,
    /// More about it.
    pub detail: String,
    /// Leaver or team.
    pub source: AreaSource,
    /// Who added it.
    pub raised_by: UserId,
    /// Who needs to know it.
    pub who_needs: String,
    /// Its score, once scored.
    pub score: Option<Score>,
    /// The actions agreed for it.
    pub actions: Vec<PlanAction>,
}

/// Something the leaver holds that must pass to someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Holding {
    /// An asset they own, and with it its review duty.
    Asset(AssetId),
    /// An open action they own.
    #[schema(value_type = i64)]
    Action(ActionId),
    /// Coordinating a community.
    #[schema(value_type = i64)]
    Coordinator(CommunityId),
    /// Being their team's knowledge advocate.
    Advocate(TeamId),
}

impl Holding {
    /// A stable key for forms: `asset-12`, `action-3`, `coordinator-1`, `advocate-4`.
    pub fn key(self) -> String {
        match self {
            Holding::Asset(id) => format!("asset-{id}"),
            Holding::Action(id) => format!("action-{id}"),
            Holding::Coordinator(id) => format!("coordinator-{id}"),
            Holding::Advocate(id) => format!("advocate-{id}"),
        }
    }

    /// Parses a key made by [`Holding::key`].
    pub fn parse(key: &str) -> Option<Holding> {
        let (kind, id) = key.split_once('-')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "asset" => Some(Holding::Asset(AssetId(id))),
            "action" => Some(Holding::Action(ActionId(id))),
            "coordinator" => Some(Holding::Coordinator(CommunityId(id))),
            "advocate" => Some(Holding::Advocate(TeamId(id))),
            _ => None,
        }
    }
}

/// A record of one holding passed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Handed {
    /// What.
    pub holding: Holding,
    /// Its name when it was passed on.
    pub label: String,
    /// To whom.
    pub to: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// The line manager's agreement of the priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    /// Who agreed.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A leaver's or mover's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeaverPlan {
    /// Identifier.
    pub id: PlanId,
    /// Who is leaving or moving.
    pub leaver_id: UserId,
    /// Leaving or moving.
    pub departure: Departure,
    /// Their last day in the role.
    pub leaving_on: NaiveDate,
    /// The role being left.
    pub role: String,
    /// The team that keeps the knowledge.
    pub team_id: TeamId,
    /// Agrees the priorities, once they have accepted the role.
    pub line_manager_id: UserId,
    /// When the named line manager accepted: until then they have no say over the plan,
    /// so nobody can make themselves a colleague's manager by naming themselves.
    #[serde(default)]
    pub manager_accepted_at: Option<DateTime<Utc>>,
    /// Who takes over, when known.
    pub successor_id: Option<UserId>,
    /// Helps facilitate (step 5).
    pub key_colleague_id: Option<UserId>,
    /// The knowledge areas, leaver's and team's.
    pub areas: Vec<KnowledgeArea>,
    /// Who agreed the priorities, and when (step 3).
    pub agreed: Option<Agreement>,
    /// What has been passed on so far.
    pub handed: Vec<Handed>,
    /// The smallest number of days-before-leaving already reminded about.
    pub reminded_days: Option<i64>,
    /// Who started it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was closed as complete.
    pub completed_at: Option<DateTime<Utc>>,
    /// Bumped on every save so concurrent changes are caught.
    pub revision: i64,
}

/// The six steps of the toolkit, in order.
pub const STEPS: [&str; 6] = [
    "The leaver lists the key knowledge areas they would take with them",
    "The team says what it would like to know",
    "Priorities are agreed with the line manager",
    "Actions are agreed for each priority",
    "A key colleague is named to help facilitate",
    "The outputs are stored where the team can reach them",
];

/// Reminders go this many days before the leaving date, while the plan is open.
pub const REMINDER_DAYS: [i64; 4] = [28, 14, 7, 1];

impl LeaverPlan {
    /// Next identifier for an area or action within the plan.
    pub fn next_id(&self) -> i64 {
        let areas = self.areas.iter().map(|a| a.id);
        let actions = self.areas.iter().flat_map(|a| a.actions.iter().map(|x| x.id));
        areas.chain(actions).max().unwrap_or(0) + 1
    }

    /// Every action, with the area it serves.
    pub fn actions(&self) -> impl Iterator<Item = (&KnowledgeArea, &PlanAction)> {
        self.areas.iter().flat_map(|a| a.actions.iter().map(move |x| (a, x)))
    }

    /// Whether each of the six steps is done.
    pub fn steps_done(&self) -> [bool; 6] {
        let has = |s: AreaSource| self.areas.iter().any(|a| a.source == s);
        let all_have_actions = !self.areas.is_empty() && self.areas.iter().all(|a| !a.actions.is_empty());
        let mut actions = self.actions().peekable();
        let outputs_stored =
            actions.peek().is_some() && actions.all(|(_, x)| x.done) && self.actions().any(|(_, x)| x.output_asset_id.is_some());
        [
            has(AreaSource::Leaver),
            has(AreaSource::Team),
            self.agreed.is_some(),
            all_have_actions,
            self.key_colleague_id.is_some(),
            outputs_stored,
        ]
    }

    /// Actions done and in all.
    pub fn action_progress(&self) -> (usize, usize) {
        (self.actions().filter(|(_, x)| x.done).count(), self.actions().count())
    }

    /// Days from `today` to the leaving date (negative once past).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.leaving_on - today).num_days()
    }

    /// The reminder due `today`, if any: the nearest of [`REMINDER_DAYS`] already reached
    /// and not yet sent. Closed plans and past dates get none.
    pub fn reminder_due(&self, today: NaiveDate) -> Option<i64> {
        if self.completed_at.is_some() {
            return None;
        }
        let left = self.days_left(today);
        if left < 0 {
            return None;
        }
        let due = REMINDER_DAYS.iter().copied().filter(|d| left <= *d).min()?;
        match self.reminded_days {
            Some(sent) if sent <= due => None,
            _ => Some(due),
        }
    }

    /// Marks an action done with the handover note it produced; false if there is no such action.
    pub fn record_output(&mut self, action_id: i64, asset_id: AssetId) -> bool {
        match self.areas.iter_mut().flat_map(|a| a.actions.iter_mut()).find(|x| x.id == action_id) {
            Some(x) => {
                x.output_asset_id = Some(asset_id);
                x.done = true;
                true
            }
            None => false,
        }
    }

    /// Areas by priority, highest first; unscored last, in the order raised.
    pub fn areas_by_priority(&self) -> Vec<&KnowledgeArea> {
        let mut out: Vec<&KnowledgeArea> = self.areas.iter().collect();
        out.sort_by_key(|a| (std::cmp::Reverse(a.score.map(Score::priority).unwrap_or(0)), a.id));
        out
    }
}

/// Plans that secure the knowledge of people leaving or moving.
#[async_trait]
pub trait RetentionStore: Send + Sync + 'static {
    /// Inserts a plan (id 0) or replaces one still at its `revision`, with the notifications it sends; returns it at its new revision.
    async fn save_leaver_plan(&self, plan: &LeaverPlan, notify: &[Notification], audit: AuditRecord) -> Result<LeaverPlan, StoreError>;
    /// One plan.
    async fn leaver_plan(&self, id: PlanId) -> Result<LeaverPlan, StoreError>;
    /// Every plan, soonest leaving date first.
    async fn leaver_plans(&self) -> Result<Vec<LeaverPlan>, StoreError>;
    /// Inserts a handover note and records it as the output of the plan's action, in one transaction.
    async fn store_plan_output(&self, plan: &LeaverPlan, action_id: i64, write: AssetWrite) -> Result<(Asset, LeaverPlan), StoreError>;
    /// Passes a leaver's holdings on and saves the plan that records it, in one transaction.
    async fn hand_over(
        &self,
        plan: &LeaverPlan,
        handover: Handover,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<LeaverPlan, StoreError>;

    /// Inserts (id 0) or replaces an entry in the register of critical knowledge.
    async fn save_critical_area(&self, area: &CriticalArea, audit: AuditRecord) -> Result<CriticalArea, StoreError>;
    /// Removes an entry from the register.
    async fn remove_critical_area(&self, id: i64, audit: AuditRecord) -> Result<(), StoreError>;
    /// The register.
    async fn critical_areas(&self) -> Result<Vec<CriticalArea>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(leaving_on: &str) -> LeaverPlan {
        LeaverPlan {
            id: PlanId(1),
            leaver_id: UserId(1),
            departure: Departure::Leaving,
            leaving_on: leaving_on.parse().unwrap(),
            role: "Infection control lead".into(),
            team_id: TeamId(2),
            line_manager_id: UserId(3),
            manager_accepted_at: None,
            successor_id: Some(UserId(4)),
            key_colleague_id: None,
            areas: Vec::new(),
            agreed: None,
            handed: Vec::new(),
            reminded_days: None,
            created_by: UserId(3),
            created_at: Utc::now(),
            completed_at: None,
            revision: 0,
        }
    }

    fn area(id: i64, source: AreaSource, score: Option<(u8, u8, u8)>) -> KnowledgeArea {
        KnowledgeArea {
            id,
            title: format!("area {id}"),
            detail: String::new(),
            source,
            raised_by: UserId(1),
            who_needs: String::new(),
            score: score.map(|(importance, availability, frequency)| Score { importance, availability, frequency }),
            actions: Vec::new(),
        }
    }

    #[test]
    fn priority_is_the_sum_of_three_scores_each_one_to_three() {
        let s = Score { importance: 3, availability: 2, frequency: 1 };
        assert_eq!(s.priority(), 6);
        assert!(s.is_valid());
        assert!(!Score { importance: 4, availability: 1, frequency: 1 }.is_valid());
        assert!(!Score { importance: 0, availability: 1, frequency: 1 }.is_valid());
    }

    #[test]
    fn reminders_come_at_four_weeks_two_weeks_one_week_and_the_day_before_each_once() {
        let mut p = plan("2026-12-31");
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(p.reminder_due(day("2026-11-01")), None, "two months out is too early");
        assert_eq!(p.reminder_due(day("2026-12-03")), Some(28));
        p.reminded_days = Some(28);
        assert_eq!(p.reminder_due(day("2026-12-10")), None, "already reminded at four weeks");
        assert_eq!(p.reminder_due(day("2026-12-20")), Some(14), "a missed run catches up with the nearest");
        p.reminded_days = Some(14);
        assert_eq!(p.reminder_due(day("2026-12-30")), Some(1));
        assert_eq!(p.reminder_due(day("2027-01-02")), None, "after the date");
        p.completed_at = Some(Utc::now());
        assert_eq!(p.reminder_due(day("2026-12-30")), None, "complete plans are quiet");
    }

    #[test]
    fn steps_follow_what_the_plan_holds() {
        let mut p = plan("2026-12-31");
        assert_eq!(p.steps_done(), [false; 6]);
        p.areas.push(area(1, AreaSource::Leaver, Some((3, 3, 2))));
        p.areas.push(area(2, AreaSource::Team, None));
        assert_eq!(p.steps_done()[..2], [true, true]);
        assert!(!p.steps_done()[3], "areas without actions");
        for (i, a) in p.areas.iter_mut().enumerate() {
            let tool = if i == 0 { Tool::KnowledgeExchange } else { Tool::Shadowing };
            a.actions.push(PlanAction {
                id: 10 + i as i64,
                tool,
                note: String::new(),
                done: true,
                output_asset_id: None,
                we_want_to_know: vec![],
                you_need_to_know: vec![],
            });
        }
        assert!(p.steps_done()[3]);
        assert!(!p.steps_done()[5], "actions done but nothing stored");
        p.areas[0].actions[0].output_asset_id = Some(AssetId(9));
        assert!(p.steps_done()[5]);
        assert_eq!(p.action_progress(), (2, 2));
        assert_eq!(p.next_id(), 12);
    }

    #[test]
    fn areas_sort_by_priority_with_unscored_last() {
        let mut p = plan("2026-12-31");
        p.areas = vec![
            area(1, AreaSource::Leaver, None),
            area(2, AreaSource::Team, Some((1, 1, 1))),
            area(3, AreaSource::Leaver, Some((3, 3, 3))),
        ];
        let order: Vec<i64> = p.areas_by_priority().iter().map(|a| a.id).collect();
        assert_eq!(order, vec![3, 2, 1]);
    }

    #[test]
    fn holding_keys_round_trip() {
        for h in
            [Holding::Asset(AssetId(12)), Holding::Action(ActionId(3)), Holding::Coordinator(CommunityId(1)), Holding::Advocate(TeamId(4))]
        {
            assert_eq!(Holding::parse(&h.key()), Some(h));
        }
        assert_eq!(Holding::parse("asset-x"), None);
        assert_eq!(Holding::parse("team-1"), None);
    }
}
