//! Randomised coffee trial pairing: random, but never a pair that met recently or
//! must not meet, preferring partners who differ (or match) on what the programme asks,
//! with a trio when the count is odd. The same seed and inputs give the same round, so
//! a round can be audited.
use std::collections::HashSet;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserId;

/// How far ahead in the shuffled order a person looks for a partner who suits the
/// preference, before settling for anyone allowed. Bounds the work per person.
const LOOK_AHEAD: usize = 64;

/// One person in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Who.
    pub id: UserId,
    /// Team.
    pub team: i64,
    /// Directorate or department.
    pub department: i64,
    /// Profession.
    pub profession: String,
    /// Site.
    pub site: String,
    /// Seniority band.
    pub band: String,
}

/// What a programme prefers in a partner; every preference is only a preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Preference {
    /// Prefer someone from another department (in a programme across organisations: another organisation).
    pub different_department: bool,
    /// Prefer someone from another team.
    pub different_team: bool,
    /// Prefer someone of another profession.
    pub different_profession: bool,
    /// Prefer someone in another seniority band.
    pub different_band: bool,
    /// Prefer someone on the same site (so they can meet in person).
    pub same_site: bool,
}

/// Pairs that may not be made: those who met within the last rounds, and do-not-pair lists.
#[derive(Debug, Clone, Default)]
pub struct Forbidden(HashSet<(UserId, UserId)>);

impl Forbidden {
    /// Forbids pairing `a` with `b`.
    pub fn add(&mut self, a: UserId, b: UserId) {
        self.0.insert(if a < b { (a, b) } else { (b, a) });
    }

    /// Forbids every pair within a group (a pair or a trio) that met.
    pub fn add_group(&mut self, group: &[UserId]) {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                self.add(*a, *b);
            }
        }
    }

    /// Whether `a` and `b` may not be paired.
    pub fn contains(&self, a: UserId, b: UserId) -> bool {
        self.0.contains(&if a < b { (a, b) } else { (b, a) })
    }

    /// How many pairs are forbidden.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A round: groups of two (one of three when the count is odd), and anyone who could
/// not be placed without a forbidden pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Participant ids per group.
    pub groups: Vec<Vec<UserId>>,
    /// Participants left out.
    pub unmatched: Vec<UserId>,
}

fn suits(a: &Participant, b: &Participant, p: Preference) -> bool {
    (!p.different_department || a.department != b.department)
        && (!p.different_team || a.team != b.team)
        && (!p.different_profession || a.profession != b.profession)
        && (!p.different_band || a.band != b.band)
        && (!p.same_site || a.site == b.site)
}

