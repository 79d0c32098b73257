//! CSV records and the line each starts on, in one pass over the bytes.
//!
//! Reads as the `csv` crate reads with `flexible(true)` and its default quoting (RFC 4180:
//! a quote opens a quoted field only at a field's start, `""` inside quotes is a quote, text
//! after a closing quote belongs to the same field; `\r`, `\n` and `\r\n` end a record; blank
//! lines are skipped; the last record needs no line end), which a test checks against the
//! crate on random input. Parsing with the crate and following it with a second scanner for
//! line numbers (its own drift on CRLF and skipped blank lines) read every byte twice. Here
//! the usual record is split in one sweep of 64-byte bit masks of its delimiters, line ends
//! and quotes, and copied once ([`CsvRecords::plain_record`]); any other record is read field
//! by field, a field without quotes found with one vectorised search for the delimiter or a
//! line end, and the text of a quoted one with one search for the next quote.

use std::io::{self, Read};
use std::ops::Range;

/// One record's cells, as the `csv` crate's `ByteRecord` holds them but built for a record
/// read in one sweep: its bytes are copied once, as they stand in the file (delimiters and
/// quotes included), and each cell is a range of them; a cell that had to be rebuilt
/// (doubled quotes, text across reads) is appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    bytes: Vec<u8>,
    cells: Vec<(u32, u32)>,
    /// True only when `bytes` are all ASCII (false may also mean "not looked at").
    ascii: bool,
    /// A cell was over [`Record::LIMIT`] and kept empty: the record is not a row to read.
    cut: bool,
}

impl Default for Record {
    fn default() -> Record {
        Record::with_capacity(0, 0)
    }
}

impl Record {
    /// The most bytes a record holds, 64 MiB (smaller in tests): the bytes gathered for one
    /// cell are bounded by it too, so a quote never closed (which makes the rest of a file one
    /// value) costs no more memory than that. Interview notes and transcripts are far shorter.
    pub const LIMIT: usize = if cfg!(test) { 1 << 16 } else { 1 << 26 };

    pub fn new() -> Record {
        Record::default()
    }

    pub fn with_capacity(bytes: usize, cells: usize) -> Record {
        Record {
            bytes: Vec::with_capacity(bytes),
            cells: Vec::with_capacity(cells),
            ascii: true,
            cut: false,
        }
    }

    /// Asks for the record's memory (its cells' bounds and its first `max` bytes) early,
    /// without effect on anything read (see [`crate::model::prefetch`]): records arrive from
    /// the reader's thread, often from another core.
    #[inline]
    pub fn prefetch(&self, max: usize) {
        crate::model::prefetch(self.cells.as_slice(), 128);
        crate::model::prefetch(self.bytes.as_slice(), max);
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.cells.clear();
        self.ascii = true;
        self.cut = false;
    }

    /// Whether a cell was over [`Record::LIMIT`] (and kept empty).
    pub fn cut(&self) -> bool {
        self.cut
    }

    /// Appends a cell. Past [`Record::LIMIT`] bytes in one record a cell is kept empty and
    /// the record marked [`Record::cut`].
    pub fn push_field(&mut self, cell: &[u8]) {
        let start = self.bytes.len();
        let cell = match start + cell.len() <= Self::LIMIT {
            true => cell,
            false => {
                self.cut = true;
                &[]
            }
        };
        self.bytes.extend_from_slice(cell);
        self.cells.push((start as u32, self.bytes.len() as u32));
        self.ascii &= cell.is_ascii();
    }

    /// The record's bytes as text when every cell is valid UTF-8: the bytes are, and every
    /// cell starts and ends on a character boundary. A record the one-sweep reader found to
    /// be ASCII (nearly every row of an export) needs no check at all.
    pub fn text(&self) -> Option<&str> {
        if self.ascii {
            debug_assert!(self.bytes.is_ascii());
            // SAFETY: `ascii` is set only for bytes that are all ASCII (by `push_field`, or
            // by `CsvRecords::plain_record` from the high bits of every block the bytes came
            // from), and ASCII is valid UTF-8 with a character boundary at every index.
            return Some(unsafe { std::str::from_utf8_unchecked(&self.bytes) });
        }
        let all = std::str::from_utf8(&self.bytes).ok()?;
        self.cells
            .iter()
            .all(|&(s, e)| all.is_char_boundary(s as usize) && all.is_char_boundary(e as usize))
            .then_some(all)
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Where cell `i` lies in [`Record::as_slice`].
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        self.cells.get(i).map(|&(s, e)| s as usize..e as usize)
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.range(i).map(|r| &self.bytes[r])
    }

