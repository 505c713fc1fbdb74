//! Benchmark of a ledger extract read with an import profile (issue 24): a code map of 5,000
//! ledger codes (cost centre + project) over 200 phases, a title line above the header, dates as
//! `dd-mon-yyyy`, Debit and Credit columns. It generates 1,000,000 such lines (options
//! `--lines N`, `--codes N`, `--runs N`), then times the release `outturn import actuals FILE
//! --profile ledger` as a whole process into a fresh copy of a prepared database (programmes,
//! budgets, the profile and the code map), alternately with sqlite3's bare `.import` of the same
//! file into a bare table. Then the same for an `.xlsx` workbook of `--xlsx-rows N` (100,000)
//! rows, money held as floats and dates as date cells, against the same rows as a CSV. Prints
//! medians and the peak resident memory (GNU time's `%M`).
//!
//! ```text
//! cargo run --release --example bench_ledger [-- --lines 1000000 --codes 5000 --runs 3 --xlsx-rows 100000]
//! ```

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use common::{arg, bench_dir, release_binary};
use outturn::domain::ledger::{AmountShape, DateFormat, HeaderRule, ImportProfile};
use outturn::io::synthetic::{self, GenOptions};
use outturn::store;

const PHASES: u32 = 200;
const SUPPLIERS: &[&str] = &[
    "Microsoft Ltd",
    "Capita plc",
    "Jones & Sons, Builders",
    "Café Digital Ltd",
    "O'Neill \"ON\" Consulting",
];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// The ledger code `k`: (cost centre, project).
fn code(k: u64) -> (String, String) {
    (format!("CC{:04}", k / 10), format!("PRJ{k:05}"))
}

/// One generated ledger line: date, code, supplier, narrative, voucher, pence (credit < 0).
struct Line {
    date: NaiveDate,
    code: u64,
    supplier: &'static str,
    narrative: String,
    voucher: String,
    pence: i64,
}

fn lines(n: u64, codes: u64) -> impl Iterator<Item = Line> {
    let mut rng = synthetic::Rng::new(0x9E37_79B9_7F4A_7C15);
    let start = NaiveDate::from_ymd_opt(synthetic::FIRST_FY, 4, 1).expect("a date");
    (0..n).map(move |i| {
        let magnitude = 100 + rng.below(5_000_000) as i64;
        Line {
            date: start + chrono::Days::new(rng.below(1096)),
            code: rng.below(codes),
            supplier: SUPPLIERS[rng.below(SUPPLIERS.len() as u64) as usize],
            narrative: format!("Works, stage {}", 1 + i % 12),
            voucher: format!("V{:08}", i + 1),
            pence: if rng.below(20) == 0 {
                -magnitude
            } else {
                magnitude
            },
        }
    })
}

fn plain(pence: i64) -> String {
    format!("{}.{:02}", pence.abs() / 100, pence.abs() % 100)
}

const HEADER: [&str; 8] = [
    "Trans Date",
    "Cost Centre",
    "Project",
    "Supplier Name",
    "Narrative",
    "Voucher No",
    "Debit",
    "Credit",
];

/// Writes `n` lines as a CSV with a title line; gives the total in pence.
fn write_csv(path: &Path, n: u64, codes: u64) -> anyhow::Result<i64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Capital transactions, generated")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let mut total = 0;
    for l in lines(n, codes) {
        total += l.pence;
        let (cc, project) = code(l.code);
        let date = format!(
            "{:02}-{}-{}",
            l.date.day(),
            MONTHS[l.date.month0() as usize],
            l.date.year()
        );
        let (debit, credit) = if l.pence < 0 {
            (String::new(), plain(l.pence))
        } else {
            (plain(l.pence), String::new())
        };
        w.write_record([
            date.as_str(),
            &cc,
            &project,
            l.supplier,
            &l.narrative,
            &l.voucher,
            &debit,
            &credit,
        ])?;
    }
    w.flush()?;
    Ok(total)
}

