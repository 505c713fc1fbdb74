//! The forms: their fields, how each is filled in when it opens, and the validation that turns a
//! submitted form into an effect (with the same parsers as the command line). Nothing here
//! changes the app's state: `App::update` opens, edits and submits forms.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::action::{Effect, WriteOp};
pub use super::line_edit::{Edit, LineEdit};
use crate::domain::audit_words::AuditShown;

mod funding;
mod life;
pub mod records;
mod records_typed;
use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::model::{Actual, AllocationStatus, ChangeKind};
use crate::domain::{FinancialYear, Money, Period};
use crate::ops::types::{ActualEdit, ActualFilter};
pub use funding::{add_funding_form, edit_funding_form};
pub use life::{
    amend_change_form, approve_allocation_form, comment_form, decide_change_form, exercise_form,
    question, vary_contract_form, withdraw_allocation_form, withdraw_change_form,
    withdraw_forecast_form,
};

/// A form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    /// What is typed, with its cursor ([`LineEdit`]).
    pub value: LineEdit,
    /// The value the form opened with (a changed form asks before Esc discards it).
    pub initial: String,
    /// What is wrong with the value, shown under it; the value is kept.
    pub error: Option<String>,
    /// An example of what to type.
    pub hint: &'static str,
}

impl Field {
    fn new(label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
        let value: String = value.into();
        Field {
            label,
            initial: value.clone(),
            value: LineEdit::prefilled(value),
            error: None,
            hint,
        }
    }
}

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Filter,
    Export,
    Import,
    AddActual,
    /// Editing actual `id` as read at `version`.
    EditActual {
        id: i64,
        version: i64,
    },
    AddAllocation,
    Reprofile,
    Vire,
    /// A forecast outturn of a phase for a year as at a period.
    Forecast,
    /// Reopening a closed period (the reason is required).
    Reopen,
    /// Which audit events the Audit screen shows.
    AuditFilter,
    /// Approving a projected allocation.
    ApproveAllocation,
    /// Withdrawing a projected allocation as of `on`.
    WithdrawAllocation {
        on: NaiveDate,
    },
    /// Amending proposed change `id` as read at `version`.
    AmendChange {
        id: i64,
        version: i64,
    },
    /// Withdrawing proposed change `id` as read at `version`.
    WithdrawChange {
        id: i64,
        version: i64,
    },
    /// Approving (`approve`) or rejecting proposed change `id` as read at `version`.
    DecideChange {
        id: i64,
        version: i64,
        approve: bool,
    },
    /// Varying contract `id` as read at `version`, as of `on`.
    VaryContract {
        id: i64,
        version: i64,
        on: NaiveDate,
    },
    /// Exercising extension option `option_id` (read at `version`) of a contract.
    Exercise {
        option_id: i64,
        version: i64,
    },
    /// The variance comment of a phase for a year and period.
    Comment,
    /// Withdrawing the standing forecast of a phase for a year, as of `on`.
    WithdrawForecast {
        on: NaiveDate,
    },
    /// A programme, phase, decision, framework, contract, milestone or benefit ([`records`]).
    Record(records::RecordForm),
    /// Adding a funding line (Budget, Financing view).
    AddFunding,
    /// Editing funding line `id` (of `fy`) as read at `version`.
    EditFunding {
        id: i64,
        version: i64,
        fy: FinancialYear,
    },
}

/// An add/edit form with inline validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    /// A form with the focus on its first field.
    fn new(kind: FormKind, title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            title: title.into(),
            fields,
            focus: 0,
        }
    }

    fn value(&self, i: usize) -> &str {
        self.fields
            .get(i)
            .map(|f| f.value.text().trim())
            .unwrap_or("")
    }

    /// The value of field `i`, refused when it is empty.
    fn required(&self, i: usize) -> Result<String, (usize, String)> {
        let v = self.value(i);
        if v.is_empty() {
            let label = self.fields.get(i).map_or("", |f| f.label);
            Err((i, format!("{} is required", label.to_lowercase())))
        } else {
            Ok(v.to_string())
        }
    }

    /// Types a character into the focused field (clearing its error).
    pub fn type_char(&mut self, c: char) {
        self.edit(Edit::Insert(c));
    }

    /// Edits the focused field (clearing its error).
    pub fn edit(&mut self, e: Edit) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.value.apply(e);
            field.error = None;
        }
    }

    /// True when any field differs from what the form opened with.
    pub fn changed(&self) -> bool {
        self.fields.iter().any(|f| f.value.text() != f.initial)
    }

    /// Moves the focus to the next field (wrapping).
    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    /// Moves the focus to the previous field (wrapping).
    pub fn prev_field(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// Shows why field `field` (the last, when beyond it) was refused, and focuses it.
    pub fn refuse(&mut self, field: usize, message: String) {
        let i = field.min(self.fields.len().saturating_sub(1));
        if let Some(f) = self.fields.get_mut(i) {
            f.error = Some(message);
        }
        self.focus = i;
    }
}

