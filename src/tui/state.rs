//! What effects load and screens draw: the view data of each screen, and [`ListState`], the one
//! cursor-and-scroll type every list uses. A leaf of the TUI: it imports nothing else of it, and
//! holds no terminal or database handle.

use chrono::NaiveDate;

use crate::domain::alerts::Alert;
use crate::domain::financing::FinancingStatement;
use crate::domain::model::{Actual, Allocation, BudgetChange, Decision, Phase, Programme};
use crate::domain::report::{Report, ReportRow, RowKind};
use crate::domain::{FinancialYear, Money, Period};
use crate::ops::types::{ActualFilter, ActualOrder, AuditMark, PageRequest};

pub use crate::ops::browse::{IdList, PAGE, StartAt};
pub use crate::ops::dashboard::{ContractPosition as ContractRow, PhaseDetail};

/// The smallest terminal Outturn draws in (narrower or shorter gets a message, and only `q`).
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal height Outturn draws in.
pub const MIN_HEIGHT: u16 = 24;

/// Lines of chrome around a list screen's rows: tabs, header, block borders, table header, status
/// and footer.
pub const LIST_CHROME: u16 = 7;

/// The most lines the status message takes (a longer one ends with `…`).
pub const STATUS_LINES: usize = 4;

/// The height of a dashboard card.
pub const CARD_HEIGHT: u16 = 9;

/// The status message `text` word-wrapped to a terminal `width` wide (after the one space it
/// starts with), at most [`STATUS_LINES`] lines; one line when there is no message.
pub fn status_wrapped(text: Option<&str>, width: u16) -> Vec<String> {
    let width = (width as usize).saturating_sub(1).max(1);
    text.map_or_else(
        || vec![String::new()],
        |t| crate::domain::text::wrap_words(t, width),
    )
}

/// The dashboard's alerts panel inside its border at terminal `size` with a status line
/// `status_lines` tall: (width, height). Its layout is the dashboard's: the cards (two rows from
/// a body 34 lines tall), then the chart and the alerts side by side, half the width each.
pub fn alerts_inner(size: (u16, u16), status_lines: u16) -> (usize, usize) {
    let (w, h) = size;
    let body = h.saturating_sub(3 + status_lines);
    let cards = CARD_HEIGHT * if body >= 34 { 2 } else { 1 };
    let bottom = body.saturating_sub(cards).max(4);
    let width = w - w / 2;
    (
        width.saturating_sub(2).max(1) as usize,
        bottom.saturating_sub(2) as usize,
    )
}

/// Alert `text` with its mark (`! ` or `• `) word-wrapped to the alerts panel's `width`.
pub fn alert_lines(mark: &str, text: &str, width: usize) -> Vec<String> {
    crate::domain::text::wrap_words(&format!("{mark}{text}"), width)
}

/// The furthest the alerts scroll at `width` x `height`: the first alert from which all the
/// rest fit (0 when they all fit: then nothing scrolls).
pub fn alerts_max_top(alerts: &[Alert], width: usize, height: usize) -> usize {
    let mut used = 0;
    for (i, a) in alerts.iter().enumerate().rev() {
        used += alert_lines("• ", &a.text, width).len();
        if used > height {
            return (i + 1).min(alerts.len().saturating_sub(1));
        }
    }
    0
}

/// Rows of a list that fit a terminal `height` lines tall.
pub fn list_height(height: u16) -> u16 {
    height.saturating_sub(LIST_CHROME).max(1)
}

/// A Report row as the officer knows it, wherever a sort or a reload puts it: its kind, programme
/// code and phase code.
pub type ReportRowKey = (RowKind, String, String);

/// The key of report row `r`.
pub fn report_row_key(r: &ReportRow) -> ReportRowKey {
    (r.kind, r.programme_code.clone(), r.phase_code.clone())
}

/// One budget year in the dashboard chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearBar {
    pub fy: FinancialYear,
    pub revised: Money,
    pub actual: Money,
    pub forecast: Money,
}

