//! Reading knowledge exported from other systems into Markdown documents. See the README.
mod archive;
mod confluence;
mod html;
mod links;
mod wiki;
mod word;

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use archive::Limits;
use archive::{Archive, Entry};
pub use links::{ATTACHMENT_SCHEME, LINK_SCHEME, attachment_placeholder, image_marker, placeholder, replace_images, replace_placeholders};

/// What an export came from, decided by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A Confluence HTML space export.
    Confluence,
    /// Markdown files from Outline, Obsidian, Notion or another wiki.
    Markdown,
    /// Word and HTML documents.
    Documents,
}

impl SourceKind {
    /// How the dry run names it.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Confluence => "Confluence space export",
            SourceKind::Markdown => "Markdown archive",
            SourceKind::Documents => "Word and HTML documents",
        }
    }
}

/// One page or document, as Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable across re-exports of the same source, so a re-import updates what it made.
    pub key: String,
    /// Where it is in the export, for messages.
    pub path: String,
    /// Title.
    pub title: String,
    /// Markdown; links to other documents in the export are `signpost-import:KEY`.
    pub body: String,
    /// The key of the page it sits under in the source's tree.
    pub parent: Option<String>,
    /// The author's name or email, as the source gives it.
    pub author: Option<String>,
    /// Labels or tags.
    pub labels: Vec<String>,
    /// When it was last changed in the source.
    pub modified: Option<DateTime<Utc>>,
    /// Keys of the documents it links to.
    pub internal_links: Vec<String>,
    /// Links that point into the export at something that is not there.
    pub broken_links: Vec<String>,
    /// Images and other files it uses, by path (a Word document's own images as
    /// `DOCUMENT!word/media/NAME`); images are `signpost-attachment:PATH` in the text.
    pub attachments: Vec<String>,
    /// Content that could not be carried over faithfully, e.g. `Confluence macro "jira"`.
    pub unsupported: Vec<String>,
}

impl Document {
    pub(crate) fn new(path: &str, key: String, title: String) -> Self {
        Document {
            key,
            path: path.to_string(),
            title,
            body: String::new(),
            parent: None,
            author: None,
            labels: Vec::new(),
            modified: None,
            internal_links: Vec::new(),
            broken_links: Vec::new(),
            attachments: Vec::new(),
            unsupported: Vec::new(),
        }
    }
}

/// A problem with the export, saying where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The entry (and place in it) or the archive itself.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { place: place.into(), message: message.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Where a link inside the export leads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    Document(String),
    File(String),
    /// Somewhere that is not content, such as a Confluence export's index page.
    Nowhere,
}

/// An opened export: its listing read, its documents not yet.
pub struct Export {
    archive: Archive,
    kind: SourceKind,
    /// Every entry, each name held once.
    entries: Vec<Entry>,
    /// Every path, to its entry and what it is.
    paths: HashMap<String, (usize, Slot)>,
    /// The entries that are documents.
    documents: Vec<usize>,
    /// Document keys by lower-cased file name, for Obsidian's `[[Page]]` links.
    names: HashMap<String, String>,
    listing: Listing,
    space: Option<String>,
}

/// What a path in the export is.
enum Slot {
    Document(String),
    File,
    Nowhere,
}

/// What is in an export before any document is read.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// What it is.
    pub kind: SourceKind,
    /// Pages or documents.
    pub documents: usize,
    /// Other files (images, attachments).
    pub files: usize,
    /// Their total size.
    pub file_bytes: u64,
}

impl Export {
    /// Opens a zip archive, a folder or a single document and lists what is in it.
    pub fn open(path: &Path, limits: Limits) -> Result<Export, Problem> {
        let mut archive = Archive::open(path, limits)?;
        let entries = archive.entries()?;
        let kind = detect(&entries);
        let space = (kind == SourceKind::Confluence).then(|| confluence::space_of(&entries)).flatten();
        let mut documents = Vec::new();
        let mut paths = HashMap::with_capacity(entries.len());
        let mut names = HashMap::new();
        let mut listing = Listing { kind, documents: 0, files: 0, file_bytes: 0 };
        for (i, e) in entries.iter().enumerate() {
            let key = match kind {
                SourceKind::Confluence => confluence::key(&e.name, space.as_deref()),
                _ => document_key(kind, &e.name),
            };
            let slot = match key {
                Some(key) => {
                    if kind == SourceKind::Markdown {
                        names.insert(wiki::name_of(&e.name).to_lowercase(), key.clone());
                    }
                    documents.push(i);
                    Slot::Document(key)
                }
                None if kind == SourceKind::Confluence && confluence::is_index(&e.name) => Slot::Nowhere,
                None => {
                    listing.files += 1;
                    listing.file_bytes += e.size;
                    Slot::File
                }
            };
            paths.insert(e.name.clone(), (i, slot));
        }
        if documents.is_empty() {
            return Err(Problem::new(
                archive.name(),
                "there are no pages or documents in it: give a Confluence HTML space export, a zip of Markdown files, or .docx, .html or .md files",
            ));
        }
        listing.documents = documents.len();
        Ok(Export { archive, kind, entries, paths, documents, names, listing, space })
    }

