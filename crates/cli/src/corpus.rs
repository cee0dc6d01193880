//! A deterministic generator of realistic knowledge assets for benchmarks: titles,
//! summaries and bodies drawn from a Zipf-distributed vocabulary of clinical and
//! knowledge-management terms, with the visibility mix of a real trust.
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
];

/// A reproducible stream of assets.
pub struct Corpus {
    rng: ChaCha8Rng,
    cumulative: Vec<f64>,
    teams: Vec<String>,
}

impl Corpus {
    /// A generator from `seed` that files assets in `teams`.
    pub fn new(seed: u64, teams: Vec<String>) -> Self {
        let weights: Vec<f64> = (1..=TERMS.len()).map(|r| 1.0 / r as f64).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights.iter().map(|w| {
            acc += w / total;
            acc
        });
        Corpus { rng: ChaCha8Rng::seed_from_u64(seed), cumulative: cumulative.collect(), teams }
    }

    /// A term drawn with Zipf frequencies.
    pub fn term(&mut self) -> &'static str {
        let x: f64 = self.rng.r#gen();
        let i = self.cumulative.partition_point(|c| *c < x).min(TERMS.len() - 1);
        TERMS[i]
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.term()).collect::<Vec<_>>().join(" ")
    }

    /// The next asset, with its team's name.
    pub fn next_asset(&mut self) -> (AssetInput, String) {
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
            kind,
            title,
            summary,
            body,
            fields,
            tags,
            topics,
            team_id: None,
            visibility: Some(visibility),
            named_viewers: Vec::new(),
            review_interval_days: Some(365),
            links: Vec::new(),
            status: Some(if self.rng.gen_bool(0.9) { Status::Published } else { Status::Draft }),
            override_reason: None,
            expected_version: None,
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
        }
    }

    /// A realistic query: one to three terms, sometimes a phrase, sometimes a typo.
    pub fn query(&mut self) -> String {
        let n = self.rng.gen_range(1..4);
        let words: Vec<&str> = (0..n).map(|_| self.term()).collect();
        let roll: f64 = self.rng.r#gen();
        if roll < 0.1 && n > 1 {
            format!("\"{}\"", words.join(" "))
        } else if roll < 0.2 {
            let w = words[0];
            let cut = w.len() / 2;
            format!("{}{}", &w[..cut], &w[(cut + 1).min(w.len())..])
        } else {
            words.join(" ")
        }
    }
}
