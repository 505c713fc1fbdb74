//! `App::update` continued: the Audit screen's events as its filter shows them, and the
//! dashboard's alerts panel scrolling.

use super::action::Effect;
use super::app::{App, Mode};
use super::form::{Form, FormKind};
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
        let n = self.figures.as_ref().map_or(0, |f| f.alerts.len());
        let top = (self.alerts_top as i64 + delta).clamp(0, n.saturating_sub(1) as i64);
        self.alerts_top = top as usize;
        vec![]
    }
}
