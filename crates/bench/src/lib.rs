//! Measuring Signpost, kept out of the product: the synthetic trust corpus, the
//! SQLite FTS5 and PostgreSQL full-text baselines Signpost is compared with, and
//! BEIR relevance metrics. The binaries in `src/bin` use them; BENCHMARKS.md reports
//! what they measured.
#![warn(missing_docs)]

pub mod baselines;
pub mod corpus;
pub mod relevance;
