//! Turns one file into a stream of records with line numbers, whatever its encoding and
//! syntax: UTF-8 with or without BOM, UTF-16 with BOM, `,` `;` or tab delimited CSV with quoted
//! newlines, a JSON array of objects, or NDJSON. JSON objects are flattened to dotted paths
//! (`client.ipAddress`) so every syntax looks like a header plus rows to the stages after.
//!
//! The first rows are kept in a preview so format detection can find a header that is not on
//! line 1 (sectioned Zoom and Teams reports) and settle per-file conventions such as day/month
//! order before the stream is consumed. It does not know what the columns mean.

use super::csvparse::{CsvRecords, Record};
use super::json;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// How many leading records are kept for detection.
pub const PREVIEW_ROWS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Csv(u8),
    JsonArray,
    JsonLines,
}

impl Syntax {
    pub fn describe(self) -> String {
        match self {
            Syntax::Csv(b',') => "csv".into(),
            Syntax::Csv(b';') => "csv;".into(),
            Syntax::Csv(b'\t') => "tsv".into(),
            Syntax::Csv(d) => format!("csv({})", d as char),
            Syntax::JsonArray => "json".into(),
            Syntax::JsonLines => "ndjson".into(),
        }
    }
}

/// A record that could not be read as a row at all.
#[derive(Debug)]
pub struct RowError {
    pub line: u32,
    pub reason: String,
}

/// One record: its line and its cells.
pub struct RawRow {
    pub line: u32,
    pub record: Record,
}

enum Inner {
    Csv(CsvRecords),
    /// The same CSV parsed on a reader thread, in batches, while rows are processed here.
    Threaded(Pipeline),
    Json(json::JsonRows),
    /// Moved to a reader thread; only while switching.
    Taken,
}

/// Rows per batch handed from the reader thread.
pub const BATCH: usize = 1024;

pub type Batch = Vec<Result<RawRow, RowError>>;

/// A CSV file parsed on its own thread: parsing and line counting overlap with the work done
/// on each row. Batches are bounded (a few in flight), so memory does not grow with the file;
/// consumed records go back to the reader thread to be refilled.
struct Pipeline {
    rows: std::sync::mpsc::Receiver<Batch>,
    back: std::sync::mpsc::SyncSender<Vec<Record>>,
    current: std::vec::IntoIter<Result<RawRow, RowError>>,
    pool: Vec<Record>,
}

impl Pipeline {
    fn start(mut rdr: CsvRecords) -> Pipeline {
        let (tx, rows) = std::sync::mpsc::sync_channel::<Batch>(4);
        let (back, back_rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(8);
        std::thread::spawn(move || {
            let mut pool: Vec<Record> = Vec::new();
            loop {
                while let Ok(mut more) = back_rx.try_recv() {
                    pool.append(&mut more);
                }
                let mut batch = Vec::with_capacity(BATCH);
                let mut done = false;
                while batch.len() < BATCH {
                    let mut record = pool.pop().unwrap_or_else(fresh_record);
                    match read_record(&mut rdr, &mut record) {
                        Some(Ok(line)) => batch.push(Ok(RawRow { line, record })),
                        Some(Err(e)) => {
                            // An I/O error would repeat forever.
                            batch.push(Err(e));
                            done = true;
                            break;
                        }
                        None => {
                            done = true;
                            break;
                        }
                    }
                }
                if (!batch.is_empty() && tx.send(batch).is_err()) || done {
                    return;
                }
            }
        });
        Pipeline {
            rows,
            back,
            current: Vec::new().into_iter(),
            pool: Vec::new(),
        }
    }

    fn next(&mut self) -> Option<Result<RawRow, RowError>> {
        loop {
            if let Some(r) = self.current.next() {
                return Some(r);
            }
            // Closed channel = the reader thread finished the file.
            self.current = self.rows.recv().ok()?.into_iter();
        }
    }

    /// The rest of the current batch, or the next one; empty at the end of the file.
    fn next_batch(&mut self, out: &mut Batch) {
        if self.current.len() == 0 {
            match self.rows.recv() {
                Ok(batch) => self.current = batch.into_iter(),
                Err(_) => return,
            }
        }
        out.extend(&mut self.current);
    }

    fn recycle(&mut self, record: Record) {
        self.pool.push(record);
        if self.pool.len() >= BATCH {
            // A full return channel only means the reader has records enough. The next pool
            // is sized at once (growing it by doubling moved each record nine times).
            let pool = std::mem::replace(&mut self.pool, Vec::with_capacity(BATCH));
            let _ = self.back.try_send(pool);
        }
    }
}

/// One CSV record: its line, an error (of reading the file, or a value over
/// [`Record::LIMIT`]: with flexible rows any bytes are records), or `None` at the end.
fn read_record(rdr: &mut CsvRecords, record: &mut Record) -> Option<Result<u32, RowError>> {
    match rdr.read(record) {
        Ok(Some(line)) if record.cut() => Some(Err(RowError {
            line,
            reason: format!(
                "a value over {} was not read (a quote never closed makes the rest of the \
                 file one value)",
                match Record::LIMIT >> 20 {
                    0 => format!("{} KiB", Record::LIMIT >> 10),
                    mib => format!("{mib} MiB"),
                }
            ),
        })),
        Ok(line) => line.map(Ok),
        Err(e) => Some(Err(RowError {
            line: rdr.line(),
            reason: format!("unreadable CSV record: {e}"),
        })),
    }
}

/// Records of one file, preview first.
pub struct RecordReader {
    inner: Inner,
    /// A consumed record handed back for reuse.
    spare: Option<Record>,
    preview: VecDeque<Result<RawRow, RowError>>,
    pub encoding: Encoding,
    pub syntax: Syntax,
}

fn sniff_encoding(head: &[u8]) -> Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Encoding::Utf8Bom
    } else if head.starts_with(&[0xFF, 0xFE]) {
        Encoding::Utf16Le
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Encoding::Utf16Be
    } else {
        Encoding::Utf8
    }
}

