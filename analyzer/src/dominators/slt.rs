//! Lengauer–Tarjan, sophisticated version (balanced LINK, path-compressing EVAL):
//! O(m α(m, n)).
//!
//! T. Lengauer, R. E. Tarjan, "A Fast Algorithm for Finding Dominators in a Flowgraph",
//! ACM TOPLAS 1(1), 1979, section 4. The link/eval forest is kept balanced through `size`
//! and `child` so that the compressed paths stay logarithmic even on adversarial inputs
//! (the `itworst` family), at the price of more bookkeeping per node than the simple
//! version ([`super::lt`]). The recursive COMPRESS of the paper is an explicit stack here.
//! Number 0 is the paper's null vertex: `size[0] = 0`, `label[0] = semi[0] = 0`.

use super::preorder::{PredSource, Preorder, NULL};

struct Forest {
    semi: Vec<u32>,
    label: Vec<u32>,
    anc: Vec<u32>,
    child: Vec<u32>,
    size: Vec<u32>,
    stack: Vec<u32>,
}

impl Forest {
    fn compress(&mut self, v: u32) {
        let Forest {
            semi,
            label,
            anc,
            stack,
            ..
        } = self;
        stack.clear();
        let mut x = v;
        while anc[anc[x as usize] as usize] != NULL {
            stack.push(x);
            x = anc[x as usize];
        }
        // Unwind in the order the paper's recursion would: nearest the root first.
        while let Some(y) = stack.pop() {
            let a = anc[y as usize] as usize;
            if semi[label[a] as usize] < semi[label[y as usize] as usize] {
                label[y as usize] = label[a];
            }
            anc[y as usize] = anc[a];
        }
    }

    #[inline]
    fn eval(&mut self, v: u32) -> u32 {
        let a = self.anc[v as usize];
        if a == NULL {
            return self.label[v as usize];
        }
        if self.anc[a as usize] != NULL {
            self.compress(v);
        }
        let a = self.anc[v as usize] as usize;
        let (la, lv) = (self.label[a], self.label[v as usize]);
        if self.semi[la as usize] >= self.semi[lv as usize] {
            lv
        } else {
            la
        }
    }

    fn link(&mut self, v: u32, w: u32) {
        let Forest {
            semi,
            label,
            anc,
            child,
            size,
            ..
        } = self;
        let (v, w) = (v as usize, w as usize);
        let mut s = w;
        let sw = semi[label[w] as usize];
        while sw < semi[label[child[s] as usize] as usize] {
            let cs = child[s] as usize;
            let ccs = child[cs] as usize;
            if size[s] + size[ccs] >= 2 * size[cs] {
                anc[cs] = s as u32;
                child[s] = ccs as u32;
            } else {
                size[cs] = size[s];
                anc[s] = cs as u32;
                s = cs;
            }
        }
        label[s] = label[w];
        size[v] += size[w];
        if size[v] < 2 * size[w] {
            let t = child[v] as usize;
            child[v] = s as u32;
            s = t;
        }
        while s != NULL as usize {
            anc[s] = v as u32;
            s = child[s] as usize;
        }
    }
}

/// The algorithm proper, in DFS-number space; returns `idom` by number.
pub fn run<P: PredSource>(pre: &Preorder, preds: &P) -> Vec<u32> {
    let len = pre.len();
    let mut size = vec![1u32; len];
    size[0] = 0;
    let mut f = Forest {
        semi: (0..len as u32).collect(),
        label: (0..len as u32).collect(),
        anc: vec![NULL; len],
        child: vec![NULL; len],
        size,
        stack: Vec::new(),
    };
    let mut bucket_head = vec![NULL; len];
    let mut bucket_next = vec![NULL; len];
    let mut idom = vec![0u32; len];
    if len > 1 {
        idom[1] = 1;
    }
    for i in (2..len).rev() {
        let mut s = i as u32;
        preds.for_each(i as u32, |p| {
            let u = f.eval(p);
            let su = f.semi[u as usize];
            if su < s {
                s = su;
            }
        });
        f.semi[i] = s;
        bucket_next[i] = bucket_head[s as usize];
        bucket_head[s as usize] = i as u32;
        let p = pre.parent[i];
        f.link(p, i as u32);
        let mut v = std::mem::replace(&mut bucket_head[p as usize], NULL);
        while v != NULL {
            let u = f.eval(v);
            idom[v as usize] = if f.semi[u as usize] < f.semi[v as usize] {
                u
            } else {
                p
            };
            v = bucket_next[v as usize];
        }
    }
    for i in 2..len {
        if idom[i] != f.semi[i] {
            idom[i] = idom[idom[i] as usize];
        }
    }
    idom
}