    /// The bytes the cells are ranges of: each cell's bytes, with whatever stood between
    /// them in the file (delimiters, quotes) when the record was read in one sweep.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.cells
            .iter()
            .map(|&(s, e)| &self.bytes[s as usize..e as usize])
    }

    /// The bytes of its cells, without what stood between them.
    pub fn cell_bytes(&self) -> usize {
        self.cells.iter().map(|&(s, e)| (e - s) as usize).sum()
    }
}

impl std::ops::Index<usize> for Record {
    type Output = [u8];
    fn index(&self, i: usize) -> &[u8] {
        let (s, e) = self.cells[i];
        &self.bytes[s as usize..e as usize]
    }
}

impl<T: AsRef<[u8]>> From<Vec<T>> for Record {
    fn from(cells: Vec<T>) -> Record {
        let mut r = Record::new();
        for c in &cells {
            r.push_field(c.as_ref());
        }
        r
    }
}

/// Bytes read from the source at a time (a field that runs past them is gathered in
/// `CsvRecords::field`).
const CHUNK: usize = 1 << 16;

pub struct CsvRecords {
    src: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// The next unread byte, and the end of what was read into `buf`.
    pos: usize,
    end: usize,
    eof: bool,
    delim: u8,
    /// The line `buf[pos]` is on.
    line: u32,
    /// A field being gathered across reads, or a quoted one with its doubled quotes undone.
    field: Vec<u8>,
}

/// What ended a field.
enum Stop {
    Delimiter,
    LineEnd,
    EndOfFile,
}

impl CsvRecords {
    pub fn new(src: Box<dyn Read + Send>, delim: u8) -> CsvRecords {
        CsvRecords::with_chunk(src, delim, CHUNK)
    }

    fn with_chunk(src: Box<dyn Read + Send>, delim: u8, chunk: usize) -> CsvRecords {
        CsvRecords {
            src,
            buf: vec![0; chunk.max(1)],
            pos: 0,
            end: 0,
            eof: false,
            delim,
            line: 1,
            field: Vec::new(),
        }
    }

    /// Consumes the byte at `pos` if it ends a field (the delimiter, or a line end, counted),
    /// and says which.
    fn take_stop(&mut self) -> Option<Stop> {
        let b = *self.buf[..self.end].get(self.pos)?;
        let stop = match b {
            _ if b == self.delim => Stop::Delimiter,
            b'\n' | b'\r' => Stop::LineEnd,
            _ => return None,
        };
        self.line += (b == b'\n') as u32;
        self.pos += 1;
        Some(stop)
    }

