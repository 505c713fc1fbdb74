//! The same steps give the same output on SQLite and on PostgreSQL (issue 25), for every command
//! that runs on a server so far. Each script runs on fresh books on each engine
//! (`common::engines`); the expected transcripts are written by hand.

mod common;

use common::engines::{Books, same_on_both};

/// The audit log as CSV without its time column (the clock's, not the books').
fn audit_without_time(b: &Books) -> String {
    let csv = b.ok(&["audit", "--format", "csv"]);
    let mut r = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let mut out = String::new();
    let headers = r.headers().unwrap().clone();
    let keep = |i: usize| i != 1;
    let line = |fields: Vec<&str>| fields.join(" | ") + "\n";
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

#[test]
fn programmes_and_their_audit_read_the_same_on_both_engines() {
    let transcript = same_on_both(|b| {
        let mut t = String::new();
        t += &b.ok(&[
            "programme",
            "add",
            "--code",
            "DTP",
            "--name",
            "Digital transformation",
            "--organisation",
            "Wolverhampton",
        ]);
        t += &b.ok(&[
            "programme",
            "add",
            "--code",
            "SCH",
            "--name",
            "Schools",
            "--status",
            "planned",
        ]);
        t += &b.refused(&["programme", "add", "--code", "DTP", "--name", "Again"]);
        t += &b.ok(&["programme", "list"]);
        t += &b.ok(&["programme", "list", "--format", "csv"]);
        t += &audit_without_time(b);
        t
    });
    assert_eq!(
        transcript,
        "Added programme DTP.\n\
         Added programme SCH.\n\
         outturn: --code: programme 'DTP' already exists\n\
         Code  Name                    Organisation   Status\n\
         DTP   Digital transformation  Wolverhampton  active\n\
         SCH   Schools                                planned\n\
         Code,Name,Organisation,Status\n\
         DTP,Digital transformation,Wolverhampton,active\n\
         SCH,Schools,,planned\n\
         Id | Who | Action | Entity | Record | Before | After\n\
         2 | <login> (as test-officer) | add | programme | 2 |  | {\"code\":\"SCH\",\"name\":\"Schools\",\"organisation\":\"\",\"status\":\"planned\"}\n\
         1 | <login> (as test-officer) | add | programme | 1 |  | {\"code\":\"DTP\",\"name\":\"Digital transformation\",\"organisation\":\"Wolverhampton\",\"status\":\"active\"}\n"
    );
}
