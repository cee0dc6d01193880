//! `/thesaurus`: the subject vocabulary as a tree of terms, each with the non-preferred
//! terms that lead to it and a search for knowledge on it and everything narrower;
//! knowledge specialists add, change and remove terms, and import or export the whole
//! thesaurus as CSV or SKOS.
use axum::http::{StatusCode, header};
use serde::Deserialize;
use signpost_domain::thesaurus::{Term, Thesaurus, key};
use signpost_services::policy;
use signpost_services::thesaurus::{ThesaurusFormat, split_list};

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/thesaurus", show)
        .form("/thesaurus", save)
        .page("/thesaurus/term", term_page)
        .form_back("/thesaurus/remove", "/thesaurus", remove)
        .upload("/thesaurus/import", "/thesaurus", import)
        .page("/thesaurus/export.csv", export_csv)
        .page("/thesaurus/export.ttl", export_skos)
}

crate::page_form! {
    /// A term as the form has it: lists typed with commas.
    pub struct TermForm / TermNames { was: String, label: String, broader: String, non_preferred: String, scope_note: String, version: String }
}

crate::page_form! {
    /// Which term to remove, from which version.
    pub struct RemoveForm / RemoveNames { label: String, version: String }
}

crate::notices! {
    /// What the page says after a change.
    pub enum ThesaurusNotice {
        Saved => "Term saved. Searches read it straight away.",
        Removed => "Term removed.",
        Imported => "Thesaurus imported.",
    }
}

/// Which term to change.
#[derive(Deserialize)]
pub struct TermQuery {
    label: Option<String>,
}

fn search_link(label: &str) -> String {
    format!("/search?{}", serde_urlencoded::to_string([("topic", key(label).as_str()), ("narrower", "yes")]).unwrap_or_default())
}

/// One term and, beneath it, its narrower terms (a term with several broader terms
/// appears under each).
fn branch(t: &Thesaurus, term: &Term, depth: usize, editable: bool) -> Markup {
    let children: Vec<&Term> = t.terms.iter().filter(|c| c.broader.iter().any(|b| key(b) == key(&term.label))).collect();
    html! {
        li {
            strong { (term.label) }
            " · " a href=(search_link(&term.label)) { "Knowledge" span class="nhsuk-u-visually-hidden" { " on " (term.label) } " on this and narrower terms" }
            @if editable { " · " a href={ "/thesaurus/term?" (serde_urlencoded::to_string([("label", &term.label)]).unwrap_or_default()) } { "Change" span class="nhsuk-u-visually-hidden" { " " (term.label) } } }
            @if !term.non_preferred.is_empty() || !term.scope_note.is_empty() {
                p class="nhsuk-body-s nhsuk-u-margin-bottom-2" {
                    @if !term.non_preferred.is_empty() { "Use for: " (term.non_preferred.join(", ")) }
                    @if !term.non_preferred.is_empty() && !term.scope_note.is_empty() { br; }
                    (term.scope_note)
                }
            }
            @if !children.is_empty() && depth < 12 {
                ul class="nhsuk-list nhsuk-list--bullet" { @for c in children { (branch(t, c, depth + 1, editable)) } }
            }
        }
    }
}

fn term_form(viewer: &Viewer, version: i64, state: &FormState<TermForm>, was: Option<&str>) -> Markup {
    let n = TermForm::NAMES;
    let v = &state.values;
    html! {
        form method="post" action="/thesaurus" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name=(n.was) value=(was.unwrap_or_default());
            input type="hidden" name=(n.version) value=(version);
            (Field::new(n.label, "Preferred term").errors(&state.errors).input("text", &v.label))
            (Field::new(n.broader, "Broader terms (optional)").hint("Separate terms with commas, for example: Hospital settings").errors(&state.errors).input("text", &v.broader))
            (Field::new(n.non_preferred, "Non-preferred terms (optional)").hint("Synonyms and abbreviations that lead here, for example: ICU, critical care unit").errors(&state.errors).input("text", &v.non_preferred))
            (Field::new(n.scope_note, "Scope note (optional)").hint("What the term covers, for people choosing topics").errors(&state.errors).textarea(2, &v.scope_note))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { @if was.is_some() { "Save the term" } @else { "Add the term" } }
        }
    }
}

