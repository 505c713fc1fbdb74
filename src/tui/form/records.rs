//! The forms of the records figures rest on: add and edit a programme, phase, decision,
//! framework, contract, milestone or benefit (an edit pre-filled with the record as read, and
//! saved against the version read); complete a milestone; enter what a benefit realised. Each
//! validates with the command line's parsers; the store's own checks come back to the field that
//! holds the value ([`error_field`]).

use chrono::NaiveDate;

use super::records_typed::{extensions, months, targets};
use super::{Field, Form, FormKind};
use crate::domain::benefit::{Benefit, BenefitKind};
use crate::domain::calendar::{parse_date, uk_date};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::domain::model::{Contract, Decision, DeliveryStatus, Framework, Phase, Programme};
use crate::domain::{FinancialYear, Money, Period};
use crate::error::Field as ErrField;
use crate::tui::action::records::{
    BenefitValues, ContractValues, DecisionValues, FrameworkValues, MilestoneValues, PhaseValues,
    ProgrammeValues, RecordOp, Values,
};
use crate::tui::action::{Effect, WriteOp};

/// A record being edited: its id and the version it was read at.
pub type Read = Option<(i64, i64)>;

/// Which record form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordForm {
    Programme(Read),
    Phase(Read),
    Decision(Read),
    Framework(Read),
    /// Adding a contract (all its terms).
    AddContract,
    /// Editing contract `id` read at `version`: title, supplier, framework, award decision.
    EditContract {
        id: i64,
        version: i64,
    },
    Milestone(Read),
    Benefit(Read),
    /// Completing milestone `id` read at `version`.
    Complete {
        id: i64,
        version: i64,
    },
    /// What benefit `id` realised.
    Realise {
        id: i64,
    },
}

/// One field of a layout: its label, an example, and the option the store names it by.
type Slot = (&'static str, &'static str, &'static str);

const PROGRAMME: &[Slot] = &[
    ("Code", "WIR-SCP", "--code"),
    ("Name", "Schools capital programme", "--name"),
    ("Organisation", "Wirral Council", "--organisation"),
    ("Status", "planned, active, delivered or closed", "--status"),
];
const PHASE: &[Slot] = &[
    ("Programme", "WIR-SCP", "--programme"),
    ("Code", "DT1", "--code"),
    ("Name", "Design and tender", "--name"),
    ("Status", "planned, active, delivered or closed", "--status"),
    ("Officer (optional)", "J Smith", "--officer"),
];
const DECISION: &[Slot] = &[
    ("Reference", "WIR-CAB-2022-09-15-4", "--reference"),
    ("Programme (optional)", "WIR-SCP", "--programme"),
    ("Body", "Cabinet", "--body"),
    ("Date", "15/09/2022", "--date"),
    ("Item (optional)", "Item 4", "--item"),
    ("Key decision", "yes or no", "--key-decision"),
    ("Call-in", "yes or no", "--call-in"),
    ("Outcome", "approved", "--outcome"),
    ("Link (optional)", "https://…/minutes.pdf", "--link"),
    ("Summary", "Approved the phase 2 budget", "--summary"),
];
const FRAMEWORK: &[Slot] = &[
    ("Name", "YPO ICT", "--name"),
    ("Reference", "YPO-001", "--reference"),
    ("Planned end (optional)", "31/03/2026", "--planned-end"),
    ("Actual end (optional)", "31/03/2026", "--actual-end"),
];
const ADD_CONTRACT: &[Slot] = &[
    ("Reference", "WIR-MS-2022-001", "--reference"),
    ("Title", "Managed service", "--title"),
    ("Supplier", "Microsoft Limited", "--supplier"),
    ("Phase", "WIR-SCP/DT1", "--phase"),
    ("Framework (optional)", "YPO ICT", "--framework"),
    ("Value", "£1.2m", "--value"),
    ("Start", "01/09/2022", "--start"),
    ("Term (months)", "36", "--term"),
    ("Award decision (opt.)", "WIR-DOR-2022-08-26", "--decision"),
    (
        "Extensions (optional)",
        "12=£250k@31/03/2025; 12=£250k",
        "--extension",
    ),
];
const EDIT_CONTRACT: &[Slot] = &[
    ("Title", "Managed service", "--title"),
    ("Supplier", "Microsoft Limited", "--supplier"),
    ("Framework (optional)", "YPO ICT", "--framework"),
    ("Award decision (opt.)", "WIR-DOR-2022-08-26", "--decision"),
];
const MILESTONE: &[Slot] = &[
    ("Phase", "WIR-SCP/DT1", "--phase"),
    ("Name", "Contract award", "--name"),
    ("Baseline", "31/03/2023", "--baseline"),
    ("Forecast (optional)", "30/04/2023", "--forecast"),
    ("Status", "planned or in progress", "--status"),
];
const BENEFIT: &[Slot] = &[
    ("Programme", "WIR-SCP", "--programme"),
    ("Phase (optional)", "DT1", "--phase"),
    ("Description", "Lower energy bills", "--description"),
    ("Kind", "cashable, non-cashable or income", "--kind"),
    ("Owner", "Head of Estates", "--owner"),
    ("Targets", "2023-24=£250k; 2024-25=£500k", "--target"),
];
const COMPLETE: &[Slot] = &[("Actual date", "26/08/2022", "--actual")];
const REALISE: &[Slot] = &[
    ("Financial year", "2022-23", "--fy"),
    ("As at period", "P5", "--period"),
    ("Realised to date", "£120k", "--realised"),
    ("Further forecast", "£80k", "--forecast"),
];

fn layout(kind: RecordForm) -> &'static [Slot] {
    match kind {
        RecordForm::Programme(_) => PROGRAMME,
        RecordForm::Phase(_) => PHASE,
        RecordForm::Decision(_) => DECISION,
        RecordForm::Framework(_) => FRAMEWORK,
        RecordForm::AddContract => ADD_CONTRACT,
        RecordForm::EditContract { .. } => EDIT_CONTRACT,
        RecordForm::Milestone(_) => MILESTONE,
        RecordForm::Benefit(_) => BENEFIT,
        RecordForm::Complete { .. } => COMPLETE,
        RecordForm::Realise { .. } => REALISE,
    }
}

