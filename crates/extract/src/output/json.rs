//! A JSON writer for the facts of the extraction line, byte for byte what `serde_json` writes.
//!
//! Every megabyte of news text gives about three megabytes of extraction line, and
//! `serde_json` writes each string (keys included) through a byte-by-byte escape loop and
//! three calls into the output writer, which made the line cost as much as a whole stage.
//! Here field names are copied as they are and a string that needs no escaping (nearly all
//! of them) is copied whole after one scan (a short one by two fixed-size copies, not a call
//! to `memcpy`). The line is written into a [`Line`], bytes that stay UTF-8 by construction,
//! so that a number is written as one word of digits cut to its length. The facts' own
//! fields are written by [`Fields`], one literal key and one value writer per field. The
//! serde writer below is for the values that are not plain strings or numbers (the line's
//! header, the figures) and covers structs, sequences, options, strings, numbers, booleans
//! and unit variants; anything else is
//! [`Unsupported`], and the caller then writes that value with `serde_json` instead, so the
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
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut Line, v: &T) -> Result<(), Unsupported> {
    let at = out.len();
    v.serialize(&mut Json { out }).inspect_err(|_| out.buf.truncate(at))
}

/// The line being written: bytes that are UTF-8 by construction, because every writer below
/// appends either a whole `&str` or ASCII bytes it made (digits, punctuation, escapes), and
/// the only cut ([`write`]'s undo, [`Line::uint`]'s) goes back to the end of an earlier write
/// or inside ASCII. The bytes are private to this module, so nothing else can break that, and
/// [`Line::into_string`] hands them over without a second scan.
///
/// Bytes rather than a `String`: a number is written as eight digit bytes at once and cut to
/// its length ([`Line::uint`]), which a `String` would only take after a UTF-8 check.
pub(crate) struct Line {
    buf: Vec<u8>,
}

