//! Benchmark of single-record writes from both doors at scale: one write costs no scan of the
//! ledger (issue 26 item 17).
//!
//! `cargo run --release --example bench_writes [-- --actuals N --runs N --db PATH]`
//!
//! Uses the database at PATH, or else the synthetic database of `bench_report` (10 programmes x
//! 20 phases, N actuals, default 1,000,000; built once under target/bench-report/ and reused),
//! copied so it is never changed, and the demo database. The writes name the phase and the
//! reference of each database's first actual. On each it times, as a whole `outturn` process (the command line's
//! door), `actual add` with a reference already held on another date (the warning's lookup),
//! `actual edit`, `actual delete`, `forecast add`, `change add`, `allocation add` and `comment
//! add`; then, in one process with the books open (the TUI's door: the same `ops::apply` step the
//! TUI runs), `AddActual` and `EditActual`. Prints each median and the ratio to the demo's.
//! Not run in CI.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::{arg, bench_dir, build_db, demo_db, release_binary, run_with_output};
use outturn::domain::Money;
use outturn::ops::{self, Step};

/// What the writes name on one database: a phase, a reference already held, a year.
struct Target {
    programme: String,
    phase: String,
    reference: String,
}

/// The programme, phase and reference of the first actual of `db` (the command line's list).
fn target_of(bin: &Path, db: &Path) -> Target {
    let (_, out) = run(bin, db, &words("actual list --limit 1 --format csv"));
    let row = out.lines().nth(1).expect("an actual");
    let cells: Vec<&str> = row.split(',').collect();
    Target {
        programme: cells[4].into(),
        phase: cells[5].into(),
        reference: cells[9].into(),
    }
}

/// Runs `outturn --db DB ARGS` and returns its wall time and standard output.
fn run(bin: &Path, db: &Path, args: &[String]) -> (Duration, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_with_output(bin, db, &args)
}

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(str::to_string).collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The command lines timed, by label: each run `i` gets its own values.
fn commands(t: &Target, i: usize) -> Vec<(&'static str, Vec<String>)> {
    let (prog, phase) = (&t.programme, &t.phase);
    let mut add = words(&format!(
        "actual add --programme {prog} --phase {phase} --date 2019-06-0{} --amount 1{i}.00 --supplier Bench",
        1 + i % 9
    ));
    add.extend(["--reference".into(), t.reference.clone()]);
    vec![
        ("actual add (reference held elsewhere)", add),
        ("actual edit", Vec::new()),
        ("actual delete", Vec::new()),
        (
            "forecast add",
            words(&format!(
                "forecast add --programme {prog} --phase {phase} --fy 2026-27 --amount 2{i}0000"
            )),
        ),
        (
            "change add (proposed)",
            words(&format!(
                "change add --kind addition --programme {prog} --phase {phase} --fy 2026-27 --amount 1{i}000 --effective 2026-11-01"
            )),
        ),
        (
            "allocation add (projected)",
            words(&format!(
                "allocation add --programme {prog} --phase {phase} --fy 2027-28 --amount 3{i}000 --status projected"
            )),
        ),
        (
            "comment add",
            words(&format!(
                "comment add --programme {prog} --phase {phase} --fy 2026-27 --period P{} --text Bench",
                1 + i % 7
            )),
        ),
    ]
}

/// Median wall time of each command line over `runs` runs on `db` (after one warming run).
fn time_commands(bin: &Path, db: &Path, t: &Target, runs: usize) -> Vec<(&'static str, Duration)> {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); commands(t, 0).len()];
    for i in 0..=runs {
        let mut added = 0;
        for (n, (label, args)) in commands(t, i).into_iter().enumerate() {
            let args = match label {
                "actual edit" => words(&format!("actual edit {added} --amount 9{i}.00")),
                "actual delete" => words(&format!("actual delete {added}")),
                _ => args,
            };
            let (took, out) = run(bin, db, &args);
            if n == 0 {
                // "Added actual 11: ..."
                added = out
                    .split_whitespace()
                    .nth(2)
                    .and_then(|w| w.trim_end_matches(':').parse().ok())
                    .expect("the added actual's id");
            }
            if i > 0 {
                times[n].push(took);
            }
        }
    }
    commands(t, 0)
        .into_iter()
        .zip(times)
        .map(|((label, _), t)| (label, median(t)))
        .collect()
}

/// The TUI's door: the books open once, `ops::apply` of an added then edited actual, `runs`
/// times; the median of each.
fn time_steps(db: &Path, t: &Target, runs: usize) -> [(&'static str, Duration); 2] {
    let opened = ops::books::open(db).expect("open the books");
    let mut books = opened.books;
    let phase = format!("{}/{}", t.programme, t.phase);
    let (mut add, mut edit) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let step = Step::AddActual {
            phase: phase.clone(),
            contract: None,
            date: NaiveDate::from_ymd_opt(2019, 6, 1).expect("a date"),
            supplier: "Bench".into(),
            description: String::new(),
            reference: t.reference.clone(),
            amount: Money::from_pence(1000 + i as i64),
        };
        let started = Instant::now();
        let undo = ops::apply(&mut books, &step).expect("add").undo;
        add.push(started.elapsed());
        let Some(Step::RemoveActual { id }) = undo.map(|u| u.op) else {
            panic!("adding an actual is undone by removing it");
        };
        let step = Step::EditActual {
            id,
            version: 1,
            edit: ops::types::ActualEdit {
                amount: Some(Money::from_pence(2000 + i as i64)),
                ..Default::default()
            },
        };
        let started = Instant::now();
        ops::apply(&mut books, &step).expect("edit");
        edit.push(started.elapsed());
    }
    [
        ("TUI door: add an actual (books open)", median(add)),
        ("TUI door: edit an actual (books open)", median(edit)),
    ]
}

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 5).max(1);
    let bin = release_binary();
    let dir = bench_dir("bench-writes");
    // `--db PATH`: an existing database (e.g. 10,000,000 actuals made with `outturn gen` and
    // imported, as docs/benchmarks.md shows), copied; otherwise the synthetic one of bench_report.
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let source = given.unwrap_or_else(|| {
        let cached = bench_dir("bench-report").join(format!("synthetic-{actuals}.db"));
        build_db(&cached, actuals, |_| String::new());
        cached
    });
    let db = dir.join("writes-big.db");
    std::fs::copy(&source, &db).expect("copy the database");
    let demo = dir.join("writes-demo.db");
    let _ = std::fs::remove_file(&demo);
    std::fs::copy(demo_db(&dir), &demo).expect("copy the demo");
    let (big_target, demo_target) = (target_of(&bin, &db), target_of(&bin, &demo));
    let big = time_commands(&bin, &db, &big_target, runs);
    let small = time_commands(&bin, &demo, &demo_target, runs);
    let big_steps = time_steps(&db, &big_target, runs);
    let small_steps = time_steps(&demo, &demo_target, runs);
    println!(
        "single-record writes, medians of {runs} runs: {} | the demo | ratio",
        source.display()
    );
    for ((label, b), (_, s)) in big
        .iter()
        .chain(&big_steps)
        .zip(small.iter().chain(&small_steps))
    {
        println!(
            "{label}: {:.1} ms | {:.1} ms | {:.2}x",
            b.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            b.as_secs_f64() / s.as_secs_f64()
        );
    }
    let _ = std::fs::remove_file(&db);
}
