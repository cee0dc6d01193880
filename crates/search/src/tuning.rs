//! How text is analysed and how much each field counts: one place, so the index
//! and the queries always agree, and the relevance evaluation can compare choices.
use tantivy::Index;
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer};

use crate::stems::CachedEnglishStemmer;

/// The analyser every searchable text field and every query uses.
pub(crate) const ANALYSER: &str = "signpost";

/// How much a match in each field counts, relative to the body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldWeights {
    /// Title.
    pub title: f32,
    /// Tags.
    pub tags: f32,
    /// Summary.
    pub summary: f32,
    /// The kind's own fields (context, recommendation, steps…).
    pub details: f32,
    /// Body.
    pub body: f32,
    /// All of them as one text.
    pub all: f32,
}

/// How words and meaning are weighed when a search carries a query vector; each
/// side's scores are first scaled to 0–1 over the candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fusion {
    /// Weight of the BM25 score.
    pub lexical: f32,
    /// Weight of the similarity in meaning (0: words only, even with a vector).
    pub semantic: f32,
}

/// Text analysis, field weights and fusion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Drop common English words ("the", "of") from the index and from queries.
    pub stop_words: bool,
    /// Reduce words to their stem (English Snowball), so "screening" finds "screened".
    pub stemming: bool,
    /// Fold accents ("café" finds "cafe").
    pub ascii_folding: bool,
    /// Field weights.
    pub weights: FieldWeights,
    /// Words against meaning.
    pub fusion: Fusion,
}

impl Default for Tuning {
    /// The choices the relevance evaluation supports (see BENCHMARKS.md).
    fn default() -> Self {
        Tuning {
            stop_words: true,
            stemming: true,
            ascii_folding: true,
            // One BM25 over all the text, plus a little more for the title and tags: per-field
            // scores added up count a word found in several fields several times over.
            weights: FieldWeights { title: 0.5, tags: 0.5, summary: 0.0, details: 0.0, body: 0.0, all: 1.0 },
            fusion: Fusion { lexical: 1.0, semantic: 1.0 },
        }
    }
}

impl Tuning {
    /// Registers the analyser on `index`.
    pub(crate) fn register(&self, index: &Index) {
        let mut builder =
            TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).dynamic();
        if self.ascii_folding {
            builder = builder.filter_dynamic(AsciiFoldingFilter);
        }
        if self.stop_words
            && let Some(stop) = StopWordFilter::new(Language::English)
        {
            builder = builder.filter_dynamic(stop);
        }
        if self.stemming {
            builder = builder.filter_dynamic(CachedEnglishStemmer);
        }
        index.tokenizers().register(ANALYSER, builder.build());
    }
}
