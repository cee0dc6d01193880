//! A session as a report anyone can keep: Markdown, and the same content for a printable page.
use signpost_domain::learning::{RecordValue, SessionId};
use signpost_domain::people::Actor;
use signpost_domain::techniques::RecordKind;

use super::sessions::SessionView;
use crate::{ServiceError, Signpost};
use signpost_domain::ids::UserId;

/// One section of a session report: a heading and its entries (one paragraph, or a list).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSection {
    /// The question or label.
    pub heading: String,
    /// What was recorded; empty when nothing was.
    pub entries: Vec<String>,
    /// Whether the entries are a list rather than one text.
    pub is_list: bool,
}

/// A session report.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// The session's title.
    pub title: String,
    /// Technique, date, project, facilitator and participants, as label and value.
    pub details: Vec<(String, String)>,
    /// The technique's fields, then notes, lessons and actions.
    pub sections: Vec<ReportSection>,
}

impl SessionReport {
    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        for (k, v) in &self.details {
            out.push_str(&format!("- **{k}:** {v}\n"));
        }
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n\n", s.heading));
            if s.entries.is_empty() {
                out.push_str("Not recorded.\n");
            } else if s.is_list {
                for e in &s.entries {
                    out.push_str(&format!("- {e}\n"));
                }
            } else {
                out.push_str(&format!("{}\n", s.entries.join("\n\n")));
            }
        }
        out
    }
}

impl Signpost {
    /// A session's report, with only what the actor may read.
    pub async fn session_report(&self, actor: &Actor, id: SessionId) -> Result<SessionReport, ServiceError> {
        let view: SessionView = self.learning_session(actor, id).await?;
        let s = &view.session;
        let name = |id: i64| async move { self.store.user(UserId(id)).await.map(|u| u.name) };
        let mut details = vec![("Technique".to_string(), view.technique.name.clone()), ("Held on".to_string(), s.held_on.to_string())];
        if let Some(p) = &view.project {
            details.push(("Project".to_string(), p.title.clone()));
        }
        if let Some(f) = s.facilitator_id {
            details.push(("Facilitator".to_string(), name(f.0).await?));
        }
        let mut people = Vec::new();
        for p in &s.participants {
            people.push(name(p.0).await?);
        }
        if !people.is_empty() {
            details.push(("Participants".to_string(), people.join(", ")));
        }
        let mut sections = Vec::new();
        for field in view.technique.record_fields() {
            let (entries, is_list) = match field.kind {
                RecordKind::Private if !s.shared => {
                    let n = view.contributions.iter().filter(|c| c.field == field.key).count() + view.hidden_answers;
                    (vec![format!("{n} answers, not yet shared by the facilitator.")], false)
                }
                RecordKind::Private => (view.contributions.iter().filter(|c| c.field == field.key).map(|c| c.body.clone()).collect(), true),
                _ => match s.record.get(&field.key) {
                    None => (Vec::new(), false),
                    Some(RecordValue::Text(t)) => (vec![t.clone()], false),
                    Some(RecordValue::List(l)) => (l.clone(), true),
                    Some(RecordValue::Score(n)) => (vec![format!("{n} out of 10")], false),
                },
            };
            sections.push(ReportSection { heading: field.label, entries, is_list });
        }
        if !s.notes.is_empty() {
            sections.push(ReportSection { heading: "Notes".to_string(), entries: vec![s.notes.clone()], is_list: false });
        }
        let lessons = view.lessons.iter().map(|l| format!("{}: {}", l.asset.title, l.record.state.label())).collect();
        sections.push(ReportSection { heading: "Lessons".to_string(), entries: lessons, is_list: true });
        let mut actions = Vec::new();
        for a in &view.actions {
            let mut line = format!("{} ({}, due {}, {})", a.title, name(a.owner_id.0).await?, a.due_on, a.status.as_str());
            if !a.outcome.is_empty() {
                line.push_str(&format!(": {}", a.outcome));
            }
            actions.push(line);
        }
        sections.push(ReportSection { heading: "Actions".to_string(), entries: actions, is_list: true });
        Ok(SessionReport { title: s.title.clone(), details, sections })
    }
}
