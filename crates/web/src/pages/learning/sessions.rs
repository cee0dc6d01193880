//! A session's page: recording what its technique produces, private answers shared
//! by the facilitator, the lessons loop where the technique starts new work, lessons
//! and actions. Starting a session is in `session_start.rs`, its report in `session_report.rs`.
use axum::http::StatusCode;
use signpost_domain::learning::{RecordValue, Session};
use signpost_domain::people::{Actor, User};
use signpost_domain::techniques::{RecordField, RecordKind};
use signpost_services::learning::actions::ActionInput;
use signpost_services::learning::lessons::LessonInput;
use signpost_services::learning::sessions::{SessionInput, SessionView};

use super::projects::learned_elsewhere;
use crate::pages::prelude::*;
use signpost_domain::ids::{SessionId, UserId};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/sessions/{id}", show)
        .form("/sessions/{id}", record)
        .form_back("/sessions/{id}/answers", "/sessions/{id}", answer)
        .form_back("/sessions/{id}/share", "/sessions/{id}", share)
        .form_back("/sessions/{id}/lessons", "/sessions/{id}", add_lesson)
        .form_back("/sessions/{id}/actions", "/sessions/{id}", add_action)
}

crate::page_form! {
    /// The fields of a session's forms. The record sends each of the technique's fields
    /// as a key and its value, in order; a private answer names its field.
    pub struct SessionForm / SessionNames {
        record_key: Vec<String>, record_value: Vec<String>, notes as "record-notes": String,
        field: String, answer: String,
        lesson_title as "lesson-title": String, lesson_observation as "lesson-observation": String,
        lesson_insight as "lesson-insight": String, lesson_recommendation as "lesson-recommendation": String,
        lesson_tags as "lesson-tags": String,
        action_title as "action-title": String, action_owner_id as "action-owner_id": String,
        action_due_on as "action-due_on": String, action_lesson_id as "action-lesson_id": String,
    }
}

impl SessionForm {
    /// The record value sent for the technique's field `key`, if the record was sent.
    fn record(&self, key: &str) -> Option<&str> {
        self.record_key.iter().position(|k| k == key).and_then(|i| self.record_value.get(i)).map(String::as_str)
    }
}

/// Techniques at whose start the lessons loop is shown.
const LOOP_TECHNIQUES: [&str; 3] = ["before-action-review", "peer-assist", "premortem"];

pub(crate) fn people_options(people: &[User], none: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), none.to_string())];
    out.extend(people.iter().map(|p| (p.id.to_string(), p.name.clone())));
    out
}

fn record_text(value: Option<&RecordValue>) -> String {
    match value {
        None => String::new(),
        Some(RecordValue::Text(t)) => t.clone(),
        Some(RecordValue::List(l)) => l.join("\n"),
        Some(RecordValue::Score(n)) => n.to_string(),
    }
}

fn field_id(key: &str) -> String {
    format!("record-{key}")
}

fn record_control(field: &RecordField, value: &str, errors: &Errors) -> Markup {
    let id = field_id(&field.key);
    let n = SessionForm::NAMES;
    let f = Field::new(&id, &field.label).name(n.record_value).errors_at(errors, &id);
    let key = html! { input type="hidden" name=(n.record_key) value=(field.key); };
    let control = match field.kind {
        RecordKind::Text => f.textarea(4, value),
        RecordKind::List => f.hint("One per line").textarea(5, value),
        RecordKind::Score => {
            let options: Vec<(String, String)> = std::iter::once((String::new(), "Not scored".to_string()))
                .chain((0..=10).map(|n| (n.to_string(), n.to_string())))
                .collect();
            f.select(&options, value)
        }
        RecordKind::Private => return html! {},
    };
    html! { (key) (control) }
}

fn recorded(field: &RecordField, value: Option<&RecordValue>) -> Markup {
    html! {
        h3 { (field.label) }
        @match value {
            None => p { span class="nhsuk-u-secondary-text-color" { "Not recorded" } },
            Some(RecordValue::Text(t)) => @for para in t.lines().filter(|l| !l.trim().is_empty()) { p { (para) } },
            Some(RecordValue::List(l)) => ul class="nhsuk-list nhsuk-list--bullet" { @for e in l { li { (e) } } },
            Some(RecordValue::Score(n)) => p { (n) " out of 10" },
        }
    }
}