/// What the dashboard and the report screen show for the selected FY and period.
#[derive(Debug, Clone)]
pub struct Figures {
    pub fy: FinancialYear,
    pub period: Period,
    /// Years with any figure (for the chart and the FY selector).
    pub years: Vec<FinancialYear>,
    pub programmes: Vec<Programme>,
    pub report: Report,
    /// The report's columns after RAG, row for row (the snapshot's for a closed period).
    pub after_rag: Vec<crate::domain::cabinet::AfterRag>,
    pub by_year: Vec<YearBar>,
    /// False when `years` and `by_year` were not reloaded (kept from before).
    pub chart: bool,
    pub alerts: Vec<Alert>,
    /// Everything dated on or before this is in a closed period.
    pub closed_through: Option<NaiveDate>,
    /// The financing statement of the year shown (the cards' funding gap).
    pub financing: Option<FinancingStatement>,
}

impl Figures {
    /// Keeps the years and the chart of `old` (loaded without them for a change of year).
    pub fn keep_chart(&mut self, old: Figures) {
        self.years = old.years;
        self.by_year = old.by_year;
        self.chart = true;
    }

    /// The report row of phase `code` of programme `programme_code`.
    pub fn phase_row(&self, programme_code: &str, code: &str) -> Option<&ReportRow> {
        self.report.rows.iter().find(|r| {
            r.kind == RowKind::Phase && r.programme_code == programme_code && r.phase_code == code
        })
    }
}

/// The programmes and phases tree.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub programmes: Vec<Programme>,
    pub phases: Vec<Phase>,
}

impl Tree {
    /// Phase `id` as `PROG/PHASE`, when it is in the tree.
    pub fn phase_label(&self, id: i64) -> Option<String> {
        let p = self.phases.iter().find(|p| p.id == id)?;
        Some(format!("{}/{}", p.programme_code, p.code))
    }

    /// The rows of the tree in order: a programme then its phases.
    pub fn rows(&self) -> Vec<TreeRow<'_>> {
        let mut out = Vec::new();
        for p in &self.programmes {
            out.push(TreeRow::Programme(p));
            for ph in self.phases.iter().filter(|ph| ph.programme_id == p.id) {
                out.push(TreeRow::Phase(ph));
            }
        }
        out
    }
}

/// A row of the tree.
#[derive(Debug, Clone, Copy)]
pub enum TreeRow<'a> {
    Programme(&'a Programme),
    Phase(&'a Phase),
}

/// The decision register with what each decision approved.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub decisions: Vec<Decision>,
    /// Per decision (same order): one line per approved allocation or change, contract awarded
    /// or extension exercised by it.
    pub approved: Vec<Vec<String>>,
    /// Per decision (same order): one line per allocation or change recorded against it that it
    /// did not approve (projected, proposed, rejected, withdrawn: a decision that noted them).
    pub noted: Vec<Vec<String>>,
}

/// Allocations and budget changes for the selected FY.
#[derive(Debug, Clone)]
pub struct BudgetData {
    pub fy: FinancialYear,
    pub allocations: Vec<Allocation>,
    pub changes: Vec<BudgetChange>,
    /// The Financing view: the year's funding lines (withdrawn ones too) and its statement.
    pub funding: Vec<crate::domain::financing::Funding>,
    pub financing: Option<FinancingStatement>,
}

/// Where a list is: the selected row and the first row shown. The one list state of the TUI:
/// every list (tree, register, changes, contracts, actuals, audit, cards, report rows) keeps one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    /// Index of the selected row.
    pub cursor: usize,
    /// Index of the first row shown, for a list that keeps its scroll (the actuals, paged from
    /// the database); the others centre the cursor as they draw ([`ListState::window_start`]).
    pub top: usize,
}

