//! The index schema and the document made from an asset.
use signpost_domain::assets::Asset;
use tantivy::schema::{FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{TantivyDocument, doc};

use crate::tuning::ANALYSER;

/// Bumped whenever the schema or the text analysis changes; an index written
/// with another version is rebuilt at start-up.
pub(crate) const SCHEMA_VERSION: u32 = 4;
/// Analyser for type-ahead: words, lower-cased, not stemmed.
pub(crate) const PLAIN: &str = "default";

/// Handles on every field of the schema.
#[derive(Clone)]
pub(crate) struct Fields {
    pub schema: Schema,
    pub id: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub title_plain: tantivy::schema::Field,
    pub summary: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    pub tags: tantivy::schema::Field,
    pub details: tantivy::schema::Field,
    pub all: tantivy::schema::Field,
    pub kind: tantivy::schema::Field,
    pub topic: tantivy::schema::Field,
    pub status: tantivy::schema::Field,
    pub visibility: tantivy::schema::Field,
    pub team: tantivy::schema::Field,
    pub owner: tantivy::schema::Field,
    pub named: tantivy::schema::Field,
    pub updated_at: tantivy::schema::Field,
    pub next_review_at: tantivy::schema::Field,
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored { opts.set_stored() } else { opts }
}

impl Fields {
    pub(crate) fn new() -> Self {
        let mut b = Schema::builder();
        let fields = Fields {
            id: b.add_u64_field("id", INDEXED | STORED | FAST),
            title: b.add_text_field("title", text(ANALYSER, true)),
            title_plain: b.add_text_field("title_plain", text(PLAIN, false)),
            summary: b.add_text_field("summary", text(ANALYSER, true)),
            body: b.add_text_field("body", text(ANALYSER, true)),
            tags: b.add_text_field("tags", text(ANALYSER, false)),
            details: b.add_text_field("details", text(ANALYSER, false)),
            // Every searchable text at once, so a word's weight comes from one set of statistics.
            all: b.add_text_field("all", text(ANALYSER, false)),
            // Facets are counted from fast-field columns (see facet_counts.rs).
            kind: b.add_text_field("kind", STRING | STORED | FAST),
            topic: b.add_text_field("topic", STRING | FAST),
            status: b.add_text_field("status", STRING | STORED | FAST),
            visibility: b.add_text_field("visibility", STRING),
            team: b.add_u64_field("team", INDEXED | STORED | FAST),
            owner: b.add_u64_field("owner", INDEXED | STORED),
            named: b.add_u64_field("named", INDEXED),
            updated_at: b.add_i64_field("updated_at", INDEXED | STORED | FAST),
            next_review_at: b.add_i64_field("next_review_at", INDEXED | STORED | FAST),
            schema: Schema::builder().build(),
        };
        Fields { schema: b.build(), ..fields }
    }

    pub(crate) fn document(&self, a: &Asset) -> TantivyDocument {
        let body = crate::plain::plain_text(&a.body);
        let mut d = doc!(
            self.id => a.id.0 as u64,
            self.title => a.title.clone(),
            self.title_plain => a.title.clone(),
            self.summary => a.summary.clone(),
            self.body => body.clone(),
            self.kind => a.kind.as_str(),
            self.status => a.status.as_str(),
            self.visibility => a.visibility.as_str(),
            self.team => a.team_id.0 as u64,
            self.owner => a.owner_id.0 as u64,
            self.updated_at => a.updated_at.timestamp_millis(),
            self.next_review_at => a.next_review_at.timestamp_millis(),
        );
        for t in [&a.title, &a.summary, &body] {
            d.add_text(self.all, t);
        }
        for t in &a.tags {
            d.add_text(self.tags, t);
            d.add_text(self.all, t);
        }
        for (_, t) in a.fields.texts() {
            d.add_text(self.details, &t);
            d.add_text(self.all, &t);
        }
        for t in &a.topics {
            d.add_text(self.topic, t);
        }
        for u in &a.named_viewers {
            d.add_u64(self.named, u.0 as u64);
        }
        d
    }
}