fn decode_utf16(bytes: &[u8], le: bool) -> String {
    let units = bytes[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Picks the delimiter that occurs most often outside quotes in the first lines.
pub fn sniff_delimiter(head: &[u8], path: &Path) -> u8 {
    let ext_tab = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut lines = 0;
    for &b in head {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                lines += 1;
                if lines >= 20 {
                    break;
                }
            }
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        return if ext_tab { b'\t' } else { b',' };
    }
    [b',', b';', b'\t'][best]
}

impl RecordReader {
    pub fn open(path: &Path) -> io::Result<RecordReader> {
        let file = File::open(path)?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let head = reader.fill_buf()?.to_vec();
        let encoding = sniff_encoding(&head);
        // UTF-16 exports (Teams) are small: decode whole. UTF-8 streams.
        let stream: Box<dyn Read + Send> = match encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let mut bytes = Vec::new();
                reader.read_to_end(&mut bytes)?;
                let text = decode_utf16(&bytes, encoding == Encoding::Utf16Le);
                Box::new(Cursor::new(text.into_bytes()))
            }
            Encoding::Utf8Bom => {
                reader.consume(3);
                Box::new(reader)
            }
            Encoding::Utf8 => Box::new(reader),
        };
        let mut stream = BufReader::with_capacity(1 << 16, stream);
        let head = stream.fill_buf()?.to_vec();
        let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let (syntax, inner) = match first {
            Some(b'[') => {
                let mut bytes = Vec::new();
                stream.read_to_end(&mut bytes)?;
                (Syntax::JsonArray, Inner::Json(json::JsonRows::array(bytes)))
            }
            Some(b'{') if ext == "json" => {
                // One object (an API page, a single record), or NDJSON saved as `.json`.
                let mut bytes = Vec::new();
                stream.read_to_end(&mut bytes)?;
                match json::JsonRows::object(bytes) {
                    Ok(rows) => (Syntax::JsonArray, Inner::Json(rows)),
                    Err(bytes) => (
                        Syntax::JsonLines,
                        Inner::Json(json::JsonRows::lines(Box::new(Cursor::new(bytes)))),
                    ),
                }
            }
            Some(b'{') if ext != "csv" && ext != "tsv" => (
                Syntax::JsonLines,
                Inner::Json(json::JsonRows::lines(Box::new(stream))),
            ),
            _ => {
                let delim = sniff_delimiter(&head, path);
                let rdr = CsvRecords::new(Box::new(stream), delim);
                (Syntax::Csv(delim), Inner::Csv(rdr))
            }
        };
        let mut r = RecordReader {
            spare: None,
            inner,
            preview: VecDeque::new(),
            encoding,
            syntax,
        };
        while r.preview.len() < PREVIEW_ROWS {
            match r.read_next() {
                Some(row) => r.preview.push_back(row),
                None => break,
            }
        }
        // Past the preview, a CSV file is parsed on its own thread.
        if let Inner::Csv(..) = r.inner {
            if let Inner::Csv(rdr) = std::mem::replace(&mut r.inner, Inner::Taken) {
                r.inner = Inner::Threaded(Pipeline::start(rdr));
            }
        }
        Ok(r)
    }

    /// The leading records, for detection.
    pub fn preview(&self) -> impl Iterator<Item = &RawRow> {
        self.preview.iter().filter_map(|r| r.as_ref().ok())
    }

    /// Header names of a JSON file (CSV headers are a row like any other).
    pub fn json_headers(&self) -> Option<&[String]> {
        match &self.inner {
            Inner::Json(j) => Some(j.headers()),
            Inner::Csv(..) | Inner::Threaded(_) | Inner::Taken => None,
        }
    }

    fn read_next(&mut self) -> Option<Result<RawRow, RowError>> {
        match &mut self.inner {
            Inner::Csv(rdr) => {
                let mut record = self.spare.take().unwrap_or_else(fresh_record);
                Some(read_record(rdr, &mut record)?.map(|line| RawRow { line, record }))
            }
            Inner::Threaded(p) => p.next(),
            Inner::Json(j) => j.next_row(),
            Inner::Taken => None,
        }
    }

    /// Hands a consumed record back so the next read reuses its buffers.
    pub fn recycle(&mut self, record: Record) {
        match &mut self.inner {
            Inner::Threaded(p) => p.recycle(record),
            _ => self.spare = Some(record),
        }
    }

    /// The next records, up to a [`BATCH`], into `out` (which stays empty at the end of the
    /// file): the preview first, then the rest of the file.
    pub fn next_batch(&mut self, out: &mut Batch) {
        while out.len() < BATCH {
            match self.preview.pop_front() {
                Some(r) => out.push(r),
                None => break,
            }
        }
        if !out.is_empty() {
            return;
        }
        if let Inner::Threaded(p) = &mut self.inner {
            return p.next_batch(out);
        }
        while out.len() < BATCH {
            match self.read_next() {
                Some(r) => out.push(r),
                None => break,
            }
        }
    }

    /// The next record: the preview first, then the rest of the file.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<RawRow, RowError>> {
        if let Some(r) = self.preview.pop_front() {
            return Some(r);
        }
        self.read_next()
    }
}

