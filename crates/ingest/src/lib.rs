//! Document sources: turn paths and standard input into a stream of [`Document`]s.
//!
//! Every way a report reaches chronicle goes through here: `docs.jsonl` files (one document a
//! line, `corpus/FORMAT.md`), plain-text and Markdown files (one document each), HTML pages
//! (main content only, see [`html`]), folders (recursively, in sorted order so runs are
//! deterministic) and standard input (`-`: JSON Lines when it starts with `{`, HTML when it
//! starts with `<`, else one text document). The stream is lazy: one line or one file is read
//! at a time, so memory stays flat however large the input.
//!
//! Bad input never stops the stream: each problem is an [`SourceError`] item that names the
//! file, the line and the document id where there is one, and reading goes on with the next
//! line or file.

pub mod html;

use chronicle_core::Document;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A problem with one piece of input. Display gives a message a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: cannot read: {err}")]
    Io { path: String, err: io::Error },
    #[error("{path}:{line}: invalid JSON: {message}")]
    Json { path: String, line: usize, message: String },
    #[error("{path}:{line}{}: {message}", id.as_ref().map(|i| format!(" (id {i:?})")).unwrap_or_default())]
    Field { path: String, line: usize, id: Option<String>, message: String },
    #[error("{path}{}: not UTF-8 text (invalid byte at offset {offset})", line.map(|l| format!(":{l}")).unwrap_or_default())]
    NotUtf8 { path: String, line: Option<usize>, offset: usize },
    #[error("{path}: binary file (NUL byte at offset {offset}), skipped")]
    Binary { path: String, offset: usize },
    #[error("{path}: unsupported file type (expected .jsonl, .json, .txt, .md, .markdown, .text, .html or .htm)")]
    Unsupported { path: String },
    #[error("{path}: empty file, skipped")]
    Empty { path: String },
    #[error("{path}{}: too large ({bytes} bytes; the limit for one document is {limit} bytes), skipped", line.map(|l| format!(":{l}")).unwrap_or_default())]
    TooLarge { path: String, line: Option<usize>, bytes: u64, limit: u64 },
    #[error("{path}: HTML page without readable body text ({reason}), skipped")]
    Html { path: String, reason: String },
}

/// The largest document accepted by default (a report is kilobytes; this is far beyond any).
pub const MAX_DOCUMENT_BYTES: u64 = 16 << 20;

/// Where a document came from (for error messages and progress).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub path: String,
    /// 1-based line for JSON Lines input.
    pub line: Option<usize>,
}

/// One item of the stream: a document with its origin, or a problem.
pub type Item = Result<(Document, Origin), SourceError>;

/// File extensions read as one text document each.
const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown"];
/// File extensions read as JSON Lines of documents.
const JSONL_EXTENSIONS: &[&str] = &["jsonl", "json", "ndjson"];
/// File extensions read as one HTML page each.
const HTML_EXTENSIONS: &[&str] = &["html", "htm", "xhtml"];

enum Pending {
    /// A path named by the user (file, folder, or `-`).
    Path(PathBuf),
    /// A file found inside a folder; `id` is its path relative to that folder.
    Found { path: PathBuf, id: String },
}

/// A lazy stream of documents from paths.
pub struct Sources {
    pending: VecDeque<Pending>,
    lines: Option<JsonLines>,
    max_bytes: u64,
}

struct JsonLines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line: usize,
    buf: Vec<u8>,
    max_bytes: u64,
}

impl Sources {
    /// A stream over `paths` in order; `-` is standard input.
    pub fn new<P: AsRef<Path>>(paths: &[P]) -> Sources {
        Sources {
            pending: paths.iter().map(|p| Pending::Path(p.as_ref().to_path_buf())).collect(),
            lines: None,
            max_bytes: MAX_DOCUMENT_BYTES,
        }
    }

    /// Sets the largest document (file or JSON line) accepted; larger ones are reported and
    /// skipped.
    pub fn with_max_document_bytes(mut self, limit: u64) -> Sources {
        self.max_bytes = limit;
        self
    }

    /// Total size in bytes of the regular files named (folders walked), for progress bars.
    /// Standard input counts as 0.
    pub fn total_bytes<P: AsRef<Path>>(paths: &[P]) -> u64 {
        paths
            .iter()
            .flat_map(|p| walkdir::WalkDir::new(p.as_ref()).into_iter().filter_map(Result::ok))
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum()
    }

