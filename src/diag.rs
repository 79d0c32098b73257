//! Positioned diagnostics for the files a user writes (rule packs, mapping files): each error
//! says `file:line:column: message`, and a file's errors are all collected before it is
//! refused, so one run shows every mistake.

use std::fmt;

/// One problem, where it is (1-based line and column; 0 when the whole file is meant).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    /// A problem at a byte offset of `text`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(text, offset);
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A TOML syntax or shape error, at the span the parser reports.
    pub fn from_toml(file: &str, text: &str, e: &toml::de::Error) -> Diagnostic {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        Diagnostic::at(file, text, offset, e.message())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found, one per line.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Line and column (1-based, columns in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd = 1\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'ç' is two bytes: the next character is column 2.
        assert_eq!(line_col(text, 5), (2, 2));
        // Inside a multi-byte character: the character's own position.
        assert_eq!(line_col(text, 4), (2, 1));
        assert_eq!(Diagnostic::at("f", text, 5, "m").to_string(), "f:2:2: m");
    }
}