impl ListState {
    /// Moves the cursor `delta` rows (a page is the list's height; `i64::MIN / 2` and
    /// `i64::MAX / 2` reach the ends), staying within a list of `len` rows.
    pub fn move_by(&mut self, delta: i64, len: usize) {
        self.cursor = if len == 0 {
            0
        } else {
            (self.cursor as i64)
                .saturating_add(delta)
                .clamp(0, len as i64 - 1) as usize
        };
    }

    /// Keeps the cursor (and the first row shown) within a list of `len` rows, after a reload.
    pub fn clamp(&mut self, len: usize) {
        self.cursor = self.cursor.min(len.saturating_sub(1));
        self.top = self.top.min(self.cursor);
    }

    /// Scrolls the least that shows the cursor in `height` rows, never past the last page of a
    /// list of `len` rows.
    pub fn follow(&mut self, height: usize, len: usize) {
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
        self.top = self.top.min(len.saturating_sub(height));
    }

    /// The first row of a window of `height` rows of a list of `len` that keeps the cursor
    /// visible (in the middle when scrolling).
    pub fn window_start(&self, len: usize, height: usize) -> usize {
        if len <= height || height == 0 {
            return 0;
        }
        self.cursor.saturating_sub(height / 2).min(len - height)
    }
}

/// The actuals list: a window of rows paged from the database around the cursor. Its
/// [`ListState`] (`cursor`, `top`: absolute indexes) is reached through `Deref`.
#[derive(Debug, Clone, Default)]
pub struct ActualsView {
    pub filter: ActualFilter,
    /// A readable summary of the filter ("2022-23, supplier ~ micro").
    pub filter_label: String,
    /// Matching rows in the database.
    pub total: u64,
    /// What the matching rows add up to.
    pub sum: crate::domain::Money,
    /// The actual to select again when a reload brings it (by id, after another process's
    /// change moved rows about).
    pub keep_id: Option<i64>,
    /// Absolute index of `rows[0]`.
    pub start: u64,
    pub rows: Vec<Actual>,
    /// The selected row and the first row shown, as absolute indexes.
    pub list: ListState,
    /// True once loaded for the current filter.
    pub loaded: bool,
    /// In an order without an index (amount, supplier): the ids of every row the filter
    /// selects, in that order, read once by the `s` (mended by a reload) and paged through by id.
    pub ids: Option<Vec<i64>>,
    /// Where the audit log stood when `ids` were read (the reload mends them from there).
    pub ids_mark: Option<AuditMark>,
}

impl std::ops::Deref for ActualsView {
    type Target = ListState;
    fn deref(&self) -> &ListState {
        &self.list
    }
}

impl std::ops::DerefMut for ActualsView {
    fn deref_mut(&mut self) -> &mut ListState {
        &mut self.list
    }
}

impl ActualsView {
    /// The row at absolute index `i`, when it is in the window.
    pub fn get(&self, i: usize) -> Option<&Actual> {
        (i as u64)
            .checked_sub(self.start)
            .and_then(|o| self.rows.get(o as usize))
    }

    /// The page that reloads the window where it is: from the first row shown.
    pub fn window_page(&self) -> (PageRequest, StartAt) {
        let top = self.top as u64;
        let request = match self.get(self.top.wrapping_sub(1)) {
            _ if top == 0 => PageRequest::First,
            // By key from the row above the window (an OFFSET would read every row before it).
            Some(a) if self.ids.is_none() => PageRequest::After {
                date: a.date,
                id: a.id,
            },
            // In the date order, from the first row shown itself: after (its date, its id less
            // one) ascending, (its date, its id plus one) descending. The reload then works out
            // where that row stands now.
            _ if self.ids.is_none() && self.filter.sort.by == ActualOrder::Date => {
                match self.get(self.top) {
                    Some(a) => PageRequest::After {
                        date: a.date,
                        id: if self.filter.sort.desc {
                            a.id.saturating_add(1)
                        } else {
                            a.id.saturating_sub(1)
                        },
                    },
                    None => PageRequest::Offset(top),
                }
            }
            _ => PageRequest::Offset(top),
        };
        (request, StartAt::At(top))
    }

