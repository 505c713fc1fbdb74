//! The movement view's data (`M` on the Report screen): the bridge of the revised budget from an
//! earlier report of the year to the period shown, per phase and in total, by cause, as
//! `outturn report movement` computes it. A leaf like [`super::state`]: view data only; it is
//! loaded by an effect (`effects_movement`) and drawn by `ui::movement`.

use super::state::ListState;
use crate::domain::movement::MovementRow;
use crate::domain::{FinancialYear, Period};

/// A loaded bridge.
#[derive(Debug, Clone, PartialEq)]
pub struct MovementData {
    pub fy: FinancialYear,
    /// The later report: the period shown.
    pub to: Period,
    /// The earlier report; None when there is no period before `to` in the year (P1).
    pub from: Option<Period>,
    /// `P4 (snapshot of …)` or `P4 (live)`, as `report movement` says it.
    pub from_basis: String,
    pub to_basis: String,
    /// The phase rows, a `Programme total` after each programme and the `Grand total`
    /// (`store::cabinet::movement`).
    pub rows: Vec<MovementRow>,
}

/// The movement view over the Report screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MovementView {
    /// The earlier period the officer chose with `[` `]`; None: the last report (the latest
    /// closed period of the year before the period shown, else the period before it).
    pub chosen: Option<Period>,
    /// The bridge, once loaded.
    pub data: Option<MovementData>,
    /// The selected row.
    pub list: ListState,
    /// The first cause column shown after the codes (← → scroll).
    pub col: usize,
}

impl MovementView {
    /// The earlier period to ask for when the period shown is `to`: the officer's choice while
    /// it is before `to`, else the default (None).
    pub fn from_for(&self, to: Period) -> Option<Period> {
        self.chosen.filter(|p| *p < to)
    }

    /// The period one step earlier (`later` false) or later than the one in force, kept before
    /// `to`; None when it would leave P1..`to`-1.
    pub fn step(&self, to: Period, later: bool) -> Option<Period> {
        let now = self.data.as_ref().and_then(|d| d.from)?;
        let next = if later { now.next() } else { now.prev() }?;
        (next < to).then_some(next)
    }
}
