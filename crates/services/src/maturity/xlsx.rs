//! Assessments and models as spreadsheets, since the tool teams use today is one.
//! An assessment workbook has a sheet `Assessments` (one row per rating: Model, Team,
//! Held on, Facilitator, Participants, Category, Current, Target, Evidence) and a
//! sheet `Actions` (Model, Team, Held on, Action). A model workbook has sheets
//! `Model` (Key, Name, Source, Note as label and value), `Levels` (Level, Name) and
//! `Categories` (Category, then one description column per level).
use std::collections::BTreeMap;

use calamine::{Data, Range};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use signpost_domain::audit::AuditRecord;
use signpost_domain::maturity::{Assessment, Category, MaturityModel, Rating};
use signpost_domain::people::Actor;
use signpost_domain::{FieldError, TeamId};

use super::AssessmentInput;
use crate::cells::write_text;
use crate::upload::{self, off_the_workers};
use crate::{ServiceError, Signpost, policy};

const ASSESSMENT_COLUMNS: [&str; 9] =
    ["Model", "Team", "Held on", "Facilitator", "Participants", "Category", "Current", "Target", "Evidence"];
const ACTION_COLUMNS: [&str; 4] = ["Model", "Team", "Held on", "Action"];

fn written(e: XlsxError) -> ServiceError {
    ServiceError::caused("the spreadsheet could not be written", e)
}

fn header(sheet: &mut Worksheet, columns: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (i, c) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *c, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Where in the workbook a problem the services name by field lies.
fn column_of(field: &str) -> &'static str {
    match field.split(['[', '.']).next().unwrap_or_default() {
        "team_id" => "Team",
        "held_on" => "Held on",
        "facilitator" => "Facilitator",
        "participants" => "Participants",
        "actions" => "the Actions sheet",
        "ratings" if field.ends_with("evidence") => "Evidence",
        "ratings" => "Category",
        _ => "Model",
    }
}

fn problem(message: String) -> ServiceError {
    ServiceError::Invalid(vec![FieldError::new("file", message)])
}

type Rows = Vec<(usize, Vec<String>)>;

/// The two sheets of an assessment workbook, read within the upload limits.
fn assessment_sheets(bytes: &[u8]) -> Result<(Rows, Rows), ServiceError> {
    let mut book = upload::Workbook::open(bytes)?;
    let ratings = body(&book.sheet("Assessments")?, "Assessments", &ASSESSMENT_COLUMNS)?;
    let actions = body(&book.sheet("Actions")?, "Actions", &ACTION_COLUMNS)?;
    Ok((ratings, actions))
}

/// A model workbook's sheets, read within the upload limits.
fn model_sheets(bytes: &[u8]) -> Result<(Range<Data>, Vec<String>, Rows), ServiceError> {
    let mut book = upload::Workbook::open(bytes)?;
    let about = book.sheet("Model")?;
    let levels: Vec<String> = body(&book.sheet("Levels")?, "Levels", &["Level", "Name"])?.into_iter().map(|(_, c)| c[1].clone()).collect();
    let columns: Vec<String> = std::iter::once("Category".to_string()).chain((1..=levels.len()).map(|l| format!("Level {l}"))).collect();
    let rows = body(&book.sheet("Categories")?, "Categories", &columns.iter().map(String::as_str).collect::<Vec<_>>())?;
    Ok((about, levels, rows))
}

/// A cell as text ("" when empty); whole numbers without ".0".
fn text(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
        Some(d) => d.to_string().trim().to_string(),
    }
}

/// Rows after the header, each with its spreadsheet row number (the header is row 1).
fn body(range: &Range<Data>, sheet: &str, columns: &[&str]) -> Result<Rows, ServiceError> {
    let mut rows = range.rows();
    let found: Vec<String> = rows.next().map(|r| r.iter().map(|c| text(Some(c))).collect()).unwrap_or_default();
    for (i, want) in columns.iter().enumerate() {
        if found.get(i).map(String::as_str) != Some(*want) {
            return Err(problem(format!("sheet {sheet:?}: column {} should be headed {want:?}", i + 1)));
        }
    }
    Ok(rows
        .enumerate()
        .map(|(i, r)| (i + 2, (0..columns.len()).map(|c| text(r.get(c))).collect::<Vec<_>>()))
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect())
}

fn level(value: &str, sheet: &str, row: usize, column: &str) -> Result<u8, ServiceError> {
    value.parse::<u8>().map_err(|_| problem(format!("sheet {sheet:?}, row {row}, column {column}: {value:?} is not a level number")))
}

