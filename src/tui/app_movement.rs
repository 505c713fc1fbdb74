//! `App::update` continued: the movement view over the Report screen (`M` opens and closes it,
//! `[` `]` choose the earlier report, ↑↓ pick a row, ← → scroll the causes), and Tab completing
//! a path in the import and export forms.

use super::action::{Command, Effect, Screen};
use super::app::{App, Mode};
use super::form::{Form, FormKind};
use super::movement::{MovementData, MovementView};

/// Columns after the codes that ← → scroll through: the two revised budgets, the seven causes,
/// `Other` (when some row has one) and the movement.
const MOVEMENT_COLUMNS: usize = 11;

impl App {
    /// The effect completing the path in the focused field of `f`, when it is a path field with
    /// something typed (None: Tab moves to the next field).
    pub(super) fn path_to_complete(f: &Form) -> Option<Effect> {
        let path_form = matches!(f.kind, FormKind::Import | FormKind::Export);
        let text = f.fields.get(f.focus)?.value.text();
        if f.kind == FormKind::Import && f.focus == super::form::IMPORT_PROFILE_FIELD {
            return Some(Effect::CompleteProfile {
                field: f.focus,
                text: text.to_string(),
            });
        }
        (path_form && f.focus == 0 && !text.trim().is_empty()).then(|| Effect::CompletePath {
            field: f.focus,
            text: text.to_string(),
        })
    }

    /// The movement view's keys on the Report screen; None when `c` is not one of them (or the
    /// view is closed and `c` does not open it).
    pub(super) fn movement_command(&mut self, c: Command) -> Option<Vec<Effect>> {
        if self.screen != Screen::Report {
            return None;
        }
        if c == Command::Movement {
            if self.movement.take().is_some() {
                return Some(vec![]);
            }
            self.movement = Some(MovementView::default());
            return Some(self.reload_movement());
        }
        if matches!(
            c,
            Command::NextScreen | Command::PrevScreen | Command::Show(_)
        ) {
            // Leaving the report closes the view (it is not kept up to date off screen).
            self.movement = None;
            return None;
        }
        let page = self.list_rows() as i64;
        let to = self.period;
        let m = self.movement.as_mut()?;
        let len = m.data.as_ref().map_or(0, |d| d.rows.len());
        let step = match c {
            Command::Up => -1,
            Command::Down => 1,
            Command::PageUp => -page,
            Command::PageDown => page,
            Command::Top => i64::MIN / 2,
            Command::Bottom => i64::MAX / 2,
            Command::Left => {
                m.col = m.col.saturating_sub(1);
                return Some(vec![]);
            }
            Command::Right => {
                m.col = (m.col + 1).min(MOVEMENT_COLUMNS - 1);
                return Some(vec![]);
            }
            Command::FromEarlier | Command::FromLater => {
                let later = c == Command::FromLater;
                return Some(match to.and_then(|to| m.step(to, later)) {
                    Some(p) => {
                        m.chosen = Some(p);
                        self.reload_movement()
                    }
                    None => {
                        self.note(if later {
                            "The earlier report must be before the period shown: > moves the period shown"
                        } else {
                            "No earlier period in this financial year"
                        });
                        vec![]
                    }
                });
            }
            _ => return None,
        };
        m.list.move_by(step, len);
        Some(vec![])
    }

    /// Loads the bridge for the year and period shown, when the view is open.
    pub(super) fn reload_movement(&self) -> Vec<Effect> {
        match (&self.movement, self.fy, self.period) {
            (Some(m), Some(fy), Some(to)) => vec![Effect::LoadMovement {
                fy,
                from: m.from_for(to),
                to,
            }],
            _ => vec![],
        }
    }

    /// Takes a loaded bridge (one for another year or period shown is dropped).
    pub(super) fn take_movement(&mut self, d: MovementData) -> Vec<Effect> {
        let current = Some(d.fy) == self.fy && Some(d.to) == self.period;
        if let Some(m) = self.movement.as_mut().filter(|_| current) {
            m.list.clamp(d.rows.len());
            m.data = Some(d);
        }
        vec![]
    }

    /// Puts a completed path in field `field` of the open form; with nothing to complete, Tab
    /// moves on to the next field.
    pub(super) fn path_completed(&mut self, field: usize, text: Option<String>) {
        let Mode::Form(f) = &mut self.mode else {
            return;
        };
        match (text, f.fields.get_mut(field)) {
            (Some(t), Some(slot)) if f.focus == field => {
                slot.value.set(t);
                slot.error = None;
            }
            _ => f.next_field(),
        }
    }
}
