//! Reading inputs: find the files, recognise each one's kind and format from its header,
//! map its columns onto canonical fields and hand each row's values to the caller, counting
//! every row as used, unmatched or rejected (with line and reason). What the values mean for a
//! candidate is decided by the caller (the engine); this module only reads and normalises.

pub mod countries;
pub(crate) mod csvparse;
pub mod format;
pub mod formats;
mod json;
pub mod reader;
pub mod records;
pub mod values;

use crate::model::{ColumnNumbers, Fetch, FileId, RowRef};
use format::{detect, AdaptNote, Detected, FormatDef, Kind, RawCells};
use reader::{is_blank, RecordReader};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;
use values::{order_evidence, DateOrder, OrderEvidence, TsParser};

#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: no such file or folder")]
    Missing { path: String },
}

/// How many rejected rows, unmatched keys and value warnings a file report lists in full.
const LIST_CAP: usize = 50;

/// A rejected row.
#[derive(Clone, Debug, Serialize)]
pub struct Rejection {
    pub line: u32,
    pub reason: String,
}

/// A join key that matched no candidate, how often and where first.
#[derive(Clone, Debug, Serialize)]
pub struct Unmatched {
    pub key: String,
    pub rows: u64,
    pub first_line: u32,
}

/// What happened to one file's rows (SPEC §8 summary `files`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileReport {
    pub file: String,
    pub kind: String,
    pub format: String,
    pub encoding: String,
    pub syntax: String,
    pub header_line: u32,
    pub rows: u64,
    pub used: u64,
    pub unmatched: u64,
    pub rejected: u64,
    /// Of `used`: rows that repeat a sign-in already counted (same candidate, `session_id`
    /// and address, e.g. the 2-3 Okta events of one sign-in), so it counts once.
    pub merged: u64,
    pub rejections: Vec<Rejection>,
    pub unmatched_keys: Vec<Unmatched>,
    pub value_warnings: u64,
    pub warnings: Vec<String>,
    #[serde(skip)]
    unmatched_map: BTreeMap<String, (u64, u32)>,
}

impl FileReport {
    pub fn reject(&mut self, line: u32, reason: impl Into<String>) {
        self.rejected += 1;
        if self.rejections.len() < LIST_CAP {
            self.rejections.push(Rejection {
                line,
                reason: reason.into(),
            });
        }
    }
    pub fn unmatched(&mut self, line: u32, key: &str) {
        self.unmatched += 1;
        if let Some(e) = self.unmatched_map.get_mut(key) {
            e.0 += 1;
        } else if self.unmatched_map.len() < LIST_CAP * 20 {
            self.unmatched_map.insert(key.to_string(), (1, line));
        }
    }
    /// Takes over the value warnings gathered for one row in a scratch report (rows checked
    /// in parallel write there), in order, as if they had been made here.
    pub fn absorb_values(&mut self, scratch: FileReport) {
        self.value_warnings += scratch.value_warnings;
        for w in scratch.warnings {
            if self.warnings.len() < LIST_CAP {
                self.warnings.push(w);
            }
        }
    }
    pub fn warn_value(&mut self, line: u32, column: u32, msg: &str) {
        self.value_warnings += 1;
        if self.warnings.len() < LIST_CAP {
            self.warnings
                .push(format!("line {line}, column {column}: {msg}"));
        }
    }
    /// Moves the unmatched keys into the listed form, most frequent first.
    pub fn finish(&mut self) {
        let mut keys: Vec<Unmatched> = std::mem::take(&mut self.unmatched_map)
            .into_iter()
            .map(|(key, (rows, first_line))| Unmatched {
                key,
                rows,
                first_line,
            })
            .collect();
        keys.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.first_line.cmp(&b.first_line)));
        keys.truncate(LIST_CAP);
        self.unmatched_keys = keys;
    }
}

/// What the caller made of a row.
pub enum Fate {
    Used,
    /// Joined to no candidate; the key it was looked up by.
    Unmatched(String),
    Rejected(String),
}

/// One row's canonical values (by field index), borrowed where possible.
pub struct Row<'a> {
    pub at: RowRef,
    values: Values<'a>,
    pub note: &'a AdaptNote,
}

/// Where a row's values are.
#[derive(Clone, Copy)]
enum Values<'a> {
    /// In the record as read, which is valid UTF-8 field by field: field `f` is the cell at
    /// `columns[f]`, sliced out of the record's text (checked once) only if asked for.
    Cells(&'a csvparse::Record, &'a str, &'a [Option<usize>]),
    /// Rewritten by an adapter, or read with replacement characters; trimmed.
    Owned(&'a [Option<Cow<'a, str>>]),
}

