//! A problem in the config file and where it was written: what the validation of each
//! section (`[alerts]`, `[[check]]`) returns, and config renders as `file:line: key`.
//! A leaf module, so that no section needs `config` to say where it went wrong.

/// Where in the config file: a byte offset (a serde span) or a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Offset(usize),
    Line(usize),
}

impl Position {
    /// The 1-based line in `text`.
    pub fn line(self, text: &str) -> usize {
        match self {
            Position::Offset(offset) => line_of(text, offset),
            Position::Line(line) => line,
        }
    }
}

/// A problem found after parsing: where, which key (`alerts.routes.high`,
/// `check[0].query`), what.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigIssue {
    pub at: Option<Position>,
    pub key: String,
    pub message: String,
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// The lines of a text, for many look-ups: `line_of` for each key of every `[[check]]`
/// rescanned the config from its start (a third of `hb property`'s start-up).
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Self {
        Lines(text.match_indices('\n').map(|(at, _)| at).collect())
    }

    /// The 1-based line of a byte offset, as [`line_of`] gives it.
    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_line_of() {
        let text = "a = 1\n\n[[check]]\nname = \"x\"\n";
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 3 {
            assert_eq!(
                lines.line_of(offset),
                line_of(text, offset),
                "offset {offset}"
            );
        }
    }
}
