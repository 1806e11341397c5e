//! Finding page chrome cheaply: the line prefixes by their first byte, the credit words at
//! word starts.
//!
//! Every line of every document is tested against the chrome's line prefixes, and the whole
//! text was searched for the credit words ("Photo", "PHOTO") with an unanchored automaton:
//! together about a tenth of the entity tagger's instructions, for a few lines a document.
//! Here a line is tested only against the prefixes that begin with its first byte (none, for
//! most lines), and a credit word is looked for only where it can count: a credit counts only
//! where no letter or digit precedes it, so, when every credit word begins with a letter or
//! digit and no credit word can begin inside another's occurrence (so that leftmost-longest
//! matching cannot let an uncounted match hide a counted one), the credit words that count
//! all begin at a word start or right after an underscore. The automaton stays for word
//! lists where that does not hold; a property test checks both ways agree.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chronicle_core::Text;

/// A list of prefixes, grouped by the byte they begin with.
#[derive(Clone, Debug)]
pub(crate) struct Prefixes {
    /// The prefixes, by first byte (the empty prefix apart).
    prefixes: Vec<String>,
    /// Where the prefixes that begin with each byte stand in `prefixes`.
    by_first: Box<[(u16, u16); 256]>,
    /// An empty prefix begins every line.
    empty: bool,
}

impl Prefixes {
    pub(crate) fn new(prefixes: &[String]) -> Prefixes {
        let mut sorted: Vec<String> = prefixes.iter().filter(|p| !p.is_empty()).cloned().collect();
        sorted.sort_by_key(|p| p.as_bytes()[0]);
        let mut by_first = Box::new([(0u16, 0u16); 256]);
        for (i, p) in sorted.iter().enumerate() {
            let range = &mut by_first[p.as_bytes()[0] as usize];
            if range.0 == range.1 {
                range.0 = i as u16;
            }
            range.1 = i as u16 + 1;
        }
        Prefixes { prefixes: sorted, by_first, empty: prefixes.iter().any(String::is_empty) }
    }

    /// Whether some prefix may begin `s` (false: none does).
    #[inline]
    pub(crate) fn may_begin(&self, s: &str) -> bool {
        self.empty || s.as_bytes().first().is_some_and(|&b| self.by_first[b as usize].0 != self.by_first[b as usize].1)
    }

    /// The prefixes that may begin `s`: those that begin with its first byte (all, if one
    /// prefix is empty), in no particular order.
    pub(crate) fn candidates(&self, s: &str) -> impl Iterator<Item = &str> {
        let range = match s.as_bytes().first() {
            _ if self.empty => 0..self.prefixes.len(),
            Some(&b) => self.by_first[b as usize].0 as usize..self.by_first[b as usize].1 as usize,
            None => 0..0,
        };
        self.prefixes[range].iter().map(String::as_str).chain(self.empty.then_some(""))
    }
}

/// The chrome's credit words.
#[derive(Clone, Debug)]
pub(crate) struct CreditWords {
    automaton: AhoCorasick,
    /// The words, longest first, when they can be looked for at word starts only.
    at_word_starts: Option<Vec<Box<[u8]>>>,
    first: [bool; 256],
    /// The words' second bytes (all bytes, if a word has one byte): most words that begin
    /// like a credit word ("people", "president") are turned away by it.
    second: [bool; 256],
}

impl CreditWords {
    pub(crate) fn new(words: &[String]) -> Result<CreditWords, String> {
        let automaton =
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(words).map_err(|e| e.to_string())?;
        let starts_word = |w: &String| w.starts_with(char::is_alphanumeric);
        // No word begins inside an occurrence of a word: a suffix of one is no prefix of
        // another, and no word stands inside another.
        let overlap_free = words.iter().all(|a| {
            let a = a.as_bytes();
            (1..a.len()).all(|k| {
                words.iter().all(|b| {
                    let (s, b) = (&a[k..], b.as_bytes());
                    let n = s.len().min(b.len());
                    s[..n] != b[..n]
                })
            })
        });
        let mut first = [false; 256];
        let mut second = [false; 256];
        for w in words {
            match w.as_bytes().get(1) {
                Some(&b) => second[b as usize] = true,
                None => second = [true; 256],
            }
        }
        let at_word_starts = (words.iter().all(starts_word) && overlap_free).then(|| {
            let mut sorted: Vec<Box<[u8]>> = words.iter().map(|w| w.as_bytes().into()).collect();
            // Longest first (a stable sort keeps the order of equal lengths, which are equal
            // only as the same word).
            sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
            for w in &sorted {
                first[w[0] as usize] = true;
            }
            sorted
        });
        Ok(CreditWords { automaton, at_word_starts, first, second })
    }

    /// Whether the credit words that count all begin at a word start or after an underscore,
    /// so that the caller may look for them at word starts ([`CreditWords::at`]).
    pub(crate) fn at_word_starts(&self) -> bool {
        self.at_word_starts.is_some()
    }

    /// Whether a credit word may begin with byte `b`.
    #[inline(always)]
    pub(crate) fn may_begin(&self, b: u8) -> bool {
        self.first[b as usize]
    }