impl<'a> Row<'a> {
    /// A row of the given values (already trimmed), for unit tests of what reads rows.
    #[cfg(test)]
    pub(crate) fn of(
        at: RowRef,
        values: &'a [Option<Cow<'a, str>>],
        note: &'a AdaptNote,
    ) -> Row<'a> {
        Row {
            at,
            values: Values::Owned(values),
            note,
        }
    }

    /// A value, trimmed; `None` when empty.
    pub fn get(&self, field: usize) -> Option<&str> {
        let v = match self.values {
            Values::Cells(record, text, columns) => {
                trim(text.get(record.range((*columns.get(field)?)?)?)?)
            }
            Values::Owned(values) => values.get(field)?.as_deref()?,
        };
        (!v.is_empty()).then_some(v)
    }
}

/// `str::trim`, with a short way for the usual cell that starts and ends with a printable
/// ASCII character (no white space to remove).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A row's values: in the record (its text, checked) or copied out of it.
enum Text<'b> {
    InPlace(&'b str),
    /// Rewritten by an adapter, or read with replacement characters; trimmed.
    Copied(Vec<Option<Cow<'b, str>>>),
}

/// A recognised input file, ready to stream.
pub struct Input {
    pub id: FileId,
    pub path: PathBuf,
    pub detected: Detected,
    pub numbers: ColumnNumbers,
    pub ts: TsParser,
    pub report: FileReport,
    /// Advanced by the bytes of each batch of records read.
    pub progress: Option<indicatif::ProgressBar>,
    reader: RecordReader,
}

/// The outcome of opening one file.
pub enum Opened {
    Input(Box<Input>),
    /// Not an export this tool reads; the headers it found, and what it is when it is an
    /// export known to hold nothing to screen.
    Unrecognised {
        path: PathBuf,
        headers: Vec<String>,
        syntax: String,
        encoding: String,
        known: Option<&'static str>,
    },
}

/// Files to read under the given paths: folders recursively, in a stable order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|source| IngestError::Unreadable {
                path: p.display().to_string(),
                source,
            })?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(IngestError::Missing {
                path: p.display().to_string(),
            });
        }
    }
    out.dedup();
    Ok(out)
}

