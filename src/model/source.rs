//! Provenance: every record and every finding points back at the cells it rests on.

use serde::Serialize;

/// Index into the run's file table ([`FileTable`]).
pub type FileId = u32;

/// One cell (or, with `column == 0`, one whole row) of one input file. Lines and columns are
/// 1-based, as an editor shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
}

impl SourceRef {
    pub fn new(file: FileId, line: u32, column: u32) -> SourceRef {
        SourceRef { file, line, column }
    }
}

/// A row of an input file, with the file's column numbers for its canonical fields, so a
/// finding can cite the exact cell of any field it used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowRef {
    pub file: FileId,
    pub line: u32,
}

impl RowRef {
    pub fn cell(self, column: u32) -> SourceRef {
        SourceRef::new(self.file, self.line, column)
    }
}

/// The files of one run, in the order they were read. File ids index this table.
#[derive(Clone, Debug, Default)]
pub struct FileTable {
    names: Vec<String>,
}

impl FileTable {
    pub fn add(&mut self, name: String) -> FileId {
        self.names.push(name);
        (self.names.len() - 1) as FileId
    }
    pub fn name(&self, id: FileId) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A resolved source, as written in reports.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SourceOut {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl SourceOut {
    pub fn resolve(files: &FileTable, s: SourceRef) -> SourceOut {
        SourceOut {
            file: files.name(s.file).to_string(),
            line: s.line,
            column: s.column,
        }
    }
}