async fn thesaurus_page(s: &AppState, actor: &Actor, viewer: &Viewer, state: &FormState<TermForm>, import_errors: &Errors) -> PageMarkup {
    let t = s.app.thesaurus(actor).await?;
    let editable = policy::ensure_specialist(actor).is_ok();
    let top: Vec<&Term> = t.terms.iter().filter(|x| x.broader.is_empty()).collect();
    let all_errors: Errors = state.errors.iter().chain(import_errors).cloned().collect();
    let body = html! {
        (error_summary(&all_errors))
        @if let Some(notice) = &state.notice { (success_banner(notice)) }
        h1 { "Thesaurus" }
        p { "The subjects knowledge is filed under. Each preferred term may have broader and narrower terms, and non-preferred terms that lead to it, so a search for a topic finds what is filed under its synonyms, and can take in everything narrower." }
        p { "Download it as " a href="/thesaurus/export.csv" download { "CSV" } " or " a href="/thesaurus/export.ttl" download { "SKOS (Turtle)" } "." }
        @if t.terms.is_empty() {
            p { "No terms yet." }
        } @else {
            h2 { (counted(t.terms.len() as i64, "term", "terms")) }
            ul class="nhsuk-list nhsuk-list--bullet" id="terms" { @for term in top { (branch(&t, term, 0, editable)) } }
        }
        @if editable {
            h2 { "Add a term" }
            (term_form(viewer, t.version, state, None))
            h2 { "Import a thesaurus" }
            p { "Replaces every term. A CSV file has the columns term, broader, non_preferred and scope_note, with several terms in a cell split by |. A SKOS file is Turtle, with skos:prefLabel, skos:altLabel, skos:broader or skos:narrower, and skos:scopeNote. If anything in the file is wrong, nothing changes and each problem is listed." }
            form method="post" action={ "/thesaurus/import?version=" (t.version) } enctype="multipart/form-data" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new("file", "Thesaurus file (.csv or .ttl)").errors(import_errors).input("file", ""))
                button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" { "Import and replace" }
            }
        }
    };
    Ok(page(if all_errors.is_empty() { "Thesaurus" } else { "Error: Thesaurus" }, Some(viewer), "", body))
}

/// `GET /thesaurus`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, notice: Done<ThesaurusNotice>) -> PageResult {
    Ok(thesaurus_page(&s, &actor, &viewer, &FormState::shown(notice.message()), &Vec::new()).await?.into_response())
}

/// `GET /thesaurus/term?label=`: one term's form.
pub async fn term_page(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<TermQuery>) -> PageResult {
    policy::ensure_specialist(&actor)?;
    let t = s.app.thesaurus(&actor).await?;
    let label = q.label.unwrap_or_default();
    let term = t.terms.iter().find(|x| key(&x.label) == key(&label)).ok_or(PageError::Status(StatusCode::NOT_FOUND))?;
    let values = TermForm {
        was: term.label.clone(),
        label: term.label.clone(),
        broader: term.broader.join(", "),
        non_preferred: term.non_preferred.join(", "),
        scope_note: term.scope_note.clone(),
        version: t.version.to_string(),
    };
    Ok(term_edit_page(&viewer, t.version, &term.label, &FormState::with_errors(values, Vec::new())).into_response())
}