impl Signpost {
    /// The assessments against `model_key` (of one team, or all) as a workbook.
    pub async fn export_assessments(&self, actor: &Actor, model_key: &str, team: Option<TeamId>) -> Result<Vec<u8>, ServiceError> {
        let model = self.maturity_model(actor, model_key).await?;
        let names: BTreeMap<TeamId, String> = self.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        let chosen: Vec<Assessment> = self
            .store
            .assessments()
            .await?
            .into_iter()
            .filter(|a| a.model_key == model.key && team.is_none_or(|t| a.team_id == t))
            .collect();
        let mut book = Workbook::new();
        let ratings = book.add_worksheet().set_name("Assessments").map_err(written)?;
        header(ratings, &ASSESSMENT_COLUMNS).map_err(written)?;
        let mut row = 1;
        for a in &chosen {
            let team = names.get(&a.team_id).cloned().unwrap_or_default();
            for r in &a.ratings {
                let cells = [&model.name, &team, &a.held_on.to_string(), &a.facilitator, &a.participants.join("; "), &r.category];
                for (col, value) in cells.iter().enumerate() {
                    write_text(ratings, row, col as u16, value.as_str()).map_err(written)?;
                }
                ratings.write_number(row, 6, f64::from(r.current)).map_err(written)?;
                ratings.write_number(row, 7, f64::from(r.target)).map_err(written)?;
                write_text(ratings, row, 8, &r.evidence).map_err(written)?;
                row += 1;
            }
        }
        ratings.autofit();
        let actions = book.add_worksheet().set_name("Actions").map_err(written)?;
        header(actions, &ACTION_COLUMNS).map_err(written)?;
        let mut row = 1;
        for a in &chosen {
            let team = names.get(&a.team_id).cloned().unwrap_or_default();
            for step in &a.actions {
                for (col, value) in [&model.name, &team, &a.held_on.to_string(), step].iter().enumerate() {
                    write_text(actions, row, col as u16, value.as_str()).map_err(written)?;
                }
                row += 1;
            }
        }
        actions.autofit();
        book.save_to_buffer().map_err(written)
    }

