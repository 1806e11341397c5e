//! Records: one document and its extraction turned into the rows the ledger stores.
//!
//! Preparing a record is pure CPU work (hashing, the near-duplicate signature, flattening every
//! fact), kept apart from the database so callers can run it in parallel and keep each
//! write transaction short. Facts are read from the extraction line that `chronicle extract`
//! prints (`chronicle_extract::output`), so the ledger stores exactly what the extraction
//! publishes: character offsets, the sentence index and the rule, plus the whole line object
//! of each fact (`attrs`) so that fields added later to a stage are kept too.

use chronicle_core::doc::CharOffsets;
use chronicle_core::Document;
use chronicle_extract::{output, Extraction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The kind of a fact, as the extraction line names its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    Timex,
    Quantity,
    Mention,
    Metric,
    Event,
    Claim,
}

impl FactKind {
    pub const ALL: [FactKind; 6] =
        [FactKind::Timex, FactKind::Quantity, FactKind::Mention, FactKind::Metric, FactKind::Event, FactKind::Claim];

    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Timex => "timex",
            FactKind::Quantity => "quantity",
            FactKind::Mention => "mention",
            FactKind::Metric => "metric",
            FactKind::Event => "event",
            FactKind::Claim => "claim",
        }
    }

    pub fn parse(s: &str) -> Option<FactKind> {
        FactKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The key of this kind's list in the extraction line.
    fn line_key(self) -> &'static str {
        match self {
            FactKind::Timex => "timexes",
            FactKind::Quantity => "quantities",
            FactKind::Mention => "entities",
            FactKind::Metric => "metrics",
            FactKind::Event => "events",
            FactKind::Claim => "claims",
        }
    }
}

/// One sentence of a stored document; `start`/`end` are character offsets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentenceRow {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One extracted fact, flattened to the columns the queries need.
///
/// `label` is the fact's main classifier: the timex type, the quantity's unit, the entity's
/// canonical name, the metric's name, the event's type, the claim's cue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub kind: FactKind,
    /// Character offsets into the document's text (end exclusive).
    pub start: usize,
    pub end: usize,
    /// Index of the sentence that states the fact.
    pub sentence: usize,
    /// The text the span covers.
    pub text: String,
    /// The rule that produced the fact.
    pub rule: String,
    pub label: Option<String>,
    /// Timex value (TimeML), or the entity's type.
    pub value: Option<String>,
    pub number: Option<f64>,
    pub number_max: Option<f64>,
    pub qualifier: Option<String>,
    /// Metric `as_of`, event date.
    pub date: Option<String>,
    pub scope: Option<String>,
    pub place: Option<String>,
    pub speaker: Option<String>,
    /// The fact's whole object from the extraction line.
    pub attrs: Value,
}

/// A document ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The creation date the extraction settled on (`YYYY-MM-DD`).
    pub published: Option<String>,
    pub published_source: String,
    /// Where the document was read from (for `show`), when known.
    pub source: Option<String>,
    pub text: String,
    /// SHA-256 of the text, lower-case hex.
    pub hash: String,
    /// Near-duplicate signature bands (see [`signature`]); `None` for very short texts.
    pub signature: Option<[i64; 4]>,
    /// The text's shingles (see [`shingles`]), to confirm near-duplicate candidates.
    #[serde(skip)]
    pub shingles: Vec<u64>,
    pub sentences: Vec<SentenceRow>,
    pub facts: Vec<Fact>,
}

impl Record {
    /// Flattens a document and its extraction into a record.
    pub fn prepare(doc: &Document, ex: &Extraction, source: Option<&str>) -> Record {
        let offsets = CharOffsets::new(&doc.text);
        let sentences = ex
            .sentences
            .iter()
            .enumerate()
            .map(|(index, s)| SentenceRow {
                index,
                start: offsets.get(s.start),
                end: offsets.get(s.end),
                text: s.of(&doc.text).to_string(),
            })
            .collect();
        let line: Value = serde_json::from_str(&output::to_json_line(doc, ex)).unwrap_or(Value::Null);
        let mut facts = Vec::with_capacity(ex.fact_count());
        for kind in FactKind::ALL {
            if let Some(items) = line.get(kind.line_key()).and_then(Value::as_array) {
                facts.extend(items.iter().map(|item| fact_from_line(kind, item)));
            }
        }
        let shingles = shingles(&doc.text);
        Record {
            id: doc.id.clone(),
            title: doc.title.clone().filter(|t| !t.trim().is_empty()),
            url: doc.url.clone(),
            published: ex.dct.date.map(|d| d.to_string()),
            published_source: line.get("published_source").and_then(Value::as_str).unwrap_or("none").to_string(),
            source: source.map(str::to_string),
            text: doc.text.clone(),
            hash: content_hash(&doc.text),
            signature: signature(&shingles),
            shingles,
            sentences,
            facts,
        }
    }
}

fn fact_from_line(kind: FactKind, item: &Value) -> Fact {
    let s = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
    let n = |key: &str| item.get(key).and_then(Value::as_f64);
    let u = |key: &str| item.get(key).and_then(Value::as_u64).unwrap_or(0) as usize;
    let (label, value, date) = match kind {
        FactKind::Timex => (s("type"), s("value"), None),
        FactKind::Quantity => (s("unit"), None, None),
        FactKind::Mention => (s("canonical"), s("type"), None),
        FactKind::Metric => (s("metric"), None, s("as_of")),
        FactKind::Event => (s("type"), None, s("date")),
        FactKind::Claim => (s("cue"), None, None),
    };
    Fact {
        kind,
        start: u("start"),
        end: u("end"),
        sentence: u("sentence"),
        text: s("text").unwrap_or_default(),
        rule: s("rule").unwrap_or_default(),
        label,
        value,
        number: n("value"),
        number_max: n("value_max"),
        qualifier: s("qualifier"),
        date,
        scope: s("scope"),
        place: s("place"),
        speaker: s("speaker"),
        attrs: item.clone(),
    }
}

