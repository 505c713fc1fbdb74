//! Benchmark of moving the books between engines (issue 25, item 7): `outturn copy --from
//! FILE.db --to postgres://…` of the synthetic database (1,000,000 actuals by default, built
//! once under `target/`) into new books on a throwaway cluster (the tests' harness), then
//! `outturn copy` back to a new file; each timed with its peak resident memory, and the two
//! files' reports compared byte for byte.
//!
//! ```text
//! cargo run --release --example bench_pg_copy [-- --actuals 1000000]
//! ```
//!
//! Not run in CI. Needs PostgreSQL's binaries, as the tests do.

mod common;
#[allow(dead_code)]
#[path = "../tests/common/pg.rs"]
mod pg;

use std::process::{Command, Output};
use std::time::Instant;

/// Runs `outturn ARGS` under GNU time when there; prints the wall time and peak memory.
fn timed(label: &str, bin: &std::path::Path, args: &[&str]) -> anyhow::Result<Output> {
    let gnu_time = std::path::Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "peak %M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let started = Instant::now();
    let out = cmd.args(args).output()?;
    let took = started.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "{label} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let peak = err.lines().rev().find_map(|l| {
        l.strip_prefix("peak ")
            .and_then(|k| k.trim().parse::<u64>().ok())
    });
    println!(
        "{label}: {:.2} s, peak {}",
        took.as_secs_f64(),
        peak.map(|k| format!("{:.0} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "not measured".into())
    );
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let actuals = common::arg("--actuals", 1_000_000);
    let bin = common::release_binary();
    let file = common::bench_dir("benchdb").join(format!("copy{actuals}.db"));
    common::build_db(&file, actuals, |_| String::new());
    let Some(mut db) = pg::migrated_database() else {
        anyhow::bail!("no PostgreSQL binaries: nothing to measure");
    };
    let (_, lead) = db.create_org("Copy");
    let server = db.at(&lead);
    let file_arg = file.display().to_string();
    timed(
        &format!("copy {actuals} actuals from a file to a server"),
        &bin,
        &["copy", "--from", &file_arg, "--to", &server],
    )?;
    let dir = tempfile::tempdir_in(common::bench_dir("benchdata"))?;
    let back = dir.path().join("back.db").display().to_string();
    timed(
        "copy them back from the server to a new file",
        &bin,
        &["copy", "--from", &server, "--to", &back],
    )?;
    for args in [
        &["report", "--fy", "2017-18", "--period", "7"][..],
        &["audit", "--format", "csv"][..],
    ] {
        let read = |at: &str| -> anyhow::Result<Vec<u8>> {
            Ok(Command::new(&bin)
                .args(["--db", at])
                .args(args)
                .env("OUTTURN_TODAY", "2026-12-05")
                .output()?
                .stdout)
        };
        anyhow::ensure!(
            read(&file_arg)? == read(&back)?,
            "{args:?} differs after the round trip"
        );
    }
    println!("the file and its round trip give the same report and audit listing");
    Ok(())
}
