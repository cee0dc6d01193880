//! Relevance evaluation on BEIR-format collections (`corpus.jsonl`, `queries.jsonl`,
//! `qrels/test.tsv`): the collection goes into Signpost through the normal import and
//! indexing path, its queries are run through the normal search, and the rankings
//! are scored by the standard definitions (as trec_eval computes them).
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// Judgements: query id → (document id → graded relevance).
pub type Qrels = HashMap<String, HashMap<String, i64>>;

/// One document of a BEIR corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    /// Identifier.
    #[serde(rename = "_id")]
    pub id: String,
    /// Title (may be empty).
    #[serde(default)]
    pub title: String,
    /// Text.
    #[serde(default)]
    pub text: String,
}

/// One query of a BEIR collection.
#[derive(Debug, Clone, Deserialize)]
pub struct BeirQuery {
    /// Identifier.
    #[serde(rename = "_id")]
    pub id: String,
    /// What is asked.
    pub text: String,
}

/// A BEIR collection, limited to the queries that have judgements.
pub struct Collection {
    /// Documents.
    pub corpus: Vec<Document>,
    /// Queries with at least one judgement, in file order.
    pub queries: Vec<BeirQuery>,
    /// Judgements.
    pub qrels: Qrels,
}

fn jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).with_context(|| format!("{} line {}", path.display(), i + 1))?);
    }
    Ok(out)
}

/// Reads a qrels file: `query-id corpus-id score` per line (tabs or spaces), header optional.
pub fn read_qrels(text: &str) -> anyhow::Result<Qrels> {
    let mut qrels = Qrels::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() || (i == 0 && cols.first() == Some(&"query-id")) {
            continue;
        }
        let [q, d, score] = cols[..] else { anyhow::bail!("qrels line {}: expected three columns", i + 1) };
        let score: i64 = score.parse().with_context(|| format!("qrels line {}: score {score:?}", i + 1))?;
        qrels.entry(q.to_string()).or_default().insert(d.to_string(), score);
    }
    Ok(qrels)
}

impl Collection {
    /// Loads `dir/corpus.jsonl`, `dir/queries.jsonl` and `dir/qrels/{split}.tsv`.
    pub fn load(dir: &Path, split: &str) -> anyhow::Result<Self> {
        let corpus: Vec<Document> = jsonl(&dir.join("corpus.jsonl"))?;
        let qrels_path = dir.join("qrels").join(format!("{split}.tsv"));
        let qrels = read_qrels(&std::fs::read_to_string(&qrels_path).with_context(|| format!("cannot read {}", qrels_path.display()))?)?;
        let queries: Vec<BeirQuery> =
            jsonl::<BeirQuery>(&dir.join("queries.jsonl"))?.into_iter().filter(|q| qrels.contains_key(&q.id)).collect();
        Ok(Collection { corpus, queries, qrels })
    }
}

/// Scores of one ranking.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    /// nDCG@10.
    pub ndcg10: f64,
    /// Recall@100.
    pub recall100: f64,
    /// MRR@10.
    pub mrr10: f64,
}

/// nDCG@k as trec_eval's `ndcg_cut`: gains from the judgements, log2(rank + 1)
/// discount, the ideal ranking made from every judged document of the query.
pub fn ndcg_at(ranking: &[String], judged: &HashMap<String, i64>, k: usize) -> f64 {
    let dcg: f64 =
        ranking.iter().take(k).enumerate().map(|(i, d)| judged.get(d).copied().unwrap_or(0).max(0) as f64 / ((i + 2) as f64).log2()).sum();
    let mut ideal: Vec<i64> = judged.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, g)| *g as f64 / ((i + 2) as f64).log2()).sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Recall@k: the share of relevant documents found in the top k.
pub fn recall_at(ranking: &[String], judged: &HashMap<String, i64>, k: usize) -> f64 {
    let relevant: HashSet<&String> = judged.iter().filter(|(_, g)| **g > 0).map(|(d, _)| d).collect();
    if relevant.is_empty() {
        return 0.0;
    }
    ranking.iter().take(k).filter(|d| relevant.contains(d)).count() as f64 / relevant.len() as f64
}

/// Reciprocal rank of the first relevant document in the top k, or 0.
pub fn reciprocal_rank_at(ranking: &[String], judged: &HashMap<String, i64>, k: usize) -> f64 {
    ranking.iter().take(k).position(|d| judged.get(d).is_some_and(|g| *g > 0)).map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Mean scores over every judged query; a query with no ranking scores 0.
pub fn evaluate(rankings: &HashMap<String, Vec<String>>, qrels: &Qrels) -> Scores {
    let n = qrels.len().max(1) as f64;
    let mut total = Scores::default();
    for (q, judged) in qrels {
        let ranking = rankings.get(q).map(Vec::as_slice).unwrap_or(&[]);
        total.ndcg10 += ndcg_at(ranking, judged, 10);
        total.recall100 += recall_at(ranking, judged, 100);
        total.mrr10 += reciprocal_rank_at(ranking, judged, 10);
    }
    Scores { ndcg10: total.ndcg10 / n, recall100: total.recall100 / n, mrr10: total.mrr10 / n }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn judged(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    #[test]
    fn ndcg_matches_hand_computed_values() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert!((ndcg_at(&ranking(&["a", "b", "c"]), &j, 10) - 1.0).abs() < 1e-12, "ideal order");
        // Relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
        let expected = (1.0 / 3f64.log2() + 0.5) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&ranking(&["x", "a", "b"]), &j, 10) - expected).abs() < 1e-12);
        // Graded: the ideal puts the grade-2 document first.
        let g = judged(&[("a", 2), ("b", 1)]);
        let expected = (1.0 + 2.0 / 3f64.log2()) / (2.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&ranking(&["b", "a"]), &g, 10) - expected).abs() < 1e-12);
        assert_eq!(ndcg_at(&ranking(&["x"; 10]), &j, 10), 0.0);
        assert_eq!(ndcg_at(&ranking(&["x", "x", "a"]), &j, 2), 0.0, "beyond the cut-off counts nothing");
    }

    #[test]
    fn recall_and_reciprocal_rank_follow_their_definitions() {
        let j = judged(&[("a", 1), ("b", 1), ("c", 0)]);
        assert_eq!(recall_at(&ranking(&["c", "a"]), &j, 100), 0.5, "a zero grade is not relevant");
        assert_eq!(reciprocal_rank_at(&ranking(&["c", "x", "b"]), &j, 10), 1.0 / 3.0);
        assert_eq!(reciprocal_rank_at(&ranking(&["c", "x", "b"]), &j, 2), 0.0);
    }

    #[test]
    fn queries_without_results_count_as_zero_and_qrels_parse_with_a_header() {
        let qrels = read_qrels("query-id\tcorpus-id\tscore\n1\ta\t1\n2\tb\t1\n").unwrap();
        let rankings = HashMap::from([("1".to_string(), ranking(&["a"]))]);
        let s = evaluate(&rankings, &qrels);
        assert_eq!((s.ndcg10, s.recall100, s.mrr10), (0.5, 0.5, 0.5));
        assert!(read_qrels("1 a\n").is_err(), "two columns is an error");
    }
}