/// Writes the same `n` lines as a workbook: a title row, date cells, money as floats.
fn write_xlsx(path: &Path, n: u64, codes: u64) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Capital transactions, generated")?;
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h)?;
    }
    for (i, l) in lines(n, codes).enumerate() {
        let r = i as u32 + 2;
        let (cc, project) = code(l.code);
        sheet.write_datetime_with_format(r, 0, l.date, &date)?;
        sheet.write_string(r, 1, cc)?;
        sheet.write_string(r, 2, project)?;
        sheet.write_string(r, 3, l.supplier)?;
        sheet.write_string(r, 4, &l.narrative)?;
        sheet.write_string(r, 5, &l.voucher)?;
        // Pence / 100 is the float nearest the two-place decimal, as Excel holds 1234.56.
        let pounds = l.pence.abs() as f64 / 100.0;
        sheet.write_number(r, if l.pence < 0 { 7 } else { 6 }, pounds)?;
    }
    book.save(path)?;
    Ok(())
}

/// The database every run starts from: 200 phases with budgets, the profile `ledger`, and the
/// code map of `codes` codes (code k is phase k mod 200).
fn base_db(dir: &Path, codes: u64) -> anyhow::Result<PathBuf> {
    let db = dir.join(format!("base-{codes}.db"));
    let _ = std::fs::remove_file(&db);
    let gen_dir = dir.join("gen");
    let opts = GenOptions {
        actuals: 0,
        phases: PHASES,
        seed: 1,
    };
    let summary = synthetic::generate(&gen_dir, opts)?;
    let mut conn = store::open(&db)?;
    common::programmes_and_budgets(&mut conn, &gen_dir, &summary.programmes)?;
    // The phases, in the order the budgets file gives them (three years each).
    let text = std::fs::read_to_string(gen_dir.join("budgets.csv"))?;
    let mut phases: Vec<String> = Vec::new();
    for line in text.lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(programme), Some(phase)) = (cells.next(), cells.next()) else {
            continue;
        };
        let p = format!("{programme}/{phase}");
        if phases.last() != Some(&p) {
            phases.push(p);
        }
    }
    let mut map = String::from("Ledger code,Phase\n");
    for k in 0..codes {
        let (cc, project) = code(k);
        map.push_str(&format!(
            "{cc}+{project},{}\n",
            phases[(k % phases.len() as u64) as usize]
        ));
    }
    let codes_csv = dir.join("codes.csv");
    std::fs::write(&codes_csv, map)?;
    outturn::ops::import::load_codes(&mut conn, &codes_csv)
        .map_err(|e| anyhow::anyhow!("codes: {}", e.lines().join("; ")))?;
    let renames = [
        ("Trans Date", "Date"),
        ("Supplier Name", "Supplier"),
        ("Narrative", "Description"),
        ("Voucher No", "Reference"),
    ];
    let profile = ImportProfile {
        name: "ledger".into(),
        map: renames
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        header: HeaderRule::Find,
        encoding: None,
        date_format: DateFormat::DayMonYear,
        amount: AmountShape::DebitCredit,
        code_columns: vec!["Cost Centre".into(), "Project".into()],
    };
    outturn::ops::import::add_profile(&mut conn, &profile)?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    drop(conn);
    Ok(db)
}

/// Imports `file` into a fresh copy of `base` as a whole process; gives the wall time and the
/// peak resident memory (KiB, from GNU time when installed).
fn ours(
    bin: &Path,
    base: &Path,
    file: &Path,
    run: usize,
) -> anyhow::Result<(Duration, Option<u64>)> {
    let db = base.with_file_name(format!("run-{run}.db"));
    std::fs::copy(base, &db)?;
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("--db")
        .arg(&db)
        .args(["import", "actuals"])
        .arg(file)
        .args(["--profile", "ledger"]);
    let started = Instant::now();
    let o = cmd.output()?;
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&o.stderr);
    anyhow::ensure!(o.status.success(), "import failed: {stderr}");
    let peak = if time.exists() {
        stderr.lines().last().and_then(|l| l.trim().parse().ok())
    } else {
        None
    };
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{f}", db.display()));
    }
    let first = String::from_utf8_lossy(&o.stdout);
    println!(
        "  run {run}: outturn {:.2} s, peak {} ({})",
        took.as_secs_f64(),
        mb(peak),
        first.lines().next().unwrap_or("")
    );
    Ok((took, peak))
}