/// The form `kind` titled `title`, its fields filled with `values` in layout order.
fn build(kind: RecordForm, title: String, values: Vec<String>) -> Form {
    let fields = layout(kind)
        .iter()
        .zip(values.into_iter().chain(std::iter::repeat(String::new())))
        .map(|((label, hint, _), v)| Field::new(label, v, hint))
        .collect();
    Form::new(FormKind::Record(kind), title, fields)
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(uk_date).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// `N` (add, `p` None) or `e` on a programme row (edit `p`).
pub fn programme_form(p: Option<&Programme>) -> Form {
    match p {
        None => build(
            RecordForm::Programme(None),
            "Add a programme".into(),
            vec!["".into(), "".into(), "".into(), "active".into()],
        ),
        Some(p) => build(
            RecordForm::Programme(Some((p.id, p.version))),
            format!("Edit programme {}", p.code),
            vec![
                p.code.clone(),
                p.name.clone(),
                p.organisation.clone(),
                p.status.to_string(),
            ],
        ),
    }
}

/// `n` (add a phase to `programme`) or `e` on a phase row (edit `p`).
pub fn phase_form(programme: String, p: Option<&Phase>) -> Form {
    match p {
        None => build(
            RecordForm::Phase(None),
            "Add a phase".into(),
            vec![programme, "".into(), "".into(), "active".into()],
        ),
        Some(p) => build(
            RecordForm::Phase(Some((p.id, p.version))),
            format!("Edit phase {}/{}", p.programme_code, p.code),
            vec![
                p.programme_code.clone(),
                p.code.clone(),
                p.name.clone(),
                p.status.to_string(),
                p.officer.clone().unwrap_or_default(),
            ],
        ),
    }
}

/// `n` on Decisions (a decision dated `today`) or `e` (edit `d`).
pub fn decision_form(d: Option<&Decision>, today: NaiveDate) -> Form {
    match d {
        None => build(
            RecordForm::Decision(None),
            "Record a decision".into(),
            vec![
                "".into(),
                "".into(),
                "".into(),
                uk_date(today),
                "".into(),
                "no".into(),
                "no".into(),
                "approved".into(),
            ],
        ),
        Some(d) => build(
            RecordForm::Decision(Some((d.id, d.version))),
            format!("Edit decision {}", d.reference),
            vec![
                d.reference.clone(),
                d.programme_code.clone().unwrap_or_default(),
                d.body.clone(),
                uk_date(d.date),
                d.item.clone().unwrap_or_default(),
                yes_no(d.key_decision),
                yes_no(d.call_in),
                d.outcome.clone(),
                d.link.clone().unwrap_or_default(),
                d.summary.clone(),
            ],
        ),
    }
}

/// `n` on the frameworks list (add) or `e` (edit `f`).
pub fn framework_form(f: Option<&Framework>) -> Form {
    match f {
        None => build(
            RecordForm::Framework(None),
            "Add a framework".into(),
            vec![],
        ),
        Some(f) => build(
            RecordForm::Framework(Some((f.id, f.version))),
            format!("Edit framework {}", f.name),
            vec![
                f.name.clone(),
                f.reference.clone(),
                day(f.planned_end),
                day(f.actual_end),
            ],
        ),
    }
}

/// `n` on Contracts: a new contract starting `today` against `phase` (`PROG/PHASE` or empty).
pub fn add_contract_form(phase: String, today: NaiveDate) -> Form {
    build(
        RecordForm::AddContract,
        "Add a contract".into(),
        vec![
            "".into(),
            "".into(),
            "".into(),
            phase,
            "".into(),
            "".into(),
            uk_date(today),
        ],
    )
}

/// `E` on Contracts: what `contract edit` changes of `c`.
pub fn edit_contract_form(c: &Contract) -> Form {
    build(
        RecordForm::EditContract {
            id: c.id,
            version: c.version,
        },
        format!(
            "Edit contract {} ({}/{}, {})",
            c.reference,
            c.programme_code,
            c.phase_code,
            c.value.full()
        ),
        vec![
            c.title.clone(),
            c.supplier.clone(),
            c.framework.clone().unwrap_or_default(),
            c.award_decision_reference.clone().unwrap_or_default(),
        ],
    )
}

/// `m` in the phase view: a new milestone of `phase`; `E` on a milestone: edit `m`.
pub fn milestone_form(phase: String, m: Option<&Milestone>) -> Form {
    match m {
        None => build(
            RecordForm::Milestone(None),
            format!("Add a milestone to {phase}"),
            vec![phase, "".into(), "".into(), "".into(), "planned".into()],
        ),
        Some(m) => build(
            RecordForm::Milestone(Some((m.id, m.version))),
            format!("Edit milestone {} ({phase})", m.name),
            vec![
                phase,
                m.name.clone(),
                uk_date(m.baseline),
                day(m.forecast),
                m.status.as_str().into(),
            ],
        ),
    }
}

/// `b` in the phase view: a new benefit of `phase` (`PROG/PHASE`); `E` on a benefit: edit `b`.
pub fn benefit_form(phase: &str, b: Option<&Benefit>) -> Form {
    let (prog, code) = phase.split_once('/').unwrap_or((phase, ""));
    match b {
        None => build(
            RecordForm::Benefit(None),
            format!("Add a benefit to {phase}"),
            vec![prog.into(), code.into(), "".into(), "cashable".into()],
        ),
        Some(b) => build(
            RecordForm::Benefit(Some((b.id, b.version))),
            format!("Edit benefit {} ({})", b.id, b.programme_code),
            vec![
                b.programme_code.clone(),
                b.phase_code.clone().unwrap_or_default(),
                b.description.clone(),
                b.kind.as_str().into(),
                b.owner.clone(),
                b.targets_shown(),
            ],
        ),
    }
}

/// `c` on a milestone: complete `m` on `today` unless changed.
pub fn complete_form(m: &Milestone, today: NaiveDate) -> Form {
    build(
        RecordForm::Complete {
            id: m.id,
            version: m.version,
        },
        format!(
            "Complete milestone {} (baseline {})",
            m.name,
            uk_date(m.baseline)
        ),
        vec![uk_date(today)],
    )
}

/// `r` on a benefit: what `b` realised in `fy` to the end of `period`.
pub fn realise_form(b: &Benefit, fy: Option<FinancialYear>, period: Option<Period>) -> Form {
    build(
        RecordForm::Realise { id: b.id },
        format!(
            "Benefit {} realised (replaces an entry as at the same period)",
            b.id
        ),
        vec![
            super::label(fy),
            period.map(|p| p.label()).unwrap_or_default(),
            "".into(),
            "£0.00".into(),
        ],
    )
}

type Refusal = (usize, String);

/// Validates a record form into the write it asks for.
pub(super) fn effect(form: &Form, kind: RecordForm) -> Result<Effect, Refusal> {
    let v = |i: usize| form.value(i).to_string();
    let req = |i: usize| form.required(i);
    let err = |i: usize| move |e: String| (i, e);
    let date = |i: usize| parse_date(form.value(i)).map_err(|e| (i, e.to_string()));
    let opt_date = |i: usize| {
        if form.value(i).is_empty() {
            Ok(None)
        } else {
            date(i).map(Some)
        }
    };
    let money = |i: usize| Money::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let status = |i: usize| DeliveryStatus::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let yes = |i: usize| match form.value(i).to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" | "" => Ok(false),
        t => Err((i, format!("'{t}' is not yes or no"))),
    };
    // A field the edit cannot change (the record's place): typing over it is refused.
    let fixed = |i: usize, what: &str| {
        let f = form.fields.get(i);
        match f {
            Some(f) if f.value.text().trim() != f.initial.trim() => Err((
                i,
                format!(
                    "{what} cannot be changed here: it stays {}",
                    f.initial.trim()
                ),
            )),
            _ => Ok(()),
        }
    };
    let (read, values) = match kind {
        RecordForm::Programme(read) => (
            read,
            Values::Programme(ProgrammeValues {
                code: req(0)?,
                name: req(1)?,
                organisation: v(2),
                status: status(3)?,
            }),
        ),
        RecordForm::Phase(read) => {
            if read.is_some() {
                fixed(0, "the programme of a phase")?;
            }
            (
                read,
                Values::Phase(PhaseValues {
                    programme: req(0)?,
                    code: req(1)?,
                    name: req(2)?,
                    status: status(3)?,
                    officer: v(4),
                }),
            )
        }
        RecordForm::Decision(read) => {
            if read.is_some() {
                fixed(1, "the programme of a decision")?;
            }
            (
                read,
                Values::Decision(DecisionValues {
                    reference: req(0)?,
                    programme: v(1),
                    body: req(2)?,
                    date: date(3)?,
                    item: v(4),
                    key_decision: yes(5)?,
                    call_in: yes(6)?,
                    outcome: req(7)?,
                    link: v(8),
                    summary: v(9),
                }),
            )
        }
        RecordForm::Framework(read) => (
            read,
            Values::Framework(FrameworkValues {
                name: req(0)?,
                reference: v(1),
                planned_end: opt_date(2)?,
                actual_end: opt_date(3)?,
            }),
        ),
        RecordForm::AddContract => {
            let values = ContractValues {
                reference: req(0)?,
                title: v(1),
                supplier: req(2)?,
                phase: req(3)?,
                framework: v(4),
                value: money(5)?,
                start: date(6)?,
                term_months: months(form.value(7)).map_err(err(7))?,
                award_decision: v(8),
                extensions: extensions(form.value(9)).map_err(err(9))?,
                profile: Vec::new(),
            };
            (None, Values::Contract(values))
        }
        RecordForm::EditContract { id, version } => {
            let values = ContractValues {
                reference: form
                    .title
                    .strip_prefix("Edit contract ")
                    .and_then(|t| t.rsplit_once(" (").map(|(r, _)| r))
                    .unwrap_or_default()
                    .to_string(),
                title: v(0),
                supplier: req(1)?,
                phase: String::new(),
                framework: v(2),
                value: Money::ZERO,
                start: NaiveDate::MIN,
                term_months: 0,
                award_decision: v(3),
                extensions: Vec::new(),
                profile: Vec::new(),
            };
            (Some((id, version)), Values::Contract(values))
        }
        RecordForm::Milestone(read) => {
            if read.is_some() {
                fixed(0, "the phase of a milestone")?;
            }
            (
                read,
                Values::Milestone(MilestoneValues {
                    phase: req(0)?,
                    name: req(1)?,
                    baseline: date(2)?,
                    forecast: opt_date(3)?,
                    status: MilestoneStatus::parse(form.value(4))
                        .map_err(|e| (4, e.to_string()))?,
                }),
            )
        }
        RecordForm::Benefit(read) => {
            if read.is_some() {
                fixed(0, "the programme of a benefit")?;
            }
            (
                read,
                Values::Benefit(BenefitValues {
                    programme: req(0)?,
                    phase: v(1),
                    description: req(2)?,
                    kind: BenefitKind::parse(form.value(3)).map_err(|e| (3, e.to_string()))?,
                    owner: v(4),
                    targets: targets(form.value(5)).map_err(err(5))?,
                }),
            )
        }
        RecordForm::Complete { id, version } => {
            return Ok(write(RecordOp::CompleteMilestone {
                id,
                version,
                actual: date(0)?,
            }));
        }
        RecordForm::Realise { id } => {
            let fy = FinancialYear::parse(form.value(0)).map_err(|e| (0, e.to_string()))?;
            let as_at = Period::parse(form.value(1)).map_err(|e| (1, e.to_string()))?;
            let realised = money(2)?;
            let forecast = if form.value(3).is_empty() {
                Money::ZERO
            } else {
                money(3)?
            };
            return Ok(write(RecordOp::Realise {
                id,
                fy,
                as_at,
                realised,
                forecast,
            }));
        }
    };
    Ok(write(match read {
        None => RecordOp::Add(values),
        Some((id, version)) => RecordOp::Edit {
            id,
            version: Some(version),
            values,
        },
    }))
}

