//! Union-find with path halving and union by size: records that share an identifier become one
//! data subject. Nodes are 32-bit (four billion records), which halves the memory of a leak of
//! millions of records.

#[derive(Debug, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// A new node.
    ///
    /// # Panics
    /// Past `u32::MAX` nodes.
    pub fn add(&mut self) -> u32 {
        let id = u32::try_from(self.parent.len()).expect("fewer than 2^32 records");
        self.parent.push(id);
        self.size.push(1);
        id
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// The number of disjoint sets: the distinct data subjects.
    pub fn sets(&self) -> u64 {
        self.parent
            .iter()
            .enumerate()
            .filter(|(i, p)| *i == **p as usize)
            .count() as u64
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_shared_identifiers_become_one() {
        let mut uf = UnionFind::default();
        let n: Vec<u32> = (0..5).map(|_| uf.add()).collect();
        uf.union(n[0], n[1]);
        uf.union(n[3], n[1]);
        assert_eq!(uf.find(n[0]), uf.find(n[3]));
        assert_ne!(uf.find(n[0]), uf.find(n[2]));
        assert_ne!(uf.find(n[4]), uf.find(n[2]));
    }
}
