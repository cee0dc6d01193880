//! Assets' embeddings held in memory for ranking by meaning: exact nearest
//! neighbours by dot product (the vectors are unit length, so it is the cosine).
use std::collections::HashMap;

use signpost_domain::AssetId;
use signpost_domain::ports::Embedding;

/// Every embedded asset's vector, contiguous so a scan stays in cache lines.
#[derive(Debug, Default)]
pub(crate) struct Vectors {
    dims: usize,
    ids: Vec<AssetId>,
    data: Vec<f32>,
    slots: HashMap<AssetId, usize>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Vectors {
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Adds or replaces vectors. Vectors of another length than those held (a
    /// different model) replace everything held.
    pub(crate) fn upsert(&mut self, embeddings: Vec<Embedding>) {
        for e in embeddings {
            if e.vector.is_empty() {
                continue;
            }
            if e.vector.len() != self.dims {
                *self = Vectors { dims: e.vector.len(), ..Vectors::default() };
            }
            match self.slots.get(&e.asset_id) {
                Some(&slot) => self.data[slot * self.dims..(slot + 1) * self.dims].copy_from_slice(&e.vector),
                None => {
                    self.slots.insert(e.asset_id, self.ids.len());
                    self.ids.push(e.asset_id);
                    self.data.extend_from_slice(&e.vector);
                }
            }
        }
    }

    pub(crate) fn remove(&mut self, id: AssetId) {
        let Some(slot) = self.slots.remove(&id) else { return };
        let last = self.ids.len() - 1;
        if slot != last {
            let moved = self.ids[last];
            self.ids[slot] = moved;
            self.data.copy_within(last * self.dims..(last + 1) * self.dims, slot * self.dims);
            self.slots.insert(moved, slot);
        }
        self.ids.pop();
        self.data.truncate(last * self.dims);
    }

    /// The similarity of an asset to the query, if it has a vector.
    pub(crate) fn similarity(&self, query: &[f32], id: AssetId) -> Option<f32> {
        let slot = *self.slots.get(&id)?;
        (query.len() == self.dims).then(|| dot(query, &self.data[slot * self.dims..(slot + 1) * self.dims]))
    }

    /// The `n` assets closest to the query, closest first.
    pub(crate) fn nearest(&self, query: &[f32], n: usize) -> Vec<(AssetId, f32)> {
        if query.len() != self.dims || n == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(usize, f32)> = self.data.chunks_exact(self.dims).map(|v| dot(query, v)).enumerate().collect();
        let closest_first = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if n < scored.len() {
            scored.select_nth_unstable_by(n, closest_first);
            scored.truncate(n);
        }
        scored.sort_by(closest_first);
        scored.into_iter().map(|(slot, s)| (self.ids[slot], s)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: AssetId, v: &[f32]) -> Embedding {
        Embedding { asset_id: id, version: 1, vector: v.to_vec() }
    }

    #[test]
    fn nearest_orders_by_similarity_and_follows_replacements_and_removals() {
        let mut v = Vectors::default();
        v.upsert(vec![e(AssetId(1), &[1.0, 0.0]), e(AssetId(2), &[0.0, 1.0]), e(AssetId(3), &[0.6, 0.8])]);
        assert_eq!(v.nearest(&[1.0, 0.0], 2).iter().map(|x| x.0).collect::<Vec<_>>(), vec![1, 3]);
        v.upsert(vec![e(AssetId(1), &[0.0, -1.0])]);
        assert_eq!(v.nearest(&[1.0, 0.1], 3).iter().map(|x| x.0).collect::<Vec<_>>(), vec![3, 2, 1]);
        v.remove(AssetId(3));
        assert_eq!(v.len(), 2);
        assert_eq!(v.nearest(&[1.0, 0.1], 5).iter().map(|x| x.0).collect::<Vec<_>>(), vec![2, 1]);
        assert_eq!(v.similarity(&[0.0, 1.0], AssetId(2)), Some(1.0));
        assert_eq!(v.similarity(&[0.0, 1.0], AssetId(3)), None);
        assert!(v.nearest(&[1.0, 0.0, 0.0], 5).is_empty(), "a query from another model matches nothing");
    }
}