fn write(op: RecordOp) -> Effect {
    Effect::Write {
        op: WriteOp::Record(Box::new(op)),
        undoing: false,
    }
}

/// The field of the form that wrote `op` holding what a store error about `field` names (the
/// first field when none does).
pub fn error_field(op: &RecordOp, field: &ErrField) -> usize {
    let kind = match op {
        RecordOp::Add(v)
        | RecordOp::Edit { values: v, .. }
        | RecordOp::Delete { values: v, .. } => {
            let read = matches!(op, RecordOp::Edit { .. }).then_some((0, 0));
            match v {
                Values::Programme(_) => RecordForm::Programme(read),
                Values::Phase(_) => RecordForm::Phase(read),
                Values::Decision(_) => RecordForm::Decision(read),
                Values::Framework(_) => RecordForm::Framework(read),
                Values::Contract(_) if read.is_some() => {
                    RecordForm::EditContract { id: 0, version: 0 }
                }
                Values::Contract(_) => RecordForm::AddContract,
                Values::Milestone(_) => RecordForm::Milestone(read),
                Values::Benefit(_) => RecordForm::Benefit(read),
            }
        }
        RecordOp::CompleteMilestone { .. } => return 0,
        RecordOp::WithdrawBenefit { .. } => return 0,
        RecordOp::Realise { .. } => RecordForm::Realise { id: 0 },
    };
    let slots = layout(kind);
    let named = |opt: &str| ErrField::from(opt) == *field;
    slots
        .iter()
        .position(|(_, _, opt)| named(opt))
        .or_else(|| match field {
            // Extension values and due dates are in the extensions field.
            ErrField::Other(s) if s.starts_with("--extension") => {
                slots.iter().position(|(_, _, o)| *o == "--extension")
            }
            ErrField::Date | ErrField::Start => slots
                .iter()
                .position(|(l, _, _)| l.contains("Date") || l.contains("date") || *l == "Start"),
            _ => None,
        })
        .unwrap_or(0)
}

/// The question asked before a record write that cannot be undone here; None for the others.
pub fn question(op: &RecordOp) -> Option<String> {
    match op {
        RecordOp::WithdrawBenefit {
            id, description, ..
        } => Some(format!(
            "Withdraw benefit {id} ({description})? It is kept and audited but left out of lists and reports; this cannot be undone here. y/n"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_goes_to_the_field_that_holds_the_value() {
        let add = RecordOp::Add(Values::Framework(FrameworkValues {
            name: "X".into(),
            reference: String::new(),
            planned_end: None,
            actual_end: None,
        }));
        assert_eq!(error_field(&add, &ErrField::Name), 0);
        assert_eq!(error_field(&add, &ErrField::from("--actual-end")), 3);
        let realise = RecordOp::Realise {
            id: 1,
            fy: FinancialYear::new(2022).unwrap(),
            as_at: Period::new(5).unwrap(),
            realised: Money::ZERO,
            forecast: Money::ZERO,
        };
        assert_eq!(error_field(&realise, &ErrField::from("--forecast")), 3);
    }
}