fn private_section(viewer: &Viewer, v: &SessionView, field: &RecordField, names: &dyn Fn(UserId) -> String) -> Markup {
    let id = v.session.id;
    let mine: Vec<_> = v.contributions.iter().filter(|c| c.field == field.key).collect();
    html! {
        h3 { (field.label) }
        @if v.session.shared {
            p { "The facilitator has shared everyone's answers." }
            ul class="nhsuk-list nhsuk-list--border" id={ "answers-" (field.key) } {
                @for c in &mine { li { (c.body) span class="nhsuk-body-s" { " — " (names(c.author_id)) } } }
            }
        } @else {
            div class="nhsuk-inset-text" {
                p { "Everyone writes their answers alone. Nobody sees anyone else's until the facilitator shares them." }
                p { (mine.len() + v.hidden_answers) " answers so far, " (v.hidden_answers) " from others and hidden from you." }
            }
            @if !mine.is_empty() {
                h4 { "Your answers" }
                ul class="nhsuk-list nhsuk-list--bullet" id={ "answers-" (field.key) } { @for c in &mine { li { (c.body) } } }
            }
            @if v.can_record {
                form method="post" action={ "/sessions/" (id) "/answers" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    input type="hidden" name=(SessionForm::NAMES.field) value=(field.key);
                    (Field::new(SessionForm::NAMES.answer, "Your answer").hint("Only you can see it until the facilitator shares the answers").textarea(3, ""))
                    button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Add my answer" }
                }
            }
            @if v.can_share {
                form method="post" action={ "/sessions/" (id) "/share" } {
                    (csrf_field(&viewer.csrf_token))
                    button class="nhsuk-button" type="submit" { "Share everyone's answers" }
                }
            }
        }
    }
}

