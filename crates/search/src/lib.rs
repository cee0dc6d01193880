//! Signpost's search index: a Tantivy index derived from the store, kept in the
//! data directory and rebuilt from the store whenever it is missing or corrupt.
//!
//! Every search and suggestion takes the asker's visibility `Condition` and
//! makes it a required clause of the Tantivy query, so results, snippets, facet
//! counts and suggestions only ever reflect assets the asker may see. Assets'
//! embeddings are held beside it in memory; a search that carries a query vector
//! ranks by words and meaning together, its nearest neighbours passed through the
//! same filter.
#![warn(missing_docs)]

mod facet_counts;
mod fields;
mod hybrid;
mod index;
mod matching;
mod plain;
mod query;
mod results;
mod tuning;
mod vectors;
mod visibility;

pub use index::TantivyIndex;
pub use signpost_domain::ports::{SearchError, SearchIndex};
pub use tuning::{FieldWeights, Fusion, Tuning};
