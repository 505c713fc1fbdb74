//! What the records keys (app_records.rs) keep besides the screens' own data: the
//! frameworks list of the Contracts screen, the allocations cursor of the Budget screen, and the
//! milestone or benefit selected in the phase view. A leaf, like [`super::state`].

use super::state::ListState;
use crate::domain::milestone::Milestone;
use crate::domain::model::Framework;

/// What the records keys keep besides the screens' own data.
#[derive(Debug, Clone, Default)]
pub struct RecordsView {
    /// The frameworks (loaded while the Contracts screen shows them).
    pub frameworks: Option<Vec<Framework>>,
    pub framework_list: ListState,
    /// The Contracts screen shows the frameworks instead of the contracts (`t`).
    pub frameworks_shown: bool,
    /// The Budget screen's cursor is on the allocations (`←`), not the changes (`→`).
    pub allocations_pane: bool,
    pub allocation_list: ListState,
    /// The selected milestone or benefit of the phase view: milestones first (in baseline
    /// order), then benefits.
    pub item: usize,
}

/// The phase's milestones in the order the timeline shows them (baseline, then name).
pub fn sorted_milestones(milestones: &[Milestone]) -> Vec<&Milestone> {
    let mut sorted: Vec<&Milestone> = milestones.iter().collect();
    sorted.sort_by_key(|m| (m.baseline, m.name.clone()));
    sorted
}
