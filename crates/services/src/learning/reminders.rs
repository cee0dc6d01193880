//! Email reminders about actions: two days before one is due, and once a week while
//! it is overdue, to its owner, when mail is configured.
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use signpost_domain::learning::Action;
use signpost_domain::ports::Mailer;

use crate::Signpost;

/// Whether `action`'s owner should be reminded today: it falls due within two days and
/// they have not been reminded since that window opened, or it is overdue and they have
/// not been reminded since it fell due or in the last week.
pub fn reminder_due(action: &Action, today: NaiveDate) -> bool {
    let last = action.reminded_on;
    let window_opens = action.due_on - Days::new(2);
    if action.due_on < today {
        last.is_none_or(|d| d < action.due_on || d + Days::new(7) <= today)
    } else {
        today >= window_opens && last.is_none_or(|d| d < window_opens)
    }
}

/// The reminder's subject and body.
pub(crate) fn message(action: &Action, name: &str, today: NaiveDate, actions_page: &str) -> (String, String) {
    let when = if action.due_on < today {
        let days = (today - action.due_on).num_days();
        format!("was due on {} ({days} day{} ago)", action.due_on.format("%-d %B %Y"), if days == 1 { "" } else { "s" })
    } else {
        format!("is due on {}", action.due_on.format("%-d %B %Y"))
    };
    let subject = format!("Reminder: {}", action.title);
    let body = format!(
        "Hello {name},\n\nYour action \u{201c}{}\u{201d} {when}.\n\nWhen it is done, close it and say what changed. \
         If it will not happen, close it as dropped and say why.\nYour actions: {actions_page}\n\nSignpost\n",
        action.title
    );
    (subject, body)
}

impl Signpost {
    /// Sends reminders through `mailer` from now on.
    pub fn with_mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// Whether mail is configured.
    pub fn mails(&self) -> bool {
        self.mailer.is_some()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use signpost_domain::ids::{ActionId, TeamId, UserId};
    use signpost_domain::learning::ActionStatus;

    use super::*;

    fn due(on: &str, reminded: Option<&str>) -> Action {
        Action {
            id: ActionId(1),
            title: "Update the policy".into(),
            owner_id: UserId(1),
            team_id: TeamId(1),
            due_on: on.parse().unwrap(),
            status: ActionStatus::Open,
            session_id: None,
            project_id: None,
            lesson_id: None,
            outcome: String::new(),
            reminded_on: reminded.map(|d| d.parse().unwrap()),
            created_at: Utc::now(),
            closed_at: None,
        }
    }

    #[test]
    fn owners_hear_two_days_before_once_and_weekly_while_overdue() {
        let today: NaiveDate = "2026-11-23".parse().unwrap();
        assert!(!reminder_due(&due("2026-11-26", None), today), "three days out is too early");
        assert!(reminder_due(&due("2026-11-25", None), today), "two days before");
        assert!(!reminder_due(&due("2026-11-25", Some("2026-11-23")), today), "once is enough before the due date");
        assert!(reminder_due(&due("2026-11-22", Some("2026-11-20")), today), "overdue, last told before it fell due");
        assert!(!reminder_due(&due("2026-11-10", Some("2026-11-20")), today), "told three days ago");
        assert!(reminder_due(&due("2026-11-10", Some("2026-11-16")), today), "a week since the last reminder");
    }
}
