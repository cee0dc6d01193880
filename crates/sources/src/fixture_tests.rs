//! The fixtures in `fixtures/` (see its README), shaped as each system exports, read end to end.
use std::collections::HashMap;
use std::path::PathBuf;

use crate::{Document, Export, Limits, SourceKind};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn read(name: &str) -> (SourceKind, HashMap<String, Document>) {
    let mut export = Export::open(&fixture(name), Limits::default()).unwrap();
    let kind = export.listing().kind;
    let mut docs = HashMap::new();
    export.read_each(|d| {
        let d = d.unwrap();
        docs.insert(d.title.clone(), d);
    });
    (kind, docs)
}

#[test]
fn a_confluence_space_keeps_its_tree_authors_labels_and_links() {
    let (kind, docs) = read("confluence");
    assert_eq!(kind, SourceKind::Confluence);
    assert_eq!(docs.len(), 3, "{:?}", docs.keys());
    let handbook = &docs["Ward handbook"];
    let handover = &docs["Handover guide"];
    let falls = &docs["Falls prevention"];
    assert_eq!(handover.key, "confluence:OPS:65539");
    assert_eq!(handover.parent.as_deref(), Some("confluence:OPS:65537"));
    assert_eq!(handbook.parent, None);
    assert_eq!(handover.author.as_deref(), Some("Jane Smith"));
    assert_eq!(handover.labels, ["handover", "sbar"]);
    assert_eq!(handover.modified.map(|d| d.date_naive().to_string()).as_deref(), Some("2026-03-03"));
    assert_eq!(handover.internal_links, ["confluence:OPS:65541"]);
    assert_eq!(handover.broken_links, ["Old-checklist_65550.html"]);
    assert_eq!(handover.attachments, ["OPS/attachments/65539/98305.png"]);
    assert_eq!(handover.unsupported, ["Confluence macro \"jira\""]);
    assert!(handover.body.contains("## Why SBAR"), "{}", handover.body);
    assert!(handover.body.contains("[Falls prevention](signpost-import:confluence:OPS:65541)"), "{}", handover.body);
    assert!(handover.body.contains("| Early | 07:30 |"), "{}", handover.body);
    assert!(handover.body.contains("![SBAR card](signpost-attachment:OPS/attachments/65539/98305.png)"), "{}", handover.body);
    assert!(handover.body.contains("Old checklist, which was deleted"), "{}", handover.body);
    assert!(!handover.body.contains("Ward Operations"), "breadcrumbs are not content: {}", handover.body);
    assert_eq!(handbook.internal_links, ["confluence:OPS:65539", "confluence:OPS:65541"]);
    assert!(handbook.unsupported.is_empty(), "an info panel reads the same as text: {:?}", handbook.unsupported);
    assert!(falls.body.contains("Falls risk = age"), "{}", falls.body);
}

#[test]
fn an_outline_export_rewrites_relative_links_wiki_links_and_images() {
    let (kind, docs) = read("outline");
    assert_eq!(kind, SourceKind::Markdown);
    let sepsis = &docs["Sepsis"];
    let steps = &docs["Escalation steps"];
    let audit = &docs["Antibiotic timing audit"];
    assert_eq!(
        sepsis.internal_links,
        ["markdown:Clinical Guidance/Antibiotic timing.md", "markdown:Clinical Guidance/Sepsis/Escalation steps.md"]
    );
    assert!(sepsis.body.contains("(signpost-import:markdown:Clinical%20Guidance/Sepsis/Escalation%20steps.md)"), "{}", sepsis.body);
    assert!(sepsis.body.contains("https://www.nice.org.uk/guidance/ng51"), "{}", sepsis.body);
    assert!(sepsis.body.contains("![qSOFA card](signpost-attachment:uploads/3f2a/qsofa.png)"), "{}", sepsis.body);
    assert!(!sepsis.body.starts_with("# Sepsis"), "the title is not repeated: {}", sepsis.body);
    assert_eq!(sepsis.attachments, ["uploads/3f2a/qsofa.png"]);
    assert_eq!(steps.parent.as_deref(), Some("markdown:Clinical Guidance/Sepsis.md"));
    assert_eq!(steps.broken_links, ["../Old%20pathway.md"]);
    assert_eq!(audit.labels, ["sepsis", "audit"]);
    assert_eq!(audit.author.as_deref(), Some("alice@trust.nhs.uk"));
    assert!(audit.body.contains("[not a link](Sepsis.md)"), "code is not rewritten: {}", audit.body);
}

#[test]
fn word_and_html_documents_become_markdown() {
    let (kind, docs) = read("word");
    assert_eq!(kind, SourceKind::Documents);
    let discharge = &docs["Discharge checklist"];
    let body = &discharge.body;
    assert!(body.contains("**the day of admission**"), "{body}");
    assert!(body.contains("## Before the day"), "{body}");
    assert!(body.contains("- Book transport"), "{body}");
    assert!(body.contains("1. Check the discharge letter"), "{body}");
    assert!(body.contains("| Transport | Ward clerk |"), "{body}");
    assert!(body.contains("[NHS England on length of stay](https://www.england.nhs.uk/"), "{body}");
    assert!(body.contains("[medicines reconciliation](signpost-import:document:Medicines%20reconciliation.docx)"), "{body}");
    assert!(body.contains("![Discharge flow chart](signpost-attachment:Discharge%20checklist.docx%21word/media/image1.png)"), "{body}");
    assert_eq!(discharge.author.as_deref(), Some("Alice"));
    assert_eq!(discharge.attachments, ["Discharge checklist.docx!word/media/image1.png"]);
    let medicines = &docs["Medicines reconciliation"];
    assert_eq!(medicines.internal_links, ["document:Discharge checklist.docx"]);
    let visiting = &docs["Visiting hours"];
    assert!(visiting.body.contains("*open*") || visiting.body.contains("_open_"), "{}", visiting.body);
    assert_eq!(visiting.internal_links, ["document:Discharge checklist.docx"]);
}

#[test]
fn images_are_read_from_the_export_and_from_inside_word_documents() {
    let png = b"\x89PNG\r\n\x1a\n";
    let mut confluence = Export::open(&fixture("confluence"), Limits::default()).unwrap();
    assert!(confluence.file("OPS/attachments/65539/98305.png").unwrap().starts_with(png));
    assert!(confluence.file("OPS/attachments/65539/nothing.png").is_err());
    let mut word = Export::open(&fixture("word"), Limits::default()).unwrap();
    assert!(word.file("Discharge checklist.docx!word/media/image1.png").unwrap().starts_with(png));
}

#[test]
fn a_corrupted_archive_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("space.zip");
    std::fs::write(&path, b"PK\x03\x04 this is not really a zip").unwrap();
    let err = Export::open(&path, Limits::default()).err().unwrap();
    assert_eq!(err.place, "space.zip");
    assert!(err.message.contains("damaged"), "{}", err.message);
}