    /// The line the reader is on (where an error stopped it).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// True when a byte is there to read (reading more if needed); false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.pos = 0;
        self.end = 0;
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next record into `rec`, and the line it starts on; `None` at the end.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<Option<u32>> {
        rec.clear();
        // Blank lines are skipped.
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            match self.buf[self.pos] {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        let start = self.line;
        if self.plain_record(rec) {
            return Ok(Some(start));
        }
        loop {
            match self.read_field(rec)? {
                Stop::Delimiter => continue,
                Stop::LineEnd | Stop::EndOfFile => return Ok(Some(start)),
            }
        }
    }

    /// The usual record, read in one sweep: it ends in the buffer, and its quoted fields (if
    /// any) hold no line end or doubled quote and close right before a delimiter or line end.
    /// The delimiters, line ends and quotes of 64 bytes at a time are found as one bit mask
    /// ([`stops`]), so each field costs a few instructions rather than a search of its own.
    /// False, with `rec` cleared and the position untouched, for any other record, which is
    /// then read field by field.
    fn plain_record(&mut self, rec: &mut Record) -> bool {
        let (buf, start, delim) = (&self.buf[..self.end], self.pos, self.delim);
        if matches!(delim, b'"' | b'\n' | b'\r') {
            return false;
        }
        debug_assert!(rec.is_empty() && rec.bytes.is_empty());
        // The record's bytes are copied once at its end; its cells are ranges of them.
        let cell = |from: usize, to: usize| ((from - start) as u32, (to - start) as u32);
        // Where the field under way starts (at its opening quote when `quoted`).
        let mut field = start;
        let mut quoted = false;
        let mut block = start;
        // High bits of every byte looked at (the record's, and a few after it).
        let mut high = 0;
        while block < buf.len() {
            let (mut mask, block_high) = stops(&buf[block..buf.len().min(block + 64)], delim);
            high |= block_high;
            while mask != 0 {
                let i = block + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if i < field {
                    // The delimiter right after a closing quote, already taken.
                    continue;
                }
                let b = buf[i];
                if quoted {
                    if b == b'"' {
                        let after = buf.get(i + 1).copied();
                        rec.cells.push(cell(field + 1, i));
                        quoted = false;
                        if after == Some(delim) {
                            field = i + 2;
                            continue;
                        }
                        if let Some(end @ (b'\n' | b'\r')) = after {
                            rec.bytes.extend_from_slice(&buf[start..i]);
                            rec.ascii = high == 0;
                            self.line += (end == b'\n') as u32;
                            self.pos = i + 2;
                            return true;
                        }
                        // A doubled quote, text after the closing quote, or the buffer's end.
                        rec.clear();
                        return false;
                    }
                    if b == b'\n' || b == b'\r' {
                        // A line end inside quotes: lines to count.
                        rec.clear();
                        return false;
                    }
                    // A delimiter inside quotes is text.
                    continue;
                }
                if b == b'"' {
                    // A quote opens a quoted field only at the field's start.
                    quoted = i == field;
                    continue;
                }
                rec.cells.push(cell(field, i));
                if b == delim {
                    field = i + 1;
                    continue;
                }
                rec.bytes.extend_from_slice(&buf[start..i]);
                rec.ascii = high == 0;
                self.line += (b == b'\n') as u32;
                self.pos = i + 1;
                return true;
            }
            block += 64;
        }
        // The record runs past the buffer.
        rec.clear();
        false
    }

    /// One field into `rec`.
    fn read_field(&mut self, rec: &mut Record) -> io::Result<Stop> {
        if !self.fill()? {
            // After a delimiter at the end of the file: an empty last field.
            rec.push_field(b"");
            return Ok(Stop::EndOfFile);
        }
        self.field.clear();
        if self.buf[self.pos] == b'"' {
            self.pos += 1;
            if let Some(stop) = self.quoted()? {
                rec.push_field(&self.field);
                return Ok(stop);
            }
            // Text after the closing quote is part of the field.
            return self.unquoted(rec, true);
        }
        self.unquoted(rec, false)
    }

    /// Unquoted text up to a delimiter or line end (quotes in it are plain characters),
    /// appended to what `field` holds when `gathered`; pushes the field.
    fn unquoted(&mut self, rec: &mut Record, mut gathered: bool) -> io::Result<Stop> {
        loop {
            if !self.fill()? {
                rec.push_field(&self.field);
                return Ok(Stop::EndOfFile);
            }
            let seg = &self.buf[self.pos..self.end];
            match memchr::memchr3(self.delim, b'\n', b'\r', seg) {
                Some(k) => {
                    if gathered {
                        gather(&mut self.field, &seg[..k]);
                        rec.push_field(&self.field);
                    } else {
                        rec.push_field(&seg[..k]);
                    }
                    // Inline rather than `take_stop`: this is every unquoted field.
                    let stop = seg[k];
                    self.pos += k + 1;
                    if stop == self.delim {
                        return Ok(Stop::Delimiter);
                    }
                    self.line += (stop == b'\n') as u32;
                    return Ok(Stop::LineEnd);
                }
                None => {
                    gather(&mut self.field, seg);
                    gathered = true;
                    self.pos = self.end;
                }
            }
        }
    }

    /// A quoted field's text into `field`, from after the opening quote through the closing
    /// one. `Some` when the field ended there (a delimiter or line end right after the
    /// closing quote, consumed, or the end of the file), `None` when text follows.
    fn quoted(&mut self) -> io::Result<Option<Stop>> {
        loop {
            if !self.fill()? {
                return Ok(Some(Stop::EndOfFile));
            }
            let seg = &self.buf[self.pos..self.end];
            let k = memchr::memchr(b'"', seg).unwrap_or(seg.len());
            self.line += memchr::memchr_iter(b'\n', &seg[..k]).count() as u32;
            gather(&mut self.field, &seg[..k]);
            self.pos += k;
            if self.pos == self.end {
                continue;
            }
            // A quote: doubled (a quote in the text) or closing.
            self.pos += 1;
            if !self.fill()? {
                return Ok(Some(Stop::EndOfFile));
            }
            if self.buf[self.pos] != b'"' {
                // A delimiter or line end ends the field; other text continues it.
                return Ok(self.take_stop());
            }
            gather(&mut self.field, b"\"");
            self.pos += 1;
        }
    }
}

/// Appends `more` to a cell being gathered, up to one byte past [`Record::LIMIT`] (enough for
/// [`Record::push_field`] to know it is over): the rest is dropped.
fn gather(field: &mut Vec<u8>, more: &[u8]) {
    let room = (Record::LIMIT + 1).saturating_sub(field.len());
    field.extend_from_slice(&more[..more.len().min(room)]);
}

/// Bit `i` of the first mask is set when `block[i]` (at most 64 bytes) is the delimiter, a
/// line end or a quote; of the second, when it is not ASCII.
fn stops(block: &[u8], delim: u8) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if let Ok(block) = <&[u8; 64]>::try_from(block) {
        return stops_sse2(block, delim);
    }
    block.iter().enumerate().fold((0, 0), |(m, h), (i, &b)| {
        let stop = b == delim || b == b'\n' || b == b'\r' || b == b'"';
        (m | (stop as u64) << i, h | (!b.is_ascii() as u64) << i)
    })
}

