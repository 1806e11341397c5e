//! Word lists looked up by the word keys the text already holds ([`WordStart::key`]).
//!
//! Each document's word starts carry a 64-bit key of their word, as written and with ASCII
//! letters folded, computed once for every stage. The tagger asks, at every word start,
//! whether the word begins some alias and whether it is a given name: a lookup of that key in
//! an open-addressing table costs a shift, a load and a compare, where hashing the word again
//! (or lower-casing it first) cost ten times more, and a Bloom filter in front let one word in
//! sixteen through to the costly test anyway. A key is a hash: different words may share one,
//! so a [`WordTable`] keeps the words themselves and a hit is confirmed on the bytes.

use chronicle_core::{word_key, WordFilter, WordStart};

/// No entry in a slot.
const EMPTY: u32 = u32::MAX;

/// Words by key, each with a value; words that share a key (a hash collision) all kept.
#[derive(Clone, Debug)]
pub(crate) struct WordTable<V> {
    /// (key, index of the first entry with that key), open addressing by the key's high bits.
    slots: Box<[(u64, u32)]>,
    shift: u32,
    /// The entries sorted by key: (key, start and end of the word in `bytes`, value).
    entries: Vec<(u64, u32, u32, V)>,
    /// The words, as given (folded by the caller when the table folds).
    bytes: Vec<u8>,
    fold: bool,
    /// The keys as a Bloom filter: most words of a text are in no table, and are turned away
    /// by one bit test before any probe.
    filter: WordFilter,
}

impl<V> WordTable<V> {
    /// The table of `words` (distinct; each a whole word, folded by the caller to lower-case
    /// ASCII when `fold`), looked up by [`WordStart::key`]`(fold)`.
    pub(crate) fn new(words: impl IntoIterator<Item = (impl AsRef<str>, V)>, fold: bool) -> WordTable<V> {
        let mut bytes = Vec::new();
        let mut entries: Vec<(u64, u32, u32, V)> = Vec::new();
        let mut all = Vec::new();
        for (w, v) in words {
            let w = w.as_ref();
            let start = bytes.len() as u32;
            bytes.extend_from_slice(w.as_bytes());
            entries.push((word_key(w, fold), start, bytes.len() as u32, v));
            all.push(w.to_string());
        }
        let filter = WordFilter::new(&all, fold);
        entries.sort_by_key(|e| e.0);
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![(0u64, EMPTY); size].into_boxed_slice();
        let mask = size - 1;
        for (i, e) in entries.iter().enumerate() {
            if i > 0 && entries[i - 1].0 == e.0 {
                continue;
            }
            let mut s = (e.0 >> shift) as usize;
            while slots[s].1 != EMPTY {
                s = (s + 1) & mask;
            }
            slots[s] = (e.0, i as u32);
        }
        WordTable { slots, shift, entries, bytes, fold, filter }
    }

    /// The index of the first entry with key `key`, if any.
    #[inline]
    fn first(&self, key: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut s = (key >> self.shift) as usize;
        loop {
            let (k, i) = self.slots[s];
            if i == EMPTY {
                return None;
            }
            if k == key {
                return Some(i as usize);
            }
            s = (s + 1) & mask;
        }
    }

    /// The value of the word at `w` (a word start of the text whose bytes are `text`), if it
    /// is in the table: its key filtered and looked up, then its bytes compared (folded when
    /// the table folds).
    #[inline]
    pub(crate) fn get(&self, w: &WordStart, text: &[u8]) -> Option<&V> {
        if self.may_hold(w) {
            self.get_past_filter(w, text)
        } else {
            None
        }
    }

    /// Whether the word at `w` may be in the table (false: it is not); one bit test.
    #[inline(always)]
    pub(crate) fn may_hold(&self, w: &WordStart) -> bool {
        self.filter.may_start(w)
    }

    /// [`WordTable::get`] for a word that passed [`WordTable::may_hold`].
    #[inline]
    pub(crate) fn get_past_filter(&self, w: &WordStart, text: &[u8]) -> Option<&V> {
        let key = w.key(self.fold);
        let mut i = self.first(key)?;
        let word = &text[w.at..w.end()];
        while let Some((k, start, end, v)) = self.entries.get(i) {
            if *k != key {
                break;
            }
            let stored = &self.bytes[*start as usize..*end as usize];
            let same = if self.fold { stored.eq_ignore_ascii_case(word) } else { stored == word };
            if same {
                return Some(v);
            }
            i += 1;
        }
        None
    }

    /// Whether the table is empty.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronicle_core::Text;

    #[test]
    fn words_are_found_by_their_word_starts_in_the_table_case() {
        let exact = WordTable::new([("Brett", 1), ("Jane", 2), ("é", 3)], false);
        let folded = WordTable::new([("brett", 1), ("jane", 2), ("zürich", 3)], true);
        let text = Text::new("Brett brett JANE Jane_x é Zürich ZüRICH ZÜRICH Janet");
        let got: Vec<(Option<i32>, Option<i32>)> = text
            .word_starts()
            .iter()
            .map(|w| {
                let bytes = text.text.as_bytes();
                (exact.get(w, bytes).copied(), folded.get(w, bytes).copied())
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some(1), Some(1)),
                (None, Some(1)),
                (None, Some(2)),
                (None, None),
                (Some(3), None),
                (None, Some(3)),
                (None, Some(3)),
                (None, None),
                (None, None),
            ]
        );
        assert!(WordTable::<u8>::new(Vec::<(&str, u8)>::new(), true).is_empty());
    }
}