    fn open_path(&mut self, path: PathBuf) -> Option<Item> {
        let name = path.display().to_string();
        if name == "-" {
            return self.open_stdin();
        }
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(err) => return Some(Err(SourceError::Io { path: name, err })),
        };
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(&path).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && is_supported(e.path()) => {
                        let id = e.path().strip_prefix(&path).unwrap_or(e.path()).display().to_string();
                        found.push(Pending::Found { path: e.path().to_path_buf(), id });
                    }
                    Ok(_) => {}
                    Err(err) => {
                        let p = err.path().map(|p| p.display().to_string()).unwrap_or_else(|| name.clone());
                        found.push(Pending::Path(PathBuf::from(p)));
                    }
                }
            }
            for f in found.into_iter().rev() {
                self.pending.push_front(f);
            }
            return None;
        }
        let id = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| name.clone());
        self.open_file(path, id)
    }

    fn open_file(&mut self, path: PathBuf, id: String) -> Option<Item> {
        let name = path.display().to_string();
        let ext = extension(&path);
        let is_html = HTML_EXTENSIONS.contains(&ext.as_str());
        if !is_html && !TEXT_EXTENSIONS.contains(&ext.as_str()) && !JSONL_EXTENSIONS.contains(&ext.as_str()) {
            return Some(Err(SourceError::Unsupported { path: name }));
        }
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(err) => return Some(Err(SourceError::Io { path: name, err })),
        };
        let size = match file.metadata() {
            Ok(m) if m.is_dir() => {
                let err = io::Error::other("is a directory");
                return Some(Err(SourceError::Io { path: name, err }));
            }
            Ok(m) => m.len(),
            Err(err) => return Some(Err(SourceError::Io { path: name, err })),
        };
        if size == 0 {
            return Some(Err(SourceError::Empty { path: name }));
        }
        if JSONL_EXTENSIONS.contains(&ext.as_str()) {
            let reader = Box::new(BufReader::with_capacity(1 << 16, file));
            self.lines = Some(JsonLines::new(name, reader, self.max_bytes));
            return None;
        }
        if size > self.max_bytes {
            return Some(Err(SourceError::TooLarge { path: name, line: None, bytes: size, limit: self.max_bytes }));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        if let Err(err) = (&file).take(self.max_bytes + 1).read_to_end(&mut bytes) {
            return Some(Err(SourceError::Io { path: name, err }));
        }
        Some(document_from_bytes(&name, id, bytes, is_html, self.max_bytes))
    }

    fn open_stdin(&mut self) -> Option<Item> {
        let mut reader = BufReader::with_capacity(1 << 16, io::stdin());
        let first = match reader.fill_buf() {
            Ok(b) => b.iter().find(|c| !c.is_ascii_whitespace()).copied(),
            Err(err) => return Some(Err(SourceError::Io { path: "<stdin>".into(), err })),
        };
        if first == Some(b'{') {
            self.lines = Some(JsonLines::new("<stdin>".into(), Box::new(reader), self.max_bytes));
            return None;
        }
        let mut bytes = Vec::new();
        if let Err(err) = reader.take(self.max_bytes + 1).read_to_end(&mut bytes) {
            return Some(Err(SourceError::Io { path: "<stdin>".into(), err }));
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        Some(document_from_bytes("<stdin>", "stdin".into(), bytes, first == Some(b'<'), self.max_bytes))
    }
}

impl Iterator for Sources {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next_doc() {
                    Some(item) => return Some(item),
                    None => self.lines = None,
                }
            }
            let item = match self.pending.pop_front()? {
                Pending::Path(p) => self.open_path(p),
                Pending::Found { path, id } => self.open_file(path, id),
            };
            if item.is_some() {
                return item;
            }
        }
    }
}

