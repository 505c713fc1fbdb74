//! Hearing other officers' changes on a server: each committed step's audit event is signalled
//! (`pg_notify` in `outturn_audit_append`) on its council's channel, `outturn_org_<id>`. A
//! connection that listens there hears, after each commit and never before it, every change of
//! its own council and none of another's; what its own server process signalled is left out, as
//! SQLite's data version leaves out a connection's own commits. Reading what was heard waits at
//! most a few milliseconds.

use postgres::fallible_iterator::FallibleIterator;

use super::sql::{DbResult, PgConn, Sql};

/// How long a look for what was heard may wait: a few milliseconds of the TUI's 250 ms tick.
const LOOK: std::time::Duration = std::time::Duration::from_millis(5);

impl PgConn {
    /// How many changes other connections have committed to this council's books since this
    /// connection began to listen (the first call begins, and returns 0).
    pub fn changes_heard(&self) -> DbResult<i64> {
        let Some((own, count)) = self.heard.get() else {
            let channel: String =
                self.query_row("SELECT 'outturn_org_' || outturn_org()::text", [], |r| {
                    r.get(0)
                })?;
            let own: i64 = self.query_row("SELECT pg_backend_pid()::bigint", [], |r| r.get(0))?;
            self.execute_batch(&format!("LISTEN \"{}\"", channel.replace('"', "\"\"")))?;
            self.heard
                .set(Some((u32::try_from(own).unwrap_or_default(), 0)));
            return Ok(0);
        };
        let mut count = count;
        {
            let mut client = self.client();
            let mut heard = client.notifications();
            // A moment's wait lets the client read what the server has sent: its non-blocking
            // reader returns before the socket is ever looked at.
            let mut pending = heard.timeout_iter(LOOK);
            while let Some(n) = pending.next().map_err(|e| self.noted(e))? {
                if i64::from(n.process_id()) != i64::from(own) {
                    count += 1;
                }
            }
        }
        self.heard.set(Some((own, count)));
        Ok(count)
    }
}
