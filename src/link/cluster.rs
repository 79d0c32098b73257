//! Clusters: connected components over the strong links (union-find), explained links
//! included so an agency batch or a household shows as one group with its explanation. A
//! cluster's id is a hash of its sorted member ids, so the same members always get the same
//! id, whatever the input order or the rest of the input.

use super::{Cluster, Link, NONE};
use crate::model::Candidate;
use sha2::{Digest, Sha256};

struct UnionFind {
    parent: Vec<u32>,
    rank: Vec<u8>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            rank: vec![0; n],
        }
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (hi, lo) = if self.rank[ra as usize] >= self.rank[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[lo as usize] = hi;
        if self.rank[hi as usize] == self.rank[lo as usize] {
            self.rank[hi as usize] += 1;
        }
    }
}

/// The stable id of a set of candidate ids.
pub fn cluster_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = ids.into_iter().collect();
    v.sort_unstable();
    let mut h = Sha256::new();
    for id in v {
        h.update(id.as_bytes());
        h.update([0u8]);
    }
    let d = h.finalize();
    format!(
        "cl-{}",
        d.iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// Components of two or more candidates, ordered by their first candidate in input order, and
/// each candidate's cluster index.
pub fn components(cands: &[Candidate], links: &[Link]) -> (Vec<Cluster>, Vec<u32>) {
    let n = cands.len();
    let mut uf = UnionFind::new(n);
    for l in links.iter().filter(|l| l.kind.strong()) {
        uf.union(l.a, l.b);
    }
    let mut cluster_of = vec![NONE; n];
    let mut root_cluster: std::collections::HashMap<u32, u32> = Default::default();
    let mut clusters: Vec<Cluster> = Vec::new();
    // Only candidates with a strong link can be in a cluster of two or more.
    let mut linked: Vec<u32> = links
        .iter()
        .filter(|l| l.kind.strong())
        .flat_map(|l| [l.a, l.b])
        .collect();
    linked.sort_unstable();
    linked.dedup();
    for i in linked {
        let r = uf.find(i);
        let k = *root_cluster.entry(r).or_insert_with(|| {
            clusters.push(Cluster {
                id: String::new(),
                members: Vec::new(),
                links: Vec::new(),
                explained: true,
            });
            (clusters.len() - 1) as u32
        });
        cluster_of[i as usize] = k;
        clusters[k as usize].members.push(i);
    }
    for (li, l) in links.iter().enumerate() {
        let (ka, kb) = (cluster_of[l.a as usize], cluster_of[l.b as usize]);
        if ka != NONE && ka == kb {
            let c = &mut clusters[ka as usize];
            c.links.push(li as u32);
            if l.kind.strong() && l.explained.is_none() {
                c.explained = false;
            }
        }
    }
    for c in &mut clusters {
        c.members
            .sort_by(|&x, &y| cands[x as usize].id.cmp(&cands[y as usize].id));
        c.id = cluster_id(c.members.iter().map(|&m| &*cands[m as usize].id));
    }
    (clusters, cluster_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_only_on_members() {
        let a = cluster_id(["c2", "c1", "c3"]);
        assert_eq!(a, cluster_id(["c1", "c3", "c2"]));
        assert_ne!(a, cluster_id(["c1", "c2"]));
        assert!(a.starts_with("cl-") && a.len() == 13);
    }

    #[test]
    fn union_find_joins_transitively() {
        let mut uf = UnionFind::new(5);
        uf.union(0, 1);
        uf.union(3, 4);
        uf.union(1, 4);
        assert_eq!(uf.find(0), uf.find(3));
        assert_ne!(uf.find(2), uf.find(0));
    }
}