/// The actuals filter, filled in with the filter in force (`phase` as `PROG/PHASE`).
pub fn filter_form(filter: &ActualFilter, phase: String, contract: String) -> Form {
    Form::new(
        FormKind::Filter,
        "Filter actuals (empty = any)",
        vec![
            Field::new(
                "Financial year",
                filter.fy.map(|y| y.label()).unwrap_or_default(),
                "2022-23",
            ),
            Field::new("Period", period_text(filter), "P5, or P1-P5"),
            Field::new("Phase", phase, "WIR-SCP/DT1 or DT1"),
            Field::new("Contract", contract, "WIR-MS-2022-001"),
            Field::new(
                "Supplier contains",
                filter.supplier.clone().unwrap_or_default(),
                "Microsoft",
            ),
            Field::new(
                "Description or reference contains",
                filter.text.clone().unwrap_or_default(),
                "INV-0001",
            ),
        ],
    )
}

/// The Audit screen's filter, filled in with the filter in force.
pub fn audit_filter_form(shown: &AuditShown) -> Form {
    let day = |d: Option<NaiveDate>| d.map(uk_date).unwrap_or_default();
    Form::new(
        FormKind::AuditFilter,
        "Filter the audit trail (empty = any)",
        vec![
            Field::new(
                "Record kind",
                shown
                    .kind
                    .as_deref()
                    .map(crate::domain::audit_words::kind_word)
                    .unwrap_or_default(),
                "budget change, actual, contract",
            ),
            Field::new(
                "User contains",
                shown.user.clone().unwrap_or_default(),
                "jsmith",
            ),
            Field::new("From date", day(shown.from), "01/08/2022"),
            Field::new("To date", day(shown.to), "31/08/2022"),
        ],
    )
}

/// The filter's period as typed: `P5`, or a range `P1-P5`.
fn period_text(f: &ActualFilter) -> String {
    match (f.period, f.to_period) {
        (first, Some(last)) => format!(
            "{}-{}",
            first.unwrap_or(Period::FIRST).label(),
            last.label()
        ),
        (Some(p), None) => p.label(),
        (None, None) => String::new(),
    }
}

/// Reads `P5` (one period) or `P1-P5` (a range, the second not before the first).
fn parse_periods(text: &str) -> Result<(Period, Option<Period>), String> {
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (
                Period::parse(a.trim()).map_err(|e| e.to_string())?,
                Period::parse(b.trim()).map_err(|e| e.to_string())?,
            );
            if b < a {
                return Err(format!(
                    "'{text}': the range ends before it starts: write it as {}-{}",
                    b.label(),
                    a.label()
                ));
            }
            Ok((a, Some(b)))
        }
        None => Ok((Period::parse(text).map_err(|e| e.to_string())?, None)),
    }
}