/// One file's (or standard input's) bytes as a document: size and encoding checked, HTML
/// reduced to its main content.
fn document_from_bytes(name: &str, id: String, bytes: Vec<u8>, is_html: bool, max_bytes: u64) -> Item {
    if bytes.len() as u64 > max_bytes {
        return Err(SourceError::TooLarge {
            path: name.into(),
            line: None,
            bytes: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    let text = decode_text(name, bytes)?;
    if text.trim().is_empty() {
        return Err(SourceError::Empty { path: name.into() });
    }
    let origin = Origin { path: name.into(), line: None };
    if is_html {
        let page = html::main_content(&text).map_err(|reason| SourceError::Html { path: name.into(), reason })?;
        return Ok((page.into_document(id), origin));
    }
    Ok((Document { id, text, ..Document::default() }, origin))
}

impl JsonLines {
    fn new(name: String, reader: Box<dyn BufRead + Send>, max_bytes: u64) -> JsonLines {
        JsonLines { name, reader, line: 0, buf: Vec::new(), max_bytes }
    }

    fn next_doc(&mut self) -> Option<Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(err) => return Some(Err(SourceError::Io { path: self.name.clone(), err })),
            }
            self.line += 1;
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            if self.buf.len() as u64 > self.max_bytes {
                let (bytes, limit) = (self.buf.len() as u64, self.max_bytes);
                return Some(Err(SourceError::TooLarge {
                    path: self.name.clone(),
                    line: Some(self.line),
                    bytes,
                    limit,
                }));
            }
            return Some(parse_line(&self.name, self.line, &self.buf));
        }
    }
}

/// Parses one docs.jsonl line into a document, with errors naming the line and id.
pub fn parse_line(path: &str, line: usize, bytes: &[u8]) -> Item {
    let text = std::str::from_utf8(bytes).map_err(|e| SourceError::NotUtf8 {
        path: path.into(),
        line: Some(line),
        offset: e.valid_up_to(),
    })?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| SourceError::Json {
        path: path.into(),
        line,
        message: e.to_string(),
    })?;
    let field_err = |id: Option<&str>, message: String| SourceError::Field {
        path: path.into(),
        line,
        id: id.map(str::to_string),
        message,
    };
    let obj = value.as_object().ok_or_else(|| field_err(None, "a document line must be a JSON object".into()))?;
    let id = match obj.get("id") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) => return Err(field_err(None, "\"id\" must be a non-empty string".into())),
        None => return Err(field_err(None, "missing \"id\"".into())),
    };
    let text = match obj.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(field_err(Some(&id), "\"text\" must be a string".into())),
        None => return Err(field_err(Some(&id), "missing \"text\"".into())),
    };
    let opt = |key: &str| -> Result<Option<String>, SourceError> {
        match obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(field_err(Some(&id), format!("\"{key}\" must be a string or null"))),
        }
    };
    let doc = Document { url: opt("url")?, published: opt("published")?, title: opt("title")?, text, id };
    Ok((doc, Origin { path: path.into(), line: Some(line) }))
}

