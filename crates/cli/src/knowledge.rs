//! `signpost import-knowledge`: the dry run's report as a person reads it at a console.
use signpost_services::knowledge_import::{Action, Findings, ImportReport, LISTED};

fn section(out: &mut String, heading: &str, findings: &Findings) {
    if findings.total == 0 {
        return;
    }
    out.push_str(&format!("\n{heading} ({}):\n", findings.total));
    for f in &findings.items {
        out.push_str(&format!("  {}: {}\n", f.place, f.detail));
    }
    if findings.total > findings.items.len() {
        out.push_str(&format!("  … and {} more\n", findings.total - findings.items.len()));
    }
}

/// The dry run's report: totals first, then each sort of finding, then the plan.
pub fn describe(report: &ImportReport) -> String {
    let mut out = format!(
        "{}: {} document(s): {} to create, {} to update, {} unchanged; {} link(s) between them rewritten; {} author(s) matched to people here\n",
        report.source, report.documents, report.create, report.update, report.unchanged, report.links_rewritten, report.authors_matched
    );
    section(&mut out, "Problems: nothing is imported while there are any", &report.problems);
    section(&mut out, "Probable NHS numbers", &report.identifiers);
    section(&mut out, "Possible duplicates of existing assets", &report.duplicates);
    section(&mut out, "Links that lead nowhere", &report.broken_links);
    section(&mut out, "Images and attachments", &report.attachments);
    section(&mut out, "Content that cannot be carried over", &report.unsupported);
    section(&mut out, "Authors who are not people here", &report.authors_unmatched);
    out.push_str(&format!("\nPlan (first {LISTED}):\n"));
    for item in &report.items {
        let action = match (item.action, item.asset_id) {
            (Action::Create, _) => "create".to_string(),
            (Action::Update, Some(id)) => format!("update asset {id}"),
            (Action::Unchanged, Some(id)) => format!("unchanged (asset {id})"),
            (_, None) => "update".to_string(),
        };
        out.push_str(&format!("  {action}: {} ({})\n", item.title, item.path));
    }
    out
}
