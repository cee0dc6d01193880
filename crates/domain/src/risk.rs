//! Knowledge at risk: a register of critical knowledge areas, each with the people
//! who hold it, and a risk derived from facts (holders leaving, a single holder,
//! nothing written down, written knowledge overdue for review) with its reasons.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{TeamId, UserId};

/// How much the organisation depends on an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Losing it would hurt.
    Important,
    /// Losing it would stop work or harm quality.
    High,
    /// Losing it would put patients or the public at risk.
    Critical,
}

impl Criticality {
    /// Every level, lowest first.
    pub const ALL: [Criticality; 3] = [Criticality::Important, Criticality::High, Criticality::Critical];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Important => "important",
            Criticality::High => "high",
            Criticality::Critical => "critical",
        }
    }

    /// How much it multiplies the risk.
    pub fn weight(self) -> u32 {
        match self {
            Criticality::Important => 1,
            Criticality::High => 2,
            Criticality::Critical => 3,
        }
    }
}

/// An entry in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriticalArea {
    /// Identifier.
    pub id: i64,
    /// The knowledge, in a few words (also what its written knowledge is searched by).
    pub topic: String,
    /// Why it matters.
    pub description: String,
    /// The team that owns it.
    pub team_id: TeamId,
    /// Who holds it.
    pub holders: Vec<UserId>,
    /// How much depends on it.
    pub criticality: Criticality,
    /// Who last changed it.
    pub updated_by: UserId,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// What the risk is worked out from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    /// Holders with an open leaver's plan, and their last day.
    pub leaving: Vec<(UserId, NaiveDate)>,
    /// Assets found on the topic.
    pub assets: usize,
    /// Of those, how many are overdue for review.
    pub overdue: usize,
    /// Holders who own none of the assets found.
    pub silent: Vec<UserId>,
}

/// One reason an area is at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RiskReason {
    /// Nobody is named as holding it.
    NoHolder,
    /// Only one person holds it.
    SingleHolder {
        /// Who.
        holder: UserId,
    },
    /// A holder is leaving or moving.
    Leaving {
        /// Who.
        holder: UserId,
        /// Their last day.
        on: NaiveDate,
    },
    /// Nothing on the topic is written down.
    NothingWritten,
    /// A holder has written nothing on it down.
    Silent {
        /// Who.
        holder: UserId,
    },
    /// Written knowledge is overdue for review.
    Overdue {
        /// How many assets.
        count: usize,
    },
}

impl RiskReason {
    /// How much it adds to the risk before criticality multiplies it.
    pub fn weight(&self) -> u32 {
        match self {
            RiskReason::NoHolder | RiskReason::Leaving { .. } => 4,
            RiskReason::SingleHolder { .. } | RiskReason::NothingWritten => 3,
            RiskReason::Silent { .. } => 1,
            RiskReason::Overdue { count } => (*count as u32).min(3),
        }
    }
}

/// How at risk, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Score under 6.
    Low,
    /// Score 6 to 11.
    Medium,
    /// Score 12 or more.
    High,
}

/// An area's risk and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Risk {
    /// Criticality times the reasons' weights.
    pub score: u32,
    /// The score in words.
    pub level: RiskLevel,
    /// The reasons, heaviest first.
    pub reasons: Vec<RiskReason>,
}

/// Works out an area's risk from the facts.
pub fn assess(area: &CriticalArea, facts: &RiskFacts) -> Risk {
    let mut reasons = Vec::new();
    match area.holders.as_slice() {
        [] => reasons.push(RiskReason::NoHolder),
        [one] => reasons.push(RiskReason::SingleHolder { holder: *one }),
        _ => {}
    }
    reasons.extend(facts.leaving.iter().map(|(holder, on)| RiskReason::Leaving { holder: *holder, on: *on }));
    if facts.assets == 0 {
        reasons.push(RiskReason::NothingWritten);
    } else {
        reasons.extend(facts.silent.iter().map(|h| RiskReason::Silent { holder: *h }));
    }
    if facts.overdue > 0 {
        reasons.push(RiskReason::Overdue { count: facts.overdue });
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.weight()));
    let score = reasons.iter().map(RiskReason::weight).sum::<u32>() * area.criticality.weight();
    let level = match score {
        s if s >= 12 => RiskLevel::High,
        s if s >= 6 => RiskLevel::Medium,
        _ => RiskLevel::Low,
    };
    Risk { score, level, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(holders: Vec<UserId>, criticality: Criticality) -> CriticalArea {
        CriticalArea {
            id: 1,
            topic: "outbreak control".into(),
            description: String::new(),
            team_id: TeamId(1),
            holders,
            criticality,
            updated_by: UserId(1),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_single_holder_who_is_leaving_with_nothing_written_is_high_risk() {
        let facts = RiskFacts { leaving: vec![(UserId(7), "2027-01-31".parse().unwrap())], ..RiskFacts::default() };
        let risk = assess(&area(vec![UserId(7)], Criticality::Critical), &facts);
        assert_eq!(risk.score, (4 + 3 + 3) * 3);
        assert_eq!(risk.level, RiskLevel::High);
        assert_eq!(risk.reasons[0], RiskReason::Leaving { holder: UserId(7), on: "2027-01-31".parse().unwrap() });
    }

    #[test]
    fn shared_and_written_down_knowledge_is_low_risk_and_overdue_reviews_count_up_to_three() {
        let facts = RiskFacts { assets: 5, ..RiskFacts::default() };
        assert_eq!(
            assess(&area(vec![UserId(1), UserId(2)], Criticality::Critical), &facts),
            Risk { score: 0, level: RiskLevel::Low, reasons: vec![] }
        );
        let facts = RiskFacts { assets: 5, overdue: 9, silent: vec![UserId(2)], ..RiskFacts::default() };
        let risk = assess(&area(vec![UserId(1), UserId(2)], Criticality::High), &facts);
        assert_eq!(risk.score, (3 + 1) * 2);
        assert_eq!(risk.level, RiskLevel::Medium);
        assert_eq!(risk.reasons, vec![RiskReason::Overdue { count: 9 }, RiskReason::Silent { holder: UserId(2) }]);
    }

    #[test]
    fn nobody_holding_it_is_a_reason_of_its_own() {
        let risk = assess(&area(vec![], Criticality::Important), &RiskFacts { assets: 1, ..RiskFacts::default() });
        assert_eq!(risk.reasons, vec![RiskReason::NoHolder]);
        assert_eq!(risk.level, RiskLevel::Low, "only important: 4 points");
    }
}
