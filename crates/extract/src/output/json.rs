//! A JSON writer for the facts of the extraction line, byte for byte what `serde_json` writes.
//!
//! Every megabyte of news text gives about three megabytes of extraction line, and
//! `serde_json` writes each string (keys included) through a byte-by-byte escape loop and
//! three calls into the output writer, which made the line cost as much as a whole stage.
//! Here field names are copied as they are and a string that needs no escaping (nearly all
//! of them) is copied whole after one scan. The writer covers what the fact types use
//! (structs, sequences, options, strings, numbers, booleans, unit variants); anything else
//! is [`Unsupported`], and the caller then writes that value with `serde_json` instead, so the
//! line is always `serde_json`'s bytes.

use serde::ser::{self, Impossible, Serialize};

/// A value of a shape this writer leaves to `serde_json` (maps, tuples, data-carrying enum
/// variants, bytes), or an error a `Serialize` impl raised.
#[derive(Debug)]
pub(crate) struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("value shape left to serde_json")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Writes `v` as JSON at the end of `out`; on [`Unsupported`] the output is left as it was.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut String, v: &T) -> Result<(), Unsupported> {
    let at = out.len();
    v.serialize(&mut Json { out, splice: false }).inspect_err(|_| out.truncate(at))
}

/// Writes the fields of `v`, a struct, as the continuation of an object already open at the
/// end of `out`: `,"a":1,"b":2}` (or `}` for a struct with no fields to write). A value that
/// is not a struct is [`Unsupported`], and the output is left as it was.
pub(crate) fn write_fields<T: Serialize + ?Sized>(out: &mut String, v: &T) -> Result<(), Unsupported> {
    let at = out.len();
    let mut json = Json { out, splice: true };
    let written = v.serialize(&mut json);
    let spliced = !json.splice;
    written.and(if spliced { Ok(()) } else { Err(Unsupported) }).inspect_err(|_| out.truncate(at))
}

/// Writes `s` as a JSON string.
#[inline(always)]
pub(crate) fn write_str(out: &mut String, s: &str) {
    if needs_escape(s.as_bytes()) {
        // Rare (quotes, backslashes, control characters): serde_json's own escaping.
        if let Ok(escaped) = serde_json::to_string(s) {
            out.push_str(&escaped);
        }
    } else {
        write_plain(out, s);
    }
}

/// Writes `s`, which needs no escape, as a JSON string.
#[inline(always)]
fn write_plain(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// Whether a JSON string needs an escape for some byte of `s` (the bytes serde_json escapes:
/// control characters, the quote and the backslash): eight bytes at a time, each test exact
/// as a yes or no for the whole word; the last few bytes of a string of eight or more are
/// tested as its last eight (again some), those of a shorter one by table.
#[inline]
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let escapes = |chunk: &[u8]| {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | has_zero(x ^ (ONES * u64::from(b'"')))
            | has_zero(x ^ (ONES * u64::from(b'\\')))
    };
    if s.len() < 8 {
        return s.iter().any(|&b| ESCAPED[b as usize]);
    }
    let mut chunks = s.chunks_exact(8);
    let mut hit = 0;
    for chunk in &mut chunks {
        hit |= escapes(chunk);
    }
    if !chunks.remainder().is_empty() {
        hit |= escapes(&s[s.len() - 8..]);
    }
    hit != 0
}

/// The bytes serde_json escapes in a string.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

struct Json<'o> {
    out: &'o mut String,
    /// The next struct continues an open object instead of opening its own ([`write_fields`]).
    splice: bool,
}

/// A struct or sequence being written: whether an element was written yet.
pub(crate) struct Compound<'a, 'o> {
    json: &'a mut Json<'o>,
    first: bool,
}

impl Compound<'_, '_> {
    #[inline(always)]
    fn separate(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.json.out.push(',');
        }
    }
}

