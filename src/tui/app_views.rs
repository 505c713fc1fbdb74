//! Which view of its screen the app shows, for the keymap: the Budget screen's Financing view
//! (`$`), the Contracts screen's frameworks (`t`), the phase view on the Phases screen (Enter
//! on a phase) and the movement view over the Report screen (`M`). Bindings scoped to a view
//! work, and are shown in the footer and help, only there.

use super::action::{Context, Screen, View};
use super::app::App;

impl App {
    /// The context of the screen shown, as if nothing were over it.
    pub fn view_context(&self) -> Context {
        match self.screen {
            Screen::Report if self.movement.is_some() => Context::Movement,
            Screen::Budget if self.budget_financing => Context::View(View::Financing),
            Screen::Contracts if self.records.frameworks_shown => Context::View(View::Frameworks),
            Screen::Programmes if self.phase.is_some() => Context::View(View::Phase),
            s => Context::Screen(s),
        }
    }
}
