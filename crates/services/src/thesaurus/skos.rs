//! The thesaurus as SKOS in Turtle, read and written with oxttl. Concepts are read
//! from `skos:prefLabel` (English or untagged first), `skos:altLabel` and
//! `skos:hiddenLabel` (non-preferred terms), `skos:broader` and `skos:narrower` (either
//! side of the link), and `skos:scopeNote`. Problems are named by line (syntax) or by
//! concept.
use std::collections::HashMap;

use oxrdf::{Literal, NamedNode, NamedOrBlankNode, Term as RdfTerm, TripleRef};
use oxttl::{TurtleParser, TurtleSerializer};
use signpost_domain::FieldError;
use signpost_domain::thesaurus::{Term, Thesaurus, key};

use crate::ServiceError;

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
/// Where exported concepts live: stable names that need no web address.
const BASE: &str = "urn:signpost:thesaurus:";
/// The most triples read from one file.
const MAX_TRIPLES: usize = 200_000;

/// Whether a file looks like Turtle rather than CSV.
pub(super) fn looks_like_turtle(text: &str) -> bool {
    let start = text.trim_start();
    start.starts_with("@prefix")
        || start.starts_with("@base")
        || start.starts_with("PREFIX")
        || start.starts_with('<')
        || start.starts_with('#')
}

#[derive(Default)]
struct Concept {
    labels: Vec<(String, Option<String>)>,
    alt: Vec<String>,
    broader: Vec<String>,
    note: String,
    is_concept: bool,
    is_scheme: bool,
}

fn english_first(labels: &[(String, Option<String>)]) -> Option<String> {
    let rank = |lang: &Option<String>| match lang.as_deref().map(str::to_lowercase) {
        None => 0,
        Some(l) if l == "en" || l.starts_with("en-") => 0,
        Some(_) => 1,
    };
    labels.iter().min_by_key(|(_, lang)| rank(lang)).map(|(v, _)| v.clone())
}

