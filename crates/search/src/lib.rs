//! Signpost's search index: a Tantivy index derived from the store, kept in the
//! data directory and rebuilt from the store whenever it is missing or corrupt.
//!
//! Every search and suggestion takes the asker's visibility `Condition`, turned
//! into a bitset per segment of the documents the asker may see; a document
//! outside it never enters results, totals, facet counts, snippets or
//! suggestions. Scoring prunes with block-max WAND; totals and facets come from a
//! separate pass that only marks matches in a bitset. Assets'
//! embeddings are held beside it in memory; a search that carries a query vector
//! ranks by words and meaning together, its nearest neighbours passed through the
//! same filter.
#![warn(missing_docs)]

mod collect;
mod columns;
mod facet_counts;
mod fields;
mod hybrid;
mod index;
mod matching;
mod plain;
mod query;
mod results;
mod stems;
mod tuning;
mod vectors;
mod visibility;

#[cfg(test)]
mod equivalence_tests;

pub use index::TantivyIndex;
pub use signpost_domain::ports::{SearchError, SearchIndex};
pub use tuning::{FieldWeights, Fusion, Tuning};
