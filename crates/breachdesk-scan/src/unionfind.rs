//! Union-find with path halving and union by size: records that share an identifier become one
//! data subject.

#[derive(Debug, Default)]
pub struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub fn add(&mut self) -> usize {
        let id = self.parent.len();
        self.parent.push(id);
        self.size.push(1);
        id
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// The number of disjoint sets: the distinct data subjects.
    pub fn sets(&self) -> u64 {
        self.parent
            .iter()
            .enumerate()
            .filter(|(i, p)| *i == **p)
            .count() as u64
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_shared_identifiers_become_one() {
        let mut uf = UnionFind::default();
        let n: Vec<usize> = (0..5).map(|_| uf.add()).collect();
        uf.union(n[0], n[1]);
        uf.union(n[3], n[1]);
        assert_eq!(uf.find(n[0]), uf.find(n[3]));
        assert_ne!(uf.find(n[0]), uf.find(n[2]));
        assert_ne!(uf.find(n[4]), uf.find(n[2]));
    }
}
