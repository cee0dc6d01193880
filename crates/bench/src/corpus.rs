//! A deterministic generator of realistic knowledge assets for benchmarks: titles,
//! summaries and bodies drawn from a Zipf-distributed vocabulary of clinical and
//! knowledge-management terms (with common English words and acronyms mixed in, and
//! each asset leaning on one subject), with the visibility mix of a real trust, and
//! a matching log of queries.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_services::assets::AssetInput;

const TERMS: &[&str] = &[
    "patient",
    "safety",
    "handover",
    "infection",
    "prevention",
    "vaccination",
    "clinic",
    "ward",
    "nurse",
    "discharge",
    "sepsis",
    "screening",
    "medicines",
    "falls",
    "pressure",
    "ulcer",
    "deteriorating",
    "escalation",
    "outbreak",
    "norovirus",
    "influenza",
    "measles",
    "covid",
    "learning",
    "lesson",
    "review",
    "after",
    "action",
    "before",
    "knowledge",
    "evidence",
    "guidance",
    "community",
    "practice",
    "peer",
    "assist",
    "retrospect",
    "café",
    "coffee",
    "mentoring",
    "handoff",
    "maternity",
    "midwife",
    "emergency",
    "department",
    "surge",
    "triage",
    "frailty",
    "dementia",
    "delirium",
    "nutrition",
    "hydration",
    "catheter",
    "cannula",
    "antimicrobial",
    "stewardship",
    "audit",
    "quality",
    "improvement",
    "governance",
    "incident",
    "investigation",
    "psirf",
    "duty",
    "candour",
    "consent",
    "capacity",
    "safeguarding",
    "mental",
    "health",
    "crisis",
    "community",
    "district",
    "primary",
    "care",
    "gp",
    "pharmacy",
    "library",
    "search",
    "summary",
    "appraisal",
    "trial",
    "cohort",
    "systematic",
    "workforce",
    "induction",
    "rota",
    "staffing",
    "wellbeing",
    "burnout",
    "leadership",
    "board",
    "strategy",
    "digital",
    "record",
    "dashboard",
    "ambulance",
    "transfer",
    "theatre",
    "anaesthesia",
    "recovery",
    "pain",
    "end",
    "life",
    "palliative",
    "bereavement",
    "family",
    "carer",
    // Further clinical, public-health and knowledge-management terms: the long tail.
    "asthma",
    "copd",
    "diabetes",
    "insulin",
    "hypoglycaemia",
    "stroke",
    "thrombolysis",
    "cardiac",
    "arrest",
    "resuscitation",
    "anticoagulation",
    "warfarin",
    "apixaban",
    "heparin",
    "embolism",
    "thrombosis",
    "fracture",
    "hip",
    "orthogeriatric",
    "physiotherapy",
    "occupational",
    "therapy",
    "speech",
    "language",
    "dysphagia",
    "nasogastric",
    "tube",
    "feeding",
    "enteral",
    "parenteral",
    "wound",
    "dressing",
    "tissue",
    "viability",
    "stoma",
    "continence",
    "urinary",
    "tract",
    "pneumonia",
    "aspiration",
    "oxygen",
    "saturation",
    "ventilation",
    "tracheostomy",
    "intensive",
    "critical",
    "outreach",
    "observations",
    "news2",
    "early",
    "warning",
    "score",
    "paediatric",
    "neonatal",
    "antenatal",
    "postnatal",
    "breastfeeding",
    "immunisation",
    "schedule",
    "cold",
    "chain",
    "fridge",
    "temperature",
    "excursion",
    "pharmacist",
    "prescribing",
    "error",
    "omitted",
    "dose",
    "allergy",
    "anaphylaxis",
    "adrenaline",
    "penicillin",
    "gentamicin",
    "vancomycin",
    "clostridioides",
    "difficile",
    "mrsa",
    "isolation",
    "cohorting",
    "hand",
    "hygiene",
    "gloves",
    "apron",
    "mask",
    "respirator",
    "fit",
    "testing",
    "ventilated",
    "aerosol",
    "tuberculosis",
    "contact",
    "tracing",
    "notification",
    "ukhsa",
    "surveillance",
    "epidemiology",
    "incidence",
    "prevalence",
    "cluster",
    "heatwave",
    "cold",
    "weather",
    "flooding",
    "resilience",
    "business",
    "continuity",
    "major",
    "incident",
    "plan",
    "exercise",
    "debrief",
    "hot",
    "cold",
    "sbar",
    "huddle",
    "safety",
    "cross",
    "board",
    "round",
    "ward",
    "round",
    "checklist",
    "whiteboard",
    "bed",
    "flow",
    "patient",
    "flow",
    "delayed",
    "transfers",
    "virtual",
    "ward",
    "remote",
    "monitoring",
    "telehealth",
    "video",
    "consultation",
    "interpreter",
    "language",
    "access",
    "inequalities",
    "deprivation",
    "homeless",
    "learning",
    "disability",
    "autism",
    "reasonable",
    "adjustments",
    "carer",
    "passport",
    "advance",
    "care",
    "planning",
    "dnacpr",
    "respect",
    "form",
    "hospice",
    "syringe",
    "driver",
    "symptom",
    "control",
    "breathlessness",
    "nausea",
    "constipation",
    "mouth",
    "care",
    "spiritual",
    "chaplaincy",
    "faith",
    "culture",
    "clinical",
    "supervision",
    "reflective",
    "practice",
    "revalidation",
    "appraisal",
    "preceptorship",
    "apprenticeship",
    "simulation",
    "training",
    "e-learning",
    "competency",
    "framework",
    "skills",
    "passport",
    "retention",
    "recruitment",
    "agency",
    "bank",
    "vacancies",
    "sickness",
    "absence",
    "flexible",
    "working",
    "menopause",
    "fatigue",
    "night",
    "shifts",
    "breaks",
    "rest",
    "knowledge",
    "mobilisation",
    "tacit",
    "explicit",
    "exit",
    "interview",
    "succession",
    "onboarding",
    "buddy",
    "shadowing",
    "storytelling",
    "narrative",
    "randomised",
    "controlled",
    "meta-analysis",
    "guideline",
    "nice",
    "sign",
    "cochrane",
    "medline",
    "literature",
    "search",
    "strategy",
    "boolean",
    "mesh",
    "headings",
    "current",
    "awareness",
    "bulletin",
    "alerting",
    "evidence-based",
    "implementation",
    "spread",
    "adoption",
    "sustainability",
    "scale",
    "pilot",
    "evaluation",
    "outcome",
    "measures",
    "patient-reported",
    "experience",
    "complaints",
    "compliments",
    "friends",
    "family",
    "test",
    "feedback",
    "co-production",
    "lived",
    "volunteers",
    "charity",
    "fundraising",
    "estates",
    "facilities",
    "cleaning",
    "catering",
    "portering",
    "laundry",
    "waste",
    "sustainability",
    "carbon",
    "net",
    "zero",
    "anaesthetic",
    "gases",
    "inhalers",
    "procurement",
    "supply",
    "shortage",
    "cyber",
    "security",
    "information",
    "governance",
    "data",
    "protection",
    "caldicott",
    "sharing",
    "agreement",
    "records",
    "coding",
    "clinical",
    "documentation",
    "electronic",
    "prescribing",
    "epr",
    "interoperability",
    "fhir",
    "snomed",
    "terminology",
];

