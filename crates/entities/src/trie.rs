//! The gazetteer's alias lists as anchored byte tries, matched at the text's word starts.
//!
//! Why not [`chronicle_core::PhraseSet`], the reference semantics of phrase matching? The gazetteer holds
//! some fifteen thousand aliases (every spelling of every country, city and actor). A phrase
//! set compiles them into an Aho-Corasick automaton, and the automaton's failure transitions
//! (which only an unanchored search needs) cost some 130 million instructions to build at
//! every start of the process; each anchored search through it then costs a few hundred
//! instructions of set-up and overlapping-match bookkeeping. An alias can only start where
//! a word starts, so all the gazetteer needs is a plain trie walked from that word start,
//! byte by byte, for as long as the text follows some alias: the build is one insertion per
//! alias, and a walk costs a few instructions a byte. It keeps the phrase set's semantics
//! exactly (the same first-word filter in front, ASCII case folding, the longest alias that
//! ends on a word boundary, the lowest index among aliases that are equal when folded); a
//! property test checks it against [`chronicle_core::PhraseSet`] on random text.

use chronicle_core::{Span, Text, WordFilter, WordStart};

/// No pattern ends at a node.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Node {
    /// Its edges: `labels[first..first + len]`, `targets[first..first + len]`.
    first: u32,
    len: u32,
    /// The lowest index of the patterns that end here, or [`NONE`].
    pattern: u32,
    /// Where its children by byte start in `dense` (a node with many children), or [`NONE`].
    dense: u32,
}

/// A node with more children than this has a table of them by byte.
const DENSE_FROM: usize = 6;

/// Phrases in an anchored trie, matched as written or, folded, in any ASCII case.
#[derive(Clone, Debug)]
pub(crate) struct Trie {
    /// The root's children by byte (0: none; the root is never a child).
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    labels: Vec<u8>,
    targets: Vec<u32>,
    /// The children of the nodes with many, by byte (0: none), 256 a node.
    dense: Vec<u32>,
    fold: bool,
    /// The phrases' first words, when it does not fold: only word starts that pass are
    /// walked from the root.
    first_words: Option<WordFilter>,
}

