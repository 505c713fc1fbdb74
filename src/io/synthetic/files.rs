//! Synthetic ledger and budget CSV extracts for benchmarks and trying the import out: deterministic
//! for a seed, phases spread over programmes (20 a programme), actuals over three financial years
//! (2022-23 to 2024-25) in the spellings real extracts use (UK and ISO dates, plain, `£1,234.56`
//! and bracketed amounts, quoted text with commas and quotes, non-ASCII supplier names).
//! It writes files and can create the programmes the files name; it never writes actuals itself.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};

use super::rng::Rng;
use crate::domain::Money;
use crate::domain::model::DeliveryStatus;
use crate::io::output_file::OutputFile;
use crate::store::{self, entities as e};

/// Phases per generated programme.
pub const PHASES_PER_PROGRAMME: u32 = 20;

/// The first financial year generated (2022-23); three years are generated.
pub const FIRST_FY: i32 = 2022;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of actual lines.
    pub actuals: u64,
    /// Number of phases (at least 1).
    pub phases: u32,
    /// Seed for the pseudo-random sequence (same seed, same files).
    pub seed: u64,
}

/// A programme named by the generated files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenProgramme {
    pub code: String,
    pub name: String,
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenSummary {
    pub programmes: Vec<GenProgramme>,
    pub actual_rows: u64,
    pub actual_total: Money,
    pub budget_rows: u64,
    pub budget_total: Money,
}

/// The programme code of phase `i` (0-based).
fn programme_code(i: u32) -> String {
    format!("GEN{:02}", i / PHASES_PER_PROGRAMME + 1)
}

/// The code of phase `i` (0-based): `PH001`.
fn phase_code(i: u32) -> String {
    format!("PH{:03}", i + 1)
}

/// The programmes that `phases` phases are spread over.
pub fn programmes(phases: u32) -> Vec<GenProgramme> {
    let n = phases.max(1).div_ceil(PHASES_PER_PROGRAMME);
    (0..n)
        .map(|p| GenProgramme {
            code: programme_code(p * PHASES_PER_PROGRAMME),
            name: format!("Generated programme {}", p + 1),
        })
        .collect()
}

const SUPPLIERS: &[&str] = &[
    "Microsoft Ltd",
    "Capita plc",
    "Softcat plc",
    "Computacenter (UK) Ltd",
    "Jones & Sons, Builders",
    "Café Digital Ltd",
    "O'Neill \"ON\" Consulting",
];

/// Writes the actuals extract: Date, Programme, Phase, Supplier, Description, Reference, Amount.
pub fn write_actuals(out: impl Write, opts: GenOptions) -> std::io::Result<(u64, Money)> {
    let mut rng = Rng::new(opts.seed ^ 0xA5A5_0000_0000_0001);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "Date",
        "Programme",
        "Phase",
        "Supplier",
        "Description",
        "Reference",
        "Amount",
    ])?;
    let start = NaiveDate::from_ymd_opt(FIRST_FY, 4, 1).unwrap_or(NaiveDate::MIN);
    let phases = opts.phases.max(1);
    let mut total = 0i64;
    for n in 0..opts.actuals {
        let date = start
            .checked_add_days(Days::new(rng.below(1096)))
            .unwrap_or(start);
        let phase = rng.below(u64::from(phases)) as u32;
        let supplier = SUPPLIERS[rng.below(SUPPLIERS.len() as u64) as usize];
        let credit = rng.below(20) == 0;
        let magnitude = 100 + rng.below(5_000_000) as i64;
        let pence = if credit { -magnitude } else { magnitude };
        total += pence;
        let m = Money::from_pence(pence);
        let amount = match rng.below(10) {
            0 => m.full(),
            1 => m.bracketed(),
            _ => m.plain(),
        };
        let date_text = if rng.below(2) == 0 {
            date.format("%d/%m/%Y").to_string()
        } else {
            date.format("%Y-%m-%d").to_string()
        };
        let description = match rng.below(3) {
            0 => format!("Licences, month {}", 1 + n % 12),
            1 => format!("Support \"gold\" tier {}", n % 7),
            _ => "Professional services".to_string(),
        };
        w.write_record([
            date_text.as_str(),
            &programme_code(phase),
            &phase_code(phase),
            supplier,
            &description,
            &format!("INV{:08}", n + 1),
            &amount,
        ])?;
    }
    w.flush()?;
    Ok((opts.actuals, Money::from_pence(total)))
}

/// Writes the budgets extract: one approved line per phase and financial year (Programme, Phase,
/// Phase name, Financial year, Amount, Status).
pub fn write_budgets(out: impl Write, opts: GenOptions) -> std::io::Result<(u64, Money)> {
    let mut rng = Rng::new(opts.seed ^ 0x5A5A_0000_0000_0002);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "Programme",
        "Phase",
        "Phase name",
        "Financial year",
        "Amount",
        "Status",
    ])?;
    let mut rows = 0;
    let mut total = 0i64;
    for phase in 0..opts.phases.max(1) {
        for fy in FIRST_FY..FIRST_FY + 3 {
            let pounds = 100_000 + rng.below(4_900_001) as i64;
            total += pounds * 100;
            rows += 1;
            w.write_record([
                programme_code(phase).as_str(),
                &phase_code(phase),
                &format!("Generated scheme {}", phase + 1),
                &format!("{fy}-{:02}", (fy + 1) % 100),
                &Money::from_pence(pounds * 100).plain(),
                "approved",
            ])?;
        }
    }
    w.flush()?;
    Ok((rows, Money::from_pence(total)))
}

/// Writes `dir/actuals.csv` and `dir/budgets.csv` (creating `dir`). Each is written whole through
/// [`OutputFile`]: an existing regular file is replaced, anything else (a device, a FIFO, a
/// read-only file, a link to one) refused with nothing written.
pub fn generate(dir: &Path, opts: GenOptions) -> std::io::Result<GenSummary> {
    std::fs::create_dir_all(dir)?;
    let refused = std::io::Error::other;
    let actuals =
        OutputFile::check("gen --out", &dir.join("actuals.csv"), true).map_err(refused)?;
    let budgets =
        OutputFile::check("gen --out", &dir.join("budgets.csv"), true).map_err(refused)?;
    let mut a = (0, Money::ZERO);
    actuals
        .write_with(|f: &mut File| {
            a = write_actuals(BufWriter::with_capacity(1 << 16, f), opts)?;
            Ok(())
        })
        .map_err(refused)?;
    let (actual_rows, actual_total) = a;
    let mut b = (0, Money::ZERO);
    budgets
        .write_with(|f: &mut File| {
            b = write_budgets(BufWriter::new(f), opts)?;
            Ok(())
        })
        .map_err(refused)?;
    let (budget_rows, budget_total) = b;
    Ok(GenSummary {
        programmes: programmes(opts.phases),
        actual_rows,
        actual_total,
        budget_rows,
        budget_total,
    })
}

/// Creates the generated programmes that do not exist yet (inside the caller's transaction);
/// returns how many were created. Their phases come from `import budgets --create-missing`.
pub fn create_programmes(
    conn: &impl crate::store::engine::sql::Sql,
    programmes: &[GenProgramme],
) -> store::Result<usize> {
    let mut created = 0;
    for p in programmes {
        if e::programme_id(conn, &p.code).is_ok() {
            continue;
        }
        e::add_programme(
            conn,
            &e::NewProgramme {
                code: p.code.clone(),
                name: p.name.clone(),
                organisation: "Generated test data".into(),
                status: DeliveryStatus::Active,
            },
        )?;
        created += 1;
    }
    Ok(created)
}
