//! Word lists looked up by the word keys the text already holds ([`WordStart::key`]).
//!
//! Each document's word starts carry a 64-bit key of their word, as written and with ASCII
//! letters folded, computed once for every stage. The tagger asks, at every word start,
//! whether the word begins some alias and whether it is a given name: a lookup of that key in
//! an open-addressing table costs a shift, a load and a compare, where hashing the word again
//! (or lower-casing it first) cost ten times more, and a Bloom filter in front let one word in
//! sixteen through to the costly test anyway. A key is a hash: different words may share one,
//! so a [`WordTable`] keeps the words themselves and a hit is confirmed on the bytes.

pub(crate) use chronicle_core::load8;
use chronicle_core::{fold8, word_key, WordStart};

/// No entry in a slot.
const EMPTY: u32 = u32::MAX;

/// Words by key, each with a value; words that share a key (a hash collision) all kept.
#[derive(Clone, Debug)]
pub(crate) struct WordTable<V> {
    /// (key, index of the first entry with that key), open addressing by the key's high bits.
    slots: Box<[(u64, u32)]>,
    shift: u32,
    /// The entries sorted by key.
    entries: Vec<Entry<V>>,
    /// The words, as given (folded by the caller when the table folds).
    bytes: Vec<u8>,
    fold: bool,
    /// The keys as a Bloom filter: most words of a text are in no table, and are turned away
    /// by one bit test before any probe.
    filter: WordBloom,
}

/// The bits of a [`WordBloom`]: 2^18 (32 KiB), over a hundred bits a key for the tables of a
/// few thousand words the tagger looks every word of a text up in.
const WORD_BLOOM_WORDS: usize = 1 << 12;

/// A one-hash Bloom filter of fixed size over word keys: tested at every word start of a
/// text, its size known at compile time makes the test a shift, a load and a bit test (no
/// bounds check, no size to load).
#[derive(Clone, Debug)]
struct WordBloom {
    bits: Box<[u64; WORD_BLOOM_WORDS]>,
}

impl WordBloom {
    /// The key's top bits index the filter.
    const SHIFT: u32 = 64 - (WORD_BLOOM_WORDS * 64).trailing_zeros();

    fn new(keys: impl IntoIterator<Item = u64>) -> WordBloom {
        let mut bits = Box::new([0u64; WORD_BLOOM_WORDS]);
        for k in keys {
            let i = (k >> Self::SHIFT) as usize;
            bits[i / 64] |= 1 << (i % 64);
        }
        WordBloom { bits }
    }

