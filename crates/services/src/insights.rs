//! Figures over time for the charts: how a team's knowledge stood against its review
//! dates at the end of each month, and how the organisation's knowledge grew. Both
//! count only what the asker may see.
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;
use signpost_domain::TeamId;
use signpost_domain::assets::{Status, VersionEntry};
use signpost_domain::people::Actor;
use signpost_domain::ports::AssetQuery;
use signpost_domain::review::ReviewState;

use crate::{ServiceError, Signpost, policy};

/// The most assets of one team whose history the review chart reads.
pub const REVIEW_HISTORY_LIMIT: i64 = 500;

/// A team's published knowledge at the end of one month.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReviewPoint {
    /// The month, as its first day.
    pub month: NaiveDate,
    /// Published and not yet near its review date.
    pub in_date: i64,
    /// Published and due for review within 30 days.
    pub due_soon: i64,
    /// Published and past its review date.
    pub overdue: i64,
}

/// How many assets existed at the end of one month.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GrowthPoint {
    /// The month, as its first day.
    pub month: NaiveDate,
    /// Assets created by the end of the month.
    pub total: i64,
}

/// The first days of the last `months` months, oldest first, ending with this month.
fn month_starts(now: DateTime<Utc>, months: u32) -> Vec<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).unwrap_or_default();
    (0..months).rev().filter_map(|back| this.checked_sub_months(Months::new(back))).collect()
}

/// The instant a month ends, or now for the current month.
fn month_end(month: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    next.and_hms_opt(0, 0, 0).map_or(now, |t| t.and_utc()).min(now)
}

impl Signpost {
    /// The team's published knowledge by review state at the end of each of the last
    /// `months` months, read from each asset's version history.
    pub async fn team_review_history(&self, actor: &Actor, team_id: TeamId, months: u32) -> Result<Vec<ReviewPoint>, ServiceError> {
        let now = Utc::now();
        let query = AssetQuery { team_id: Some(team_id), limit: REVIEW_HISTORY_LIMIT, ..AssetQuery::default() };
        let assets = self.store.assets(&query, &policy::view_condition(actor)).await?;
        let ids: Vec<_> = assets.items.iter().map(|a| a.id).collect();
        let mut histories: Vec<Vec<VersionEntry>> = Vec::with_capacity(ids.len());
        for entry in self.store.version_entries(&ids).await? {
            match histories.last_mut() {
                Some(h) if h[0].asset_id == entry.asset_id => h.push(entry),
                _ => histories.push(vec![entry]),
            }
        }
        Ok(month_starts(now, months)
            .into_iter()
            .map(|month| {
                let end = month_end(month, now);
                let mut point = ReviewPoint { month, in_date: 0, due_soon: 0, overdue: 0 };
                for versions in &histories {
                    // Newest first: the first version made by the month's end is how the asset stood then.
                    let Some(v) = versions.iter().find(|v| v.created_at <= end) else { continue };
                    if v.status != Status::Published {
                        continue;
                    }
                    match ReviewState::at(v.next_review_at, end) {
                        ReviewState::Overdue => point.overdue += 1,
                        ReviewState::DueSoon => point.due_soon += 1,
                        _ => point.in_date += 1,
                    }
                }
                point
            })
            .collect())
    }

    /// How many assets the actor can see had been created by the end of each of the last `months` months.
    pub async fn asset_growth(&self, actor: &Actor, months: u32) -> Result<Vec<GrowthPoint>, ServiceError> {
        let now = Utc::now();
        let starts = month_starts(now, months);
        let ends: Vec<DateTime<Utc>> = starts.iter().map(|m| month_end(*m, now)).collect();
        let counts = self.store.assets_created_before(&ends, &policy::view_condition(actor)).await?;
        Ok(starts.into_iter().zip(counts).map(|(month, total)| GrowthPoint { month, total }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_oldest_first_and_end_with_this_one() {
        let now = "2026-03-15T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let m = month_starts(now, 4);
        assert_eq!(m.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2025-12-01", "2026-01-01", "2026-02-01", "2026-03-01"]);
        assert_eq!(month_end(m[3], now), now, "the current month ends now");
        assert_eq!(month_end(m[0], now).to_rfc3339(), "2026-01-01T00:00:00+00:00");
    }
}
