//! Fitting a table's columns to the width it has: codes, years, dates and money keep the width
//! of their widest cell (they are never the part cut); free text shares what is left, each text
//! column at most as wide as its widest cell, and is cut with `…` (see [`super::cut`]) when
//! there is not room. The Budget, Contracts and Decisions screens size their tables with it.

use ratatui::layout::Constraint;

use super::cut;

/// How a column may give way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// A code, year, date, number or money: never cut.
    Code,
    /// Free text: cut with `…` when there is not room.
    Text,
}

/// One column: its header, how it fits, and its cells' text (for the widest).
pub struct Column<'a> {
    pub header: &'a str,
    pub fit: Fit,
    pub widest: usize,
}

impl<'a> Column<'a> {
    /// A column whose cells are `cells`.
    pub fn new<S: AsRef<str>>(
        header: &'a str,
        fit: Fit,
        cells: impl IntoIterator<Item = S>,
    ) -> Self {
        let widest = cells
            .into_iter()
            .map(|c| c.as_ref().chars().count())
            .max()
            .unwrap_or(0);
        Column {
            header,
            fit,
            widest,
        }
    }

    fn natural(&self) -> usize {
        self.widest.max(self.header.chars().count()).max(1)
    }
}

/// The width of each column in `width` characters (one space between columns): codes at their
/// natural width, text columns sharing the rest, the narrowest first, each at least 1.
pub fn widths(cols: &[Column], width: usize) -> Vec<usize> {
    let mut out: Vec<usize> = cols.iter().map(Column::natural).collect();
    let fixed: usize = cols
        .iter()
        .filter(|c| c.fit == Fit::Code)
        .map(Column::natural)
        .sum();
    let mut room = width.saturating_sub(fixed + cols.len().saturating_sub(1));
    let mut text: Vec<usize> = (0..cols.len())
        .filter(|i| cols[*i].fit == Fit::Text)
        .collect();
    text.sort_by_key(|i| cols[*i].natural());
    let mut left = text.len();
    for i in text {
        let share = room / left.max(1);
        let w = cols[i].natural().min(share).max(1);
        out[i] = w;
        room = room.saturating_sub(w);
        left -= 1;
    }
    out
}

/// The widths as layout constraints.
pub fn constraints(widths: &[usize]) -> Vec<Constraint> {
    widths
        .iter()
        .map(|w| Constraint::Length(*w as u16))
        .collect()
}

/// The headers cut to their widths.
pub fn headers(cols: &[Column], widths: &[usize]) -> Vec<String> {
    cols.iter()
        .zip(widths)
        .map(|(c, w)| cut(c.header, *w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_width_and_text_shares_the_rest() {
        let cols = [
            Column::new("Date", Fit::Code, ["10/10/2017"]),
            Column::new("Body", Fit::Text, ["Policy and Resources Committee"]),
            Column::new("Reference", Fit::Code, ["WOL-CAB-2017-10-18-5"]),
            Column::new("Outcome", Fit::Text, ["pre-decision scrutiny"]),
        ];
        // 78 - (10 + 20) - 3 spaces = 45 for the text: Outcome (21, the narrower) takes
        // min(21, 45 / 2 = 22) = 21; Body takes min(30, 24) = 24.
        assert_eq!(widths(&cols, 78), [10, 24, 20, 21]);
        // All of it fits at 140.
        assert_eq!(widths(&cols, 140), [10, 30, 20, 21]);
        assert_eq!(headers(&cols, &[10, 3, 20, 21])[1], "Bo…");
    }
}