/// Common English words: about a third of running text, as in real prose.
const FUNCTION_WORDS: &[&str] =
    &["the", "of", "and", "to", "in", "a", "for", "with", "on", "was", "is", "by", "at", "from", "this", "that", "we", "our", "were", "be"];

/// Acronyms people type in queries; each stands for terms the text spells out.
const ACRONYMS: &[&str] = &["AAR", "PDSA", "SBAR", "NEWS2", "MRSA", "COPD", "DNACPR", "EPR", "UKHSA", "PSIRF", "GP", "NICE"];

/// Themes: each asset draws half its words from one window of the vocabulary, so
/// words co-occur as they do in real writing about one subject.
const THEMES: usize = 24;
const THEME_WIDTH: usize = 40;

/// A reproducible stream of assets.
pub struct Corpus {
    rng: ChaCha8Rng,
    terms: Vec<&'static str>,
    cumulative: Vec<f64>,
    teams: Vec<String>,
    theme: usize,
}

impl Corpus {
    /// A generator from `seed` that files assets in `teams`.
    pub fn new(seed: u64, teams: Vec<String>) -> Self {
        let mut terms: Vec<&'static str> = Vec::new();
        for t in TERMS {
            if !terms.contains(t) {
                terms.push(t);
            }
        }
        let weights: Vec<f64> = (1..=terms.len()).map(|r| 1.0 / r as f64).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Corpus { rng: ChaCha8Rng::seed_from_u64(seed), terms, cumulative, teams, theme: 0 }
    }

    /// How many distinct terms the vocabulary has.
    pub fn vocabulary(&self) -> usize {
        self.terms.len()
    }

