//! The six-monthly progress report written out: the CSV (one header row, a `Section` column, the
//! columns each section uses filled and the rest empty) and one self-contained HTML document that
//! prints on A4 (CSS `@page`, no scripts, no external assets). Every text that comes from the
//! database goes through [`escape_html`], the one escaping function, so it cannot inject markup.

use std::fmt::Write as _;
use std::io::Write;

use chrono::NaiveDate;

use crate::domain::Money;
use crate::domain::calendar::uk_date;
use crate::domain::progress::ProgressReport;
use crate::domain::report::RowKind;
use crate::io::table::{Cell, Table};

/// The CSV header, in order.
pub const COLUMNS: [&str; 24] = [
    "Section",
    "Programme",
    "Half",
    "Phase",
    "Phase name",
    "Item",
    "Kind",
    "Owner",
    "Revised budget",
    "Actual in half",
    "Actual to date",
    "Forecast outturn",
    "Target",
    "Realised to date",
    "Further forecast",
    "Variance",
    "Baseline date",
    "Forecast date",
    "Actual date",
    "Slippage days",
    "Outcome",
    "Period",
    "Commentary",
    "RAG",
];

/// Escapes `&`, `<`, `>`, `"` and `'` so text is shown as text in HTML, in an element or an
/// attribute.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A row of empty cells, to fill by column name.
struct Line(Vec<Cell>);

impl Line {
    fn new(section: &str, r: &ProgressReport) -> Line {
        let mut l = Line(vec![Cell::Text(String::new()); COLUMNS.len()]);
        l.text("Section", section);
        l.text("Programme", &r.programme_code);
        l.text("Half", &r.half.label());
        l
    }

    fn at(&mut self, column: &str) -> Option<&mut Cell> {
        let i = COLUMNS.iter().position(|c| *c == column)?;
        self.0.get_mut(i)
    }

    fn text(&mut self, column: &str, s: &str) {
        if let Some(c) = self.at(column) {
            *c = Cell::Text(s.to_string());
        }
    }

    fn num(&mut self, column: &str, s: String) {
        if let Some(c) = self.at(column) {
            *c = Cell::Num(s);
        }
    }

    fn money(&mut self, column: &str, m: Money) {
        self.num(column, m.plain());
    }

    fn date(&mut self, column: &str, d: Option<NaiveDate>) {
        if let Some(d) = d {
            self.num(column, d.format("%Y-%m-%d").to_string());
        }
    }
}

fn spend_phase_label(kind: RowKind, code: &str) -> &str {
    if kind == RowKind::Phase {
        code
    } else {
        "Programme total"
    }
}

/// The report as one table, sections in order: Spend, Milestone, Benefit, Commentary.
pub fn progress_table(r: &ProgressReport) -> Table {
    let mut t = Table::new(&COLUMNS);
    for s in &r.spend {
        let mut l = Line::new("Spend", r);
        l.text("Phase", spend_phase_label(s.kind, &s.phase_code));
        l.text("Phase name", &s.phase_name);
        l.money("Revised budget", s.revised);
        l.money("Actual in half", s.actual_in_half);
        l.money("Actual to date", s.actual_to_date);
        l.money("Forecast outturn", s.forecast);
        l.money("Variance", s.variance);
        l.text("RAG", s.rag.label());
        t.push(l.0);
    }
    for m in &r.milestones {
        let ms = &m.milestone;
        let mut l = Line::new("Milestone", r);
        l.text("Phase", &ms.phase_code);
        l.text("Phase name", &ms.phase_name);
        l.text("Item", &ms.name);
        l.date("Baseline date", Some(ms.baseline));
        l.date("Forecast date", ms.forecast);
        l.date("Actual date", ms.actual);
        l.num("Slippage days", m.slippage_days.to_string());
        l.text("Outcome", m.outcome.label());
        l.text("RAG", m.rag.label());
        t.push(l.0);
    }
    for b in &r.benefits {
        let mut l = Line::new("Benefit", r);
        l.text("Phase", b.benefit.phase_code.as_deref().unwrap_or(""));
        l.text("Item", &b.benefit.description);
        l.text("Kind", b.benefit.kind.as_str());
        l.text("Owner", &b.benefit.owner);
        l.money("Target", b.target);
        l.money("Realised to date", b.realised);
        l.money("Further forecast", b.forecast);
        l.money("Variance", b.variance);
        l.text("Period", &b.entered.map(|p| p.label()).unwrap_or_default());
        l.text("RAG", b.rag.label());
        t.push(l.0);
    }
    for c in &r.comments {
        let mut l = Line::new("Commentary", r);
        l.text("Phase", &c.phase_code);
        l.text("Period", &c.period.label());
        l.text("Commentary", &c.text);
        t.push(l.0);
    }
    t
}

/// Writes the CSV.
pub fn write_progress_csv(r: &ProgressReport, out: &mut dyn Write) -> csv::Result<()> {
    progress_table(r).write_csv(out)
}

