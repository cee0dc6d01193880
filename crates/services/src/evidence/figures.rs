//! What the evidence service did in a period, for the programme report.
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ServiceError, Signpost};

/// The evidence service's figures for a period.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EvidenceFigures {
    /// Requests received.
    pub received: usize,
    /// Requests delivered.
    pub delivered: usize,
    /// Of those, delivered by the date asked for.
    pub on_time: usize,
    /// Median days from asking to delivery, of those delivered.
    pub median_turnaround_days: Option<f64>,
    /// Requests received that built on an earlier request's search or summary.
    pub reused: usize,
    /// Database searches run.
    pub searches: usize,
    /// Requesters asked what difference the evidence made.
    pub follow_ups_asked: usize,
    /// Of all asked, those who answered in the period (each answer is an impact statement).
    pub follow_ups_answered: usize,
}

fn median(mut days: Vec<i64>) -> Option<f64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(days[n / 2] as f64),
        _ => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    }
}

impl Signpost {
    /// The figures for requests between `start` (inclusive) and `end` (exclusive).
    pub(crate) async fn evidence_figures(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<EvidenceFigures, ServiceError> {
        let within = |t: DateTime<Utc>| start <= t && t < end;
        let all = self.store.evidence_requests().await?;
        let received: Vec<_> = all.iter().filter(|r| within(r.created_at)).collect();
        let delivered: Vec<_> = all.iter().filter(|r| r.delivered_at.is_some_and(within)).collect();
        Ok(EvidenceFigures {
            received: received.len(),
            delivered: delivered.len(),
            on_time: delivered.iter().filter(|r| r.delivered_at.is_some_and(|d| d.date_naive() <= r.deadline)).count(),
            median_turnaround_days: median(delivered.iter().filter_map(|r| r.turnaround_days()).collect()),
            reused: received.iter().filter(|r| !r.reused.is_empty()).count(),
            searches: all.iter().flat_map(|r| &r.searches).filter(|s| within(s.recorded_at)).count(),
            follow_ups_asked: all.iter().filter_map(|r| r.follow_up.as_ref()).filter(|f| within(f.asked_at)).count(),
            follow_ups_answered: all.iter().filter_map(|r| r.follow_up.as_ref()?.answered_at).filter(|t| within(*t)).count(),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_turnaround_is_the_middle_day_or_the_mean_of_the_middle_two() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![9, 1, 4]), Some(4.0));
        assert_eq!(super::median(vec![10, 2, 3, 7]), Some(5.0));
    }
}