    /// Imports the assessments in a workbook laid out as [`Signpost::export_assessments`]
    /// writes it: each checked as if entered by hand, then all stored or none.
    pub async fn import_assessments(&self, actor: &Actor, bytes: &[u8]) -> Result<Vec<Assessment>, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let bytes = bytes.to_vec();
        let (ratings, actions) = off_the_workers(move || assessment_sheets(&bytes)).await?;
        let teams = self.store.teams().await?;
        let team_id = |name: &str, sheet: &str, row: usize| {
            teams
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(name))
                .map(|t| t.id)
                .ok_or_else(|| problem(format!("sheet {sheet:?}, row {row}: there is no team called {name:?}")))
        };
        // A model is named as people know it; its key is accepted too, as older exports wrote it.
        let models = self.maturity_models(actor).await?;
        let model_of = |named: &str, sheet: &str, row: usize| {
            models.iter().find(|m| m.name.eq_ignore_ascii_case(named.trim()) || m.key == named.trim()).ok_or_else(|| {
                let known: Vec<String> = models.iter().map(|m| format!("\u{201c}{}\u{201d}", m.name)).collect();
                problem(format!("sheet {sheet:?}, row {row}: there is no maturity model called {named:?}; use one of {}", known.join(", ")))
            })
        };
        let mut groups: BTreeMap<(String, TeamId, String), AssessmentInput> = BTreeMap::new();
        for (row, c) in &ratings {
            let model = model_of(&c[0], "Assessments", *row)?;
            let team = team_id(&c[1], "Assessments", *row)?;
            let at = |column: &str, message: String| problem(format!("sheet \"Assessments\", row {row}, column {column}: {message}"));
            if !model.categories.iter().any(|k| k.name == c[5]) {
                return Err(at("Category", format!("{:?} is not a category of {}", c[5], model.name)));
            }
            let (current, target) = (level(&c[6], "Assessments", *row, "Current")?, level(&c[7], "Assessments", *row, "Target")?);
            let top = model.top();
            for (column, value) in [("Current", current), ("Target", target)] {
                if !(1..=top).contains(&value) {
                    return Err(at(column, format!("choose a level from 1 to {top}")));
                }
            }
            if target < current {
                return Err(at("Target", "the target cannot be below where the team is now".into()));
            }
            let input = groups.entry((model.key.clone(), team, c[2].clone())).or_insert_with(|| AssessmentInput {
                model_key: model.key.clone(),
                team_id: team,
                held_on: c[2].clone(),
                facilitator: c[3].clone(),
                participants: c[4].split(';').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
                ratings: Vec::new(),
                actions: Vec::new(),
            });
            input.ratings.push(Rating { category: c[5].clone(), current, target, evidence: c[8].clone() });
        }
        for (row, c) in &actions {
            let model = model_of(&c[0], "Actions", *row)?;
            let team = team_id(&c[1], "Actions", *row)?;
            let input = groups.get_mut(&(model.key.clone(), team, c[2].clone())).ok_or_else(|| {
                problem(format!("sheet \"Actions\", row {row}: no assessment on the Assessments sheet for {} on {}", c[1], c[2]))
            })?;
            input.actions.push(c[3].clone());
        }
        if groups.is_empty() {
            return Err(problem("the Assessments sheet has no ratings".into()));
        }
        let mut checked = Vec::new();
        for ((key, _, held_on), input) in groups {
            let team = teams.iter().find(|t| t.id == input.team_id).map(|t| t.name.clone()).unwrap_or_default();
            let model = models.iter().find(|m| m.key == key).map_or(key.as_str(), |m| m.name.as_str());
            let held = crate::validate::read_date(&held_on).map_or(held_on.clone(), |d| d.format("%-d %B %Y").to_string());
            match self.checked_assessment(actor, input).await {
                Ok(a) => checked.push(a),
                Err(ServiceError::Invalid(list)) => {
                    let where_ = format!("{team}'s {model} assessment of {held}");
                    return Err(ServiceError::Invalid(
                        list.into_iter()
                            .map(|e| FieldError::new("file", format!("{where_}, {}: {}", column_of(&e.field), e.message)))
                            .collect(),
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        self.ensure_new(actor, &checked).await?;
        let audit =
            AuditRecord::new(Some(actor.user_id), "maturity.import", format!("imported {} assessments from a workbook", checked.len()));
        Ok(self.store.insert_assessments(&checked, audit).await?)
    }

    /// A model as a workbook: to edit and load back as the organisation's own.
    pub fn model_workbook(model: &MaturityModel) -> Result<Vec<u8>, ServiceError> {
        let mut book = Workbook::new();
        let about = book.add_worksheet().set_name("Model").map_err(written)?;
        for (row, (label, value)) in
            [("Key", &model.key), ("Name", &model.name), ("Source", &model.source), ("Note", &model.note)].iter().enumerate()
        {
            about.write_string(row as u32, 0, *label).map_err(written)?;
            write_text(about, row as u32, 1, value.as_str()).map_err(written)?;
        }
        let levels = book.add_worksheet().set_name("Levels").map_err(written)?;
        header(levels, &["Level", "Name"]).map_err(written)?;
        for (i, name) in model.levels.iter().enumerate() {
            levels.write_number(i as u32 + 1, 0, (i + 1) as f64).map_err(written)?;
            write_text(levels, i as u32 + 1, 1, name).map_err(written)?;
        }
        let categories = book.add_worksheet().set_name("Categories").map_err(written)?;
        let mut columns = vec!["Category".to_string()];
        columns.extend((1..=model.levels.len()).map(|l| format!("Level {l}")));
        header(categories, &columns.iter().map(String::as_str).collect::<Vec<_>>()).map_err(written)?;
        for (i, c) in model.categories.iter().enumerate() {
            write_text(categories, i as u32 + 1, 0, &c.name).map_err(written)?;
            for (l, d) in c.descriptions.iter().enumerate() {
                write_text(categories, i as u32 + 1, l as u16 + 1, d).map_err(written)?;
            }
        }
        book.save_to_buffer().map_err(written)
    }

    /// Loads one of the organisation's own models from a workbook laid out as [`Signpost::model_workbook`] writes it.
    pub async fn load_model_xlsx(&self, actor: &Actor, bytes: &[u8]) -> Result<MaturityModel, ServiceError> {
        policy::ensure_can_load_models(actor)?;
        let bytes = bytes.to_vec();
        let (about, levels, rows) = off_the_workers(move || model_sheets(&bytes)).await?;
        let value =
            |label: &str| about.rows().find(|r| text(r.first()).eq_ignore_ascii_case(label)).map(|r| text(r.get(1))).unwrap_or_default();
        let categories = rows
            .into_iter()
            .map(|(_, c)| {
                let mut descriptions: Vec<String> = c[1..].to_vec();
                while descriptions.last().is_some_and(String::is_empty) {
                    descriptions.pop();
                }
                Category { name: c[0].clone(), descriptions }
            })
            .collect();
        let model = MaturityModel {
            key: value("Key"),
            name: value("Name"),
            source: value("Source"),
            complete: true,
            note: value("Note"),
            levels,
            categories,
            shipped: false,
        };
        self.load_model(actor, model).await
    }
}
