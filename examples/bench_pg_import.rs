//! Benchmark of `outturn import actuals` on a PostgreSQL server (issue 25): generates the
//! synthetic extract (1,000,000 lines over 200 phases by default), then for each run makes a new
//! database on a throwaway cluster (the tests' harness: a private Unix socket, `fsync=off`),
//! copies the programmes and phases there (`outturn copy`), and times the release binary's
//! import (checked, COPY, committed) against `psql`'s `\copy` of the same CSV into a bare table
//! of text columns on the same cluster, alternately, and into a table of text columns keeping
//! indexes like `actual`'s (what keeping them costs any load). Prints medians and the import's
//! peak resident memory.
//!
//! ```text
//! cargo run --release --example bench_pg_import [-- --actuals 1000000 --phases 200 --runs 3]
//! ```
//!
//! Not run in CI. Needs PostgreSQL's binaries (`initdb`, `pg_ctl`, `psql`), as the tests do.

mod common;
#[allow(dead_code)]
#[path = "../tests/common/pg.rs"]
mod pg;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use outturn::io::synthetic::{self, GenOptions};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Times `cmd`; returns the wall time and the peak resident memory in KiB (GNU time, if there).
fn timed(mut cmd: Command) -> anyhow::Result<(Duration, Option<u64>)> {
    let started = Instant::now();
    let out = cmd.output()?;
    let took = started.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "{:?} failed: {}{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let peak = err
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak ").and_then(|k| k.trim().parse().ok()));
    Ok((took, peak))
}

fn main() -> anyhow::Result<()> {
    let opts = GenOptions {
        actuals: common::arg("--actuals", 1_000_000) as u64,
        phases: common::arg("--phases", 200) as u32,
        seed: 1,
    };
    let runs = common::arg("--runs", 3).max(1);
    let bin = common::release_binary();
    let dir = tempfile::tempdir_in(Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))?;
    let summary = synthetic::generate(dir.path(), opts)?;
    let csv = dir.path().join("actuals.csv");
    println!(
        "Generated {} actual lines ({:.1} MB) over {} phases.",
        summary.actual_rows,
        std::fs::metadata(&csv)?.len() as f64 / 1e6,
        opts.phases
    );
    // The programmes, phases and budgets in a file, copied to each new database.
    let file = dir.path().join("register.db");
    {
        let mut conn = outturn::store::open(&file)?;
        common::programmes_and_budgets(&mut conn, dir.path(), &summary.programmes)?;
    }
    let columns = std::fs::read_to_string(&csv)?
        .lines()
        .next()
        .map(|h| h.split(',').count())
        .unwrap_or(0);
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut floors = Vec::new();
    let mut peaks = Vec::new();
    for run in 0..runs {
        let Some(mut db) = pg::migrated_database() else {
            anyhow::bail!("no PostgreSQL binaries: nothing to measure");
        };
        let (_, lead) = db.create_org("Bench");
        let at = db.at(&lead);
        let out = Command::new(&bin)
            .args(["copy", "--from"])
            .arg(&file)
            .args(["--to", &at])
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "copy: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if std::env::var_os("BENCH_PG_LOG").is_some() {
            db.admin().batch_execute(&format!(
                "ALTER DATABASE {} SET log_min_duration_statement = 20",
                db.name
            ))?;
            println!(
                "  statements over 20 ms: {}/log",
                db.cluster.dir.as_ref().unwrap().display()
            );
        }
        let mut cmd = if gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "peak %M"]).arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        cmd.args(["--db", &at, "import", "actuals"]).arg(&csv);
        let (took, peak) = timed(cmd)?;
        println!("  run {run}: outturn {:.2} s", took.as_secs_f64());
        if std::env::var_os("BENCH_PG_LOG").is_some() {
            let log = db.cluster.dir.as_ref().unwrap().join("log");
            for l in std::fs::read_to_string(log)?
                .lines()
                .filter(|l| l.contains("duration"))
            {
                println!("    {}", l.chars().take(300).collect::<String>());
            }
        }
        ours.push(took);
        peaks.extend(peak);

        // psql's \copy into a bare table of text columns, in another new database.
        let bare = pg::fresh_database().expect("cluster");
        let cluster = bare.cluster;
        let psql = cluster
            .bin
            .as_ref()
            .map(|b| b.join("psql"))
            .unwrap_or_else(|| "psql".into());
        let conninfo = format!("{} dbname={}", cluster.conninfo, bare.name);
        let cols = (1..=columns)
            .map(|i| format!("c{i} text"))
            .collect::<Vec<_>>()
            .join(", ");
        bare.admin()
            .batch_execute(&format!("CREATE TABLE t ({cols})"))?;
        let mut cmd = Command::new(&psql);
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", &conninfo, "-c"])
            .arg(format!(
                "\\copy t FROM '{}' WITH (FORMAT csv, HEADER true)",
                csv.display()
            ));
        let (took, _) = timed(cmd)?;
        println!("  run {run}: psql \\copy {:.2} s", took.as_secs_f64());
        theirs.push(took);
        drop(bare);

        // The same \copy into a table keeping indexes like actual's: a key, (phase, date),
        // (date) and (reference); what keeping them costs any load on this server.
        let indexed = pg::fresh_database().expect("cluster");
        let conninfo = format!("{} dbname={}", indexed.cluster.conninfo, indexed.name);
        let cols = (1..=columns)
            .map(|i| format!("c{i} text COLLATE \"C\""))
            .collect::<Vec<_>>()
            .join(", ");
        indexed.admin().batch_execute(&format!(
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, {cols});
             CREATE INDEX t_phase_date ON t (c2, c3, c1);
             CREATE INDEX t_date ON t (c1);
             CREATE INDEX t_reference ON t (c6) WHERE c6 <> ''"
        ))?;
        let names = (1..=columns)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut cmd = Command::new(&psql);
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", &conninfo, "-c"])
            .arg(format!(
                "\\copy t ({names}) FROM '{}' WITH (FORMAT csv, HEADER true)",
                csv.display()
            ));
        let (took, _) = timed(cmd)?;
        println!(
            "  run {run}: psql \\copy into a table with actual's indexes {:.2} s",
            took.as_secs_f64()
        );
        floors.push(took);
        drop(indexed);
        drop(db);
    }
    let (o, t) = (median(ours), median(theirs));
    println!(
        "\nmedian of {runs}: outturn {:.2} s ({:.0} rows/s); psql \\copy {:.2} s; outturn takes {:.2}x as long (target: at most 1.5x)",
        o.as_secs_f64(),
        summary.actual_rows as f64 / o.as_secs_f64(),
        t.as_secs_f64(),
        o.as_secs_f64() / t.as_secs_f64()
    );
    let f = median(floors);
    println!(
        "psql \\copy into a table keeping indexes like actual's: {:.2} s; outturn takes {:.2}x as long as that",
        f.as_secs_f64(),
        o.as_secs_f64() / f.as_secs_f64()
    );
    if let Some(p) = peaks.iter().max() {
        println!(
            "peak resident memory of the import: {:.0} MB",
            *p as f64 / 1024.0
        );
    }
    Ok(())
}
