//! Signpost's search index: a Tantivy index derived from the store, kept in the
//! data directory and rebuilt from the store whenever it is missing or corrupt.
//!
//! Every search and suggestion takes the asker's visibility `Condition` and
//! makes it a required clause of the Tantivy query, so results, snippets, facet
//! counts and suggestions only ever reflect assets the asker may see.
#![warn(missing_docs)]

mod facet_counts;
mod fields;
mod index;
mod query;
mod results;
mod tuning;
mod visibility;

pub use index::TantivyIndex;
pub use signpost_domain::ports::{SearchError, SearchIndex};
pub use tuning::{FieldWeights, Tuning};