async fn session_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: SessionId, sent: &FormState<SessionForm>) -> PageMarkup {
    let v = s.app.learning_session(actor, id).await?;
    let everyone = s.app.everyone(actor).await?;
    let names = |uid: UserId| everyone.iter().find(|u| u.id == uid).map_or_else(|| format!("person {uid}"), |u| u.name.clone());
    let (form, errors) = (&sent.values, &sent.errors);
    let n = SessionForm::NAMES;
    let sess: &Session = &v.session;
    let fields = v.technique.record_fields();
    let value_of = |f: &RecordField| form.record(&f.key).map_or_else(|| record_text(sess.record.get(&f.key)), str::to_string);
    let suggestions = match (sess.project_id, LOOP_TECHNIQUES.contains(&sess.technique_key.as_str())) {
        (Some(p), true) => Some(s.app.project_suggestions(actor, p).await?),
        _ => None,
    };
    let lesson_options: Vec<(String, String)> = std::iter::once((String::new(), "Not about a lesson".to_string()))
        .chain(v.lessons.iter().map(|l| (l.asset.id.to_string(), l.asset.title.clone())))
        .collect();
    let back = format!("/sessions/{id}");
    let impacts = s.app.impacts_on(actor, signpost_domain::impact::ImpactSubject::Session(id.0)).await?;
    let record = html! {
        h2 { "Record" }
        @for f in fields.iter().filter(|f| f.kind == RecordKind::Private) { (private_section(viewer, &v, f, &names)) }
        @if v.can_record {
            form method="post" action={ "/sessions/" (id) } novalidate {
                (csrf_field(&viewer.csrf_token))
                @for f in fields.iter().filter(|f| f.kind != RecordKind::Private) { (record_control(f, &value_of(f), errors)) }
                (Field::new(n.notes, "Notes").errors(errors).textarea(4, if form.record_key.is_empty() { &sess.notes } else { &form.notes }))
                button class="nhsuk-button" type="submit" { "Save the record" }
            }
        } @else {
            @for f in fields.iter().filter(|f| f.kind != RecordKind::Private) { (recorded(f, sess.record.get(&f.key))) }
            @if !sess.notes.is_empty() { h3 { "Notes" } p { (sess.notes) } }
        }
    };
    let body = html! {
        (error_summary(errors))
        @if let Some(done) = sent.notice { (success_banner(done)) }
        span class="nhsuk-caption-l" { a href={ "/techniques/" (v.technique.key) } { (v.technique.name) } }
        h1 { (sess.title) }
        dl class="nhsuk-summary-list" {
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Held on" } dd class="nhsuk-summary-list__value" { (long_date(sess.held_on)) } }
            @if let Some(p) = &v.project {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Project" } dd class="nhsuk-summary-list__value" { a href={ "/projects/" (p.id) } { (p.title) } } }
            }
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Facilitator" } dd class="nhsuk-summary-list__value" { (sess.facilitator_id.map(names).unwrap_or_else(|| "None".into())) } }
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Participants" } dd class="nhsuk-summary-list__value" { (sess.participants.iter().map(|p| names(*p)).collect::<Vec<_>>().join(", ")) } }
        }
        p {
            a href={ "/sessions/" (id) "/report.md" } { "Download the report (Markdown)" } " · "
            a href={ "/sessions/" (id) "/print" } { "Printable report" }
        }
        // The record comes first; what was learned elsewhere sits beside it on a wide
        // screen (and after it on a narrow one, with a link), not 3,000 px above it.
        @if let (Some(sg), Some(p)) = (&suggestions, &v.project) {
            p { a href="#learned-elsewhere" { "What was learned elsewhere: " (counted(sg.lessons.len(), "lesson", "lessons")) ", " (counted(sg.assets.len(), "other asset", "other assets")) " and " (counted(sg.people.len(), "person", "people")) } }
            div class="nhsuk-grid-row" {
                div class="nhsuk-grid-column-two-thirds" { (record) }
                div class="nhsuk-grid-column-one-third signpost-aside" { (learned_elsewhere(viewer, p.id, sg, &back)) }
            }
        } @else { (record) }
        h2 { "Lessons" }
        @if v.lessons.is_empty() { p { "None recorded yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="session-lessons" {
                @for l in &v.lessons { li { a href={ "/assets/" (l.asset.id) } { (l.asset.title) } " " strong class="nhsuk-tag" { (l.record.state.label()) } } }
            }
        }
        @if v.can_record {
            details class="nhsuk-details" open[errors.iter().any(|(f, _)| f.starts_with("lesson-"))] {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Record a lesson" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/sessions/" (id) "/lessons" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        (Field::new(n.lesson_title, "Lesson title").errors(errors).input("text", &form.lesson_title))
                        (Field::new(n.lesson_observation, "What did you observe?").errors(errors).textarea(3, &form.lesson_observation))
                        (Field::new(n.lesson_insight, "What does it tell us?").errors(errors).textarea(3, &form.lesson_insight))
                        (Field::new(n.lesson_recommendation, "What should others do?").errors(errors).textarea(3, &form.lesson_recommendation))
                        (Field::new(n.lesson_tags, "Context tags").hint("Separate with commas; the project's tags are added").errors(errors).input("text", &form.lesson_tags))
                        button class="nhsuk-button" type="submit" { "Record lesson" }
                    }
                }
            }
        }
        h2 { "Actions" }
        @if v.actions.is_empty() { p { "None agreed yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="session-actions" {
                @for a in &v.actions {
                    li {
                        (a.title) " — " (names(a.owner_id)) ", due " (long_date(a.due_on)) " · " (label(a.status.as_str()))
                        @if !a.outcome.is_empty() { p class="nhsuk-body-s" { (a.outcome) } }
                    }
                }
            }
            p { a href="/actions" { "Close actions on your actions page" } }
        }
        @if v.can_record {
            details class="nhsuk-details" open[errors.iter().any(|(f, _)| f.starts_with("action-"))] {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Agree an action" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/sessions/" (id) "/actions" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        (Field::new(n.action_title, "What will be done?").errors(errors).input("text", &form.action_title))
                        (Field::new(n.action_owner_id, "Who will do it?").errors(errors).select(&people_options(&everyone, "Me"), &form.action_owner_id))
                        (Field::new(n.action_due_on, "Due date").hint("For example, 31 1 2027").errors(errors).date(&form.action_due_on))
                        (Field::new(n.action_lesson_id, "Lesson it acts on").errors(errors).select(&lesson_options, &form.action_lesson_id))
                        button class="nhsuk-button" type="submit" { "Agree action" }
                    }
                }
            }
        }
        (crate::pages::reports::impact::impact_section(&impacts, |st| s.app.may_withdraw_impact(actor, st), signpost_domain::impact::ImpactSubject::Session(id.0)))
    };
    Ok(page(&sess.title, Some(viewer), "", body))
}