/// `.mmdb` databases inside the given folders, in a stable order (used when no `--geoip` is
/// given, so a folder that carries its own database, like `samples/`, works as it is).
pub fn discover_databases(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk_db(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk_db(&p, out);
            } else if p
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("mmdb"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in paths.iter().filter(|p| p.is_dir()) {
        walk_db(p, &mut out);
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if is_input_name(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Extensions a folder scan picks up (SPEC §3). `.mmdb` files are databases, not inputs.
pub fn is_input_name(p: &Path) -> bool {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "tsv" | "json" | "jsonl" | "ndjson")
}

/// About the bytes a record took in its file (its cells and a separator or line end each).
fn record_bytes(record: &csvparse::Record) -> usize {
    record.cell_bytes() + record.len()
}

/// A value without the white space around it (borrowed when there is none to take).
fn trimmed(v: Cow<'_, str>) -> Cow<'_, str> {
    match v {
        Cow::Borrowed(s) => Cow::Borrowed(trim(s)),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

/// A cell as text: borrowed when it is valid UTF-8 (checked by the fast validator), else
/// with replacement characters.
fn text(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

/// Opens a file and recognises it against `formats`.
pub fn open(
    id: FileId,
    path: &Path,
    display: &str,
    formats: &[FormatDef],
    tz: chrono_tz::Tz,
) -> Result<Opened, IngestError> {
    let reader = RecordReader::open(path).map_err(|source| IngestError::Unreadable {
        path: display.to_string(),
        source,
    })?;
    let preview: Vec<Vec<String>> = reader
        .preview()
        .map(|r| r.record.iter().map(|c| text(c).into_owned()).collect())
        .collect();
    let Some(detected) = detect(&preview, formats) else {
        let headers = preview
            .iter()
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .cloned()
            .unwrap_or_default();
        let known = formats::not_screenable(&headers);
        return Ok(Opened::Unrecognised {
            path: path.to_path_buf(),
            headers,
            syntax: reader.syntax.describe(),
            encoding: reader.encoding.as_str().to_string(),
            known,
        });
    };
    let header_line = reader
        .preview()
        .nth(detected.header_row)
        .map(|r| r.line)
        .unwrap_or(1);
    let numbers: ColumnNumbers = detected
        .columns
        .iter()
        .map(|c| c.map(|i| i as u32 + 1).unwrap_or(0))
        .collect::<Vec<u32>>()
        .into();
    // Settle day/month order from the previewed timestamp cells.
    let ts_cols: Vec<usize> = detected
        .format
        .kind
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ends_with("_at") || **f == "timestamp")
        .filter_map(|(i, _)| detected.columns[i])
        .collect();
    let cells: Vec<&str> = preview
        .iter()
        .skip(detected.header_row + 1)
        .flat_map(|r| ts_cols.iter().filter_map(|&c| r.get(c).map(String::as_str)))
        .collect();
    let evidence = order_evidence(cells.iter().copied());
    let mut report = FileReport {
        file: display.to_string(),
        kind: detected.format.kind.as_str().to_string(),
        format: detected.format.name.clone(),
        encoding: reader.encoding.as_str().to_string(),
        syntax: reader.syntax.describe(),
        header_line,
        ..FileReport::default()
    };
    let order = match evidence {
        OrderEvidence::DayFirst => DateOrder::DayFirst,
        OrderEvidence::MonthFirst | OrderEvidence::AmPm => DateOrder::MonthFirst,
        OrderEvidence::Unknown if detected.format.date_order.is_some() => {
            detected.format.date_order.unwrap_or(DateOrder::MonthFirst)
        }
        OrderEvidence::Unknown => {
            if cells.iter().any(|c| c.contains('/')) {
                report.warnings.push(
                    "day/month order could not be told from the first rows; read as month/day"
                        .into(),
                );
            }
            DateOrder::MonthFirst
        }
    };
    Ok(Opened::Input(Box::new(Input {
        id,
        path: path.to_path_buf(),
        numbers,
        ts: TsParser::new(tz, order),
        report,
        detected,
        progress: None,
        reader,
    })))
}

/// Line breaks inside a record's quoted cells.
fn newlines(rec: &csvparse::Record) -> u32 {
    rec.iter()
        .map(|c| c.iter().filter(|&&b| b == b'\n').count() as u32)
        .sum()
}

/// A row that is only a numbered section title (`2. Participants`).
fn is_section_title(rec: &csvparse::Record) -> bool {
    let mut cells = rec
        .iter()
        .filter(|c| !c.iter().all(u8::is_ascii_whitespace));
    let (Some(only), None) = (cells.next(), cells.next()) else {
        return false;
    };
    let t = String::from_utf8_lossy(only);
    let t = t.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && t[digits..].starts_with(". ")
}

/// What becomes of one record, in file order.
enum Step<'b, P> {
    Skip,
    /// Counted as a row and rejected.
    Reject(u32, String),
    /// Counted as a row: its record, where its values are (see [`Rows::values`]), the
    /// adapter's note, what `prepare` made of it (`None` when the adapter says the row is not
    /// about a candidate).
    Row(
        RowRef,
        &'b csvparse::Record,
        Text<'b>,
        Option<Box<AdaptNote>>,
        Option<P>,
    ),
}

/// Where a file's table stands, carried from batch to batch: header rows still to skip and,
/// in a sectioned report, whether the table has ended (see [`Rows::steps`]).
struct Walk {
    skip: usize,
    ended: bool,
    expect_line: u32,
    /// Records counted as rows so far.
    counted: u64,
}

/// What was prepared for rows a few places after the one being folded (in the same batch),
/// shown to `fold` only so it can ask for their memory early: a sign-in log in time order
/// touches another candidate at every row, and each touch would otherwise wait for memory.
/// `far` is [`AHEAD`] rows on, `near` half as far: memory found through pointers fetched for
/// `far` can be asked for at `near`.
pub struct Ahead<'a, P> {
    pub near: Option<&'a P>,
    pub far: Option<&'a P>,
}

/// See [`Ahead`]: far enough for memory to arrive before its row's turn (a few hundred
/// nanoseconds of folding), near enough to stay in cache.
const AHEAD: usize = 8;

/// What turning one file's records into rows needs; shared by the threads that do it.
struct Rows<'a, F> {
    header_len: usize,
    columns: &'a [Option<usize>],
    adapter: Option<&'a format::Adapter>,
    context: &'a [(String, String)],
    headers: &'a [String],
    sectioned: bool,
    id: FileId,
    ts: &'a TsParser,
    prepare: &'a F,
    warm: Option<&'a dyn Warm>,
}

/// Shown the rows of a batch a few places before `prepare` sees them, in two stages (see
/// [`Fetch`]), only so it can ask for memory that preparing a row will read: a sign-in log in
/// time order joins each row at a random place in tables of a million keys. Records that
/// will be skipped or rejected may be shown too; records whose values are not their own cells
/// (an adapter's, or text that is not UTF-8) are not, nor a batch's first few. In tests, a
/// closure is a `Warm` that always wants rows.
pub trait Warm: Sync {
    /// Whether rows are to be shown for now (asked on the thread that prepares them, before
    /// each row).
    fn wanted(&self) -> bool {
        true
    }

    fn warm(&self, row: &Row<'_>, stage: Fetch);
}

#[cfg(test)]
impl<F: Fn(&Row<'_>, Fetch) + Sync> Warm for F {
    fn warm(&self, row: &Row<'_>, stage: Fetch) {
        self(row, stage)
    }
}

/// How many rows before its turn a record's memory is asked for: records are read on
/// another thread, and reading a row's values would otherwise wait for them (further on than
/// [`WARM_AHEAD`], as warming a row reads its values).
const RECORD_AHEAD: usize = 16;

/// How many rows before its turn a row is shown to [`Warm`] for its first stage; its second
/// comes half as many before.
const WARM_AHEAD: usize = 8;

impl<'a, F, P> Rows<'a, F>
where
    F: Fn(&Row<'_>, &TsParser) -> P + Sync,
    P: Send,
{
    /// One batch's steps: first, in order, what depends on the rows before (header rows to
    /// skip; where a sectioned report's table ends: a blank row, a skipped blank line or a
    /// section title such as `3. In-Meeting Activities`); then each record on its own, in
    /// parallel: blank or not, cell count, canonical values (trimmed), the adapter's note,
    /// the prepared value.
    fn steps<'b>(&self, batch: &'b reader::Batch, walk: &mut Walk) -> Vec<Step<'b, P>>
    where
        'a: 'b,
    {
        use rayon::prelude::*;
        let start = walk.skip.min(batch.len());
        walk.skip -= start;
        #[derive(PartialEq)]
        enum Seen {
            Skip,
            Counted,
        }
        let mut walked: Vec<Seen> = Vec::new();
        if self.sectioned {
            for item in &batch[start..] {
                let seen = match item {
                    Err(_) => Seen::Counted,
                    Ok(raw) => {
                        let gap = raw.line > walk.expect_line;
                        walk.expect_line = raw.line + 1 + newlines(&raw.record);
                        let blank = is_blank(&raw.record);
                        walk.ended |=
                            walk.counted > 0 && (blank || gap || is_section_title(&raw.record));
                        if blank || walk.ended {
                            Seen::Skip
                        } else {
                            Seen::Counted
                        }
                    }
                };
                if seen == Seen::Counted {
                    walk.counted += 1;
                }
                walked.push(seen);
            }
        }
        let plain_note = AdaptNote::default();
        // See [`Warm`]: a run of rows is prepared in order on one thread, so a row's memory
        // asked for a few rows earlier has arrived by its turn.
        let warm = |i: usize, stage: Fetch| {
            let (Some(warm), Some(Ok(raw))) = (self.warm, batch.get(i)) else {
                return;
            };
            if let Some(text) = raw.record.text() {
                let row = Row {
                    at: RowRef {
                        file: self.id,
                        line: raw.line,
                    },
                    values: Values::Cells(&raw.record, text, self.columns),
                    note: &plain_note,
                };
                warm.warm(&row, stage);
            }
        };
        let step = |i: usize| -> Step<'b, P> {
            if let Some(Ok(raw)) = batch.get(i + RECORD_AHEAD) {
                raw.record.prefetch(256);
            }
            if self.warm.is_some_and(|w| w.wanted()) {
                warm(i + WARM_AHEAD, Fetch::Slot);
                warm(i + WARM_AHEAD / 2, Fetch::Entry);
            }
            let raw = match &batch[i] {
                Ok(raw) => raw,
                Err(e) => return Step::Reject(e.line, e.reason.clone()),
            };
            let skip = match walked.get(i - start) {
                Some(w) => *w == Seen::Skip,
                None => is_blank(&raw.record),
            };
            if skip {
                return Step::Skip;
            }
            let (n, header_len) = (raw.record.len(), self.header_len);
            let extra_nonempty =
                n > header_len && (header_len..n).any(|i| !raw.record[i].is_empty());
            if n < header_len || extra_nonempty {
                let why = format!("row has {n} cells where the header has {header_len}");
                return Step::Reject(raw.line, why);
            }
            // The record's cells serve as they are when they are valid UTF-8 and no adapter
            // rewrites them; otherwise the values are copied out (and trimmed) here.
            let in_place = match self.adapter {
                None => raw.record.text(),
                Some(_) => None,
            };
            let mut vals = match in_place {
                Some(t) => Text::InPlace(t),
                None => Text::Copied(
                    self.columns
                        .iter()
                        .map(|c| c.and_then(|i| raw.record.get(i)).map(|b| trimmed(text(b))))
                        .collect(),
                ),
            };
            let mut note = None;
            if let (Some(adapt), Text::Copied(v)) = (self.adapter, &mut vals) {
                let mut owned: Vec<Option<String>> = v
                    .iter()
                    .map(|v| v.as_ref().map(|s| s.to_string()))
                    .collect();
                let cells: Vec<Cow<'_, str>> = raw.record.iter().map(text).collect();
                let cell_refs: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
                let mut n = Box::<AdaptNote>::default();
                adapt(
                    &RawCells {
                        cells: &cell_refs,
                        headers: self.headers,
                        context: self.context,
                    },
                    &mut owned,
                    &mut n,
                );
                *v = owned
                    .into_iter()
                    .map(|v| v.map(|s| trimmed(Cow::Owned(s))))
                    .collect();
                note = Some(n);
            }
            let at = RowRef {
                file: self.id,
                line: raw.line,
            };
            let ahead = note.as_ref().is_none_or(|n| n.skip.is_none());
            let prepared = ahead.then(|| {
                let row = Row {
                    at,
                    values: self.values(&raw.record, &vals),
                    note: note.as_deref().unwrap_or(&plain_note),
                };
                (self.prepare)(&row, self.ts)
            });
            Step::Row(at, &raw.record, vals, note, prepared)
        };
        (start..batch.len())
            .into_par_iter()
            .with_min_len(64)
            .map(step)
            .collect()
    }

    /// A row's values: copied out (adapters, text that is not UTF-8), or the record's own
    /// cells.
    fn values<'v>(&self, record: &'v csvparse::Record, text: &'v Text<'v>) -> Values<'v>
    where
        'a: 'v,
    {
        match text {
            Text::Copied(v) => Values::Owned(v),
            Text::InPlace(t) => Values::Cells(record, t, self.columns),
        }
    }

    /// In file order: count, reject, fold. `fold` also sees what was prepared for rows a
    /// few places on (see [`Ahead`]).
    fn fold(
        &self,
        mut steps: Vec<Step<'_, P>>,
        fold: &mut impl FnMut(&Row<'_>, P, Ahead<'_, P>, &TsParser, &mut FileReport) -> Fate,
        report: &mut FileReport,
    ) {
        let plain_note = AdaptNote::default();
        for i in 0..steps.len() {
            let step = std::mem::replace(&mut steps[i], Step::Skip);
            let at = |k: usize| match steps.get(i + k) {
                Some(Step::Row(.., Some(p))) => Some(p),
                _ => None,
            };
            let ahead = Ahead {
                near: at(AHEAD / 2),
                far: at(AHEAD),
            };
            let (at, record, vals, note, prepared) = match step {
                Step::Skip => continue,
                Step::Reject(line, reason) => {
                    report.rows += 1;
                    report.reject(line, reason);
                    continue;
                }
                Step::Row(at, record, vals, note, prepared) => (at, record, vals, note, prepared),
            };
            report.rows += 1;
            let note = note.as_deref().unwrap_or(&plain_note);
            let Some(prepared) = prepared else {
                let reason = note.skip.as_deref().unwrap_or_default();
                report.unmatched(at.line, reason);
                continue;
            };
            let row = Row {
                at,
                values: self.values(record, &vals),
                note,
            };
            match fold(&row, prepared, ahead, self.ts, report) {
                Fate::Used => report.used += 1,
                Fate::Unmatched(key) => report.unmatched(at.line, &key),
                Fate::Rejected(reason) => report.reject(at.line, reason),
            }
        }
    }
}

impl Input {
    pub fn kind(&self) -> Kind {
        self.detected.format.kind
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// About how many rows the file holds (its size over the mean size of the previewed
    /// rows), to size tables once rather than grow them; 0 when it cannot tell.
    pub fn estimated_rows(&self) -> usize {
        let (mut rows, mut bytes) = (0usize, 0usize);
        for r in self.reader.preview() {
            rows += 1;
            bytes += record_bytes(&r.record);
        }
        let size = self.size() as usize;
        if rows < 2 || bytes == 0 {
            return 0;
        }
        (size / (bytes / rows).max(1)).min(1 << 26)
    }

    /// Streams the data rows, calling `f` with each row's canonical values and recording
    /// its fate. Rows that cannot be read, or whose cell count differs from the header's, are
    /// rejected here and never reach `f`.
    pub fn for_each(
        &mut self,
        mut f: impl FnMut(&Row<'_>, &TsParser, &mut FileReport) -> Fate + Send,
    ) {
        self.for_each_prepared(|_, _| (), |row, (), _, ts, report| f(row, ts, report));
    }

    /// [`Input::for_each`] in two steps: `prepare` sees each row alone and may run on several
    /// threads at once (rows are taken in batches); `fold` then sees each row with what was
    /// prepared for it, one at a time and in file order, while the next batch is prepared.
    /// Whatever the number of threads, `fold` sees the same rows in the same order with the
    /// same prepared values, so results do not depend on it. `fold` is also shown the values
    /// prepared for rows a few places on (see [`Ahead`]), only to fetch memory early.
    pub fn for_each_prepared<P: Send>(
        &mut self,
        prepare: impl Fn(&Row<'_>, &TsParser) -> P + Sync,
        fold: impl FnMut(&Row<'_>, P, Ahead<'_, P>, &TsParser, &mut FileReport) -> Fate + Send,
    ) {
        self.for_each_warmed(None, prepare, fold)
    }

    /// [`Input::for_each_prepared`], with rows shown to `warm` before `prepare` sees them
    /// (see [`Warm`]).
    pub fn for_each_warmed<P: Send>(
        &mut self,
        warm: Option<&dyn Warm>,
        prepare: impl Fn(&Row<'_>, &TsParser) -> P + Sync,
        mut fold: impl FnMut(&Row<'_>, P, Ahead<'_, P>, &TsParser, &mut FileReport) -> Fate + Send,
    ) {
        let started = crate::engine::Stopwatch::start();
        let rows = Rows {
            // A trailing empty header cell (Zoom writes a `,` at the end of every line) is
            // not a column: rows may or may not carry it.
            header_len: self
                .detected
                .headers
                .iter()
                .rposition(|h| !h.is_empty())
                .map_or(0, |i| i + 1),
            columns: &self.detected.columns,
            adapter: self.detected.format.adapter.as_ref(),
            context: &self.detected.context,
            headers: &self.detected.headers,
            sectioned: self.detected.format.header_anywhere,
            id: self.id,
            ts: &self.ts,
            prepare: &prepare,
            // Rows an adapter rewrites (Okta, Entra, Google, mappings) have their values only
            // once `prepare`'s step has copied them out: nothing to warm from ahead.
            warm: warm.filter(|_| self.detected.format.adapter.is_none()),
        };
        let mut walk = Walk {
            skip: self.detected.header_row + 1,
            ended: false,
            expect_line: self.report.header_line + 1,
            counted: self.report.rows,
        };
        let (reader, report, progress) = (&mut self.reader, &mut self.report, &self.progress);
        let done = |batch: &mut reader::Batch, reader: &mut RecordReader| {
            if let Some(bar) = progress {
                let bytes: usize = batch
                    .iter()
                    .flatten()
                    .map(|r| record_bytes(&r.record))
                    .sum();
                bar.inc(bytes as u64);
            }
            // The records' buffers serve the next rows: no allocation per row.
            for raw in batch.drain(..).flatten() {
                reader.recycle(raw.record);
            }
        };
        // Two batches in turn: while one is folded, the other is read and prepared. Written
        // out for each: a batch's steps borrow it, so the two cannot be swapped.
        let (mut a, mut b) = (Vec::with_capacity(reader::BATCH), Vec::new());
        reader.next_batch(&mut a);
        let mut steps_a = rows.steps(&a, &mut walk);
        loop {
            if a.is_empty() {
                break;
            }
            reader.next_batch(&mut b);
            let (_, steps_b) = rayon::join(
                || rows.fold(steps_a, &mut fold, report),
                || rows.steps(&b, &mut walk),
            );
            done(&mut a, reader);
            if b.is_empty() {
                break;
            }
            reader.next_batch(&mut a);
            let (_, next) = rayon::join(
                || rows.fold(steps_b, &mut fold, report),
                || rows.steps(&a, &mut walk),
            );
            steps_a = next;
            done(&mut b, reader);
        }
        if crate::engine::timings() {
            crate::errln!(
                "hirescreen: timing read {} {} ({} rows)",
                self.report.file,
                started.show(),
                self.report.rows
            );
        }
        if self.ts.used_default_tz() && self.detected.format.kind != Kind::Watchlist {
            self.report.warnings.push(format!(
                "timestamps carry no zone; read in {} (set --tz)",
                self.ts.tz.name()
            ));
        }
        self.report.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The account and IP values each data row of a canonical identities-style file yields.
    fn values_of(name: &str, bytes: &[u8]) -> Vec<(Option<String>, Option<String>)> {
        let dir = std::env::temp_dir().join(format!("hirescreen-values-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let formats = crate::engine::default_formats();
        let Opened::Input(mut input) = open(0, &path, name, &formats, chrono_tz::UTC).unwrap()
        else {
            panic!("not recognised")
        };
        let mut out = Vec::new();
        input.for_each(|row, _, _| {
            let v = |f| row.get(f).map(str::to_string);
            out.push((v(crate::model::login::ACCOUNT), v(crate::model::login::IP)));
            Fate::Used
        });
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    /// The reading bar counts each record's bytes as its batch is done: by the end of a
    /// file it stands near the file's size (quotes, the header and line ends are not
    /// counted), never past it, and every row was counted once.
    #[test]
    fn the_progress_bar_follows_the_bytes_read() {
        let dir = std::env::temp_dir().join(format!("hirescreen-progress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("logins.csv");
        let mut text = String::from("timestamp,account,ip,user_agent\n");
        // Several batches, so that the bar moves batch by batch.
        for i in 0..5000 {
            text.push_str(&format!(
                "2026-01-01T00:00:{:02}Z,user{i}@x.example,203.0.113.{},\"Mozilla/5.0 (X11, Linux)\"\n",
                i % 60,
                i % 250
            ));
        }
        std::fs::write(&path, &text).unwrap();
        let formats = crate::engine::default_formats();
        let Opened::Input(mut input) =
            open(0, &path, "logins.csv", &formats, chrono_tz::UTC).unwrap()
        else {
            panic!("not recognised")
        };
        let size = input.size();
        assert_eq!(size, text.len() as u64);
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(size);
        input.progress = Some(bar.clone());
        let mut rows = 0;
        let mut seen = Vec::new();
        input.for_each(|_, _, _| {
            rows += 1;
            seen.push(bar.position());
            Fate::Used
        });
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(rows, 5000);
        let end = bar.position();
        assert!(end <= size && end * 100 >= size * 95, "{end} of {size}");
        // It moved while the file was read, not only at the end.
        assert!(seen.iter().any(|&p| p > 0 && p < end), "{:?}", &seen[..5]);
    }

    #[test]
    fn cells_read_in_place_or_copied_give_the_same_values() {
        let mut bytes = b"timestamp,account,ip\n".to_vec();
        // Plain, padded, empty, then not UTF-8: a stray byte, and a character whose bytes a
        // delimiter splits (the record's bytes alone would be valid).
        bytes.extend_from_slice(b"2026-01-01T00:00:00Z,jo@x.example,203.0.113.5\n");
        bytes.extend_from_slice(b"2026-01-01T00:00:00Z,  W\xc3\xa9i  , 203.0.113.6 \n");
        bytes.extend_from_slice(b"2026-01-01T00:00:00Z,,203.0.113.7\n");
        bytes.extend_from_slice(b"2026-01-01T00:00:00Z,a\xffb,203.0.113.8\n");
        bytes.extend_from_slice(b"2026-01-01T00:00:00Z,x\xc3,\xa9y\n");
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            values_of("logins.csv", &bytes),
            [
                (s("jo@x.example"), s("203.0.113.5")),
                (s("Wéi"), s("203.0.113.6")),
                (None, s("203.0.113.7")),
                (s("a\u{fffd}b"), s("203.0.113.8")),
                (s("x\u{fffd}"), s("\u{fffd}y")),
            ]
        );
    }

    /// `fold` is shown what was prepared for the rows `AHEAD / 2` and `AHEAD` places on, in
    /// the same batch, and nothing past a batch's end; every row is still folded once, in
    /// order, whatever the batches.
    #[test]
    fn fold_is_shown_the_rows_prepared_ahead_within_a_batch() {
        let dir = std::env::temp_dir().join(format!("hirescreen-ahead-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("identities.csv");
        let rows = reader::BATCH + 100;
        let mut text = String::from("candidate_id,email,account\n");
        for i in 0..rows {
            text.push_str(&format!("c{i},c{i}@example.org,a{i}\n"));
        }
        std::fs::write(&path, text).unwrap();
        let formats = crate::engine::default_formats();
        let Opened::Input(mut input) =
            open(0, &path, "identities.csv", &formats, chrono_tz::UTC).unwrap()
        else {
            panic!("not recognised")
        };
        let mut seen: Vec<(u32, Option<u32>, Option<u32>)> = Vec::new();
        input.for_each_prepared(
            |row, _| row.at.line,
            |row, line, ahead, _, _| {
                assert_eq!(line, row.at.line);
                seen.push((line, ahead.near.copied(), ahead.far.copied()));
                Fate::Used
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(seen.len(), rows);
        // Data rows start on line 2; the first batch holds the previewed rows or a full
        // batch, so only check that what is shown is right and that it is shown often.
        let mut shown = 0;
        for (k, &(line, near, far)) in seen.iter().enumerate() {
            assert_eq!(line as usize, k + 2, "in order");
            for (ahead, by) in [(near, AHEAD / 2), (far, AHEAD)] {
                if let Some(a) = ahead {
                    assert_eq!(a, line + by as u32);
                    shown += 1;
                }
            }
        }
        assert!(shown > rows, "shown {shown} times for {rows} rows");
        // Nothing is shown past the end of the file.
        assert_eq!(seen.last().map(|s| (s.1, s.2)), Some((None, None)));
    }

    /// `warm` is shown each row `WARM_AHEAD` and `WARM_AHEAD / 2` places before its turn
    /// within its batch: the row whose turn comes next on the same thread is the one that
    /// many places back (so every row but a batch's first few is shown, whatever the
    /// threads), each stage once, with the values `prepare` sees; what is folded is as
    /// without it.
    #[test]
    fn rows_are_shown_to_warm_ahead_of_their_turn() {
        use crate::model::identity;
        use std::sync::Mutex;
        let dir = std::env::temp_dir().join(format!("hirescreen-warm-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("identities.csv");
        let rows = 3 * reader::BATCH + 100;
        let mut text = String::from("candidate_id,email,account\n");
        for i in 0..rows {
            text.push_str(&format!("c{i},c{i}@example.org,a{i}\n"));
        }
        std::fs::write(&path, text).unwrap();
        let formats = crate::engine::default_formats();
        // What each thread did, in order: a row shown to `warm` at a stage, or prepared.
        type Event = (std::thread::ThreadId, Option<Fetch>, u32, Option<String>);
        let events: Mutex<Vec<Event>> = Mutex::new(Vec::new());
        let log = |stage, row: &Row<'_>| {
            let account = row.get(identity::ACCOUNT).map(str::to_string);
            let me = std::thread::current().id();
            events
                .lock()
                .unwrap()
                .push((me, stage, row.at.line, account));
        };
        let fold_all = |warm: Option<&dyn Warm>| {
            let Opened::Input(mut input) =
                open(0, &path, "identities.csv", &formats, chrono_tz::UTC).unwrap()
            else {
                panic!("not recognised")
            };
            let mut seen = Vec::new();
            input.for_each_warmed(
                warm,
                |row, _| {
                    if warm.is_some() {
                        log(None, row);
                    }
                    row.get(identity::ACCOUNT).map(str::to_string)
                },
                |row, account, _, _, _| {
                    seen.push((row.at.line, account));
                    Fate::Used
                },
            );
            seen
        };
        let warm = |row: &Row<'_>, stage: Fetch| log(Some(stage), row);
        let warmed = fold_all(Some(&warm));
        let plain = fold_all(None);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(warmed, plain);
        assert_eq!(plain.len(), rows);
        let account: std::collections::HashMap<u32, Option<String>> =
            plain.iter().cloned().collect();
        let events = events.into_inner().unwrap();
        const { assert!(WARM_AHEAD >= 2) };
        let mut shown = Vec::new();
        for (k, (me, stage, line, acc)) in events.iter().enumerate() {
            let Some(stage) = stage else { continue };
            assert_eq!(
                Some(acc),
                account.get(line),
                "line {line}: the values prepare sees"
            );
            let ahead = match stage {
                Fetch::Slot => WARM_AHEAD,
                Fetch::Entry => WARM_AHEAD / 2,
            } as u32;
            let next = events[k + 1..].iter().find(|e| e.0 == *me && e.1.is_none());
            assert_eq!(
                next.map(|e| e.2 + ahead),
                Some(*line),
                "{stage:?} of line {line}"
            );
            shown.push((*line, *stage));
        }
        shown.sort_by_key(|s| (s.0, s.1 == Fetch::Entry));
        for stage in [Fetch::Slot, Fetch::Entry] {
            let lines: Vec<u32> = shown.iter().filter(|s| s.1 == stage).map(|s| s.0).collect();
            let mut once = lines.clone();
            once.dedup();
            assert_eq!(once, lines, "each row once at {stage:?}");
            // At most the first few rows of each of the four or five batches go unshown.
            assert!(
                lines.len() + 5 * WARM_AHEAD >= rows,
                "{stage:?}: {}",
                lines.len()
            );
        }
    }
}