impl Trie {
    /// The trie of `phrases`; a phrase's index in `phrases` is the pattern of its matches.
    pub(crate) fn new<'p>(phrases: impl IntoIterator<Item = &'p str> + Clone, fold: bool) -> Trie {
        // A trie that folds is only entered at the first-word table's nodes (or by tests):
        // its own filter of first words would never be asked.
        let first_words = (!fold).then(|| WordFilter::new(phrases.clone(), fold));
        // The phrases in byte order (folded), each with its index: a phrase shares with the
        // one before it the path of their common prefix, so the trie grows without looking
        // any edge up, and the first phrase to reach a node has the lowest index of those
        // that end there. (Sorted as indices, folded in the comparison: no copy of each.)
        // (Folded into one buffer, not one copy each.)
        let mut store: Vec<u8> = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        for p in phrases {
            store.extend_from_slice(p.as_bytes());
            ends.push(store.len());
        }
        if fold {
            store.make_ascii_lowercase();
        }
        let phrases: Vec<&[u8]> =
            ends.iter().enumerate().map(|(i, &e)| &store[if i == 0 { 0 } else { ends[i - 1] }..e]).collect();
        // Sorted by their first eight bytes as a number (big-endian, zero-padded: in byte
        // order but for ties), the ties by their bytes, then by index.
        let mut sorted: Vec<(u64, u32)> = phrases
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut head = [0u8; 8];
                let n = p.len().min(8);
                head[..n].copy_from_slice(&p[..n]);
                (u64::from_be_bytes(head), i as u32)
            })
            .collect();
        sorted.sort_unstable_by(|&(x, a), &(y, b)| {
            x.cmp(&y).then_with(|| phrases[a as usize].cmp(phrases[b as usize])).then(a.cmp(&b))
        });
        let sorted: Vec<u32> = sorted.into_iter().map(|(_, i)| i).collect();
        // At most a node a byte (and the root): sized once, never grown.
        let nodes_at_most = store.len() + 1;
        let (mut parent, mut label, mut pattern) =
            (Vec::with_capacity(nodes_at_most), Vec::with_capacity(nodes_at_most), Vec::with_capacity(nodes_at_most));
        parent.push(NONE);
        label.push(0u8);
        pattern.push(NONE);
        let mut path: Vec<u32> = vec![0];
        let mut prev: &[u8] = &[];
        for &index in &sorted {
            let bytes = phrases[index as usize];
            let common = prev.iter().zip(bytes).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &b in &bytes[common..] {
                let node = parent.len() as u32;
                parent.push(path[path.len() - 1]);
                label.push(b);
                pattern.push(NONE);
                path.push(node);
            }
            let node = path[bytes.len()] as usize;
            // The empty phrase never matches (a match starts with a word's first byte).
            if node != 0 && pattern[node] == NONE {
                pattern[node] = index;
            }
            prev = bytes;
        }
        // Each node's children, in byte order: nodes were made in that order.
        let mut counts = vec![0u32; parent.len() + 1];
        for &p in &parent[1..] {
            counts[p as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let (mut labels, mut targets) = (vec![0u8; parent.len() - 1], vec![0u32; parent.len() - 1]);
        let mut fill = counts.clone();
        for node in 1..parent.len() {
            let p = parent[node] as usize;
            labels[fill[p] as usize] = label[node];
            targets[fill[p] as usize] = node as u32;
            fill[p] += 1;
        }
        let mut root = Box::new([0u32; 256]);
        let mut nodes = Vec::with_capacity(parent.len());
        let mut dense = Vec::new();
        for (node, &pattern) in pattern.iter().enumerate() {
            let (first, len) = (counts[node], counts[node + 1] - counts[node]);
            let edges = first as usize..(first + len) as usize;
            if node == 0 {
                for (&b, &next) in labels[edges.clone()].iter().zip(&targets[edges]) {
                    root[b as usize] = next;
                }
                nodes.push(Node { first, len, pattern, dense: NONE });
                continue;
            }
            let mut table = NONE;
            if len as usize > DENSE_FROM {
                table = dense.len() as u32;
                dense.resize(dense.len() + 256, 0);
                for (&b, &next) in labels[edges.clone()].iter().zip(&targets[edges]) {
                    dense[table as usize + b as usize] = next;
                }
            }
            nodes.push(Node { first, len, pattern, dense: table });
        }
        Trie { root, nodes, labels, targets, dense, fold, first_words }
    }

    /// Whether some phrase may start at `w` (its first word is one of the phrases' first words).
    #[inline]
    pub(crate) fn may_start(&self, w: &WordStart) -> bool {
        self.first_words.as_ref().is_none_or(|f| f.may_start(w))
    }

    /// Whether it matches in any ASCII case.
    pub(crate) fn folds(&self) -> bool {
        self.fold
    }

    #[inline]
    fn byte(&self, b: u8) -> u8 {
        if self.fold {
            b.to_ascii_lowercase()
        } else {
            b
        }
    }

    /// The child of `node` by byte `b`.
    #[inline(always)]
    fn child(&self, node: usize, b: u8) -> Option<usize> {
        let n = self.nodes[node];
        if n.dense != NONE {
            let next = self.dense[n.dense as usize + b as usize];
            return (next != 0).then_some(next as usize);
        }
        let (first, len) = (n.first as usize, n.len as usize);
        let at = self.labels[first..first + len].iter().position(|&l| l == b)?;
        Some(self.targets[first + at] as usize)
    }

    /// The longest phrase that starts at `w` and ends on a word boundary: its span and index.
    #[inline]
    pub(crate) fn longest_at(&self, text: &Text, w: &WordStart) -> Option<(Span, usize)> {
        if self.may_start(w) {
            self.longest_from(text, w.at)
        } else {
            None
        }
    }

    fn longest_from(&self, text: &Text, at: usize) -> Option<(Span, usize)> {
        if self.fold {
            self.walk::<true>(text, at)
        } else {
            self.walk::<false>(text, at)
        }
    }

    /// The walk from `at`, folding ASCII capitals or not (decided once, not at each byte).
    #[inline(always)]
    fn walk<const FOLD: bool>(&self, text: &Text, at: usize) -> Option<(Span, usize)> {
        let fold = |b: u8| if FOLD { b.to_ascii_lowercase() } else { b };
        let node = self.root[fold(*text.text.as_bytes().get(at)?) as usize] as usize;
        if node == 0 {
            return None;
        }
        self.walk_on::<FOLD>(text, at, node, at + 1)
    }

    /// The node reached from the root by `prefix` (folded by the caller when the trie folds),
    /// if some phrase begins with it.
    pub(crate) fn node_of(&self, prefix: &[u8]) -> Option<u32> {
        let (&first, rest) = prefix.split_first()?;
        let mut node = self.root[first as usize] as usize;
        if node == 0 {
            return None;
        }
        for &b in rest {
            node = self.child(node, b)?;
        }
        Some(node as u32)
    }

    /// The longest phrase that starts at word start `at` and ends on a word boundary, given
    /// that the text from `at` to `end` leads to `node` ([`Trie::node_of`] of the word at
    /// `at`): the walk of [`Trie::longest_at`] without walking the first word again. No
    /// phrase can end inside the first word (no word boundary is there), so the two agree.
    #[inline]
    pub(crate) fn longest_after(&self, text: &Text, at: usize, node: u32, end: usize) -> Option<(Span, usize)> {
        if self.fold {
            self.walk_on::<true>(text, at, node as usize, end)
        } else {
            self.walk_on::<false>(text, at, node as usize, end)
        }
    }

    /// The walk on from `node`, which the text from `at` to `end` led to.
    #[inline(always)]
    fn walk_on<const FOLD: bool>(
        &self,
        text: &Text,
        at: usize,
        mut node: usize,
        mut end: usize,
    ) -> Option<(Span, usize)> {
        let fold = |b: u8| if FOLD { b.to_ascii_lowercase() } else { b };
        let bytes = text.text.as_bytes();
        let mut best = None;
        loop {
            let pattern = self.nodes[node].pattern;
            if pattern != NONE && ends_word(text, at, end) {
                best = Some((Span::new(at, end), pattern as usize));
            }
            let Some(&b) = bytes.get(end) else { break };
            let Some(next) = self.child(node, fold(b)) else { break };
            node = next;
            end += 1;
        }
        best
    }

    /// The phrase that is the whole of `s`: its index.
    pub(crate) fn whole(&self, s: &str) -> Option<usize> {
        let (&first, rest) = s.as_bytes().split_first()?;
        let mut node = self.root[self.byte(first) as usize] as usize;
        if node == 0 {
            return None;
        }
        for &b in rest {
            node = self.child(node, self.byte(b))?;
        }
        let pattern = self.nodes[node].pattern;
        (pattern != NONE).then_some(pattern as usize)
    }
}