/// Decodes a text file, rejecting binary content and invalid UTF-8 with the offending offset.
pub fn decode_text(path: &str, bytes: Vec<u8>) -> Result<String, SourceError> {
    if let Some(offset) = bytes.iter().take(1 << 16).position(|&b| b == 0) {
        return Err(SourceError::Binary { path: path.into(), offset });
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| SourceError::NotUtf8 {
        path: path.into(),
        line: None,
        offset: e.utf8_error().valid_up_to(),
    })
}

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn is_supported(path: &Path) -> bool {
    let ext = extension(path);
    TEXT_EXTENSIONS.contains(&ext.as_str())
        || JSONL_EXTENSIONS.contains(&ext.as_str())
        || HTML_EXTENSIONS.contains(&ext.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn collect(paths: &[PathBuf]) -> (Vec<String>, Vec<String>) {
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        for item in Sources::new(paths) {
            match item {
                Ok((d, _)) => ids.push(d.id),
                Err(e) => errors.push(e.to_string()),
            }
        }
        (ids, errors)
    }

    #[test]
    fn bad_lines_are_reported_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("docs.jsonl");
        fs::write(
            &p,
            "{\"id\":\"a\",\"text\":\"one\"}\n{not json\n\n{\"id\":\"b\"}\n{\"text\":\"x\"}\n{\"id\":\"c\",\"text\":\"three\",\"published\":\"2015-01-02\"}\n",
        )
        .unwrap();
        let (ids, errors) = collect(&[p]);
        assert_eq!(ids, vec!["a", "c"]);
        assert_eq!(errors.len(), 3);
        assert!(errors[0].contains("docs.jsonl:2: invalid JSON"), "{}", errors[0]);
        assert!(errors[1].contains("docs.jsonl:4 (id \"b\"): missing \"text\""), "{}", errors[1]);
        assert!(errors[2].contains("docs.jsonl:5: missing \"id\""), "{}", errors[2]);
    }

    #[test]
    fn folders_are_walked_in_sorted_order_with_relative_ids() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("b.txt"), "B").unwrap();
        fs::write(dir.path().join("a.md"), "A").unwrap();
        fs::write(dir.path().join("sub/c.txt"), "C").unwrap();
        fs::write(dir.path().join("skip.png"), [0u8, 1, 2]).unwrap();
        let (ids, errors) = collect(&[dir.path().to_path_buf()]);
        assert_eq!(ids, vec!["a.md", "b.txt", "sub/c.txt"]);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn binary_non_utf8_and_missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("bin.txt"), b"ab\0cd").unwrap();
        fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
        fs::write(dir.path().join("image.png"), b"\x89PNG").unwrap();
        let (ids, errors) = collect(&[
            dir.path().join("bin.txt"),
            dir.path().join("latin1.txt"),
            dir.path().join("nope.txt"),
            dir.path().join("image.png"),
        ]);
        assert!(ids.is_empty());
        assert!(errors[0].contains("bin.txt: binary file (NUL byte at offset 2)"), "{}", errors[0]);
        assert!(errors[1].contains("latin1.txt: not UTF-8 text (invalid byte at offset 3)"), "{}", errors[1]);
        assert!(errors[2].contains("nope.txt: cannot read"), "{}", errors[2]);
        assert!(errors[3].contains("unsupported file type"), "{}", errors[3]);
    }

    #[test]
    fn empty_oversized_and_bodiless_inputs_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("empty.txt"), "").unwrap();
        fs::write(d.join("blank.md"), " \n\n ").unwrap();
        fs::write(d.join("empty.jsonl"), "").unwrap();
        fs::write(d.join("big.txt"), "x".repeat(200)).unwrap();
        fs::write(d.join("lines.jsonl"), format!("{{\"id\":\"long\",\"text\":\"{}\"}}\n", "y".repeat(300))).unwrap();
        fs::write(d.join("head.html"), "<html><head><title>T</title></head></html>").unwrap();
        let cases: &[(&str, &str)] = &[
            ("empty.txt", "empty.txt: empty file"),
            ("blank.md", "blank.md: empty file"),
            ("empty.jsonl", "empty.jsonl: empty file"),
            ("big.txt", "big.txt: too large (200 bytes; the limit for one document is 100 bytes)"),
            ("lines.jsonl", "lines.jsonl:1: too large"),
            ("head.html", "head.html: HTML page without readable body text"),
        ];
        for (file, expected) in cases {
            let items: Vec<Item> = Sources::new(&[d.join(file)]).with_max_document_bytes(100).collect();
            assert_eq!(items.len(), 1, "{file}");
            let err = items[0].as_ref().err().unwrap_or_else(|| panic!("{file} accepted")).to_string();
            assert!(err.contains(expected), "{file}: {err}");
        }
    }

    #[test]
    fn html_files_and_folders_yield_the_main_content() {
        let dir = tempfile::tempdir().unwrap();
        let page = "<html><head><title>Talks in Kuwait</title><meta name=\"date\" content=\"2015-10-02\"></head><body>\
            <article><p>Delegations from twenty countries met in Kuwait City on Thursday to coordinate the \
            campaign, officials said, and agreed to meet again before the end of the year to review progress \
            on training, funding and the flow of foreign fighters across the borders of the region.</p></article>\
            </body></html>";
        fs::write(dir.path().join("page.htm"), page).unwrap();
        let (ids, errors) = collect(&[dir.path().to_path_buf()]);
        assert_eq!(ids, vec!["page.htm"]);
        assert!(errors.is_empty(), "{errors:?}");
        let (doc, _) = Sources::new(&[dir.path().join("page.htm")]).next().unwrap().unwrap();
        assert_eq!(doc.title.as_deref(), Some("Talks in Kuwait"));
        assert!(doc.text.contains("Delegations from twenty countries"), "{}", doc.text);
        assert!(!doc.text.contains('<'), "{}", doc.text);
    }
}
