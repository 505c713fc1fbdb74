//! The movement view's data (`M` on the Report screen): the bridge of the revised budget from an
//! earlier report of the year to the period shown, per phase and in total, by cause, as
//! `outturn report movement` computes it. A leaf like [`super::state`]: view data only; it is
//! loaded by an effect (`ops::movement::bridge`) and drawn by `ui::movement`.

use super::state::ListState;
use crate::domain::Period;

/// A loaded bridge: what `ops::movement::bridge` reads.
pub use crate::ops::movement::Movement as MovementData;

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