    /// A term drawn with Zipf frequencies over the whole vocabulary.
    pub fn term(&mut self) -> &'static str {
        let x: f64 = self.rng.r#gen();
        let i = self.cumulative.partition_point(|c| *c < x).min(self.terms.len() - 1);
        self.terms[i]
    }

    /// A term from the current theme's window of the vocabulary.
    fn theme_term(&mut self) -> &'static str {
        let start = (self.theme * (self.terms.len() - THEME_WIDTH)) / THEMES;
        self.terms[start + self.rng.gen_range(0..THEME_WIDTH)]
    }

    fn word(&mut self) -> &'static str {
        let roll: f64 = self.rng.r#gen();
        if roll < 0.33 {
            FUNCTION_WORDS[self.rng.gen_range(0..FUNCTION_WORDS.len())]
        } else if roll < 0.66 {
            self.theme_term()
        } else if roll < 0.67 {
            ACRONYMS[self.rng.gen_range(0..ACRONYMS.len())]
        } else {
            self.term()
        }
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
    }

    /// The next asset, with its team's name.
    pub fn next_asset(&mut self) -> (AssetInput, String) {
        self.theme = self.rng.gen_range(0..THEMES);
        let kind = AssetKind::ALL[self.rng.gen_range(0..AssetKind::ALL.len())];
        let title_len = self.rng.gen_range(3..9);
        let mut title = self.words(title_len);
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + &title[1..];
        }
        let summary_len = self.rng.gen_range(12..30);
        let summary = self.words(summary_len);
        let paragraphs = self.rng.gen_range(2..6);
        let body = (0..paragraphs)
            .map(|_| {
                let n = self.rng.gen_range(30..90);
                self.words(n) + "."
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        let roll: f64 = self.rng.r#gen();
        let visibility = if roll < 0.3 {
            Visibility::Public
        } else if roll < 0.8 {
            Visibility::Organisation
        } else {
            Visibility::Team
        };
        let team = self.teams[self.rng.gen_range(0..self.teams.len())].clone();
        let tags = (0..self.rng.gen_range(1..4)).map(|_| self.term().to_string()).collect();
        let topics = vec![self.term().to_string()];
        let fields = self.fields(kind);
        let input = AssetInput {
            summary,
            body,
            fields,
            tags,
            topics,
            visibility: Some(visibility),
            review_interval_days: Some(365),
            status: Some(if self.rng.gen_bool(0.9) { Status::Published } else { Status::Draft }),
            ..AssetInput::new(kind, title)
        };
        (input, team)
    }

    /// The kind's own fields, complete enough to publish.
    fn fields(&mut self, kind: AssetKind) -> serde_json::Value {
        use serde_json::json;
        let mut w = |n: usize| self.words(n);
        match kind {
            AssetKind::Lesson => json!({"context": w(8), "what_happened": w(20), "recommendation": w(12)}),
            AssetKind::Guidance => json!({"audience": w(4), "source": w(5)}),
            AssetKind::PracticeExample => json!({"setting": w(6), "outcome": w(10)}),
            AssetKind::Story => json!({"storyteller": w(3), "impact": w(10)}),
            AssetKind::EvidenceSummary => json!({
                "question": w(12), "date_searched": "2026-01-15",
                "sources": [{"title": w(10), "doi": "10.1136/bmj.n71"}], "appraisal": w(15),
            }),
            AssetKind::HowTo => json!({"prerequisites": w(8), "steps": [w(8), w(8), w(8)]}),
            AssetKind::HandoverNote => json!({"role": w(4), "successor": w(2), "key_contacts": [{"name": w(2), "role": w(3)}]}),
            AssetKind::ReadingList => json!({"purpose": w(10), "sources": [{"title": w(10), "doi": "10.1136/bmj.n71"}]}),
        }
    }

    /// A realistic query: one to four words on one subject, sometimes a quoted phrase,
    /// sometimes a typo, sometimes an acronym.
    pub fn query(&mut self) -> String {
        self.theme = self.rng.gen_range(0..THEMES);
        let n = [1, 1, 2, 2, 2, 3, 3, 4][self.rng.gen_range(0..8)];
        let mut words: Vec<String> = (0..n).map(|_| self.theme_term().to_string()).collect();
        let roll: f64 = self.rng.r#gen();
        if roll < 0.1 && n > 1 {
            format!("\"{}\"", words.join(" "))
        } else if roll < 0.2 {
            // Drop the middle letter.
            let mut letters: Vec<char> = words[0].chars().collect();
            letters.remove(letters.len() / 2);
            words[0] = letters.into_iter().collect();
            words.join(" ")
        } else if roll < 0.3 {
            words[0] = ACRONYMS[self.rng.gen_range(0..ACRONYMS.len())].to_string();
            words.join(" ")
        } else {
            words.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus_and_query_log() {
        let teams = vec!["Team A".to_string(), "Team B".to_string()];
        let (mut a, mut b) = (Corpus::new(7, teams.clone()), Corpus::new(7, teams.clone()));
        for _ in 0..50 {
            assert_eq!(a.next_asset().0.body, b.next_asset().0.body);
            assert_eq!(a.query(), b.query());
        }
        assert_ne!(Corpus::new(8, teams).next_asset().0.body, Corpus::new(7, vec!["Team A".into()]).next_asset().0.body);
    }

    #[test]
    fn queries_are_one_to_four_words_with_phrases_typos_and_acronyms() {
        let mut c = Corpus::new(42, vec!["Team".into()]);
        let log: Vec<String> = (0..2_000).map(|_| c.query()).collect();
        assert!(log.iter().all(|q| (1..=4).contains(&q.split_whitespace().count())), "one to four words");
        assert!(log.iter().any(|q| q.starts_with('"')), "some phrases");
        assert!(log.iter().any(|q| ACRONYMS.iter().any(|a| q.split_whitespace().next() == Some(*a))), "some acronyms");
        let known = |w: &str| c.terms.contains(&w.trim_matches('"')) || ACRONYMS.contains(&w);
        assert!(log.iter().any(|q| q.split_whitespace().any(|w| !known(w))), "some typos");
        assert!(c.vocabulary() > 350, "a long tail of terms");
    }
}