    /// Takes a loaded page of rows for `filter` starting at absolute index `start`, with the
    /// recounted `total` when there is one (a new filter starts at the top). False, taking
    /// nothing, for a page of a filter no longer in force.
    pub fn take_page(
        &mut self,
        filter: ActualFilter,
        total: Option<(u64, Money)>,
        (start, rows): (u64, Vec<Actual>),
        ids: Option<IdList>,
    ) -> bool {
        if let Some((t, sum)) = total {
            (self.ids, self.ids_mark) = ids.unzip();
            self.sum = sum;
            if filter != self.filter {
                self.list = ListState::default();
            } else if !self.loaded {
                self.list.clamp(t as usize);
            }
            self.total = t;
            self.filter = filter;
            self.loaded = true;
        } else if filter != self.filter {
            return false;
        }
        self.start = start;
        self.rows = rows;
        if let Some(id) = self.keep_id.take()
            && let Some(i) = self.rows.iter().position(|a| a.id == id)
        {
            self.list.cursor = start as usize + i;
        }
        true
    }

    /// The slice of the id list (and its absolute start) to read for a page `scroll` asked for,
    /// when the view pages through its ids.
    pub fn id_page(&self, start: StartAt) -> Option<(u64, Vec<i64>)> {
        let ids = self.ids.as_ref()?;
        let len = ids.len() as u64;
        let from = match start {
            StartAt::At(n) => n,
            StartAt::EndingBefore(n) => n.saturating_sub(PAGE),
            StartAt::End => len.saturating_sub(PAGE),
        }
        .min(len);
        let to = (from + PAGE).min(len);
        Some((from, ids[from as usize..to as usize].to_vec()))
    }

    /// Keeps the cursor visible in `height` rows and says which page to fetch when the rows in
    /// view are not all in the window (None when they are, or nothing is loaded).
    pub fn scroll(&mut self, height: usize) -> Option<(PageRequest, StartAt)> {
        if !self.loaded || self.total == 0 {
            return None;
        }
        let total = self.total as usize;
        self.list.follow(height, total);
        let top = self.top as u64;
        let need_end = (self.top + height).min(total) as u64;
        let end = self.start + self.rows.len() as u64;
        if top >= self.start && need_end <= end {
            return None;
        }
        Some(if top == 0 {
            (PageRequest::First, StartAt::At(0))
        } else if need_end == self.total && self.total > PAGE {
            (PageRequest::Last, StartAt::End)
        } else if let Some(anchor) = self
            .get(self.top.wrapping_sub(1))
            .filter(|_| top > self.start)
        {
            (
                PageRequest::After {
                    date: anchor.date,
                    id: anchor.id,
                },
                StartAt::At(top),
            )
        } else if let Some(anchor) = self.get(need_end as usize) {
            (
                PageRequest::Before {
                    date: anchor.date,
                    id: anchor.id,
                },
                StartAt::EndingBefore(need_end),
            )
        } else {
            (PageRequest::Offset(top), StartAt::At(top))
        })
    }
}

/// Report columns that scroll horizontally (after Programme and Phase).
pub const REPORT_SCROLL_COLUMNS: usize = crate::io::report::COLUMNS.len() - 2;

/// The report as read, in the order its columns scroll after the codes (CSV column indexes):
/// the phase name, then the columns an officer reads together (Revised budget, Actual to date,
/// Forecast outturn, Variance, RAG), then the rest in the CSV's order (Financial year and Period
/// are left out: the header says them).
const READ_ORDER: [usize; 22] = [
    0, 1, 2, 7, 10, 13, 15, 18, 5, 6, 8, 9, 11, 12, 14, 16, 17, 19, 20, 21, 22, 23,
];