/// A new record with room for a typical export row, so the parser does not grow it from
/// nothing by doubling (ten reallocations for an application row).
fn fresh_record() -> Record {
    Record::with_capacity(1024, 32)
}

/// True when every cell of the record is empty or white space.
pub fn is_blank(rec: &Record) -> bool {
    rec.iter()
        .all(|c| c.iter().all(|b| b.is_ascii_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(name: &str, text: &[u8]) -> Vec<u32> {
        let dir = std::env::temp_dir().join(format!("hirescreen-reader-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        let mut r = RecordReader::open(&p).unwrap();
        let mut out = Vec::new();
        while let Some(row) = r.next() {
            out.push(row.unwrap().line);
        }
        std::fs::remove_file(&p).unwrap();
        let _ = std::fs::remove_dir(&dir);
        out
    }

    /// A record with a value over the limit is an error at its line, with the reason; the
    /// rows after it are read as usual.
    #[test]
    fn a_value_over_the_limit_is_an_error_at_its_line() {
        let dir = std::env::temp_dir().join(format!("hirescreen-cut-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("cut.csv");
        let mut text = b"a,b\n1,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', Record::LIMIT + 1));
        text.extend_from_slice(b"\"\n2,ok\n");
        std::fs::write(&p, text).unwrap();
        let mut r = RecordReader::open(&p).unwrap();
        let mut got = Vec::new();
        while let Some(row) = r.next() {
            got.push(row.map(|r| r.line).map_err(|e| (e.line, e.reason)));
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((&got[0], &got[2]), (&Ok(1), &Ok(3)));
        let Err((2, reason)) = &got[1] else {
            panic!("{got:?}")
        };
        assert!(reason.contains("over 64 KiB was not read"), "{reason}");
    }

    #[test]
    fn lines_survive_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(
            lines_of("lf.csv", b"a,b\n1,2\n\n3,4\n\n\n5,6\n"),
            [1, 2, 4, 7]
        );
        assert_eq!(
            lines_of("crlf.csv", b"a,b\r\n1,2\r\n\r\n3,4\r\n"),
            [1, 2, 4]
        );
        assert_eq!(lines_of("q.csv", b"a,b\n\"x\ny\",2\n\n3,4\n"), [1, 2, 5]);
        assert_eq!(
            lines_of("mixed.csv", b"a,b\r\n\"x\"\"\r\n\",\"2\"z\r\n,\r\n\r\nlast"),
            [1, 2, 4, 6]
        );
    }
}
