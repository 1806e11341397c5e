//! The gazetteer's alias lists as anchored byte tries, matched at the text's word starts.
//!
//! Why not [`chronicle_core::PhraseSet`], which every other stage uses? The gazetteer holds
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
}

/// Phrases in an anchored trie, matched as written or, folded, in any ASCII case.
#[derive(Clone, Debug)]
pub(crate) struct Trie {
    /// The root's children by byte (0: none; the root is never a child).
    root: Box<[u32; 256]>,
    nodes: Vec<Node>,
    labels: Vec<u8>,
    targets: Vec<u32>,
    fold: bool,
    /// The phrases' first words: only word starts that pass are walked.
    first_words: WordFilter,
}

impl Trie {
    /// The trie of `phrases`; a phrase's index in `phrases` is the pattern of its matches.
    pub(crate) fn new<'p>(phrases: impl IntoIterator<Item = &'p str> + Clone, fold: bool) -> Trie {
        let first_words = WordFilter::new(phrases.clone(), fold);
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut pattern: Vec<u32> = vec![NONE];
        for (index, phrase) in phrases.into_iter().enumerate() {
            let mut node = 0usize;
            for &b in phrase.as_bytes() {
                let b = if fold { b.to_ascii_lowercase() } else { b };
                node = match children[node].iter().find(|c| c.0 == b) {
                    Some(&(_, next)) => next as usize,
                    None => {
                        let next = children.len();
                        children.push(Vec::new());
                        pattern.push(NONE);
                        children[node].push((b, next as u32));
                        next
                    }
                };
            }
            // The empty phrase never matches (a match starts with a word's first byte).
            if node != 0 && pattern[node] == NONE {
                pattern[node] = index as u32;
            }
        }
        let mut root = Box::new([0u32; 256]);
        for &(b, next) in &children[0] {
            root[b as usize] = next;
        }
        let (mut nodes, mut labels, mut targets) = (Vec::with_capacity(children.len()), Vec::new(), Vec::new());
        for (edges, &pattern) in children.iter().zip(&pattern) {
            nodes.push(Node { first: labels.len() as u32, len: edges.len() as u32, pattern });
            labels.extend(edges.iter().map(|e| e.0));
            targets.extend(edges.iter().map(|e| e.1));
        }
        Trie { root, nodes, labels, targets, fold, first_words }
    }

    /// Whether some phrase may start at `w` (its first word is one of the phrases' first words).
    #[inline]
    pub(crate) fn may_start(&self, w: &WordStart) -> bool {
        self.first_words.may_start(w)
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
    #[inline]
    fn child(&self, node: usize, b: u8) -> Option<usize> {
        let n = self.nodes[node];
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
        let bytes = text.text.as_bytes();
        let mut node = self.root[self.byte(*bytes.get(at)?) as usize] as usize;
        if node == 0 {
            return None;
        }
        let mut end = at + 1;
        let mut best = None;
        loop {
            let pattern = self.nodes[node].pattern;
            if pattern != NONE && text.on_word_boundaries(Span::new(at, end)) {
                best = Some((Span::new(at, end), pattern as usize));
            }
            let Some(&b) = bytes.get(end) else { break };
            let Some(next) = self.child(node, self.byte(b)) else { break };
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
            "Iraqix Iraqi_ a b ab abc é éa Éa",
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
        fn agrees_with_the_phrase_set(text in "(Iraqi?|IRAQI|[Aa]rmy|ARMY|IS|I[Ss]IS|U\\.S\\.|-led|coalition|US|[aA]l|-Qaeda|Qaim|Da’esh|Mosul|é|É|a|b|[ .,'’\\-_\n]){0,16}") {
            agree(&text, false)?;
            agree(&text, true)?;
        }
    }
}