/// A path as typed: surrounding quotes (as a file manager pastes them) removed, and a leading
/// `~` or `~/` read as the home folder.
pub fn typed_path(text: &str) -> PathBuf {
    let t = text.trim();
    let t = ['"', '\'']
        .iter()
        .find_map(|q| t.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
        .unwrap_or(t);
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (t, home) {
        ("~", Some(h)) => PathBuf::from(h),
        (t, Some(h)) if t.starts_with("~/") => PathBuf::from(h).join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

/// The forecast outturn of `phase` (`PROG/PHASE`) for `fy` as at `period`, pre-filled with the
/// forecast shown (`amount`, empty when there is none).
pub fn forecast_form(
    phase: String,
    fy: Option<FinancialYear>,
    period: Option<Period>,
    amount: String,
) -> Form {
    Form::new(
        FormKind::Forecast,
        "Enter a forecast outturn (replaces one as at the same period)",
        vec![
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Financial year", label(fy), "2022-23"),
            Field::new(
                "As at period",
                period.map(|p| p.label()).unwrap_or_default(),
                "P5",
            ),
            Field::new("Forecast outturn", amount, "£1,250,000.00"),
            Field::new("Note (optional)", "", "Revised after the tender"),
        ],
    )
}

/// Reopening `fy` `period` (and any later closed period), with the reason for the audit log.
pub fn reopen_form(fy: FinancialYear, period: Period) -> Form {
    Form::new(
        FormKind::Reopen,
        format!(
            "Reopen {} {} (and any later closed period)",
            fy.label(),
            period.label()
        ),
        vec![
            Field::new("Financial year", fy.label(), "2022-23"),
            Field::new("Period", period.label(), "P5"),
            Field::new("Reason", "", "late credit note from supplier"),
        ],
    )
}

/// The report export, writing to `path` unless changed.
pub fn export_form(path: String) -> Form {
    Form::new(
        FormKind::Export,
        "Export the monitoring report as CSV, or the committee pack as .xlsx",
        vec![Field::new("Write to", path, "outturn-2022-23-P5.csv")],
    )
}

/// Exporting a list as CSV (`what`: "the actuals shown"), writing to `path` unless changed.
pub fn export_list_form(what: &str, path: String) -> Form {
    Form::new(
        FormKind::Export,
        format!("Export {what} as CSV"),
        vec![Field::new("Write to", path, "outturn-actuals-2022-23.csv")],
    )
}

/// A ledger extract's import: the file, and the saved import profile to read it with (Tab in
/// that field offers the saved profiles in turn).
pub fn import_form() -> Form {
    Form::new(
        FormKind::Import,
        "Import actuals from a ledger CSV or Excel workbook",
        vec![
            Field::new("CSV or .xlsx file", "", "ledger-2022-08.csv"),
            Field::new(
                "Profile (optional)",
                "",
                "Tab offers the saved profiles, e.g. unit4",
            ),
        ],
    )
}

/// The field of the import form that names the profile.
pub const IMPORT_PROFILE_FIELD: usize = 1;

/// The saved profile Tab offers after `typed` in the import form: the next name after it when it
/// is one (back to the first after the last), else the first that starts with it (or the first
/// of all when nothing is typed). None when no profile is saved or none fits.
pub fn next_profile(names: &[String], typed: &str) -> Option<String> {
    let typed = typed.trim();
    if let Some(i) = names.iter().position(|n| n == typed) {
        return names.get((i + 1) % names.len()).cloned();
    }
    names
        .iter()
        .find(|n| n.to_lowercase().starts_with(&typed.to_lowercase()))
        .cloned()
}

/// A new actual dated `today`, against `phase` (`PROG/PHASE`, or empty).
pub fn add_actual_form(today: NaiveDate, phase: String) -> Form {
    Form::new(
        FormKind::AddActual,
        "Add an actual",
        vec![
            Field::new("Date", uk_date(today), "26/08/2022"),
            Field::new("Phase", phase, "WIR-SCP/DT1"),
            Field::new("Contract (optional)", "", "WIR-MS-2022-001"),
            Field::new("Supplier", "", "Microsoft Limited"),
            Field::new("Description", "", "Call-off services"),
            Field::new("Reference", "", "INV-0004"),
            Field::new("Amount", "", "£12,500.00 or (12.50) for a credit"),
        ],
    )
}

/// A new allocation starting in the selected year `fy`.
pub fn add_allocation_form(fy: Option<FinancialYear>) -> Form {
    Form::new(
        FormKind::AddAllocation,
        "Add an allocation",
        vec![
            Field::new("Phase", "", "WIR-SCP/DT1"),
            Field::new("First year", label(fy), "2022-23"),
            Field::new("Last year (optional)", "", "2023-24"),
            Field::new("Amount", "", "£3.0m"),
            Field::new("Status", "approved", "approved, projected or withdrawn"),
            Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26"),
        ],
    )
}

/// A proposed reprofile from the selected year `fy` to the next, effective `today`.
pub fn reprofile_form(fy: Option<FinancialYear>, today: NaiveDate) -> Form {
    Form::new(
        FormKind::Reprofile,
        "Reprofile between years (proposed; approve with a)",
        vec![
            Field::new("Phase", "", "WIR-SCP/DT1"),
            Field::new("From year", label(fy), "2022-23"),
            Field::new("To year", label(fy.map(FinancialYear::next)), "2023-24"),
            Field::new("Amount", "", "£250k"),
            Field::new("Effective date", uk_date(today), "26/08/2022"),
            Field::new("Reason", "", "Slippage into next year"),
        ],
    )
}

/// A proposed virement between phases in the selected year `fy`, effective `today`.
pub fn vire_form(fy: Option<FinancialYear>, today: NaiveDate) -> Form {
    Form::new(
        FormKind::Vire,
        "Vire between phases (proposed; approve with a)",
        vec![
            Field::new("From phase", "", "WOL-DTP/ICT"),
            Field::new("To phase", "", "WOL-DTP/P2"),
            Field::new("Year", label(fy), "2022-23"),
            Field::new("Amount", "", "£250k"),
            Field::new("Effective date", uk_date(today), "26/08/2022"),
            Field::new("Reason", "", "Cover the overspend"),
        ],
    )
}

/// A year's label, or empty when there is none yet.
fn label(fy: Option<FinancialYear>) -> String {
    fy.map(|f| f.label()).unwrap_or_default()
}

/// The edit form for an actual, filled in with its values as read (phase and contract are shown
/// in the title: they are not edited here).
pub fn edit_actual_form(a: &Actual) -> Form {
    let contract = a
        .contract_reference
        .as_deref()
        .map(|c| format!(", contract {c}"))
        .unwrap_or_default();
    Form::new(
        FormKind::EditActual {
            id: a.id,
            version: a.version,
        },
        format!(
            "Edit actual {} ({}/{}{contract})",
            a.reference, a.programme_code, a.phase_code
        ),
        vec![
            Field::new("Date", uk_date(a.date), "26/08/2022"),
            Field::new("Supplier", a.supplier.clone(), "Microsoft Limited"),
            Field::new("Description", a.description.clone(), "Call-off services"),
            Field::new("Reference", a.reference.clone(), "INV-0004"),
            Field::new(
                "Amount",
                a.amount.full(),
                "£12,500.00 or (12.50) for a credit",
            ),
        ],
    )
}

/// Validates a form with the same parsers as the command line; the error names the field. An
/// export writes the report for `fy` and `period`, the ones shown.
pub fn form_effect(
    form: &Form,
    fy: Option<FinancialYear>,
    period: Option<Period>,
) -> Result<Effect, (usize, String)> {
    let v = |i: usize| form.value(i).to_string();
    let shown = (fy, period);
    let fy = |i: usize| FinancialYear::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let money = |i: usize| Money::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let date = |i: usize| parse_date(form.value(i)).map_err(|e| (i, e.to_string()));
    let required = |i: usize| form.required(i);
    let opt = |i: usize| Some(v(i)).filter(|s| !s.is_empty());
    if let Some(out) = life::effect(form) {
        return out;
    }
    if let FormKind::Record(kind) = form.kind {
        return records::effect(form, kind);
    }
    if let Some(out) = funding::effect(form) {
        return out;
    }
    match form.kind {
        FormKind::Filter => {
            let (period, to_period) = if form.value(1).is_empty() {
                (None, None)
            } else {
                if form.value(0).is_empty() {
                    return Err((
                        1,
                        "a period needs a financial year: fill in the year".into(),
                    ));
                }
                let (p, to) = parse_periods(form.value(1)).map_err(|e| (1, e))?;
                (Some(p), to)
            };
            Ok(Effect::ApplyFilter {
                fy: if form.value(0).is_empty() {
                    None
                } else {
                    Some(fy(0)?)
                },
                period,
                to_period,
                phase: v(2),
                contract: v(3),
                supplier: v(4),
                text: v(5),
                // The app puts the order in force in (see `App::complete_export`).
                sort: Default::default(),
            })
        }
        FormKind::Forecast => {
            let phase = required(0)?;
            let year = fy(1)?;
            let as_at = Period::parse(form.value(2)).map_err(|e| (2, e.to_string()))?;
            let amount = money(3)?;
            Ok(Effect::Write {
                op: WriteOp::SetForecast {
                    phase,
                    fy: year,
                    as_at,
                    amount,
                    note: v(4),
                },
                undoing: false,
            })
        }
        FormKind::AuditFilter => {
            let day = |i: usize| {
                if form.value(i).is_empty() {
                    Ok(None)
                } else {
                    date(i).map(Some)
                }
            };
            let (from, to) = (day(2)?, day(3)?);
            if let (Some(f), Some(t)) = (from, to)
                && t < f
            {
                return Err((
                    3,
                    format!("the to date {} is before the from date", uk_date(t)),
                ));
            }
            // A kind of record as the audit log names it ("change" is a budget change): anything
            // else is refused, naming the kinds, rather than shown as no events.
            let kind = match opt(0) {
                None => None,
                Some(t) => Some(
                    crate::ops::audit::kind_named(&t)
                        .or_else(|| crate::ops::audit::kind_named(&t.trim().replace(' ', "_")))
                        .ok_or_else(|| {
                            (
                                0,
                                format!(
                                    "'{t}' is not a kind of record; use one of {}",
                                    crate::ops::audit::kind_words().join(", ")
                                ),
                            )
                        })?
                        .to_string(),
                ),
            };
            Ok(Effect::LoadAudit {
                shown: AuditShown {
                    kind,
                    user: opt(1),
                    from,
                    to,
                },
            })
        }
        FormKind::Reopen => {
            let year = fy(0)?;
            let period = Period::parse(form.value(1)).map_err(|e| (1, e.to_string()))?;
            let reason = required(2)?;
            Ok(Effect::Write {
                op: WriteOp::ReopenPeriod {
                    fy: year,
                    period,
                    reason,
                },
                undoing: false,
            })
        }
        FormKind::Export => {
            let path = typed_path(&required(0)?);
            let (Some(fy), Some(period)) = shown else {
                return Err((0, "no report is loaded yet".into()));
            };
            // The report shown; on another list the app puts what it shows in instead.
            Ok(Effect::Export {
                path,
                what: super::action::ExportWhat::Report {
                    fy,
                    period,
                    sort: None,
                },
                replace: false,
            })
        }
        FormKind::Import => Ok(Effect::Import {
            path: typed_path(&required(0)?),
            profile: opt(IMPORT_PROFILE_FIELD),
        }),
        FormKind::AddActual => {
            let date = date(0)?;
            let phase = required(1)?;
            let supplier = required(3)?;
            let amount = money(6)?;
            Ok(Effect::Write {
                op: WriteOp::AddActual {
                    phase,
                    contract: opt(2),
                    date,
                    supplier,
                    description: v(4),
                    reference: v(5),
                    amount,
                },
                undoing: false,
            })
        }
        FormKind::EditActual { id, version } => {
            // The same checks as adding: a real date, a supplier, an exact amount.
            let date = date(0)?;
            let supplier = required(1)?;
            let amount = money(4)?;
            Ok(Effect::Write {
                op: WriteOp::EditActual {
                    id,
                    version,
                    edit: ActualEdit {
                        amount: Some(amount),
                        date: Some(date),
                        supplier: Some(supplier),
                        description: Some(v(2)),
                        reference: Some(v(3)),
                    },
                },
                undoing: false,
            })
        }
        FormKind::AddAllocation => {
            let phase = required(0)?;
            let first_fy = fy(1)?;
            let last_fy = if form.value(2).is_empty() {
                first_fy
            } else {
                fy(2)?
            };
            if last_fy < first_fy {
                return Err((
                    2,
                    format!(
                        "'{}' is before the first year {}",
                        form.value(2),
                        first_fy.label()
                    ),
                ));
            }
            let amount = money(3)?;
            let status = AllocationStatus::parse(form.value(4)).map_err(|e| (4, e.to_string()))?;
            Ok(Effect::Write {
                op: WriteOp::AddAllocation {
                    phase,
                    first_fy,
                    last_fy,
                    amount,
                    status,
                    decision: opt(5),
                },
                undoing: false,
            })
        }
        FormKind::Reprofile => {
            let phase = required(0)?;
            let from_fy = fy(1)?;
            let to_fy = fy(2)?;
            if from_fy == to_fy {
                return Err((2, "a reprofile moves money to a different year".into()));
            }
            let amount = money(3)?;
            let effective = date(4)?;
            Ok(Effect::Write {
                op: WriteOp::AddChange {
                    kind: ChangeKind::Reprofile,
                    from_phase: phase.clone(),
                    to_phase: phase,
                    from_fy,
                    to_fy,
                    amount,
                    effective,
                    reason: v(5),
                },
                undoing: false,
            })
        }
        FormKind::Vire => {
            let from_phase = required(0)?;
            let to_phase = required(1)?;
            let year = fy(2)?;
            let amount = money(3)?;
            let effective = date(4)?;
            Ok(Effect::Write {
                op: WriteOp::AddChange {
                    kind: ChangeKind::Virement,
                    from_phase,
                    to_phase,
                    from_fy: year,
                    to_fy: year,
                    amount,
                    effective,
                    reason: v(5),
                },
                undoing: false,
            })
        }
        FormKind::ApproveAllocation
        | FormKind::WithdrawAllocation { .. }
        | FormKind::AmendChange { .. }
        | FormKind::WithdrawChange { .. }
        | FormKind::DecideChange { .. }
        | FormKind::VaryContract { .. }
        | FormKind::Exercise { .. }
        | FormKind::Comment
        | FormKind::WithdrawForecast { .. }
        | FormKind::Record(_)
        | FormKind::AddFunding
        | FormKind::EditFunding { .. } => Err((0, "not a form of this kind".into())),
    }
}