    /// What it holds.
    pub fn listing(&self) -> Listing {
        self.listing.clone()
    }

    /// Reads every document in turn, handing each (or the problem with it) to `each`.
    /// Only one document is held at a time.
    pub fn read_each(&mut self, mut each: impl FnMut(Result<Document, Problem>)) {
        let documents = std::mem::take(&mut self.documents);
        for &i in &documents {
            let entry = self.entries[i].clone();
            each(self.read(&entry));
        }
        self.documents = documents;
    }

    /// The bytes of a file in the export (`DOCUMENT!PART` for a part of a Word document),
    /// within the per-entry limit.
    pub fn file(&mut self, path: &str) -> Result<Vec<u8>, Problem> {
        let (outer, inner) = match path.split_once('!') {
            Some((doc, part)) => (doc, Some(part)),
            None => (path, None),
        };
        let entry = match self.paths.get(outer) {
            Some((i, _)) => self.entries[*i].clone(),
            None => return Err(Problem::new(path, "is not in the export")),
        };
        let bytes = self.archive.read(&entry)?;
        match inner {
            None => Ok(bytes),
            Some(part) => archive::read_inner(path, &bytes, part, self.archive.limits().max_entry_bytes),
        }
    }

    /// Where a path in the export leads.
    fn target(&self, path: &str) -> Option<Target> {
        self.paths.get(path).map(|(_, slot)| match slot {
            Slot::Document(key) => Target::Document(key.clone()),
            Slot::File => Target::File(path.to_string()),
            Slot::Nowhere => Target::Nowhere,
        })
    }

    fn read(&mut self, entry: &Entry) -> Result<Document, Problem> {
        let bytes = self.archive.read(entry)?;
        let key = match self.target(&entry.name) {
            Some(Target::Document(k)) => k,
            _ => return Err(Problem::new(&entry.name, "not a document")),
        };
        let resolve = |path: &str| self.target(path);
        let by_name = |name: &str| self.names.get(&name.to_lowercase()).cloned();
        let limits = self.archive.limits();
        let ext = extension(&entry.name);
        let doc = match ext.as_str() {
            "docx" => word::read(&entry.name, key, &bytes, &limits, &resolve)?,
            "md" | "markdown" => wiki::read(&entry.name, key, &text(&entry.name, bytes)?, &resolve, &by_name),
            _ if self.kind == SourceKind::Confluence => {
                confluence::read(&entry.name, key, &text(&entry.name, bytes)?, self.space.as_deref(), &limits, &resolve)?
            }
            _ => html::read_document(&entry.name, key, &text(&entry.name, bytes)?, &limits, &resolve)?,
        };
        Ok(doc)
    }
}

fn text(place: &str, bytes: Vec<u8>) -> Result<String, Problem> {
    let text = String::from_utf8(bytes).map_err(|e| {
        Problem::new(format!("{place} byte {}", e.utf8_error().valid_up_to()), "is not UTF-8 text; save it as UTF-8 and export again")
    })?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

pub(crate) fn extension(path: &str) -> String {
    path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).filter(|e| !e.contains('/')).unwrap_or_default()
}

fn document_key(kind: SourceKind, path: &str) -> Option<String> {
    let ext = extension(path);
    let document = match kind {
        SourceKind::Markdown => matches!(ext.as_str(), "md" | "markdown"),
        _ => matches!(ext.as_str(), "docx" | "html" | "htm" | "md" | "markdown"),
    };
    let prefix = if kind == SourceKind::Markdown { "markdown" } else { "document" };
    document.then(|| format!("{prefix}:{path}"))
}

/// A Confluence export has page files beside its `styles/site.css` or `attachments/`;
/// otherwise Markdown wins if there is any, and anything else is documents.
fn detect(entries: &[Entry]) -> SourceKind {
    let has = |f: &dyn Fn(&str) -> bool| entries.iter().any(|e| f(&e.name));
    if has(&|n| confluence::is_index(n)) && has(&|n| n.ends_with("styles/site.css") || n.contains("attachments/")) {
        SourceKind::Confluence
    } else if has(&|n| matches!(extension(n).as_str(), "md" | "markdown")) && !has(&|n| extension(n) == "docx") {
        SourceKind::Markdown
    } else {
        SourceKind::Documents
    }
}

#[cfg(test)]
mod fixture_tests;