/// The report columns shown, in order, as CSV column indexes: every one in the CSV's order for
/// the exact cells; as read, [`READ_ORDER`]. Programme and Phase (the first two) stay put.
pub fn report_columns(exact: bool) -> Vec<usize> {
    if exact {
        (0..crate::io::report::COLUMNS.len()).collect()
    } else {
        READ_ORDER.to_vec()
    }
}

/// The place among the scrolling columns of CSV column `col` in the view `exact` (0 when it is
/// not shown there): to keep the selected column when `c` switches the view.
pub fn report_col_of(col: usize, exact: bool) -> usize {
    report_columns(exact)
        .iter()
        .position(|c| *c == col)
        .map_or(0, |i| i.saturating_sub(2))
}

/// The CSV column of the selected report column (`report_col` counts the scrolling columns).
pub fn report_column(report_col: usize, exact: bool) -> usize {
    let cols = report_columns(exact);
    cols[(2 + report_col).min(cols.len() - 1)]
}

/// A readable summary of an actuals filter.
pub fn filter_label(f: &ActualFilter, phase: &str) -> String {
    let mut parts = Vec::new();
    match (f.fy, f.period, f.to_period) {
        (Some(y), first, Some(last)) => parts.push(format!(
            "{} {}-{}",
            y.label(),
            first.unwrap_or(Period::FIRST).label(),
            last.label()
        )),
        (Some(y), Some(p), None) => parts.push(format!("{} {}", y.label(), p.label())),
        (Some(y), None, None) => parts.push(y.label()),
        _ => parts.push("all years".into()),
    }
    if !phase.is_empty() {
        parts.push(format!("phase {phase}"));
    }
    if let Some(s) = f.supplier.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("supplier ~ {s}"));
    }
    if let Some(t) = f.text.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("text ~ {t}"));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cursor: usize, top: usize) -> ListState {
        ListState { cursor, top }
    }

    #[test]
    fn the_report_as_read_shows_every_column_but_year_and_period_once() {
        let mut read = report_columns(false);
        assert_eq!(&read[..8], &[0, 1, 2, 7, 10, 13, 15, 18]);
        read.sort();
        let all: Vec<usize> = (0..crate::io::report::COLUMNS.len())
            .filter(|c| !matches!(c, 3 | 4))
            .collect();
        assert_eq!(read, all);
        // `c` keeps the selected column: Variance is the 5th scrolling column as read (after the
        // name, Revised budget, Actual to date, Forecast outturn), the 14th in the CSV's order.
        assert_eq!(report_col_of(15, false), 4);
        assert_eq!(report_col_of(15, true), 13);
        assert_eq!(report_column(report_col_of(15, true), true), 15);
    }

    #[test]
    fn moves_stay_within_the_list() {
        let mut l = at(2, 0);
        l.move_by(-5, 10);
        assert_eq!(l.cursor, 0);
        l.move_by(i64::MAX / 2, 10);
        assert_eq!(l.cursor, 9);
        l.move_by(1, 0);
        assert_eq!(l.cursor, 0);
    }

    #[test]
    fn a_reload_clamps_the_cursor_and_the_first_row_shown() {
        let mut l = at(9, 7);
        l.clamp(5);
        assert_eq!(l, at(4, 4));
        l.clamp(0);
        assert_eq!(l, at(0, 0));
    }

    #[test]
    fn following_scrolls_the_least_and_keeps_the_last_page_full() {
        let mut l = at(12, 0);
        l.follow(5, 100);
        assert_eq!(l.top, 8);
        l.cursor = 3;
        l.follow(5, 100);
        assert_eq!(l.top, 3);
        let mut end = at(99, 99);
        end.follow(5, 100);
        assert_eq!(end.top, 95);
    }

    #[test]
    fn the_window_centres_the_cursor() {
        assert_eq!(at(0, 0).window_start(100, 10), 0);
        assert_eq!(at(50, 0).window_start(100, 10), 45);
        assert_eq!(at(99, 0).window_start(100, 10), 90);
        assert_eq!(at(5, 0).window_start(8, 10), 0);
    }
}