/// SHA-256 of a text, lower-case hex: the document's identity in the ledger.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
        hex.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
    }
    hex
}

/// Fewer shingles than this and a text is too short to call it a near-duplicate of another.
pub const MIN_SHINGLES: usize = 24;
/// Two texts whose shingle sets overlap at least this much (Jaccard) are near-duplicates.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.8;
/// Bands of the MinHash signature, and MinHash values per band.
const BANDS: usize = 4;
const ROWS: usize = 2;

/// The word 3-shingles of a text (words lower-cased, punctuation ignored), hashed, sorted and
/// deduplicated. The hash functions are fixed (FNV-1a, SplitMix64 finaliser), so stored
/// signatures stay comparable across versions.
pub fn shingles(text: &str) -> Vec<u64> {
    let mut window = [0u64; 3];
    let mut words = 0usize;
    let mut out = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for c in word.chars().flat_map(char::to_lowercase) {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
            }
        }
        window = [window[1], window[2], h];
        words += 1;
        if words >= 3 {
            out.push(mix(window[0] ^ mix(window[1] ^ mix(window[2]))));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The locality-sensitive signature of a shingle set: a MinHash of `BANDS x ROWS` values,
/// each band hashed to one number. Two texts with Jaccard similarity J share at least one band
/// with probability 1 - (1 - J^2)^4 (0.98 at J = 0.8), so an index on the bands finds the
/// candidates, which [`jaccard`] then confirms. `None` for texts under [`MIN_SHINGLES`].
pub fn signature(shingles: &[u64]) -> Option<[i64; BANDS]> {
    if shingles.len() < MIN_SHINGLES {
        return None;
    }
    let mut bands = [0i64; BANDS];
    for (b, band) in bands.iter_mut().enumerate() {
        let mut h = 0x51_7cc1_b727_220au64 ^ b as u64;
        for r in 0..ROWS {
            let seed = mix((b * ROWS + r) as u64 + 1);
            let min = shingles.iter().map(|&s| mix(s ^ seed)).min().unwrap_or(0);
            h = mix(h ^ min);
        }
        // Keep it positive and within i64 for every database.
        *band = (h >> 1) as i64;
    }
    Some(bands)
}

/// Jaccard similarity of two sorted, deduplicated shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

/// Whether two texts are near-duplicates (both long enough, shingles overlapping enough).
pub fn near_duplicates(a: &[u64], b: &[u64]) -> bool {
    a.len() >= MIN_SHINGLES && b.len() >= MIN_SHINGLES && jaccard(a, b) >= NEAR_DUPLICATE_JACCARD
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Coalition aircraft conducted eleven strikes against the group near the northern \
        city on Tuesday, destroying two fighting positions, a supply depot and three vehicles. \
        Officials said the operations would continue until the partner forces had secured the \
        river crossings and the roads that lead west toward the border towns.";

    #[test]
    fn shingle_overlap_links_copies_and_separates_other_reports() {
        let cases: &[(&str, String, bool)] = &[
            ("another header", format!("WIRE SERVICE -- Baghdad\n{BODY}"), true),
            ("another footer", format!("{BODY}\nCopyright the press office. All rights reserved."), true),
            ("same text", BODY.to_string(), true),
            (
                "another report",
                "The ministers met in the capital to agree on funding for stabilisation, \
                 including demining, water and electricity in towns retaken from the group, and \
                 pledged further training for police units in the coming year, officials said."
                    .to_string(),
                false,
            ),
            ("too short", "Eleven strikes on Tuesday.".to_string(), false),
        ];
        let base = shingles(BODY);
        let base_sig = signature(&base).unwrap();
        for (name, text, expected) in cases {
            let other = shingles(text);
            assert_eq!(near_duplicates(&base, &other), *expected, "{name}");
            if *expected {
                let sig = signature(&other).unwrap();
                assert!(base_sig.iter().zip(sig).any(|(a, b)| *a == b), "{name}: no shared band");
            }
        }
    }

    #[test]
    fn jaccard_counts_shared_shingles() {
        assert_eq!(jaccard(&[1, 2, 3, 4], &[3, 4, 5, 6]), 2.0 / 6.0);
        assert_eq!(jaccard(&[1, 2], &[1, 2]), 1.0);
        assert_eq!(jaccard(&[], &[1]), 0.0);
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        assert_eq!(content_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn prepare_keeps_every_fact_with_char_offsets_and_sentence() {
        let doc = Document {
            id: "r1".into(),
            published: Some("2016-05-04".into()),
            text: "Da\u{2019}esh fighters left Mosul. The coalition conducted 1,200 strikes by May 1, 2016.".into(),
            ..Document::default()
        };
        let ex = chronicle_extract::Extractor::coalition().extract(&doc);
        let rec = Record::prepare(&doc, &ex, Some("test.txt"));
        assert_eq!(rec.facts.len(), ex.fact_count());
        assert_eq!(rec.sentences.len(), ex.sentences.len());
        assert_eq!(rec.published.as_deref(), Some("2016-05-04"));
        let chars: Vec<char> = doc.text.chars().collect();
        for f in &rec.facts {
            let covered: String = chars[f.start..f.end].iter().collect();
            assert_eq!(covered, f.text, "{f:?}");
            let s = &rec.sentences[f.sentence];
            assert!(s.start <= f.start && f.end <= s.end, "{f:?} outside {s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fingerprints_never_panic(text in "\\PC{0,400}") {
            let sh = shingles(&text);
            let _ = signature(&sh);
            let _ = content_hash(&text);
        }
    }
}