/// Reads a SKOS thesaurus from Turtle.
pub(super) fn read(text: &str) -> Result<Vec<Term>, ServiceError> {
    let mut concepts: HashMap<String, Concept> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut narrower: Vec<(String, String)> = Vec::new();
    for (n, triple) in TurtleParser::new().for_slice(text.as_bytes()).enumerate() {
        let triple = triple.map_err(|e| ServiceError::invalid("file", format!("line {}: {}", e.location().start.line + 1, e.message())))?;
        if n >= MAX_TRIPLES {
            return Err(ServiceError::TooLarge(format!("the file holds more than {MAX_TRIPLES} statements")));
        }
        let NamedOrBlankNode::NamedNode(subject) = &triple.subject else { continue };
        let predicate = triple.predicate.as_str();
        let object_iri = match &triple.object {
            RdfTerm::NamedNode(o) => Some(o.as_str().to_string()),
            _ => None,
        };
        let literal = match &triple.object {
            RdfTerm::Literal(l) => Some((l.value().to_string(), l.language().map(str::to_string))),
            _ => None,
        };
        let Some(local) = predicate.strip_prefix(SKOS).or(if predicate == RDF_TYPE { Some("type") } else { None }) else { continue };
        let id = subject.as_str().to_string();
        let entry = concepts.entry(id.clone()).or_insert_with(|| {
            order.push(id.clone());
            Concept::default()
        });
        match (local, literal, object_iri) {
            ("type", _, Some(o)) if o == format!("{SKOS}Concept") => entry.is_concept = true,
            ("type", _, Some(o)) if o == format!("{SKOS}ConceptScheme") => entry.is_scheme = true,
            ("prefLabel", Some(l), _) => entry.labels.push(l),
            ("altLabel" | "hiddenLabel", Some((v, _)), _) => entry.alt.push(v),
            ("broader", _, Some(o)) => entry.broader.push(o),
            ("narrower", _, Some(o)) => narrower.push((o, id)),
            ("scopeNote", Some((v, _)), _) if entry.note.is_empty() => entry.note = v,
            _ => {}
        }
    }
    for (child, parent) in narrower {
        let entry = concepts.entry(child.clone()).or_insert_with(|| {
            order.push(child.clone());
            Concept::default()
        });
        if !entry.broader.contains(&parent) {
            entry.broader.push(parent);
        }
    }
    // A concept is typed so, or simply has a preferred label; a concept scheme is not one.
    let ids: Vec<String> =
        order.into_iter().filter(|id| concepts[id].is_concept || (!concepts[id].labels.is_empty() && !concepts[id].is_scheme)).collect();
    let mut errors = Vec::new();
    let label_of: HashMap<&str, String> =
        ids.iter().filter_map(|id| english_first(&concepts[id].labels).map(|l| (id.as_str(), l))).collect();
    let mut terms = Vec::new();
    for id in &ids {
        let c = &concepts[id];
        let Some(label) = label_of.get(id.as_str()) else {
            errors.push(FieldError::new("file", format!("concept <{id}> has no skos:prefLabel")));
            continue;
        };
        let mut broader = Vec::new();
        for b in &c.broader {
            match label_of.get(b.as_str()) {
                Some(l) => broader.push(l.clone()),
                None => errors.push(FieldError::new("file", format!("concept <{id}>: its broader concept <{b}> is not in the file"))),
            }
        }
        let others = c.labels.iter().map(|(v, _)| v.clone()).filter(|v| key(v) != key(label));
        terms.push((
            id.clone(),
            Term {
                label: label.clone(),
                broader,
                non_preferred: super::split_list(&c.alt.iter().cloned().chain(others).collect::<Vec<_>>().join("|")),
                scope_note: c.note.trim().to_string(),
            },
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (ids, terms): (Vec<String>, Vec<Term>) = terms.into_iter().unzip();
    let problems = Thesaurus::check(&terms);
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(
            problems
                .into_iter()
                .map(|e| {
                    let i = e.field.strip_prefix("terms[").and_then(|r| r.split(']').next()).and_then(|i| i.parse::<usize>().ok());
                    match i.and_then(|i| ids.get(i)) {
                        Some(id) => FieldError::new("file", format!("concept <{id}>: {}", e.message)),
                        None => FieldError::new("file", e.message),
                    }
                })
                .collect(),
        ));
    }
    Ok(terms)
}

/// A concept name from a label: lower-case words joined by hyphens.
fn slug(label: &str) -> String {
    let words: Vec<String> = label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() { "term".into() } else { words.join("-") }
}

/// Writes the thesaurus as a SKOS concept scheme in Turtle.
pub(super) fn write(terms: &[Term]) -> String {
    let mut names: HashMap<String, NamedNode> = HashMap::new();
    let mut taken: Vec<String> = Vec::new();
    for t in terms {
        let base = slug(&t.label);
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        taken.push(name.clone());
        names.insert(key(&t.label), NamedNode::new_unchecked(format!("{BASE}{name}")));
    }
    let skos = |local: &str| NamedNode::new_unchecked(format!("{SKOS}{local}"));
    let (a, scheme) = (NamedNode::new_unchecked(RDF_TYPE), NamedNode::new_unchecked(format!("{BASE}scheme")));
    let english = |v: &str| Literal::new_language_tagged_literal_unchecked(v, "en");
    let mut out = TurtleSerializer::new().with_prefix("skos", SKOS).map(|s| s.for_writer(Vec::new()));
    let Ok(writer) = out.as_mut() else { return String::new() };
    let mut put = |s: &NamedNode, p: &NamedNode, o: RdfTerm| {
        let _ = writer.serialize_triple(TripleRef::new(s, p, &o));
    };
    put(&scheme, &a, skos("ConceptScheme").into());
    put(&scheme, &skos("prefLabel"), english("Signpost subject thesaurus").into());
    for t in terms {
        let me = &names[&key(&t.label)];
        put(me, &a, skos("Concept").into());
        put(me, &skos("inScheme"), scheme.clone().into());
        put(me, &skos("prefLabel"), english(&t.label).into());
        for np in &t.non_preferred {
            put(me, &skos("altLabel"), english(np).into());
        }
        for b in &t.broader {
            if let Some(parent) = names.get(&key(b)) {
                put(me, &skos("broader"), parent.clone().into());
            }
        }
        if t.broader.is_empty() {
            put(me, &skos("topConceptOf"), scheme.clone().into());
        }
        if !t.scope_note.is_empty() {
            put(me, &skos("scopeNote"), english(&t.scope_note).into());
        }
    }
    out.ok().and_then(|w| w.finish().ok()).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/terms/> .
ex:settings a skos:Concept ; skos:prefLabel "Hospital settings"@en ; skos:narrower ex:icu .
ex:icu a skos:Concept ; skos:prefLabel "Intensive care"@en, "Soins intensifs"@fr ;
    skos:altLabel "ICU"@en ; skos:scopeNote "Level 3 care."@en .
ex:picu skos:prefLabel "Paediatric intensive care" ; skos:broader ex:icu .
"#;

    #[test]
    fn skos_reads_both_sides_of_broader_and_writes_back_the_same_thesaurus() {
        let terms = read(SAMPLE).unwrap();
        let labels: Vec<&str> = terms.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Hospital settings", "Intensive care", "Paediatric intensive care"]);
        assert_eq!(terms[1].broader, ["Hospital settings"], "from skos:narrower on the other concept");
        assert_eq!(terms[1].non_preferred, ["ICU", "Soins intensifs"]);
        assert_eq!(terms[1].scope_note, "Level 3 care.");
        assert_eq!(terms[2].broader, ["Intensive care"]);
        let again = read(&write(&terms)).unwrap();
        assert_eq!(again, terms);
    }

    #[test]
    fn broken_turtle_and_dangling_concepts_are_named() {
        let broken = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:a> skos:prefLabel \"A\" .\n<urn:b> skos:prefLabel \"B\" \n<urn:c> skos:prefLabel \"C\" .\n";
        let ServiceError::Invalid(e) = read(broken).unwrap_err() else { panic!() };
        assert!(e[0].message.starts_with("line 4:") || e[0].message.starts_with("line 3:"), "{:?}", e);
        let dangling = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:a> skos:prefLabel \"A\" ; skos:broader <urn:gone> .\n";
        let ServiceError::Invalid(e) = read(dangling).unwrap_err() else { panic!() };
        assert_eq!(e[0].message, "concept <urn:a>: its broader concept <urn:gone> is not in the file");
    }
}
