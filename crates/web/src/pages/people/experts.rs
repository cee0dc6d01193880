//! "Who knows about…": the expertise finder, and the page where people say what they
//! know, who may see it and whether they may be suggested.
use serde::Deserialize;
use signpost_domain::profiles::{BANDS, Profile, ProfileAudience};
use signpost_services::people::profiles::ProfileInput;
use signpost_services::validate::split_list;

use crate::pages::form::checkboxes;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/profile", edit).form("/profile", save).page("/experts", find)
}

/// `?q=` on the expertise finder.
#[derive(Debug, Deserialize)]
pub struct Subject {
    #[serde(default)]
    q: String,
}

/// `GET /experts?q=`.
pub async fn find(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<Subject>) -> PageResult {
    let subject = q.q.trim();
    let (experts, errors): (Vec<_>, Errors) = if subject.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        match s.app.find_experts(&actor, subject).await {
            Ok(found) => (found, Vec::new()),
            Err(e) => (Vec::new(), refused(e)?),
        }
    };
    let body = html! {
        (error_summary(&errors))
        h1 { "Find an expert" }
        p { "People are ranked by how closely what they have done matches your words: skills they list, knowledge they wrote or verified, answers, sessions they ran or joined, projects they started, literature searches they ran for colleagues. A phrase and a rare word count for more than a common word; older evidence counts for less." }
        form method="get" action="/experts" novalidate {
            (Field::new("q", "Who knows about").hint("For example, sepsis screening").errors(&errors).input("search", subject))
            button class="nhsuk-button" type="submit" { "Find people" }
        }
        @if !subject.is_empty() && errors.is_empty() {
            h2 { (counted(experts.len(), "person", "people")) " for \u{201c}" (subject) "\u{201d}" }
            @if experts.is_empty() { p { "Nobody yet. Try other words, or ask in a " a href="/communities" { "community" } "." } }
            ol class="nhsuk-list nhsuk-list--border" id="experts" {
                @for e in &experts {
                    li {
                        a href={ "/people/" (e.user.id) } { strong { (e.user.name) } } ", " (e.user.job_title)
                        ul class="nhsuk-list nhsuk-body-s signpost-evidence" {
                            @for ev in &e.evidence {
                                li {
                                    (capitalised(&ev.text)) @if !ev.items.is_empty() { ": " }
                                    @for (i, item) in ev.items.iter().enumerate() {
                                        @if i > 0 { "; " }
                                        a href=(item.link) { (item.title) } " (" (item.why) ")"
                                    }
                                    @if ev.count > ev.items.len() { " and " (ev.count - ev.items.len()) " more" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Find an expert", Some(&viewer), "", body).into_response())
}

crate::page_form! {
    /// One's own profile.
    pub struct ProfileForm / ProfileNames {
        band: String,
        skills: String,
        interests: String,
        mentoring: String,
        peer_assist: String,
        audience: String,
        suggest_me: String,
    }
}

impl ProfileForm {
    /// The profile as it is stored, for the form's first showing.
    fn from_profile(p: &Profile) -> Self {
        let yes = |b: bool| if b { "yes" } else { "" }.to_string();
        ProfileForm {
            band: p.band.clone(),
            skills: p.skills.join(", "),
            interests: p.interests.join(", "),
            mentoring: yes(p.mentoring),
            peer_assist: yes(p.peer_assist),
            audience: p.audience.as_str().to_string(),
            suggest_me: yes(p.suggest_me),
        }
    }
}

fn profile_form(viewer: &Viewer, p: &Profile, form: Option<&ProfileForm>, errors: &Errors) -> Markup {
    let stored = ProfileForm::from_profile(p);
    let f = form.unwrap_or(&stored);
    let n = ProfileForm::NAMES;
    let mut bands = vec![(String::new(), "Not given".to_string())];
    bands.extend(BANDS.iter().map(|b| (b.to_string(), b.to_string())));
    html! {
        form method="post" action="/profile" novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.band, "Seniority band").errors(errors).select(&bands, &f.band))
            (Field::new(n.skills, "Skills").hint("What colleagues could ask you about, separated by commas").errors(errors).textarea(2, &f.skills))
            (Field::new(n.interests, "Interests").hint("What you would like to learn about or follow").errors(errors).textarea(2, &f.interests))
            (checkboxes("Available for", "", &[
                (n.mentoring, "yes", "Mentoring someone".to_string(), f.mentoring == "yes"),
                (n.peer_assist, "yes", "Visiting other teams' peer assists".to_string(), f.peer_assist == "yes"),
            ]))
            (Field::new(n.audience, "Who can see your skills, interests, band and availability").errors(errors)
                .select(&ProfileAudience::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())).collect::<Vec<_>>(), &f.audience))
            (checkboxes("Suggestions", "If you untick this, Signpost will not suggest you as an expert, mentor or person to ask.", &[
                (n.suggest_me, "yes", "Signpost may suggest me to colleagues".to_string(), f.suggest_me == "yes"),
            ]))
            button class="nhsuk-button" type="submit" { "Save profile" }
        }
    }
}

/// The profile page: the form filled from what was sent, or else from the stored profile.
async fn profile_page(s: &AppState, actor: &Actor, viewer: &Viewer, sent: &FormState<Option<ProfileForm>>) -> PageMarkup {
    let (form, errors, done) = (sent.values.as_ref(), &sent.errors, sent.notice);
    let p = s.app.my_profile(actor).await?;
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Your profile" }
        p { "Your name, job title, profession, site and team come from your account. " a href={ "/people/" (actor.user_id) } { "See your profile as others do" } }
        (profile_form(viewer, &p, form, errors))
    };
    Ok(page("Your profile", Some(viewer), "", body))
}

crate::notices! {
    /// What the profile page says after a change.
    pub enum ProfileNotice {
        Saved => "Your profile is saved.",
    }
}

/// `GET /profile`.
pub async fn edit(SignedIn(s, actor, viewer): SignedIn, notice: Done<ProfileNotice>) -> PageResult {
    Ok(profile_page(&s, &actor, &viewer, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /profile`.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<ProfileForm>) -> PageResult {
    let audience = match form.audience.as_str() {
        "everyone" => ProfileAudience::Everyone,
        "team" => ProfileAudience::Team,
        "staff" => ProfileAudience::Staff,
        _ => return Err(ServiceError::invalid("audience", "choose who can see your profile").into()),
    };
    let input = ProfileInput {
        band: form.band.clone(),
        skills: split_list(&form.skills),
        interests: split_list(&form.interests),
        mentoring: form.mentoring == "yes",
        peer_assist: form.peer_assist == "yes",
        audience,
        suggest_me: form.suggest_me == "yes",
    };
    match s.app.update_profile(&actor, input).await {
        Ok(_) => Ok(done("/profile", ProfileNotice::Saved)),
        Err(e) => {
            let errors = refused_as(e, str::to_string)?;
            Ok(profile_page(&s, &actor, &viewer, &FormState::with_errors(Some(form), errors)).await?.into_response())
        }
    }
}