/// [`stops`] of a whole block, 16 bytes per comparison (SSE2 is part of every x86-64).
#[cfg(target_arch = "x86_64")]
fn stops_sse2(block: &[u8; 64], delim: u8) -> (u64, u64) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is always there on x86-64; the four unaligned loads read the 64 bytes of
    // `block` and no more.
    unsafe {
        let [d, lf, cr, q] = [delim, b'\n', b'\r', b'"'].map(|c| _mm_set1_epi8(c as i8));
        let (mut mask, mut high) = (0u64, 0u64);
        for k in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            let hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)),
                _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, q)),
            );
            mask |= u64::from(_mm_movemask_epi8(hit) as u16) << (16 * k);
            high |= u64::from(_mm_movemask_epi8(v) as u16) << (16 * k);
        }
        (mask, high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records and their lines, read with a buffer of `chunk` bytes.
    fn ours(bytes: &[u8], delim: u8, chunk: usize) -> Vec<(u32, Vec<Vec<u8>>)> {
        let src: Box<dyn Read + Send> = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut r = CsvRecords::with_chunk(src, delim, chunk);
        let mut rec = Record::new();
        let mut out = Vec::new();
        while let Some(line) = r.read(&mut rec).unwrap() {
            // Text exactly when every cell is UTF-8; marked ASCII only when it is.
            let cells_utf8 = rec.iter().all(|c| std::str::from_utf8(c).is_ok());
            assert_eq!(rec.text().is_some(), cells_utf8, "{rec:?}");
            assert!(!rec.ascii || rec.as_slice().is_ascii(), "{rec:?}");
            out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn a_usual_sign_in_row_is_read_in_one_sweep_and_known_to_be_ascii() {
        let row = b"2026-09-15T13:43:49Z,,C0000001,22.32.253.197,\"Mozilla/5.0 (Windows NT 10.0; \
            Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0\",success,\
            dev-37db8c012ecf,,Europe/London,en-GB,,,s-037baaa97858004b\n";
        let src: Box<dyn Read + Send> = Box::new(io::Cursor::new(row.to_vec()));
        let mut r = CsvRecords::new(src, b',');
        let mut rec = Record::new();
        assert!(r.fill().unwrap());
        assert!(r.plain_record(&mut rec));
        assert_eq!((rec.len(), rec.ascii), (13, true));
        assert_eq!(&rec[4][..12], b"Mozilla/5.0 ");
        assert_eq!(rec.text().map(str::len), Some(row.len() - 1));
        // One byte beyond ASCII, and the record is checked as UTF-8 instead.
        let mut row = row.to_vec();
        row[60] = 0xE9;
        let src: Box<dyn Read + Send> = Box::new(io::Cursor::new(row));
        let mut r = CsvRecords::new(src, b',');
        assert!(r.fill().unwrap());
        rec.clear();
        assert!(r.plain_record(&mut rec));
        assert!(!rec.ascii);
        assert_eq!(rec.text(), None);
    }

    /// The `csv` crate's records, as the scanner this replaced was configured.
    fn crate_records(bytes: &[u8], delim: u8) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(bytes);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            out.push(rec.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    /// The line each record starts on, byte by byte: a record starts at the first byte of a
    /// line that is not a line end, outside quotes, where no record is under way.
    fn reference_lines(bytes: &[u8], delim: u8) -> Vec<u32> {
        #[derive(PartialEq)]
        enum S {
            Start,
            FieldStart,
            Field,
            Quoted,
            QuoteInQuoted,
        }
        let (mut s, mut line, mut starts) = (S::Start, 1, Vec::new());
        for &b in bytes {
            let eol = b == b'\n' || b == b'\r';
            s = match s {
                S::Start if eol => S::Start,
                S::Start | S::FieldStart => {
                    if s == S::Start {
                        starts.push(line);
                    }
                    match b {
                        b'"' => S::Quoted,
                        _ if b == delim => S::FieldStart,
                        _ if eol => S::Start,
                        _ => S::Field,
                    }
                }
                S::Field | S::QuoteInQuoted if eol => S::Start,
                S::Field | S::QuoteInQuoted if b == delim => S::FieldStart,
                S::Field => S::Field,
                S::QuoteInQuoted if b == b'"' => S::Quoted,
                S::QuoteInQuoted => S::Field,
                S::Quoted if b == b'"' => S::QuoteInQuoted,
                S::Quoted => S::Quoted,
            };
            line += (b == b'\n') as u32;
        }
        starts
    }

    /// A seeded generator of numbers below `n`.
    fn rng(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        }
    }

    /// Our records and lines of `bytes`, read with each buffer size, against the crate's
    /// records and the byte-by-byte reference lines.
    fn check_against_crate(bytes: &[u8], delim: u8, chunks: &[usize]) {
        let want = crate_records(bytes, delim);
        let lines = reference_lines(bytes, delim);
        let shown = String::from_utf8_lossy(bytes);
        for &chunk in chunks {
            let got = ours(bytes, delim, chunk);
            let fields: Vec<_> = got.iter().map(|(_, f)| f.clone()).collect();
            assert_eq!(fields, want, "fields of {shown:?}, chunk {chunk}");
            let got_lines: Vec<u32> = got.iter().map(|(l, _)| *l).collect();
            assert_eq!(got_lines, lines, "lines of {shown:?}, chunk {chunk}");
        }
    }

    #[test]
    fn records_and_lines_match_the_csv_crate_on_random_input_and_any_buffer_size() {
        let alphabet = b"ab,;\"\"\"\n\n\r  x";
        let mut next = rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..4000 {
            let len = next(100);
            let bytes: Vec<u8> = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let delim = if case % 2 == 0 { b',' } else { b';' };
            check_against_crate(&bytes, delim, &[1, 2, 3, 7, CHUNK]);
        }
    }

    /// Long records with few quotes and clean quoted fields, as real exports have, take the
    /// one-sweep way ([`CsvRecords::plain_record`]) across its 64-byte blocks and the
    /// buffer's end; the records and lines must not change.
    #[test]
    fn long_plain_records_match_the_csv_crate_across_blocks_and_buffer_ends() {
        let mut next = rng(0x2545_F491_4F6C_DD1D);
        let rare = [
            b",".as_slice(),
            b"\n",
            b"\r\n",
            b"\r",
            b"\"",
            b"\"\"",
            "é".as_bytes(),
        ];
        for case in 0..600 {
            let mut bytes = Vec::new();
            for _ in 0..next(6) {
                for _ in 0..next(300) {
                    match next(40) {
                        0..=5 => bytes.push(b','),
                        6 => bytes.extend_from_slice(rare[next(rare.len())]),
                        // A quoted field, mostly clean (as user agents are), sometimes not.
                        7 => {
                            bytes.push(b'"');
                            for _ in 0..next(90) {
                                bytes.push(b"ab, ;()"[next(7)]);
                            }
                            if next(4) == 0 {
                                bytes.extend_from_slice(rare[next(rare.len())]);
                            }
                            bytes.push(b'"');
                        }
                        _ => bytes.push(b"abcxyz019 -:."[next(13)]),
                    }
                }
                bytes.extend_from_slice(if case % 3 == 0 { b"\r\n" } else { b"\n" });
            }
            if case % 5 == 0 {
                bytes.pop();
            }
            check_against_crate(&bytes, b',', &[1, 7, 63, 64, 65, 130, 500, CHUNK]);
        }
    }

    #[test]
    fn the_stop_masks_mark_delimiters_line_ends_quotes_and_bytes_beyond_ascii() {
        let mut block = [b'a'; 64];
        for (i, b) in [
            (0, b';'),
            (5, b'\n'),
            (17, b'\r'),
            (33, b'"'),
            (63, b';'),
            (40, b','),
        ] {
            block[i] = b;
        }
        block[20] = 0xC3;
        block[50] = 0xA9;
        let want = (1u64 << 0) | (1 << 5) | (1 << 17) | (1 << 33) | (1 << 63);
        let high = (1u64 << 20) | (1 << 50);
        assert_eq!(stops(&block, b';'), (want, high));
        // A short block is scanned byte by byte, to the same answer.
        let short = (1 << 34) - 1;
        assert_eq!(stops(&block[..34], b';'), (want & short, high & short));
    }

    #[test]
    fn a_cell_past_the_record_limit_is_kept_empty_not_cut_into_wrong_ranges() {
        let mut rec = Record::new();
        rec.push_field(b"id");
        rec.push_field(&vec![b'x'; Record::LIMIT]);
        rec.push_field(b"next");
        let cells: Vec<&[u8]> = rec.iter().collect();
        assert_eq!(cells, [&b"id"[..], b"", b"next"]);
        assert!(rec.cut());
        rec.clear();
        assert!(!rec.cut());
        // And a long quoted cell read from a file, gathered across reads.
        let mut text = b"a,\"".to_vec();
        text.extend(std::iter::repeat_n(b'y', Record::LIMIT));
        text.extend_from_slice(b"\",b\n");
        let got = ours(&text, b',', CHUNK);
        assert_eq!(got, [(1, vec![b"a".to_vec(), vec![], b"b".to_vec()])]);
    }

    /// A quote never closed makes the rest of the file one cell: it is gathered only to
    /// the limit (memory stays bounded), the record is marked cut, its line counted, and a
    /// record at the limit exactly is whole.
    #[test]
    fn a_quote_never_closed_gathers_no_more_than_the_limit() {
        let mut text = b"id,notes\n1,\"oops\n".to_vec();
        for i in 0..(4 * Record::LIMIT / 20) {
            text.extend_from_slice(format!("{i:09},more text\n").as_bytes());
        }
        let lines = text.iter().filter(|&&b| b == b'\n').count() as u32;
        let mut rdr = CsvRecords::new(Box::new(io::Cursor::new(text)), b',');
        let mut rec = Record::new();
        assert_eq!(rdr.read(&mut rec).unwrap(), Some(1));
        assert!(!rec.cut());
        assert_eq!(rdr.read(&mut rec).unwrap(), Some(2));
        assert!(rec.cut());
        assert_eq!(rec.iter().collect::<Vec<_>>(), [&b"1"[..], b""]);
        assert!(
            rdr.field.capacity() <= 2 * (Record::LIMIT + 1),
            "{}",
            rdr.field.capacity()
        );
        assert_eq!(rdr.read(&mut rec).unwrap(), None);
        assert_eq!(rdr.line(), lines + 1);
        // At the limit exactly, with a doubled quote gathered last: whole, not cut.
        let mut text = b"\"".to_vec();
        text.extend(std::iter::repeat_n(b'z', Record::LIMIT - 1));
        text.extend_from_slice(b"\"\"\"\n");
        let mut rdr = CsvRecords::new(Box::new(io::Cursor::new(text)), b',');
        assert_eq!(rdr.read(&mut rec).unwrap(), Some(1));
        assert!(!rec.cut());
        assert_eq!(
            rec.get(0).map(|c| (c.len(), c.ends_with(b"z\""))),
            Some((Record::LIMIT, true))
        );
    }

    #[test]
    fn quoted_fields_keep_delimiters_line_ends_and_doubled_quotes() {
        let text =
            b"id,ua\r\n1,\"Mozilla/5.0 (X11; Linux), \"\"quoted\"\"\nnext line\"\r\n\r\n2,\"a\"b\n";
        let got = ours(text, b',', CHUNK);
        let want: Vec<(u32, Vec<Vec<u8>>)> = vec![
            (1, vec![b"id".to_vec(), b"ua".to_vec()]),
            (
                2,
                vec![
                    b"1".to_vec(),
                    b"Mozilla/5.0 (X11; Linux), \"quoted\"\nnext line".to_vec(),
                ],
            ),
            (5, vec![b"2".to_vec(), b"ab".to_vec()]),
        ];
        assert_eq!(got, want);
    }
}