/// Pairs `people` for one round. Deterministic for the same seed and inputs in any order.
pub fn pair(people: &[Participant], forbidden: &Forbidden, preference: Preference, seed: u64) -> Round {
    let mut order: Vec<&Participant> = people.iter().collect();
    order.sort_by_key(|p| p.id);
    order.dedup_by_key(|p| p.id);
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let n = order.len();
    let mut taken = vec![false; n];
    let mut groups: Vec<Vec<UserId>> = Vec::with_capacity(n / 2 + 1);
    let mut left: Vec<usize> = Vec::new();
    for i in 0..n {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let a = order[i];
        let mut allowed = None;
        let mut preferred = None;
        let mut seen = 0;
        let mut j = i + 1;
        while j < n && seen < LOOK_AHEAD {
            if !taken[j] {
                seen += 1;
                if !forbidden.contains(a.id, order[j].id) {
                    allowed.get_or_insert(j);
                    if suits(a, order[j], preference) {
                        preferred = Some(j);
                        break;
                    }
                }
            }
            j += 1;
        }
        // Nobody allowed close by: anyone allowed further on.
        if allowed.is_none() {
            while j < n {
                if !taken[j] && !forbidden.contains(a.id, order[j].id) {
                    allowed = Some(j);
                    break;
                }
                j += 1;
            }
        }
        match preferred.or(allowed) {
            Some(j) => {
                taken[j] = true;
                groups.push(vec![a.id, order[j].id]);
            }
            None => left.push(i),
        }
    }
    let allowed = |a: UserId, b: UserId| !forbidden.contains(a, b);
    let mut left: Vec<UserId> = left.into_iter().map(|i| order[i].id).collect();
    // Two left over: pair them with each other, or swap them into a pair whose members
    // each allow one of them (small programmes with long histories need this).
    let mut rest = Vec::new();
    while let Some(x) = left.pop() {
        if let Some(k) = left.iter().position(|y| allowed(x, *y)) {
            groups.push(vec![x, left.remove(k)]);
            continue;
        }
        let swap = left.iter().enumerate().find_map(|(k, &y)| {
            groups
                .iter()
                .position(|g| g.len() == 2 && ((allowed(x, g[0]) && allowed(y, g[1])) || (allowed(x, g[1]) && allowed(y, g[0]))))
                .map(|g| (k, g))
        });
        match swap {
            Some((k, g)) => {
                let y = left.remove(k);
                let (p, q) = (groups[g][0], groups[g][1]);
                let (xp, yq) = if allowed(x, p) && allowed(y, q) { (p, q) } else { (q, p) };
                groups[g] = vec![x, xp];
                groups.push(vec![y, yq]);
            }
            None => rest.push(x),
        }
    }
    // Whoever is still alone joins a pair as its third, where both allow it.
    let mut unmatched = Vec::new();
    for a in rest {
        match groups.iter().rposition(|g| g.len() == 2 && g.iter().all(|m| allowed(a, *m))) {
            Some(g) => groups[g].push(a),
            None => unmatched.push(a),
        }
    }
    Round { groups, unmatched }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_people_with_a_round_of_history_and_a_do_not_pair_are_always_all_paired() {
        let four = people(4, 1);
        let mut forbidden = Forbidden::default();
        forbidden.add_group(&[UserId(0), UserId(1)]);
        forbidden.add_group(&[UserId(2), UserId(3)]);
        forbidden.add(UserId(0), UserId(2));
        for seed in 0..200 {
            let round = pair(&four, &forbidden, Preference::default(), seed);
            assert!(round.unmatched.is_empty(), "seed {seed}: {round:?}");
            let mut groups: Vec<Vec<UserId>> = round
                .groups
                .iter()
                .map(|g| {
                    let mut g = g.clone();
                    g.sort();
                    g
                })
                .collect();
            groups.sort();
            assert_eq!(groups, vec![vec![0, 3], vec![1, 2]], "seed {seed}: the only allowed pairing");
        }
    }

    fn people(n: i64, departments: i64) -> Vec<Participant> {
        (0..n)
            .map(|id| Participant {
                id: UserId(id),
                team: id % (departments * 3),
                department: id % departments,
                profession: ["nursing", "medicine", "pharmacy"][(id % 3) as usize].to_string(),
                site: ["north", "south"][(id % 2) as usize].to_string(),
                band: format!("band {}", 5 + id % 4),
            })
            .collect()
    }

    fn members(round: &Round) -> Vec<UserId> {
        let mut all: Vec<UserId> = round.groups.iter().flatten().copied().chain(round.unmatched.iter().copied()).collect();
        all.sort();
        all
    }

    #[test]
    fn everyone_is_placed_once_with_a_trio_only_when_the_count_is_odd() {
        for n in [2, 3, 10, 11, 101] {
            let round = pair(&people(n, 5), &Forbidden::default(), Preference::default(), 7);
            assert_eq!(members(&round), (0..n).collect::<Vec<_>>(), "n = {n}");
            assert!(round.unmatched.is_empty());
            let trios = round.groups.iter().filter(|g| g.len() == 3).count();
            assert_eq!(trios, (n % 2) as usize, "n = {n}");
        }
        assert_eq!(pair(&people(1, 1), &Forbidden::default(), Preference::default(), 7).unmatched, [0], "one person cannot meet anyone");
    }

    #[test]
    fn the_same_seed_gives_the_same_round_whatever_the_input_order() {
        let mut ps = people(40, 4);
        let a = pair(&ps, &Forbidden::default(), Preference::default(), 42);
        ps.reverse();
        assert_eq!(pair(&ps, &Forbidden::default(), Preference::default(), 42), a);
        assert_ne!(pair(&ps, &Forbidden::default(), Preference::default(), 43), a, "another seed, another round");
    }

    #[test]
    fn twelve_rounds_never_repeat_a_pair_and_prefer_other_departments() {
        let ps = people(1_000, 20);
        let mut history = Forbidden::default();
        let preference = Preference { different_department: true, ..Preference::default() };
        for round_no in 0..12 {
            let round = pair(&ps, &history, preference, round_no);
            assert!(round.unmatched.is_empty(), "round {round_no}");
            for g in &round.groups {
                for (i, a) in g.iter().enumerate() {
                    for b in &g[i + 1..] {
                        assert!(!history.contains(*a, *b), "round {round_no} repeats {a}-{b}");
                    }
                }
                let depts: HashSet<i64> = g.iter().map(|id| ps[id.0 as usize].department).collect();
                assert_eq!(depts.len(), g.len(), "round {round_no}: {g:?} share a department");
            }
            for g in &round.groups {
                history.add_group(g);
            }
        }
    }

    #[test]
    fn do_not_pair_lists_hold_even_when_only_two_people_take_part() {
        let ps = people(2, 1);
        let mut never = Forbidden::default();
        never.add(UserId(1), UserId(0));
        let round = pair(&ps, &never, Preference::default(), 1);
        assert!(round.groups.is_empty());
        assert_eq!(round.unmatched.len(), 2);
    }

    #[test]
    fn same_site_is_preferred_when_asked() {
        let ps = people(200, 4);
        let round = pair(&ps, &Forbidden::default(), Preference { same_site: true, ..Preference::default() }, 3);
        let same = round.groups.iter().filter(|g| g.iter().all(|id| ps[id.0 as usize].site == ps[g[0].0 as usize].site)).count();
        assert_eq!(same, round.groups.len());
    }
}