    #[inline(always)]
    fn may_hold(&self, key: u64) -> bool {
        let i = (key >> Self::SHIFT) as usize;
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

/// A one-hash Bloom filter over 64-bit keys (word keys, or keys mixed from them), built from
/// the keys themselves: nothing is hashed again. It spends [`KeyBloom::BITS_PER_KEY`] bits a
/// key, so that about one key in sixty that is not in it gets past its one bit test (where
/// a filter of sixteen bits a key let one in sixteen through to a costly probe).
#[derive(Clone, Debug)]
pub(crate) struct KeyBloom {
    bits: Box<[u64]>,
    shift: u32,
}

impl KeyBloom {
    /// Bits spent per key.
    const BITS_PER_KEY: usize = 64;

    /// The filter of `keys`.
    pub(crate) fn new(keys: impl IntoIterator<Item = u64> + Clone) -> KeyBloom {
        let n = keys.clone().into_iter().count();
        let size = (n * Self::BITS_PER_KEY).next_power_of_two().clamp(1 << 10, 1 << 22);
        let shift = 64 - size.trailing_zeros();
        let mut bits = vec![0u64; size / 64].into_boxed_slice();
        for k in keys {
            let i = (k >> shift) as usize;
            bits[i / 64] |= 1 << (i % 64);
        }
        KeyBloom { bits, shift }
    }

    /// Whether `key` may be one of the keys (false: it is not); one bit test.
    #[inline(always)]
    pub(crate) fn may_hold(&self, key: u64) -> bool {
        let i = (key >> self.shift) as usize;
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

/// One word of a [`WordTable`].
#[derive(Clone, Debug)]
struct Entry<V> {
    key: u64,
    /// Its first eight bytes (fewer, zero-padded): a word that short is compared at once.
    head: u64,
    /// Where it stands in the table's bytes.
    start: u32,
    len: u32,
    value: V,
}

impl<V> WordTable<V> {
    /// The table of `words` (distinct; each a whole word, folded by the caller to lower-case
    /// ASCII when `fold`), looked up by [`WordStart::key`]`(fold)`.
    pub(crate) fn new(words: impl IntoIterator<Item = (impl AsRef<str>, V)>, fold: bool) -> WordTable<V> {
        let mut bytes = Vec::new();
        let mut entries: Vec<Entry<V>> = Vec::new();
        for (w, value) in words {
            let w = w.as_ref();
            let start = bytes.len() as u32;
            bytes.extend_from_slice(w.as_bytes());
            let head = load8(w.as_bytes(), 0, w.len().min(8));
            entries.push(Entry { key: word_key(w, fold), head, start, len: w.len() as u32, value });
        }
        let filter = WordBloom::new(entries.iter().map(|e| e.key));
        entries.sort_unstable_by_key(|e| e.key);
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![(0u64, EMPTY); size].into_boxed_slice();
        let mask = size - 1;
        for (i, e) in entries.iter().enumerate() {
            if i > 0 && entries[i - 1].key == e.key {
                continue;
            }
            let mut s = (e.key >> shift) as usize;
            while slots[s].1 != EMPTY {
                s = (s + 1) & mask;
            }
            slots[s] = (e.key, i as u32);
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
        self.filter.may_hold(w.key(self.fold))
    }

    /// [`WordTable::may_hold`] of the word whose key (folded or not, as the table) is `key`.
    #[inline(always)]
    pub(crate) fn may_hold_key(&self, key: u64) -> bool {
        self.filter.may_hold(key)
    }

    /// [`WordTable::get`] for a word that passed [`WordTable::may_hold`].
    #[inline]
    pub(crate) fn get_past_filter(&self, w: &WordStart, text: &[u8]) -> Option<&V> {
        let key = w.key(self.fold);
        let mut i = self.first(key)?;
        let len = w.word_len();
        // A short word's bytes in one load, folded eight at a time.
        let head = if len <= 8 {
            let x = load8(text, w.at, len);
            if self.fold {
                fold8(x)
            } else {
                x
            }
        } else {
            0
        };
        while let Some(e) = self.entries.get(i).filter(|e| e.key == key) {
            if e.len as usize == len {
                let same = if len <= 8 {
                    e.head == head
                } else {
                    let stored = &self.bytes[e.start as usize..e.start as usize + len];
                    let word = &text[w.at..w.at + len];
                    if self.fold {
                        stored.eq_ignore_ascii_case(word)
                    } else {
                        stored == word
                    }
                };
                if same {
                    return Some(&e.value);
                }
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

    proptest::proptest! {
        /// The folding of eight bytes at once is ASCII lower-casing, byte by byte.
        #[test]
        fn eight_bytes_fold_as_each_byte(x in proptest::prelude::any::<u64>(), ascii in proptest::prelude::any::<bool>()) {
            let x = if ascii { x & 0x7f7f_7f7f_7f7f_7f7f } else { x };
            let want = u64::from_le_bytes(x.to_le_bytes().map(|b| b.to_ascii_lowercase()));
            proptest::prop_assert_eq!(fold8(x), want);
        }

        /// A table finds, among words of every length, those the text holds in its case.
        #[test]
        fn words_of_any_length_are_found_as_compared_byte_by_byte(
            words in proptest::collection::vec("[a-cA-C_é]{1,11}", 1..6),
            text in "[a-cA-C_é ]{0,40}",
        ) {
            for fold in [false, true] {
                let mut list: Vec<String> =
                    words.iter().map(|w| if fold { w.to_ascii_lowercase() } else { w.clone() }).collect();
                list.sort();
                list.dedup();
                let table = WordTable::new(list.iter().enumerate().map(|(i, w)| (w, i)), fold);
                let t = Text::new(&text);
                for w in t.word_starts() {
                    let word = &text.as_bytes()[w.at..w.end()];
                    let want = list.iter().position(|s| {
                        if fold { s.as_bytes().eq_ignore_ascii_case(word) } else { s.as_bytes() == word }
                    });
                    proptest::prop_assert_eq!(table.get(w, text.as_bytes()).copied(), want, "{:?} in {:?}", word, list);
                }
            }
        }
    }
}