fn term_edit_page(viewer: &Viewer, version: i64, was: &str, state: &FormState<TermForm>) -> Markup {
    let body = html! {
        (error_summary(&state.errors))
        a class="nhsuk-back-link" href="/thesaurus" { "Back to the thesaurus" }
        h1 { "Change “" (was) "”" }
        (term_form(viewer, version, state, Some(was)))
        h2 { "Remove the term" }
        p { "Its narrower terms keep their other broader terms or become top terms. Knowledge filed under it keeps the topic." }
        form method="post" action="/thesaurus/remove" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name="label" value=(was);
            input type="hidden" name="version" value=(version);
            button class="nhsuk-button nhsuk-button--warning" data-module="nhsuk-button" type="submit" { "Remove “" (was) "”" }
        }
    };
    page(if state.errors.is_empty() { "Change a term" } else { "Error: Change a term" }, Some(viewer), "", body)
}

/// `POST /thesaurus`: adds a term, or changes the one named `was`.
pub async fn save(CsrfForm(s, actor, viewer, form): CsrfForm<TermForm>) -> PageResult {
    let version: i64 = form.version.parse().unwrap_or(-1);
    let term = Term {
        label: form.label.clone(),
        broader: split_list(&form.broader),
        non_preferred: split_list(&form.non_preferred),
        scope_note: form.scope_note.clone(),
    };
    let was = Some(form.was.clone()).filter(|w| !w.is_empty());
    match s.app.save_term(&actor, was.as_deref(), term, version).await {
        Ok(_) => Ok(done("/thesaurus", ThesaurusNotice::Saved)),
        Err(e) => {
            // A clash (a change made meanwhile) belongs on the term's label.
            let errors = refused_as(e, |f| if f == "name" { "label".to_string() } else { f.to_string() })?;
            let state = FormState::with_errors(form, errors);
            let markup = match &was {
                Some(w) => term_edit_page(&viewer, version, w, &state),
                None => thesaurus_page(&s, &actor, &viewer, &state, &Vec::new()).await?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
        }
    }
}

/// `POST /thesaurus/remove`.
pub async fn remove(CsrfForm(s, actor, _, form): CsrfForm<RemoveForm>) -> PageResult {
    s.app.remove_term(&actor, &form.label, form.version.parse().unwrap_or(-1)).await?;
    Ok(done("/thesaurus", ThesaurusNotice::Removed))
}

/// The version an import was chosen against.
#[derive(Deserialize)]
pub struct ImportQuery {
    version: Option<i64>,
}

/// `POST /thesaurus/import?version=N`: replaces the thesaurus, all or nothing.
pub async fn import(State(s): State<AppState>, PageQuery(q): PageQuery<ImportQuery>, mut upload: CsrfUpload) -> PageResult {
    let file = match upload.read("file").await {
        Ok(f) => Ok(f.bytes),
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => Err(e),
    };
    let CsrfUpload { actor, viewer, .. } = upload;
    policy::ensure_specialist(&actor)?;
    let result = match file {
        Ok(bytes) => s.app.import_thesaurus(&actor, bytes, q.version.unwrap_or(-1)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done("/thesaurus", ThesaurusNotice::Imported)),
        Err(ServiceError::TooLarge(m)) => {
            let errors = vec![("file".to_string(), capitalised(&m))];
            Ok((StatusCode::PAYLOAD_TOO_LARGE, thesaurus_page(&s, &actor, &viewer, &FormState::default(), &errors).await?).into_response())
        }
        Err(e) => {
            let errors: Errors = refused(e)?.into_iter().map(|(_, m)| ("file".to_string(), m)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, thesaurus_page(&s, &actor, &viewer, &FormState::default(), &errors).await?)
                .into_response())
        }
    }
}

async fn export(s: &AppState, actor: &Actor, format: ThesaurusFormat) -> PageResult {
    let (name, kind, text) = s.app.export_thesaurus(actor, format).await?;
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], text)
        .into_response())
}

/// `GET /thesaurus/export.csv`.
pub async fn export_csv(SignedIn(s, actor, _): SignedIn) -> PageResult {
    export(&s, &actor, ThesaurusFormat::Csv).await
}

/// `GET /thesaurus/export.ttl`.
pub async fn export_skos(SignedIn(s, actor, _): SignedIn) -> PageResult {
    export(&s, &actor, ThesaurusFormat::Skos).await
}