const CSS: &str = "@page { size: A4; margin: 15mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 15pt; margin: 0 0 2mm 0; }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; page-break-after: avoid; }
p { margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #555; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
td.Red { background: #f4c7c3; } td.Amber { background: #fce8b2; } td.Green { background: #b7e1cd; }
";

/// One HTML table: headers, then rows of (cell text already escaped, numeric?).
fn html_table(out: &mut String, headers: &[&str], rows: &[(bool, Vec<(String, &str)>)]) {
    out.push_str("<table>\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", escape_html(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (total, cells) in rows {
        out.push_str(if *total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (text, class) in cells {
            if class.is_empty() {
                let _ = write!(out, "<td>{text}</td>");
            } else {
                let _ = write!(out, "<td class=\"{class}\">{text}</td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn t(s: &str) -> (String, &'static str) {
    (escape_html(s), "")
}

fn n(s: String) -> (String, &'static str) {
    (escape_html(&s), "n")
}

fn rag(r: crate::domain::report::Rag) -> (String, &'static str) {
    (r.label().to_string(), r.label())
}

fn opt_date(d: Option<NaiveDate>) -> (String, &'static str) {
    n(d.map(uk_date).unwrap_or_default())
}

/// The report as one self-contained HTML document for A4.
pub fn progress_html(r: &ProgressReport) -> String {
    let mut o = String::new();
    let title = format!(
        "{} {}: progress report {}",
        r.programme_code,
        r.programme_name,
        r.half.label()
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape_html(&title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", escape_html(&title));
    let _ = writeln!(
        o,
        "<p>{}. Six-monthly progress report for Scrutiny: {} to {} ({} to {} of {}).</p>",
        escape_html(&r.organisation),
        uk_date(r.half.start()),
        uk_date(r.half.end()),
        r.half.first_period().label(),
        r.half.last_period().label(),
        r.half.fy.label()
    );

    o.push_str("<h2>Spend against budget</h2>\n");
    let _ = writeln!(
        o,
        "<p>Actual in half: actuals dated {} to {}. Revised budget, actual to date, forecast outturn, variance and RAG: the monitoring report for {} as at {}.</p>",
        uk_date(r.half.start()),
        uk_date(r.half.end()),
        r.half.fy.label(),
        r.half.last_period().label()
    );
    let rows: Vec<(bool, Vec<(String, &str)>)> = r
        .spend
        .iter()
        .map(|s| {
            (
                s.kind != RowKind::Phase,
                vec![
                    t(spend_phase_label(s.kind, &s.phase_code)),
                    t(&s.phase_name),
                    n(s.revised.bracketed()),
                    n(s.actual_in_half.bracketed()),
                    n(s.actual_to_date.bracketed()),
                    n(s.forecast.bracketed()),
                    n(s.variance.bracketed()),
                    rag(s.rag),
                ],
            )
        })
        .collect();
    html_table(
        &mut o,
        &[
            "Phase",
            "Phase name",
            "Revised budget",
            "Actual in half",
            "Actual to date",
            "Forecast outturn",
            "Variance",
            "RAG",
        ],
        &rows,
    );

    o.push_str("<h2>Milestones</h2>\n");
    let _ = writeln!(
        o,
        "<p>Due in the half: {}. Met on or before baseline: {}. Slipped: {}.</p>",
        r.due, r.met, r.slipped
    );
    if r.milestones.is_empty() {
        o.push_str("<p>No milestones fell in this half.</p>\n");
    } else {
        let rows: Vec<(bool, Vec<(String, &str)>)> = r
            .milestones
            .iter()
            .map(|m| {
                let ms = &m.milestone;
                (
                    false,
                    vec![
                        t(&ms.phase_code),
                        t(&ms.name),
                        opt_date(Some(ms.baseline)),
                        opt_date(ms.forecast),
                        opt_date(ms.actual),
                        n(m.slippage_days.to_string()),
                        t(m.outcome.label()),
                        rag(m.rag),
                    ],
                )
            })
            .collect();
        html_table(
            &mut o,
            &[
                "Phase",
                "Milestone",
                "Baseline",
                "Forecast",
                "Actual",
                "Slippage (days)",
                "Outcome",
                "RAG",
            ],
            &rows,
        );
    }

    o.push_str("<h2>Benefits</h2>\n");
    if r.benefits.is_empty() {
        o.push_str("<p>No benefits are recorded for this programme.</p>\n");
    } else {
        let _ = writeln!(
            o,
            "<p>Target for {} against realised to date and the further forecast, as entered at or before {}.</p>",
            r.half.fy.label(),
            r.half.last_period().label()
        );
        let rows: Vec<(bool, Vec<(String, &str)>)> = r
            .benefits
            .iter()
            .map(|b| {
                (
                    false,
                    vec![
                        t(&b.benefit.description),
                        t(b.benefit.phase_code.as_deref().unwrap_or("")),
                        t(b.benefit.kind.as_str()),
                        t(&b.benefit.owner),
                        n(b.target.bracketed()),
                        n(b.realised.bracketed()),
                        n(b.forecast.bracketed()),
                        n(b.variance.bracketed()),
                        t(&b.entered.map(|p| p.label()).unwrap_or_default()),
                        rag(b.rag),
                    ],
                )
            })
            .collect();
        html_table(
            &mut o,
            &[
                "Benefit",
                "Phase",
                "Kind",
                "Owner",
                "Target",
                "Realised to date",
                "Further forecast",
                "Variance",
                "As at",
                "RAG",
            ],
            &rows,
        );
    }

    o.push_str("<h2>Variance commentary</h2>\n");
    if r.comments.is_empty() {
        o.push_str("<p>No commentary was entered for this half's periods.</p>\n");
    } else {
        let rows: Vec<(bool, Vec<(String, &str)>)> = r
            .comments
            .iter()
            .map(|c| {
                (
                    false,
                    vec![t(&c.phase_code), t(&c.period.label()), t(&c.text)],
                )
            })
            .collect();
        html_table(&mut o, &["Phase", "Period", "Commentary"], &rows);
    }
    o.push_str("</body>\n</html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_turns_markup_into_text() {
        assert_eq!(
            escape_html("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            escape_html("Fish & \"chips\""),
            "Fish &amp; &quot;chips&quot;"
        );
        // Already-escaped text is escaped again (shown as typed), never passed through.
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert_eq!(escape_html("£250k saving"), "£250k saving");
    }
}
