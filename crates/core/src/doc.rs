//! Documents as they enter extraction, and spans that point back into them.

use serde::{Deserialize, Serialize};

/// One report to extract from: the document line of `corpus/FORMAT.md`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier, unique within a batch.
    pub id: String,
    /// Where the report came from, when known (its date may be read from it).
    #[serde(default)]
    pub url: Option<String>,
    /// Creation date from the source's metadata (`YYYY-MM-DD`), when it states one.
    #[serde(default)]
    pub published: Option<String>,
    /// Title from the source's metadata, when it has one.
    #[serde(default)]
    pub title: Option<String>,
    /// The report's text. Every span of every fact indexes into it.
    pub text: String,
}

/// A half-open byte range `[start, end)` of a document's text.
///
/// Extraction works in bytes (cheap slicing, no re-scanning); the output layer turns spans
/// into character offsets, which is what `corpus/FORMAT.md` and the scorers count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[inline]
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    #[inline]
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the two spans share at least one byte.
    #[inline]
    pub const fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside `self`.
    #[inline]
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text the span covers; empty when the span does not fall on char boundaries.
    #[inline]
    pub fn of<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Maps byte offsets of one text to character (Unicode scalar) offsets.
///
/// Built once per document at output time; for ASCII text it is the identity and
/// allocates nothing.
pub struct CharOffsets {
    /// `None` for ASCII text; else the char offset of each byte offset (len + 1 entries).
    table: Option<Vec<u32>>,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        if text.is_ascii() {
            return CharOffsets { table: None };
        }
        let mut table = Vec::with_capacity(text.len() + 1);
        let mut chars = 0u32;
        for (i, c) in text.char_indices() {
            while table.len() < i {
                table.push(chars);
            }
            table.push(chars);
            chars += 1;
            let _ = c;
        }
        while table.len() <= text.len() {
            table.push(chars);
        }
        CharOffsets { table: Some(table) }
    }

    /// The char offset of a byte offset (offsets past the end clamp to the end).
    pub fn get(&self, byte: usize) -> usize {
        match &self.table {
            None => byte,
            Some(t) => t[byte.min(t.len() - 1)] as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_scalars_not_bytes() {
        let text = "Da’esh in Mosul";
        let offsets = CharOffsets::new(text);
        let mosul = text.find("Mosul").unwrap();
        assert_eq!(offsets.get(mosul), "Da’esh in ".chars().count());
        assert_eq!(offsets.get(text.len()), text.chars().count());
    }

    #[test]
    fn ascii_offsets_are_identity() {
        let offsets = CharOffsets::new("plain");
        assert_eq!(offsets.get(3), 3);
    }
}