impl Line {
    pub(crate) fn with_capacity(n: usize) -> Line {
        Line { buf: Vec::with_capacity(n) }
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Appends `s` as it is.
    #[inline(always)]
    pub(crate) fn push_str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// Appends `s`, most often a short word or name, without a call to `memcpy` when it is
    /// short: up to sixteen bytes as two fixed-size copies of its first and last bytes that
    /// overlap in the middle (the line is cut back between them to where the last ones go),
    /// as `memcpy` itself copies short lengths.
    #[inline(always)]
    pub(crate) fn push_short(&mut self, s: &str) {
        let b = s.as_bytes();
        let n = b.len();
        if n > 16 {
            self.buf.extend_from_slice(b);
        } else if n >= 8 {
            self.push_overlapping::<8>(b);
        } else if n >= 4 {
            self.push_overlapping::<4>(b);
        } else if n > 0 {
            let at = self.buf.len();
            self.buf.extend_from_slice(&[b[0], b[n / 2], b[n - 1]]);
            self.buf.truncate(at + n);
        }
    }

    /// Appends the bytes `b` (`K` to `2K` of them) as a copy of the first `K` and one of the
    /// last `K`, the line cut back between the two where they overlap.
    #[inline(always)]
    fn push_overlapping<const K: usize>(&mut self, b: &[u8]) {
        let at = self.buf.len();
        if let (Some(first), Some(last)) = (b.first_chunk::<K>(), b.last_chunk::<K>()) {
            self.buf.extend_from_slice(first);
            self.buf.truncate(at + b.len() - K);
            self.buf.extend_from_slice(last);
        }
    }

    /// [`Line::push_short`] and then a closing quote.
    #[inline(always)]
    pub(crate) fn push_short_quoted(&mut self, s: &str) {
        self.push_short(s);
        self.buf.push(b'"');
    }

    /// Appends one ASCII byte.
    #[inline(always)]
    pub(crate) fn push(&mut self, c: char) {
        debug_assert!(c.is_ascii());
        self.buf.push(c as u8);
    }

    /// Appends `n` in decimal, as `itoa` (and serde_json) write it. Below 10^8 (the offsets,
    /// indices and most figures) without a division loop: the eight digits are spread over
    /// the bytes of one word at once ([`digits8`]), the word is appended whole and the line
    /// cut back to the number's length.
    #[inline(always)]
    pub(crate) fn uint(&mut self, n: u64) {
        let at = self.buf.len();
        if n < 10_000 {
            // Most offsets of a news report, and every sentence index: four digits at most.
            let (word, len) = digits4(n as u32);
            self.buf.extend_from_slice(&word.to_le_bytes());
            self.buf.truncate(at + len);
        } else if n < 100_000_000 {
            let (word, len) = digits8(n as u32);
            self.buf.extend_from_slice(&word.to_le_bytes());
            self.buf.truncate(at + len);
        } else {
            self.push_str(itoa::Buffer::new().format(n));
        }
    }

    /// Appends `","start":S,"end":E,"sentence":N`, the end of a fact's text and its located
    /// fields. Assembled in a small local array (its keys and digits written at a cursor the
    /// compiler keeps in a register) and appended in one fixed-size copy, then cut to length:
    /// six appends to the line, each with its own capacity check and length update, were most
    /// of the cost of a fact's numbers.
    #[inline(always)]
    pub(crate) fn located(&mut self, start: u64, end: u64, sentence: u64) {
        const START: &[u8; 10] = b"\",\"start\":";
        const END: &[u8; 7] = b",\"end\":";
        const SENTENCE: &[u8; 12] = b",\"sentence\":";
        if start.max(end).max(sentence) >= 100_000_000 {
            // Beyond eight digits (no text is that long): one append each.
            self.push_str("\",\"start\":");
            self.uint(start);
            self.push_str(",\"end\":");
            self.uint(end);
            self.push_str(",\"sentence\":");
            self.uint(sentence);
            return;
        }
        // 10 + 7 + 12 key bytes and three numbers of at most eight digits: 53 bytes.
        let mut head = [0u8; 64];
        let mut n = 0;
        let mut put = |bytes: &[u8], len: usize, n: &mut usize| {
            if let Some(dst) = head.get_mut(*n..*n + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
            *n += len;
        };
        let digits = |v: u64| {
            if v < 10_000 {
                let (word, len) = digits4(v as u32);
                (u64::from(word), len)
            } else {
                digits8(v as u32)
            }
        };
        put(START, START.len(), &mut n);
        let (word, len) = digits(start);
        put(&word.to_le_bytes(), len, &mut n);
        put(END, END.len(), &mut n);
        let (word, len) = digits(end);
        put(&word.to_le_bytes(), len, &mut n);
        put(SENTENCE, SENTENCE.len(), &mut n);
        let (word, len) = digits(sentence);
        put(&word.to_le_bytes(), len, &mut n);
        let at = self.buf.len();
        self.buf.extend_from_slice(&head);
        self.buf.truncate(at + n);
    }

    /// Appends `n` in decimal, with a minus sign when negative, as `itoa` writes it.
    #[inline(always)]
    pub(crate) fn int(&mut self, n: i64) {
        if n < 0 {
            self.push('-');
        }
        self.uint(n.unsigned_abs());
    }

    /// Appends a figure as [`chronicle_core::num::serialize_number`] has serde_json write it:
    /// an integer when it is one below 9e15, else the shortest round-trip form, `null` when not
    /// finite. "Is an integer" is asked as "survives the trip through `i64`" (exact in that
    /// range, and the same answer as `fract() == 0`, which is a call to `trunc` here).
    #[inline]
    pub(crate) fn figure(&mut self, v: f64) {
        if v.abs() < 9.0e15 && (v as i64) as f64 == v {
            self.int(v as i64);
        } else if v.is_finite() {
            self.push_str(zmij::Buffer::new().format_finite(v));
        } else {
            self.push_str("null");
        }
    }

    /// The line as a `String`.
    pub(crate) fn into_string(self) -> String {
        debug_assert!(std::str::from_utf8(&self.buf).is_ok());
        // SAFETY: the bytes are UTF-8 (see the type's doc): every append is a whole `&str` or
        // ASCII, and every cut lands at the end of an earlier append or inside ASCII digits.
        unsafe { String::from_utf8_unchecked(self.buf) }
    }
}

/// [`digits8`] for `n` below 10^4, in half the word: the two-digit halves in 16-bit lanes,
/// then single digits in bytes.
#[inline(always)]
fn digits4(n: u32) -> (u32, usize) {
    let v = (n / 100) | ((n % 100) << 16);
    let tens = ((v * 103) >> 10) & 0x000F_000F;
    let v = tens | ((v - tens * 10) << 8);
    let zeros = (v.trailing_zeros() / 8).min(3);
    ((v >> (8 * zeros)) | 0x3030_3030, 4 - zeros as usize)
}

/// The decimal digits of `n` (below 10^8) as ASCII bytes of a little-endian word, the first
/// digit in the lowest byte, and how many there are (bytes beyond them are junk). Split in
/// lanes, all at once: the two four-digit halves in 32-bit lanes, their two-digit halves in
/// 16-bit lanes, then single digits in bytes; each lane's quotient by a multiply and a shift
/// (exact below 10^4 for 100, below 179 for 10), masked so that nothing of the next lane
/// comes along. The leading zero digits are the low zero bytes.
#[inline(always)]
fn digits8(n: u32) -> (u64, usize) {
    let x = u64::from(n);
    let v = (x / 10_000) | ((x % 10_000) << 32);
    let hundreds = ((v * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let v = hundreds | ((v - hundreds * 100) << 16);
    let tens = ((v * 103) >> 10) & 0x000F_000F_000F_000F;
    let v = tens | ((v - tens * 10) << 8);
    // Zero has eight zero digits: its one digit is the last.
    let zeros = (v.trailing_zeros() / 8).min(7);
    ((v >> (8 * zeros)) | 0x3030_3030_3030_3030, 8 - zeros as usize)
}

/// `,"name":`, the start of a field that continues an open object, as one literal.
macro_rules! key {
    ($name:literal) => {
        concat!(",\"", $name, "\":")
    };
}
pub(crate) use key;

/// `,"name":"`, the start of a string field, its value's opening quote included ([`Fields::str`]).
macro_rules! str_key {
    ($name:literal) => {
        concat!(",\"", $name, "\":\"")
    };
}
pub(crate) use str_key;

/// The writer of a fact's own fields, each `,"name":value` continuing the fact's open object:
/// the key is one literal ([`key!`]) and the value is written by a function for its shape, so
/// that a field costs a copy of its key and of its value (the derived `Serialize` went through
/// the serializer's field and separator logic for each). The values are written as serde_json
/// writes them (the tests compare whole lines with serde_json's).
pub(crate) struct Fields<'o> {
    pub(crate) out: &'o mut Line,
}

impl Fields<'_> {
    /// A string field: `open` is its key with the opening quote ([`str_key!`]), one copy.
    #[inline(always)]
    pub(crate) fn str(&mut self, open: &'static str, v: &str) {
        debug_assert!(open.ends_with(":\""));
        self.out.push_str(open);
        write_str_body_quoted(self.out, v);
    }

    /// A string field whose value needs no escape (a unit variant's name: a Rust identifier
    /// or a `rename` of one, held to serde_json's output by the tests).
    #[inline(always)]
    pub(crate) fn plain(&mut self, open: &'static str, v: &'static str) {
        debug_assert!(open.ends_with(":\"") && !needs_escape(v.as_bytes()));
        self.out.push_str(open);
        self.out.push_short_quoted(v);
    }

    /// An optional string field: `null` when absent.
    #[inline(always)]
    pub(crate) fn opt_str(&mut self, key: &'static str, v: Option<&str>) {
        self.out.push_str(key);
        match v {
            Some(v) => write_str(self.out, v),
            None => self.out.push_str("null"),
        }
    }

    /// An unsigned integer field.
    #[inline(always)]
    pub(crate) fn uint(&mut self, key: &'static str, v: u64) {
        self.out.push_str(key);
        self.out.uint(v);
    }

    /// A figure, as [`chronicle_core::num::serialize_number`] writes it (an integer when it is one).
    #[inline]
    pub(crate) fn number(&mut self, key: &'static str, v: f64) {
        self.out.push_str(key);
        self.out.figure(v);
    }

    /// An optional figure, as [`chronicle_core::num::serialize_opt_number`] writes it.
    #[inline]
    pub(crate) fn opt_number(&mut self, key: &'static str, v: Option<f64>) {
        self.out.push_str(key);
        match v {
            Some(v) => self.out.figure(v),
            None => self.out.push_str("null"),
        }
    }

    /// A list of strings.
    pub(crate) fn strs(&mut self, key: &'static str, v: &[String]) {
        self.out.push_str(key);
        self.out.push('[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(self.out, s);
        }
        self.out.push(']');
    }

    /// A list of unsigned integers.
    pub(crate) fn uints(&mut self, key: &'static str, v: &[usize]) {
        self.out.push_str(key);
        self.out.push('[');
        for (i, &n) in v.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.out.uint(n as u64);
        }
        self.out.push(']');
    }
}

/// Writes `v` as JSON at the end of `out`: by this writer, or by serde_json for a shape it
/// leaves to it (every value of the line has a JSON form).
pub(crate) fn write_value<T: Serialize + ?Sized>(out: &mut Line, v: &T) {
    if write(out, v).is_err() {
        if let Ok(json) = serde_json::to_string(v) {
            out.push_str(&json);
        }
    }
}

/// Writes `s` as a JSON string.
#[inline(always)]
pub(crate) fn write_str(out: &mut Line, s: &str) {
    out.push('"');
    write_str_body_quoted(out, s);
}

/// Writes `s` as the inside of a JSON string and its closing quote (the opening one is the
/// caller's).
#[inline(always)]
pub(crate) fn write_str_body_quoted(out: &mut Line, s: &str) {
    if needs_escape(s.as_bytes()) {
        write_escaped(out, s);
        out.push('"');
    } else {
        out.push_short_quoted(s);
    }
}

/// Writes `s` as the inside of a JSON string (its quotes are the caller's).
#[inline(always)]
pub(crate) fn write_str_body(out: &mut Line, s: &str) {
    if needs_escape(s.as_bytes()) {
        write_escaped(out, s);
    } else {
        out.push_short(s);
    }
}

/// Writes `s`, which needs some escape (a quotation in a sentence, a newline), as the inside
/// of a JSON string with serde_json's escapes: the short ones it has (`\"`, `\\`, `\n`, `\r`, `\t`,
/// `\b`, `\f`), else `\u00XX` in lower-case hex. The runs between are copied whole.
#[inline(never)]
fn write_escaped(out: &mut Line, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.buf.reserve(s.len() + 8);
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !ESCAPED[b as usize] {
            continue;
        }
        // An escaped byte is ASCII: both ends of the run are character boundaries.
        out.push_str(&s[run..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
}

/// Writes `s`, which needs no escape, as a JSON string.
#[inline(always)]
fn write_plain(out: &mut Line, s: &str) {
    out.buf.reserve(s.len() + 2);
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// Whether a JSON string needs an escape for some byte of `s` (the bytes serde_json escapes:
/// control characters, the quote and the backslash): eight bytes at a time, each test exact
/// as a yes or no for the whole word; the last few bytes of a string of eight or more are
/// tested as its last eight (again some), a string of four to seven as its first four and
/// last four in one word, a shorter one by table.
#[inline(always)]
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let escapes = |x: u64| {
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
            | has_zero(x ^ (ONES * u64::from(b'"')))
            | has_zero(x ^ (ONES * u64::from(b'\\')))
    };
    let word = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
    let half = |chunk: &[u8]| u64::from(u32::from_le_bytes(chunk.try_into().unwrap_or([0; 4])));
    match s.len() {
        0..4 => s.iter().any(|&b| ESCAPED[b as usize]),
        4..8 => escapes(half(&s[..4]) | half(&s[s.len() - 4..]) << 32) != 0,
        _ => {
            let mut chunks = s.chunks_exact(8);
            let mut hit = 0;
            for chunk in &mut chunks {
                hit |= escapes(word(chunk));
            }
            if !chunks.remainder().is_empty() {
                hit |= escapes(word(&s[s.len() - 8..]));
            }
            hit != 0
        }
    }
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
    out: &'o mut Line,
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
        self.out.int(v);
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
        self.out.uint(v);
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
        out.buf.reserve(key.len() + 3);
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
        let mut out = Line::with_capacity(0);
        out.push_str("prefix");
        match write(&mut out, v) {
            Ok(()) => Some(out.into_string()[6..].to_string()),
            Err(Unsupported) => {
                assert_eq!(out.into_string(), "prefix", "a refused value leaves the output as it was");
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

    /// Each field writer writes `,"key":` and its value as serde_json writes that value.
    #[test]
    fn field_writers_match_serde_json() {
        let json = |v: serde_json::Value| format!(",\"k\":{v}");
        let cases: Vec<(&str, String, String)> = {
            let mut cases = Vec::new();
            let mut case = |name: &'static str, write: &dyn Fn(&mut Fields), want: String| {
                let mut out = Line::with_capacity(0);
                write(&mut Fields { out: &mut out });
                cases.push((name, out.into_string(), want));
            };
            case("plain string", &|f| f.str(str_key!("k"), "Mosul"), json("Mosul".into()));
            case("escaped string", &|f| f.str(str_key!("k"), "a \"q\"\n\\"), json("a \"q\"\n\\".into()));
            case("empty string", &|f| f.str(str_key!("k"), ""), json("".into()));
            case("plain name", &|f| f.plain(str_key!("k"), "armed_group"), json("armed_group".into()));
            case("short plain", &|f| f.plain(str_key!("k"), "SET"), json("SET".into()));
            case("some string", &|f| f.opt_str(key!("k"), Some("Da\u{2019}esh")), json("Da\u{2019}esh".into()));
            case("no string", &|f| f.opt_str(key!("k"), None), json(serde_json::Value::Null));
            case("zero", &|f| f.uint(key!("k"), 0), json(0.into()));
            case("large", &|f| f.uint(key!("k"), u64::MAX), json(u64::MAX.into()));
            case("whole figure", &|f| f.number(key!("k"), 19000.0), json(19000.into()));
            case("fraction", &|f| f.number(key!("k"), 2.5), json(serde_json::json!(2.5)));
            case("huge figure", &|f| f.number(key!("k"), 1e20), json(serde_json::json!(1e20)));
            case("no figure", &|f| f.opt_number(key!("k"), None), json(serde_json::Value::Null));
            case("some figure", &|f| f.opt_number(key!("k"), Some(-3.0)), json((-3).into()));
            case("negative zero", &|f| f.number(key!("k"), -0.0), json(0.into()));
            case("not a number", &|f| f.number(key!("k"), f64::NAN), json(serde_json::Value::Null));
            case("infinite", &|f| f.opt_number(key!("k"), Some(f64::NEG_INFINITY)), json(serde_json::Value::Null));
            case(
                "last integer",
                &|f| f.number(key!("k"), 8_999_999_999_999_998.0),
                json(8_999_999_999_999_998i64.into()),
            );
            case("past the integers", &|f| f.number(key!("k"), 9.0e15), json(serde_json::json!(9.0e15)));
            case("strings", &|f| f.strs(key!("k"), &["a".into(), "b\"".into()]), json(serde_json::json!(["a", "b\""])));
            case("no strings", &|f| f.strs(key!("k"), &[]), json(serde_json::json!([])));
            case("integers", &|f| f.uints(key!("k"), &[0, 7, 12]), json(serde_json::json!([0, 7, 12])));
            cases
        };
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    /// Shapes it leaves to serde_json are refused without writing anything.
    #[test]
    fn other_shapes_are_refused() {
        assert!(fast(&BTreeMap::from([("a", 1)])).is_none());
        assert!(fast(&(1, 2)).is_none());
        assert!(fast(&Shape::Point(1, 2)).is_none());
        assert!(fast(&vec![Some(BTreeMap::from([(1, 2)]))]).is_none());
    }

    /// Strings of every length up to past the short copies are appended as they are.
    #[test]
    fn short_strings_are_appended_whole() {
        let mut out = Line::with_capacity(0);
        let mut want = String::new();
        for len in 0..=40 {
            let s: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ".chars().take(len).collect();
            for s in [s.clone(), s.replace('c', "\u{e9}")] {
                out.push_short(&s);
                out.push('|');
                out.push_short_quoted(&s);
                want.push_str(&s);
                want.push('|');
                want.push_str(&s);
                want.push('"');
            }
        }
        assert_eq!(out.into_string(), want);
    }

    /// The located fields are written as their keys and itoa's digits, for numbers of every
    /// length (past eight digits too).
    #[test]
    fn located_fields_are_written_whole() {
        let values = [0u64, 7, 42, 999, 1000, 9999, 10_000, 123_456, 99_999_999, 100_000_000, u64::MAX];
        for &a in &values {
            for &b in &values {
                for &c in &values {
                    let mut out = Line::with_capacity(0);
                    out.push_str("{\"text\":\"x");
                    out.located(a, b, c);
                    let want = format!("{{\"text\":\"x\",\"start\":{a},\"end\":{b},\"sentence\":{c}");
                    assert_eq!(out.into_string(), want);
                }
            }
        }
    }

    /// Every number of up to six digits, and the edges of every length up to 10^8 and past it,
    /// is written as itoa writes it.
    #[test]
    fn small_integers_are_written_as_itoa_writes_them() {
        let edges = (0..=9u32).flat_map(|k| {
            let p = 10u64.pow(k);
            [p - 1, p, p + 1, 2 * p, 9 * p + 9, 99_999_999u64.saturating_sub(p)]
        });
        let mut out = Line::with_capacity(0);
        let mut want = String::new();
        for n in (0..1_000_000u64).chain(edges).chain([u64::MAX, i64::MAX as u64, 100_000_000]) {
            out.uint(n);
            out.push(' ');
            want.push_str(itoa::Buffer::new().format(n));
            want.push(' ');
        }
        assert_eq!(out.into_string(), want);
    }

    /// An escaped byte is found at every position of strings of every length the scan
    /// treats apart (by table, two halves, words with an overlapping tail).
    #[test]
    fn escapes_are_found_at_every_position() {
        for len in 0..=20 {
            let plain = "a\u{e9}".repeat(len).as_bytes()[..len].to_vec();
            assert!(!needs_escape(&plain), "{len}");
            for at in 0..len {
                for b in [b'"', b'\\', 0, 0x1f, b'\n'] {
                    let mut s = plain.clone();
                    s[at] = b;
                    assert!(needs_escape(&s), "{len} {at} {b}");
                }
                let mut s = plain.clone();
                s[at] = 0x7f;
                assert!(!needs_escape(&s), "{len} {at} 0x7f");
            }
        }
    }

    proptest::proptest! {
        /// Any string is escaped exactly as serde_json escapes it.
        #[test]
        fn strings_match_serde_json(s in "(\\PC|[\u{0}-\u{1f}\"\\\\\u{7f}])*") {
            let mut out = Line::with_capacity(0);
            write_str(&mut out, &s);
            proptest::prop_assert_eq!(out.into_string(), serde_json::to_string(&s).unwrap());
        }

        /// Any figure is written as serde_json writes it through its serializer.
        #[test]
        fn figures_match_serde_json(bits in proptest::num::u64::ANY, whole in -1e16f64..1e16, frac in proptest::num::f64::ANY) {
            #[derive(serde::Serialize)]
            struct F(#[serde(serialize_with = "chronicle_core::num::serialize_number")] f64);
            for v in [f64::from_bits(bits), whole.trunc(), whole, frac] {
                let mut out = Line::with_capacity(0);
                out.figure(v);
                proptest::prop_assert_eq!(out.into_string(), serde_json::to_string(&F(v)).unwrap(), "{}", v);
            }
        }

        /// Any integer is written as itoa writes it, whatever stands before it.
        #[test]
        fn integers_match_itoa(n in proptest::num::u64::ANY, small in 0u64..100_000_000, neg in proptest::num::i64::ANY) {
            for v in [n, small, n % 1000] {
                let mut out = Line::with_capacity(0);
                out.push_str("x");
                out.uint(v);
                out.push(',');
                proptest::prop_assert_eq!(out.into_string(), format!("x{},", itoa::Buffer::new().format(v)));
            }
            let mut out = Line::with_capacity(0);
            out.int(neg);
            let mut want = itoa::Buffer::new();
            proptest::prop_assert_eq!(out.into_string(), want.format(neg));
        }
    }
}
