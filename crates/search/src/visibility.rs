//! Translates a visibility [`Condition`] into a Tantivy filter query.
use signpost_domain::visibility::Condition;
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::fields::Fields;

pub(crate) fn filter(f: &Fields, c: &Condition) -> Box<dyn Query> {
    let term = |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let any = |qs: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        if qs.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::new(qs.into_iter().map(|q| (Occur::Should, q)).collect())) }
    };
    match c {
        Condition::Always => Box::new(AllQuery),
        Condition::Never => Box::new(EmptyQuery),
        Condition::Any(cs) => any(cs.iter().map(|c| filter(f, c)).collect()),
        Condition::All(cs) if cs.is_empty() => Box::new(AllQuery),
        Condition::All(cs) => Box::new(BooleanQuery::new(cs.iter().map(|c| (Occur::Must, filter(f, c))).collect())),
        Condition::OwnerIs(u) => term(Term::from_field_u64(f.owner, u.0 as u64)),
        Condition::StatusIn(s) => any(s.iter().map(|s| term(Term::from_field_text(f.status, s.as_str()))).collect()),
        Condition::VisibilityIn(v) => any(v.iter().map(|v| term(Term::from_field_text(f.visibility, v.as_str()))).collect()),
        Condition::TeamIn(t) => any(t.iter().map(|t| term(Term::from_field_u64(f.team, t.0 as u64))).collect()),
        Condition::NamedViewer(u) => term(Term::from_field_u64(f.named, u.0 as u64)),
    }
}