crate::notices! {
    /// What a session's page says after a change (impact is recorded from its own page).
    pub enum SessionNotice {
        Saved => "The record is saved.",
        Answered => "Your answer is saved. Nobody else can see it until the facilitator shares the answers.",
        Shared => "Everyone's answers are now shared.",
        Lesson => "The lesson is recorded and can now be found by other teams.",
        Action => "The action is agreed.",
        Impact => "Impact recorded.",
        ImpactWithdrawn => "The impact statement is withdrawn.",
    }
}

/// `GET /sessions/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<SessionId>, notice: Done<SessionNotice>) -> PageResult {
    Ok(session_page(&s, &actor, &viewer, id, &FormState::shown(notice.message())).await?.into_response())
}

async fn refuse_on_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    id: SessionId,
    form: SessionForm,
    e: ServiceError,
    prefix: &str,
) -> PageResult {
    let sent = FormState::with_errors(form, refused_as(e, |f| format!("{prefix}{}", f.replace('.', "-")))?);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, session_page(s, actor, viewer, id, &sent).await?).into_response())
}

/// `POST /sessions/{id}`: saves the record.
pub async fn record(PagePath(id): PagePath<SessionId>, CsrfForm(s, actor, viewer, form): CsrfForm<SessionForm>) -> PageResult {
    let current = s.app.learning_session(&actor, id).await?.session;
    let record = form.record_key.iter().zip(&form.record_value).map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    let input = SessionInput {
        project_id: current.project_id,
        technique_key: current.technique_key.clone(),
        title: current.title.clone(),
        facilitator_id: current.facilitator_id,
        participants: current.participants.clone(),
        held_on: current.held_on.to_string(),
        record,
        notes: form.notes.clone(),
    };
    match s.app.record_session(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Saved)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, form, e, "").await,
    }
}

/// `POST /sessions/{id}/answers`.
pub async fn answer(PagePath(id): PagePath<SessionId>, CsrfForm(s, actor, viewer, form): CsrfForm<SessionForm>) -> PageResult {
    match s.app.contribute(&actor, id, &form.field, &form.answer).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Answered)),
        Err(ServiceError::Invalid(list)) => {
            let errors = list.into_iter().map(|f| (SessionForm::NAMES.answer.to_string(), capitalised(&f.message))).collect();
            let sent = FormState::with_errors(form, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, session_page(&s, &actor, &viewer, id, &sent).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /sessions/{id}/share`.
pub async fn share(PagePath(id): PagePath<SessionId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.share_answers(&actor, id).await?;
    Ok(done(&format!("/sessions/{id}"), SessionNotice::Shared))
}

/// `POST /sessions/{id}/lessons`.
pub async fn add_lesson(PagePath(id): PagePath<SessionId>, CsrfForm(s, actor, viewer, form): CsrfForm<SessionForm>) -> PageResult {
    let input = LessonInput {
        session_id: Some(id),
        title: form.lesson_title.clone(),
        observation: form.lesson_observation.clone(),
        insight: form.lesson_insight.clone(),
        recommendation: form.lesson_recommendation.clone(),
        tags: form.lesson_tags.split(',').map(str::to_string).collect(),
        visibility: None,
    };
    match s.app.record_lesson(&actor, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Lesson)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, form, e, "lesson-").await,
    }
}

/// `POST /sessions/{id}/actions`.
pub async fn add_action(PagePath(id): PagePath<SessionId>, CsrfForm(s, actor, viewer, form): CsrfForm<SessionForm>) -> PageResult {
    let input = ActionInput {
        title: form.action_title.clone(),
        owner_id: form.action_owner_id.parse().ok(),
        due_on: form.action_due_on.clone(),
        session_id: Some(id),
        project_id: None,
        lesson_id: form.action_lesson_id.parse().ok(),
    };
    match s.app.create_action(&actor, input).await {
        Ok(_) => Ok(done(&format!("/sessions/{id}"), SessionNotice::Action)),
        Err(e) => refuse_on_page(&s, &actor, &viewer, id, form, e, "action-").await,
    }
}