impl<'a, 'o> ser::Serializer for &'a mut Json<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.out.push_str(itoa::Buffer::new().format(v));
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        // serde_json: the shortest round-trip form (zmij, as serde_json), `null` when not finite.
        if v.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        if v.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline(always)]
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        write_str(self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }

    #[inline(always)]
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unsupported> {
        // Variant names are Rust identifiers or `rename`s of them, like field names.
        debug_assert!(!needs_escape(variant.as_bytes()));
        write_plain(self.out, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'o>, Unsupported> {
        if self.splice {
            return Err(Unsupported);
        }
        self.out.push('[');
        Ok(Compound { json: self, first: true })
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'o>, Unsupported> {
        if self.splice {
            // Its fields continue the open object: each one, the first too, after a comma.
            self.splice = false;
            return Ok(Compound { json: self, first: false });
        }
        self.out.push('{');
        Ok(Compound { json: self, first: true })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.separate();
        value.serialize(&mut *self.json)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.json.out.push(']');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unsupported;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        self.separate();
        // Field names are Rust identifiers or `rename`s of them: nothing to escape (the
        // tests compare whole facts with serde_json's output).
        debug_assert!(!needs_escape(key.as_bytes()));
        let out = &mut *self.json.out;
        out.reserve(key.len() + 3);
        out.push('"');
        out.push_str(key);
        out.push_str("\":");
        value.serialize(&mut *self.json)
    }

    fn end(self) -> Result<(), Unsupported> {
        self.json.out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Exact,
        MoreThan,
    }

    #[derive(Serialize)]
    enum Shape {
        Point(i32, i32),
    }

    #[derive(Serialize)]
    struct Fact {
        text: String,
        #[serde(rename = "type")]
        kind: Kind,
        value: f64,
        small: f32,
        count: u64,
        delta: i64,
        yes: bool,
        letter: char,
        missing: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        list: Vec<Option<f64>>,
        unit: (),
        kinds: Vec<Kind>,
    }

    fn fast<T: Serialize>(v: &T) -> Option<String> {
        let mut out = String::from("prefix");
        match write(&mut out, v) {
            Ok(()) => Some(out[6..].to_string()),
            Err(Unsupported) => {
                assert_eq!(out, "prefix", "a refused value leaves the output as it was");
                None
            }
        }
    }

    /// Each shape the writer covers, written as serde_json writes it.
    #[test]
    fn covered_shapes_match_serde_json() {
        let facts = [
            Fact {
                text: "Da\u{2019}esh \"fighters\"\n\\ \u{1} \u{7f} tab\there".into(),
                kind: Kind::MoreThan,
                value: 19000.5,
                small: 0.1,
                count: u64::MAX,
                delta: i64::MIN,
                yes: true,
                letter: '"',
                missing: None,
                skipped: None,
                list: vec![Some(f64::NAN), Some(1e300), Some(-0.0), None, Some(f64::INFINITY)],
                unit: (),
                kinds: vec![Kind::Exact, Kind::MoreThan],
            },
            Fact {
                text: String::new(),
                kind: Kind::Exact,
                value: 1e-7,
                small: f32::NAN,
                count: 0,
                delta: -5,
                yes: false,
                letter: 'é',
                missing: Some("x".into()),
                skipped: Some(3),
                list: vec![],
                unit: (),
                kinds: vec![],
            },
        ];
        for fact in &facts {
            assert_eq!(fast(fact).unwrap(), serde_json::to_string(fact).unwrap());
        }
    }

    #[derive(Serialize)]
    struct Sparse {
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    /// A struct's fields continue an open object exactly as serde_json writes them in their own.
    #[test]
    fn fields_continue_an_open_object() {
        let fact = Fact {
            text: "Mosul".into(),
            kind: Kind::Exact,
            value: 2.5,
            small: 1.0,
            count: 3,
            delta: 0,
            yes: true,
            letter: 'x',
            missing: None,
            skipped: Some(1),
            list: vec![None],
            unit: (),
            kinds: vec![Kind::MoreThan],
        };
        let cases: Vec<(String, Option<String>)> = vec![
            (continued(&fact), Some(serde_json::to_string(&fact).unwrap().replacen('{', ",", 1))),
            (continued(&Sparse { note: Some("a".into()) }), Some(",\"note\":\"a\"}".into())),
            (continued(&Sparse { note: None }), Some("}".into())),
        ];
        for (got, want) in cases {
            assert_eq!(Some(got), want.map(|w| format!("{{\"id\":1{w}")));
        }
        for refused in [refuses(&"text"), refuses(&vec![Sparse { note: None }]), refuses(&Option::<Sparse>::None)] {
            assert!(refused, "only a struct continues an object");
        }
    }

    fn continued<T: Serialize>(v: &T) -> String {
        let mut out = String::from("{\"id\":1");
        write_fields(&mut out, v).unwrap();
        out
    }

    fn refuses<T: Serialize>(v: &T) -> bool {
        let mut out = String::from("{\"id\":1");
        let refused = write_fields(&mut out, v).is_err();
        refused && out == "{\"id\":1"
    }

    /// Shapes it leaves to serde_json are refused without writing anything.
    #[test]
    fn other_shapes_are_refused() {
        assert!(fast(&BTreeMap::from([("a", 1)])).is_none());
        assert!(fast(&(1, 2)).is_none());
        assert!(fast(&Shape::Point(1, 2)).is_none());
        assert!(fast(&vec![Some(BTreeMap::from([(1, 2)]))]).is_none());
    }

    proptest::proptest! {
        /// Any string is escaped exactly as serde_json escapes it.
        #[test]
        fn strings_match_serde_json(s in "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}])*") {
            let mut out = String::new();
            write_str(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }
    }
}
