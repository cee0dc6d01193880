//! `signpost-coffee-bench`: randomised coffee trial pairing at scale. Builds a population
//! (departments of uneven size, teams, professions, sites, bands), runs twelve rounds to
//! make a history, then times the thirteenth with a cross-department preference and
//! reports repeats and the cross-department share. See BENCHMARKS.md.
use std::time::Instant;

use clap::Parser;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost_domain::ids::UserId;
use signpost_domain::pairing::{Forbidden, Participant, Preference, Round, pair};

#[derive(Parser)]
struct Args {
    /// How many people take part.
    #[arg(long, default_value_t = 100_000)]
    participants: i64,
    /// Rounds of history that may not be repeated.
    #[arg(long, default_value_t = 12)]
    history: u64,
    /// Departments (their sizes fall off, the largest about a tenth of everyone).
    #[arg(long, default_value_t = 40)]
    departments: i64,
}

fn population(args: &Args) -> Vec<Participant> {
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    // Department k weighs 1/(k+3): a few large directorates, many small ones.
    let weights: Vec<f64> = (0..args.departments).map(|k| 1.0 / (k as f64 + 3.0)).collect();
    let total: f64 = weights.iter().sum();
    (0..args.participants)
        .map(|id| {
            let mut pick = rng.r#gen::<f64>() * total;
            let mut department = 0;
            for (k, w) in weights.iter().enumerate() {
                department = k as i64;
                if pick < *w {
                    break;
                }
                pick -= w;
            }
            Participant {
                id: UserId(id),
                team: department * 100 + rng.gen_range(0..25),
                department,
                profession: ["nursing", "medicine", "allied health", "admin", "library"][rng.gen_range(0..5)].to_string(),
                site: format!("site {}", rng.gen_range(0..6)),
                band: format!("band {}", rng.gen_range(3..9)),
            }
        })
        .collect()
}

fn cross_share(people: &[Participant], round: &Round) -> f64 {
    let dept = |id: i64| people[id as usize].department;
    let crossed = round.groups.iter().filter(|g| g.iter().skip(1).all(|m| dept(m.0) != dept(g[0].0))).count();
    crossed as f64 / round.groups.len().max(1) as f64
}

fn main() {
    let args = Args::parse();
    let people = population(&args);
    let largest = (0..args.departments).map(|d| people.iter().filter(|p| p.department == d).count()).max().unwrap_or(0);
    println!(
        "{} participants in {} departments; the largest holds {:.1}% (so every pair can cross departments)",
        people.len(),
        args.departments,
        100.0 * largest as f64 / people.len() as f64
    );
    let preference = Preference { different_department: true, ..Preference::default() };
    let mut history = Forbidden::default();
    let started = Instant::now();
    for round in 0..args.history {
        for g in pair(&people, &history, preference, round).groups {
            history.add_group(&g);
        }
    }
    println!("history: {} rounds, {} pairs met, built in {:.2} s", args.history, history.len(), started.elapsed().as_secs_f64());
    let started = Instant::now();
    let round = pair(&people, &history, preference, args.history);
    let took = started.elapsed();
    let repeats = round
        .groups
        .iter()
        .map(|g| (0..g.len()).flat_map(|i| (i + 1..g.len()).map(move |j| (i, j))).filter(|(i, j)| history.contains(g[*i], g[*j])).count())
        .sum::<usize>();
    let trios = round.groups.iter().filter(|g| g.len() == 3).count();
    println!(
        "round {}: {:.0} ms; {} groups ({} trios), {} unmatched; repeats {}; cross-department {:.2}%",
        args.history + 1,
        took.as_secs_f64() * 1000.0,
        round.groups.len(),
        trios,
        round.unmatched.len(),
        repeats,
        100.0 * cross_share(&people, &round)
    );
}
