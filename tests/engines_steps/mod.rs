//! Steps shared by the test binaries that run the same script on SQLite and PostgreSQL for
//! contracts and what hangs off them (`engines_contracts`, `engines_delivery`): outputs with the
//! login and the clock's times written alike, the books every script starts from, the audit log
//! as both engines keep it.
#![allow(dead_code)] // each test binary uses its own subset

use crate::common::engines::Books;

/// Runs a step that must be refused and gives its message, with the officer's login written as
/// `<login>` and every time stamp as `<time>` (the clock's, not the books').
pub fn refused(b: &Books, args: &[&str]) -> String {
    timeless(&b.refused(args).replace(&b.login(), "<login>"))
}

/// Runs a step that must succeed and gives what it printed, with the officer's login written as
/// `<login>` and every time stamp as `<time>`.
pub fn ok(b: &Books, args: &[&str]) -> String {
    timeless(&b.ok(args))
}

/// `msg` with every time stamp (`2026-12-05T17:35:44Z`) written as `<time>`.
pub fn timeless(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(i) = rest.find('T') {
        let stamp = |s: &str| {
            let c: Vec<char> = s.chars().collect();
            c.len() >= 20
                && c[4] == '-'
                && c[10] == 'T'
                && c[19] == 'Z'
                && c.iter().take(19).filter(|c| c.is_ascii_digit()).count() == 14
        };
        if i >= 10 && stamp(&rest[i - 10..]) {
            out.push_str(&rest[..i - 10]);
            out.push_str("<time>");
            rest = &rest[i + 10..];
        } else {
            out.push_str(&rest[..=i]);
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Writes `text` to the file `name` in `dir`; gives its path, as a command line takes it.
pub fn file_in(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Fresh books with programme DTP, its phase P1 (Cloud migration) and decision CAB-1.
pub fn dtp(b: &Books) {
    b.ok(&["programme", "add", "--code", "DTP", "--name", "Digital"]);
    b.ok(&[
        "phase",
        "add",
        "--programme",
        "DTP",
        "--code",
        "P1",
        "--name",
        "Cloud migration",
    ]);
    cab1(b);
}

/// Adds decision CAB-1 (Cabinet, 01/03/2026).
pub fn cab1(b: &Books) {
    b.ok(&[
        "decision",
        "add",
        "--reference",
        "CAB-1",
        "--body",
        "Cabinet",
        "--date",
        "01/03/2026",
    ]);
}

/// Adds programme SCH and its phase S1 (Primary schools), printing nothing: records there must
/// not show in DTP's lists.
pub fn sch(b: &Books) {
    b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
    b.ok(&[
        "phase",
        "add",
        "--programme",
        "SCH",
        "--code",
        "S1",
        "--name",
        "Primary schools",
    ]);
}

/// The audit log of one kind of record as CSV without its id and time columns (the id counts
/// the setup's events too, the time is the clock's), and without the record's images unless
/// `images`.
pub fn audit_of(b: &Books, entity: &str, images: bool) -> String {
    let csv = b.ok(&["audit", "--entity", entity, "--format", "csv"]);
    let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let mut out = String::new();
    let keep = |i: usize| i > 1 && (images || i < 6);
    let line = |fields: Vec<&str>| fields.join(" | ") + "\n";
    let headers = r.headers().unwrap().clone();
    out.push_str(&line(
        headers
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, f)| f)
            .collect(),
    ));
    for rec in r.records() {
        let rec = rec.unwrap();
        out.push_str(&line(
            rec.iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, f)| f)
                .collect(),
        ));
    }
    out
}

/// The After column of the newest audit event about `entity`.
pub fn last_after(b: &Books, entity: &str) -> String {
    let csv = b.ok(&[
        "audit", "--entity", entity, "--limit", "1", "--format", "csv",
    ]);
    let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let rec = r.records().next().unwrap().unwrap();
    rec[7].to_string()
}