    /// The credit word that begins at byte `at` of `bytes` (the longest), if the words may be
    /// looked for at word starts.
    #[inline]
    pub(crate) fn at(&self, bytes: &[u8], at: usize) -> Option<(usize, usize)> {
        if !self.first[bytes[at] as usize] || !bytes.get(at + 1).is_none_or(|&b| self.second[b as usize]) {
            return None;
        }
        let w = self.at_word_starts.as_ref()?.iter().find(|w| bytes[at..].starts_with(w))?;
        Some((at, at + w.len()))
    }

    /// Every credit word in `text` that may count (one no letter or digit precedes, and
    /// maybe others): start and end, in text order. `at_starts` are those found at the word
    /// starts ([`CreditWords::at`]; used only when [`CreditWords::at_word_starts`]).
    pub(crate) fn find(&self, text: &Text, at_starts: &[(usize, usize)], mut each: impl FnMut(usize, usize)) {
        if self.at_word_starts.is_none() {
            for m in self.automaton.find_iter(text.text) {
                each(m.start(), m.end());
            }
            return;
        }
        let bytes = text.text.as_bytes();
        // Right after an underscore (a word character, so no word start): rare.
        let mut after_underscores: Vec<(usize, usize)> = Vec::new();
        for i in memchr::memchr_iter(b'_', bytes) {
            if i + 1 < bytes.len() {
                after_underscores.extend(self.at(bytes, i + 1));
            }
        }
        if after_underscores.is_empty() {
            for &(s, e) in at_starts {
                each(s, e);
            }
            return;
        }
        let mut all: Vec<(usize, usize)> = at_starts.iter().chain(&after_underscores).copied().collect();
        all.sort_unstable();
        for (s, e) in all {
            each(s, e);
        }
    }

    /// The automaton's matches, for tests.
    #[cfg(test)]
    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        self.automaton.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(text: &str, matches: impl IntoIterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
        matches
            .into_iter()
            .filter(|&(s, _)| text[..s].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
            .collect()
    }

    fn agree(words: &[&str], text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let credits = CreditWords::new(&words).unwrap();
        let t = Text::new(text);
        let bytes = text.as_bytes();
        let at_starts: Vec<(usize, usize)> = if credits.at_word_starts() {
            t.word_starts().iter().filter_map(|w| credits.at(bytes, w.at)).collect()
        } else {
            Vec::new()
        };
        let mut fast = Vec::new();
        credits.find(&t, &at_starts, |s, e| fast.push((s, e)));
        proptest::prop_assert_eq!(counted(text, fast), counted(text, credits.find_all(text)), "{:?}", text);
        Ok(())
    }

    #[test]
    fn a_line_is_tried_against_the_prefixes_that_may_begin_it() {
        let lists: [&[&str]; 3] = [&["Photo", "(Photo", "Source:", "Sources:", "©", "By "], &["Photo", ""], &[]];
        for list in lists {
            let list: Vec<String> = list.iter().map(|p| p.to_string()).collect();
            let prefixes = Prefixes::new(&list);
            for line in ["Photo: x", "(Photo", "Sources: y", "Sour", "© 2015", "By Jane", "by jane", "", " Photo", "x"]
            {
                let want = list.iter().any(|p| line.starts_with(p.as_str()));
                let got = prefixes.may_begin(line) && prefixes.candidates(line).any(|p| line.starts_with(p));
                assert_eq!(got, want, "{line:?} in {list:?}");
                let mut all: Vec<&str> = prefixes.candidates(line).collect();
                all.sort();
                let mut by_list: Vec<&str> = list.iter().map(String::as_str).filter(|p| line.starts_with(p)).collect();
                by_list.sort();
                assert!(by_list.iter().all(|p| all.contains(p)), "{line:?} in {list:?}");
            }
        }
    }

    const LISTS: &[&[&str]] = &[
        &["Photo", "PHOTO", "photo", "Photos", "photos"],
        // Overlapping words: the automaton answers.
        &["Photo", "tog", "oto"],
        &["(Photo", "Photo"],
    ];

    #[test]
    fn fast_path_only_for_word_lists_that_allow_it() {
        let fast: Vec<bool> = LISTS
            .iter()
            .map(|l| CreditWords::new(&l.iter().map(|w| w.to_string()).collect::<Vec<_>>()).unwrap())
            .map(|c| c.at_word_starts.is_some())
            .collect();
        assert_eq!(fast, [true, false, false]);
    }

    #[test]
    fn credits_are_found_as_the_automaton_finds_them() {
        let texts = [
            "(AP Photo/Jane Roe) and AFP PHOTO / JOHN DOE, photos by X, Photographer, aPhoto, _Photo",
            "Photos: Photo_Photo 2Photo photo",
            "",
        ];
        for list in LISTS {
            for text in texts {
                agree(list, text).unwrap();
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn credits_agree_with_the_automaton(text in "(Photo|PHOTO|photo|s|S|tog|oto|_|a|2|é|\\(| |/|\n){0,20}") {
            for list in LISTS {
                agree(list, &text)?;
            }
        }
    }
}