/// sqlite3's bare `.import` of `file` (its title line skipped) into a new table.
fn sqlite3(dir: &Path, file: &Path, run: usize) -> Option<Duration> {
    let db = dir.join(format!("sqlite3-{run}.db"));
    let _ = std::fs::remove_file(&db);
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(format!(".import --csv --skip 1 {} t", file.display()))
        .status()
        .ok()?;
    let took = started.elapsed();
    let _ = std::fs::remove_file(&db);
    status.success().then(|| {
        println!("  run {run}: sqlite3 .import {:.2} s", took.as_secs_f64());
        took
    })
}

fn mb(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.0} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "not measured (apt-get install time)".into())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let n = arg("--lines", 1_000_000) as u64;
    let codes = arg("--codes", 5_000) as u64;
    let runs = arg("--runs", 3).max(1);
    let xlsx_rows = arg("--xlsx-rows", 100_000) as u64;
    let dir = bench_dir("bench-ledger");
    let bin = release_binary();
    let base = base_db(&dir, codes)?;
    let csv_path = dir.join("ledger.csv");
    let started = Instant::now();
    let total = write_csv(&csv_path, n, codes)?;
    let size = std::fs::metadata(&csv_path)?.len();
    println!(
        "Generated {n} ledger lines ({:.1} MB, total {} pence) over {codes} codes and {PHASES} \
         phases in {:.1} s.",
        size as f64 / 1e6,
        total,
        started.elapsed().as_secs_f64()
    );
    let has_sqlite3 = Command::new("sqlite3").arg("-version").output().is_ok();
    if !has_sqlite3 {
        println!(
            "SKIPPED: the comparison with sqlite3's .import (sqlite3 is not installed: \
             apt-get install -y sqlite3)"
        );
    }
    println!("outturn import actuals --profile ledger, then sqlite3 .import, alternately:");
    let (mut ours_times, mut theirs, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..runs {
        let (t, peak) = ours(&bin, &base, &csv_path, r)?;
        ours_times.push(t);
        peaks.extend(peak);
        if has_sqlite3 {
            theirs.extend(sqlite3(&dir, &csv_path, r));
        }
    }
    let ours_median = median(ours_times);
    println!(
        "\n{n} lines, median of {runs}: outturn {:.2} s ({:.0} rows/s), peak {}",
        ours_median.as_secs_f64(),
        n as f64 / ours_median.as_secs_f64(),
        mb(peaks.iter().max().copied())
    );
    if !theirs.is_empty() {
        let t = median(theirs);
        println!(
            "median of {runs}: sqlite3 .import {:.2} s; outturn takes {:.2}x as long (target: at \
             most 1.5x; peak under 200 MB)",
            t.as_secs_f64(),
            ours_median.as_secs_f64() / t.as_secs_f64()
        );
    }

    // The workbook against the same rows as a CSV.
    let small_csv = dir.join("ledger-small.csv");
    let xlsx = dir.join("ledger-small.xlsx");
    write_csv(&small_csv, xlsx_rows, codes)?;
    let started = Instant::now();
    write_xlsx(&xlsx, xlsx_rows, codes)?;
    println!(
        "\nWrote {xlsx_rows} rows as .xlsx ({:.1} MB) in {:.1} s and as CSV ({:.1} MB).",
        std::fs::metadata(&xlsx)?.len() as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&small_csv)?.len() as f64 / 1e6
    );
    let (mut from_csv, mut from_xlsx, mut xlsx_peaks) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..runs {
        from_csv.push(ours(&bin, &base, &small_csv, 100 + r)?.0);
        let (t, peak) = ours(&bin, &base, &xlsx, 200 + r)?;
        from_xlsx.push(t);
        xlsx_peaks.extend(peak);
    }
    let (c, x) = (median(from_csv), median(from_xlsx));
    println!(
        "{xlsx_rows} rows, median of {runs}: CSV {:.2} s, .xlsx {:.2} s ({:.2}x; target: at most \
         3x), peak of the .xlsx import {}",
        c.as_secs_f64(),
        x.as_secs_f64(),
        x.as_secs_f64() / c.as_secs_f64(),
        mb(xlsx_peaks.iter().max().copied())
    );
    Ok(())
}