/// Whether a phrase from word start `at` to `end` ends on a word boundary
/// ([`Text::on_word_boundaries`], which it asks only about non-ASCII neighbours).
#[inline]
fn ends_word(text: &Text, at: usize, end: usize) -> bool {
    let bytes = text.text.as_bytes();
    let (Some(&before), Some(&after)) = (bytes.get(end.wrapping_sub(1)), bytes.get(end)) else {
        return text.on_word_boundaries(Span::new(at, end));
    };
    if before < 128 && after < 128 {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        return !(word(before) && word(after));
    }
    text.on_word_boundaries(Span::new(at, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronicle_core::PhraseSet;

    const PHRASES: &[&str] = &[
        "Iraq",
        "Iraqi",
        "Iraqi Army",
        "Iraqi army",
        "IRAQI ARMY",
        "IS",
        "ISIS",
        "U.S.",
        "U.S.-led coalition",
        "US",
        "al-Qaeda",
        "Al",
        "Al Qaim",
        "Da\u{2019}esh",
        "Mosul",
        "é",
        "Éa",
        "a b",
        "ab",
        // A node with many children (a table by byte).
        "Aa",
        "Ab",
        "Ac",
        "Ad",
        "Ae",
        "Af",
        "Ag",
        "Ah",
        "Ahx",
    ];

    /// The trie finds what the phrase set finds, at every word start.
    fn agree(text: &str, fold: bool) -> Result<(), proptest::test_runner::TestCaseError> {
        let set = PhraseSet::new(PHRASES.iter().copied(), fold).unwrap();
        let trie = Trie::new(PHRASES.iter().copied(), fold);
        let t = Text::new(text);
        for w in t.word_starts() {
            let want = set.longest_at(&t, w).map(|m| (m.span, m.pattern));
            proptest::prop_assert_eq!(trie.longest_at(&t, w), want, "at {} of {:?}", w.at, text);
        }
        // Walked on from the node of each word start's word: the same.
        for w in t.word_starts() {
            let mut word = t.text.as_bytes()[w.at..w.end()].to_vec();
            if fold {
                word.make_ascii_lowercase();
            }
            let want = trie.longest_at(&t, w);
            match trie.node_of(&word) {
                Some(node) => {
                    proptest::prop_assert_eq!(trie.longest_after(&t, w.at, node, w.end()), want, "after {}", w.at)
                }
                None => proptest::prop_assert_eq!(want, None, "no node at {}", w.at),
            }
        }
        for p in PHRASES.iter().chain(&["Iraqi ARMY", "us", "U.S", ""]) {
            proptest::prop_assert_eq!(trie.whole(p), set.whole(p), "whole {:?}", p);
        }
        Ok(())
    }

    #[test]
    fn agrees_with_the_phrase_set_on_written_cases() {
        let texts = [
            "Iraqi Army and IRAQI army near Iraq, the U.S.-led coalition and US forces",
            "ISIS, IS, Isis, is; al-Qaeda, AL-QAEDA, Al Qaim, Al-Qaimx, Da\u{2019}esh",
            "Iraqix Iraqi_ a b ab abc é éa Éa Aa Ab AH Ahx Ahxy Ai",
            "",
            "Mosul",
        ];
        for text in texts {
            for fold in [false, true] {
                agree(text, fold).unwrap();
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn agrees_with_the_phrase_set(text in "(Iraqi?|IRAQI|[Aa]rmy|ARMY|IS|I[Ss]IS|U\\.S\\.|-led|coalition|US|[aA]l|-Qaeda|Qaim|Da’esh|Mosul|é|É|a|b|A[a-i]|x|[ .,'’\\-_\n]){0,16}") {
            agree(&text, false)?;
            agree(&text, true)?;
        }
    }
}
