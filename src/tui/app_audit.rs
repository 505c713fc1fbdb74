//! `App::update` continued: the Audit screen's events as its filter shows them, and the
//! dashboard's alerts panel scrolling.

use super::action::Effect;
use super::app::{App, Mode};
use super::form::{Form, FormKind};
use super::state;
use crate::domain::audit_words::AuditShown;
use crate::ops::types::AuditEvent;

impl App {
    /// Takes the audit events loaded for `shown`, keeping those it selects (user and local dates;
    /// the record kind was asked of the store), and closes the filter form that asked for them.
    pub(super) fn take_audit(&mut self, shown: AuditShown, events: Vec<AuditEvent>) -> Vec<Effect> {
        let zone = self.utc_offset;
        let kept: Vec<AuditEvent> = events
            .into_iter()
            .filter(|e| shown.keeps(&e.entity, &e.who, e.as_name.as_deref(), &e.at, zone))
            .collect();
        if matches!(
            self.mode,
            Mode::Form(Form {
                kind: FormKind::AuditFilter,
                ..
            })
        ) {
            self.mode = Mode::Normal;
        }
        self.audit_shown = shown;
        self.audit_list.clamp(kept.len());
        self.audit = Some(kept);
        vec![]
    }

    /// Moves the first alert shown `delta` alerts, within the alerts there are.
    pub(super) fn scroll_alerts(&mut self, delta: i64) -> Vec<Effect> {
        // Never past the first alert from which the rest all fit (none when they all fit), in
        // the panel the dashboard draws at this size.
        let status =
            state::status_wrapped(self.status.as_ref().map(|s| s.text.as_str()), self.size.0)
                .len()
                .min(state::STATUS_LINES) as u16;
        let (w, h) = state::alerts_inner(self.size, status);
        let last = self
            .figures
            .as_ref()
            .map_or(0, |f| state::alerts_max_top(&f.alerts, w, h));
        let top = (self.alerts_top as i64 + delta).clamp(0, last as i64);
        self.alerts_top = top as usize;
        vec![]
    }
}
