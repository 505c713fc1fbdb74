//! The monthly monitoring report end to end: the demo programmes worked by hand, budget changes,
//! contracts across 31 March, generated programmes against an independent oracle, the CSV golden
//! files byte for byte through the real binary, and the errors a finance officer can make.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use outturn::domain::model::{AllocationStatus, ChangeKind, ChangeStatus, DeliveryStatus};
use outturn::domain::report::{Rag, Report, ReportRow, RowKind};
use outturn::domain::{FinancialYear, Money, Period};
use outturn::io::report::csv_string;
use outturn::store::{self, Db, entities as e, figures};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn fy(y: i32) -> FinancialYear {
    FinancialYear::new(y).unwrap()
}

fn p(n: u8) -> Period {
    Period::new(n).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn demo() -> Db {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    outturn::io::demo::load_all(&tx).unwrap();
    tx.commit().unwrap();
    conn
}

fn report(conn: &Db, year: i32, period: u8, programme: Option<&str>) -> Report {
    let pid = programme.map(|c| e::programme_id(conn, c).unwrap());
    figures::report(conn, fy(year), p(period), pid).unwrap()
}

fn row<'a>(r: &'a Report, programme: &str, phase: &str) -> &'a ReportRow {
    r.rows
        .iter()
        .find(|x| x.programme_code == programme && x.phase_code == phase)
        .unwrap_or_else(|| panic!("no row {programme}/{phase} in {:#?}", r.rows))
}

/// Every money column of a row, in CSV order, then basis, percentages and RAG as printed.
fn columns(r: &ReportRow) -> Vec<String> {
    vec![
        r.original.plain(),
        r.approved_changes.plain(),
        r.revised.plain(),
        r.pending.plain(),
        r.actual_in_period.plain(),
        r.actual_to_date.plain(),
        r.commitments.plain(),
        r.headroom.plain(),
        r.forecast.plain(),
        r.basis.label(),
        r.variance.plain(),
        outturn::domain::report::percent_text(r.variance_pct),
        outturn::domain::report::percent_text(r.spent_pct),
        r.rag.label().to_string(),
    ]
}

fn bin(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_outturn"));
    c.env_remove("OUTTURN_DB")
        .env("OUTTURN_USER", "tester")
        .arg("--db")
        .arg(db);
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin(db).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let o = run(&db, &["init", "--demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, db)
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

// ---------------------------------------------------------------------------------------------
// The demo programmes, worked by hand
// ---------------------------------------------------------------------------------------------

#[test]
fn wolverhampton_2017_18_p12_every_column_by_hand() {
    let conn = demo();
    let r = report(&conn, 2017, 12, None);
    // Only phases with figures in 2017-18: ICT and PH2 (PH1 delivered before, FUT only projected
    // for 2018-20), sorted by code, then the programme total and the grand total. Wirral has
    // nothing in 2017-18.
    let order: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|x| (x.programme_code.as_str(), x.phase_code.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("WOL-DTP", "ICT"),
            ("WOL-DTP", "PH2"),
            ("WOL-DTP", "Programme total"),
            ("", "Grand total")
        ]
    );

    // PH2: original £3.0m approved by Council 08/11/2017; no changes, nothing pending in 2017-18.
    // Actual in period P12 (March 2018): 512,340.55 (29/03/2018).
    // Actual to date: 420,000.00 + 385,500.00 + 96,250.00 + 512,340.55 = 1,414,090.55.
    // No contracts: commitments 0. Headroom = 3,000,000.00 - 1,414,090.55 - 0 = 1,585,909.45.
    // Forecast entered as at P9: 2,600,000.00. Variance = 2,600,000 - 3,000,000 = -400,000.00.
    // Variance % = -400,000 / 3,000,000 x 100 = -13.33 -> -13.3. Spent % = 1,414,090.55 /
    // 3,000,000 x 100 = 47.136 -> 47.1. An underspend beyond 10 % is slippage: Amber.
    let ph2 = row(&r, "WOL-DTP", "PH2");
    assert_eq!(ph2.phase_name, "Phase 2");
    assert_eq!(
        columns(ph2),
        [
            "3000000.00",
            "0.00",
            "3000000.00",
            "0.00",
            "512340.55",
            "1414090.55",
            "0.00",
            "1585909.45",
            "2600000.00",
            "entered P9",
            "-400000.00",
            "-13.3",
            "47.1",
            "Amber"
        ]
    );

    // ICT: original £1.0m. In P12: 301,118.40 (22/03/2018). To date: 212,400.00 + 148,975.20 +
    // 301,118.40 = 662,493.60. Headroom = 1,000,000 - 662,493.60 = 337,506.40. Forecast entered P10
    // 1,000,000.00: variance 0.00, 0.0 %. Spent 662,493.60 / 1,000,000 = 66.249 % -> 66.2. Green.
    assert_eq!(
        columns(row(&r, "WOL-DTP", "ICT")),
        [
            "1000000.00",
            "0.00",
            "1000000.00",
            "0.00",
            "301118.40",
            "662493.60",
            "0.00",
            "337506.40",
            "1000000.00",
            "entered P10",
            "0.00",
            "0.0",
            "66.2",
            "Green"
        ]
    );

    // Programme total: 4,000,000.00 budget; in period 512,340.55 + 301,118.40 = 813,458.95; to date
    // 1,414,090.55 + 662,493.60 = 2,076,584.15; headroom 1,585,909.45 + 337,506.40 = 1,923,415.85;
    // forecast 3,600,000.00; variance -400,000.00 = -10.0 % exactly, which is not beyond 10 %:
    // Green. Spent 2,076,584.15 / 4,000,000 = 51.91 % -> 51.9. No basis on a total.
    let total = row(&r, "WOL-DTP", "Programme total");
    assert_eq!(total.kind, RowKind::ProgrammeTotal);
    let expected_total = [
        "4000000.00",
        "0.00",
        "4000000.00",
        "0.00",
        "813458.95",
        "2076584.15",
        "0.00",
        "1923415.85",
        "3600000.00",
        "",
        "-400000.00",
        "-10.0",
        "51.9",
        "Green",
    ];
    assert_eq!(columns(total), expected_total);
    assert_eq!(columns(row(&r, "", "Grand total")), expected_total);
}

#[test]
fn wolverhampton_2017_18_p7_has_no_october_spend_and_no_forecast_yet() {
    let conn = demo();
    let r = report(&conn, 2017, 7, Some("WOL-DTP"));
    // At P7 (to 31/10/2017) nothing has been paid (the first payment is 30/11/2017) and the
    // forecasts are entered as at P9 and P10, so both are derived: 0 + 0 = 0, variance -budget,
    // -100.0 %: Amber (slippage). Only the two phases with budgets get rows.
    let ph2 = row(&r, "WOL-DTP", "PH2");
    assert_eq!(ph2.actual_to_date, Money::ZERO);
    assert_eq!(ph2.forecast, Money::ZERO);
    assert_eq!(ph2.basis.label(), "derived");
    assert_eq!(ph2.variance, m("-3000000"));
    assert_eq!(
        outturn::domain::report::percent_text(ph2.variance_pct),
        "-100.0"
    );
    assert_eq!(ph2.rag, Rag::Amber);
    // At P9 the Phase 2 forecast (entered P9) applies; ICT's (entered P10) does not yet.
    let r9 = report(&conn, 2017, 9, None);
    assert_eq!(row(&r9, "WOL-DTP", "PH2").basis.label(), "entered P9");
    assert_eq!(row(&r9, "WOL-DTP", "ICT").basis.label(), "derived");
}

#[test]
fn wirral_before_and_after_the_first_microsoft_invoice() {
    let conn = demo();
    // 2022-23 P6 (to 30/09/2022): budget 804,132.63 (the 2022-23 share). The contract,
    // 137,851,309p over 12 months from September 2022, is 11,487,609p a month; September to March
    // = 7 x 114,876.09 = 804,132.63 profiled to 31/03/2023, nothing paid: commitments 804,132.63.
    // Headroom = 804,132.63 - 0 - 804,132.63 = 0.00. Forecast derived = 0 + 804,132.63; variance 0.
    // The proposed £250k addition is for 2023-24, so nothing pending in 2022-23.
    // Actual + commitments = budget, not over it: Green.
    let r6 = report(&conn, 2022, 6, Some("WIR-SCP"));
    assert_eq!(
        columns(row(&r6, "WIR-SCP", "DT1")),
        [
            "804132.63",
            "0.00",
            "804132.63",
            "0.00",
            "0.00",
            "0.00",
            "804132.63",
            "0.00",
            "804132.63",
            "derived",
            "0.00",
            "0.0",
            "0.0",
            "Green"
        ]
    );
    // P7 (to 31/10/2022): the 31/10/2022 invoice of 229,752.18 is in period and to date.
    // Commitments = 804,132.63 - 229,752.18 = 574,380.45 (the invoice is not counted twice).
    // Headroom = 804,132.63 - 229,752.18 - 574,380.45 = 0.00. Forecast derived 229,752.18 +
    // 574,380.45 = 804,132.63, variance 0.00. Spent 229,752.18 / 804,132.63 = 28.571 % -> 28.6.
    let r7 = report(&conn, 2022, 7, Some("WIR-SCP"));
    let dt1 = row(&r7, "WIR-SCP", "DT1");
    assert_eq!(dt1.phase_name, "Digital transformation phase 1");
    assert_eq!(
        columns(dt1),
        [
            "804132.63",
            "0.00",
            "804132.63",
            "0.00",
            "229752.18",
            "229752.18",
            "574380.45",
            "0.00",
            "804132.63",
            "derived",
            "0.00",
            "0.0",
            "28.6",
            "Green"
        ]
    );
    // Only the Wirral rows: DT1, its programme total and the grand total.
    assert_eq!(r7.rows.len(), 3);
}

#[test]
fn wirral_2023_24_p1_carries_the_unpaid_2022_23_months_into_commitments() {
    let conn = demo();
    // 2023-24 P1 (to 30/04/2023). Budget 574,380.46; the proposed £250k addition for 2023-24 is
    // pending, never in the budget. In period and to date: 344,628.27 (28/04/2023).
    // The whole contract is profiled by 31/03/2024: 1,378,513.09; paid by 30/04/2023:
    // 229,752.18 + 344,628.27 + 344,628.27 = 919,008.72; commitments = 459,504.37.
    // Headroom = 574,380.46 - 344,628.27 - 459,504.37 = -229,752.18 (the 2022-23 slippage was
    // never reprofiled). Forecast derived = 344,628.27 + 459,504.37 = 804,132.64;
    // variance = 804,132.64 - 574,380.46 = 229,752.18 = 39.99999 % -> 40.0; spent 344,628.27 /
    // 574,380.46 = 60.0000 % -> 60.0. Red: over +5 %, and spend + commitments over budget.
    let r = report(&conn, 2023, 1, None);
    assert_eq!(
        columns(row(&r, "WIR-SCP", "DT1")),
        [
            "574380.46",
            "0.00",
            "574380.46",
            "250000.00",
            "344628.27",
            "344628.27",
            "459504.37",
            "-229752.18",
            "804132.64",
            "derived",
            "229752.18",
            "40.0",
            "60.0",
            "Red"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Contracts across 31 March, budget changes
// ---------------------------------------------------------------------------------------------

fn one_phase(conn: &Db) -> i64 {
    let prog = e::add_programme(
        conn,
        &e::NewProgramme {
            code: "T".into(),
            name: "Test programme".into(),
            organisation: String::new(),
            status: DeliveryStatus::Active,
        },
    )
    .unwrap();
    e::add_phase(
        conn,
        &e::NewPhase {
            programme_id: prog,
            code: "A".into(),
            name: "Phase A".into(),
            status: DeliveryStatus::Active,
            officer: None,
        },
    )
    .unwrap()
}

fn allocate(conn: &Db, phase: i64, year: i32, amount: &str, status: AllocationStatus) {
    e::add_allocation(
        conn,
        &e::NewAllocation {
            phase_id: phase,
            first_fy: fy(year),
            last_fy: fy(year),
            amount: m(amount),
            status,
            decision_id: None,
            profile: None,
            note: String::new(),
        },
    )
    .unwrap();
}

fn pay(conn: &Db, phase: i64, contract: Option<i64>, on: &str, amount: &str) {
    e::add_actual(
        conn,
        &e::NewActual {
            phase_id: phase,
            contract_id: contract,
            date: date(on),
            supplier: "Supplier".into(),
            description: String::new(),
            reference: String::new(),
            amount: m(amount),
        },
    )
    .unwrap();
}

#[test]
fn a_contract_straddling_31_march_splits_exactly_between_the_years() {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    let phase = one_phase(&tx);
    let contract = e::add_contract(
        &tx,
        &e::NewContract {
            reference: "K1".into(),
            title: String::new(),
            supplier: "Microsoft Limited".into(),
            phase_id: phase,
            framework_id: None,
            value: m("1378513.09"),
            start: date("2022-09-01"),
            term_months: 12,
            award_decision_id: None,
            extensions: Vec::new(),
            profile: Vec::new(),
        },
    )
    .unwrap();
    // Before any payment: 2022-23 commits its 7 months, 7 x 114,876.09 = 804,132.63.
    let c22 = row(&report(&tx, 2022, 6, None), "T", "A").commitments;
    assert_eq!(c22, m("804132.63"));
    // 2023-24 (whole year) commits everything profiled to 31/03/2024: the whole value, since
    // nothing is paid. Its own share is the difference: 4 x 114,876.09 + 114,876.10 = 574,380.46,
    // and the two shares add up to the value to the penny: 804,132.63 + 574,380.46 = 1,378,513.09.
    let c23 = row(&report(&tx, 2023, 12, None), "T", "A").commitments;
    assert_eq!(c23, m("1378513.09"));
    assert_eq!(c23 - c22, m("574380.46"));
    assert_eq!(c22 + (c23 - c22), m("1378513.09"));
    // Paying 2022-23's months as profiled leaves exactly 2023-24's share committed for 2023-24,
    // and nothing for 2022-23 at year end: the two years' commitments add up to the value.
    pay(&tx, phase, Some(contract), "2023-03-31", "804132.63");
    assert_eq!(
        row(&report(&tx, 2022, 12, None), "T", "A").commitments,
        Money::ZERO
    );
    let c23_p1 = row(&report(&tx, 2023, 1, None), "T", "A").commitments;
    assert_eq!(c23_p1, m("574380.46"));
    assert_eq!(c22 + c23_p1, m("1378513.09"));
    // An overpayment never makes commitments negative.
    pay(&tx, phase, Some(contract), "2023-04-30", "600000.00");
    assert_eq!(
        row(&report(&tx, 2023, 1, None), "T", "A").commitments,
        Money::ZERO
    );
}

#[test]
fn an_approved_reprofile_moves_budget_between_years_a_proposed_one_is_only_pending() {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    let phase = one_phase(&tx);
    allocate(&tx, phase, 2018, "1000000", AllocationStatus::Approved);
    allocate(&tx, phase, 2019, "1000000", AllocationStatus::Approved);
    allocate(&tx, phase, 2019, "400000", AllocationStatus::Projected);
    let change = |amount: &str, from: i32, to: i32, effective: &str, status| e::NewChange {
        kind: ChangeKind::Reprofile,
        amount: m(amount),
        from: Some((phase, fy(from))),
        to: Some((phase, fy(to))),
        effective: date(effective),
        status,
        decision_id: None,
        reason: "slippage".into(),
    };
    e::add_change(
        &tx,
        &change("250000", 2018, 2019, "2018-06-15", ChangeStatus::Approved),
    )
    .unwrap();
    e::add_change(
        &tx,
        &change("100000", 2019, 2018, "2018-07-01", ChangeStatus::Proposed),
    )
    .unwrap();

    // 2018-19 P2 (to 31/05/2018): the reprofile is effective 15/06/2018, not yet counted.
    // Pending: the proposed 100,000 into 2018-19.
    let early = row(&report(&tx, 2018, 2, None), "T", "A").clone();
    assert_eq!(early.approved_changes, Money::ZERO);
    assert_eq!(early.revised, m("1000000"));
    assert_eq!(early.pending, m("100000"));
    // 2018-19 P12: 1,000,000 - 250,000 = 750,000 revised; still 100,000 pending.
    let y18 = row(&report(&tx, 2018, 12, None), "T", "A").clone();
    assert_eq!(y18.original, m("1000000"));
    assert_eq!(y18.approved_changes, m("-250000"));
    assert_eq!(y18.revised, m("750000"));
    assert_eq!(y18.pending, m("100000"));
    // 2019-20 P1: 1,000,000 + 250,000 = 1,250,000 revised. Pending: the projected 400,000 less
    // the proposed 100,000 leaving 2019-20 = 300,000.
    let y19 = row(&report(&tx, 2019, 1, None), "T", "A").clone();
    assert_eq!(y19.original, m("1000000"));
    assert_eq!(y19.approved_changes, m("250000"));
    assert_eq!(y19.revised, m("1250000"));
    assert_eq!(y19.pending, m("300000"));
    // The move neither creates nor loses money: 750,000 + 1,250,000 = 2,000,000.
    assert_eq!(y18.revised + y19.revised, m("2000000"));
    assert_eq!(y18.approved_changes + y19.approved_changes, Money::ZERO);
}

#[test]
fn formula_text_is_escaped_in_the_csv_and_negative_amounts_are_not() {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    let prog = e::add_programme(
        &tx,
        &e::NewProgramme {
            code: "@PROG".into(),
            name: "Programme".into(),
            organisation: String::new(),
            status: DeliveryStatus::Active,
        },
    )
    .unwrap();
    let phase = e::add_phase(
        &tx,
        &e::NewPhase {
            programme_id: prog,
            code: "-P1".into(),
            name: "=HYPERLINK(\"http://x\",\"click\")".into(),
            status: DeliveryStatus::Active,
            officer: None,
        },
    )
    .unwrap();
    // A credit of 12.50 with no budget: actual to date -12.50, headroom 0 - (-12.50) - 0 = 12.50.
    // Forecast -12.50 against a zero revised budget is an underspend: Amber (DOMAIN.md).
    pay(&tx, phase, None, "2017-10-02", "-12.50");
    let csv = csv_string(
        &store::cabinet::report(&tx, fy(2017), p(7), None, None)
            .unwrap()
            .0,
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[1],
        "'@PROG,'-P1,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",2017-18,P7,0.00,0.00,0.00,0.00,-12.50,-12.50,0.00,12.50,-12.50,derived,-12.50,,,Amber,,,,,"
    );
    assert_eq!(
        lines[2],
        "'@PROG,Programme total,,2017-18,P7,0.00,0.00,0.00,0.00,-12.50,-12.50,0.00,12.50,-12.50,,-12.50,,,Amber,,,,,"
    );
}

// ---------------------------------------------------------------------------------------------
// Generated programmes against an independent oracle
// ---------------------------------------------------------------------------------------------

/// The first financial year of generated data (2018-19); data covers four years.
const BASE: i32 = 2018;

#[derive(Debug, Clone)]
struct AllocSpec {
    first: i32,
    len: i32,
    pence: i64,
    approved: bool,
}

#[derive(Debug, Clone)]
enum Move {
    Reprofile(i32, i32),
    Addition(i32),
    Reduction(i32),
    /// To the phase at this index (modulo the number of phases), in this year.
    Virement(usize, i32),
}

#[derive(Debug, Clone)]
struct ChangeSpec {
    mv: Move,
    pence: i64,
    approved: bool,
    effective_day: i64,
}

#[derive(Debug, Clone)]
struct ContractSpec {
    pence: i64,
    start_month: u32,
    term: u32,
    payments: Vec<(i64, i64)>,
}

#[derive(Debug, Clone)]
struct PhaseSpec {
    allocations: Vec<AllocSpec>,
    changes: Vec<ChangeSpec>,
    contracts: Vec<ContractSpec>,
    actuals: Vec<(i64, i64)>,
    forecasts: Vec<(i32, u8, i64)>,
}

#[derive(Debug, Clone)]
struct Spec {
    programmes: Vec<Vec<PhaseSpec>>,
    year: i32,
    period: u8,
}

fn day(offset: i64) -> NaiveDate {
    date("2018-04-01") + chrono::Days::new(offset as u64)
}

fn alloc_spec() -> impl Strategy<Value = AllocSpec> {
    (0..4i32, 1..=2i32, 1i64..500_000_000, any::<bool>()).prop_map(
        |(first, len, pence, approved)| AllocSpec {
            first,
            len: len.min(4 - first),
            pence,
            approved,
        },
    )
}

fn change_spec() -> impl Strategy<Value = ChangeSpec> {
    let mv = prop_oneof![
        (0..4i32, 0..4i32)
            .prop_filter("two years", |(a, b)| a != b)
            .prop_map(|(a, b)| Move::Reprofile(a, b)),
        (0..4i32).prop_map(Move::Addition),
        (0..4i32).prop_map(Move::Reduction),
        (0..16usize, 0..4i32).prop_map(|(to, y)| Move::Virement(to, y)),
    ];
    (mv, 1i64..100_000_000, any::<bool>(), 0..1460i64).prop_map(
        |(mv, pence, approved, effective_day)| ChangeSpec {
            mv,
            pence,
            approved,
            effective_day,
        },
    )
}

fn contract_spec() -> impl Strategy<Value = ContractSpec> {
    (
        0i64..300_000_000,
        0..40u32,
        1..30u32,
        prop::collection::vec((0..1460i64, 1i64..50_000_000), 0..5),
    )
        .prop_map(|(pence, start_month, term, payments)| ContractSpec {
            pence,
            start_month,
            term,
            payments,
        })
}

fn phase_spec() -> impl Strategy<Value = PhaseSpec> {
    (
        prop::collection::vec(alloc_spec(), 0..4),
        prop::collection::vec(change_spec(), 0..4),
        prop::collection::vec(contract_spec(), 0..3),
        prop::collection::vec((0..1460i64, -5_000_000i64..80_000_000), 0..8),
        prop::collection::vec((0..4i32, 1..=12u8, 0i64..600_000_000), 0..4),
    )
        .prop_map(
            |(allocations, changes, contracts, actuals, forecasts)| PhaseSpec {
                allocations,
                changes,
                contracts,
                actuals,
                forecasts,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(prop::collection::vec(phase_spec(), 1..4), 1..4),
        0..4i32,
        1..=12u8,
    )
        .prop_map(|(programmes, year, period)| Spec {
            programmes,
            year,
            period,
        })
}

/// What the oracle expects of one phase, worked out from the spec without the report code.
#[derive(Debug, Default, Clone)]
struct Expected {
    programme: String,
    phase: String,
    original: i64,
    approved_changes: i64,
    pending: i64,
    actual_in_period: i64,
    actual_to_date: i64,
    commitments: i64,
    /// Sum over the phase's contracts of max(0, value - paid to the end of P).
    commitment_ceiling: i64,
    /// (as at period, amount) of the latest forecast for F as at P or earlier.
    forecast: Option<(u8, i64)>,
}

/// Even split to the penny, the remainder in the last share.
fn shares(total: i64, n: i64) -> Vec<i64> {
    let share = total / n;
    (0..n)
        .map(|i| {
            if i == n - 1 {
                total - share * (n - 1)
            } else {
                share
            }
        })
        .collect()
}

/// Builds the database from the spec through the store's own write functions and returns what
/// the oracle expects of every phase for (F, P).
fn build(conn: &Db, s: &Spec) -> Vec<Expected> {
    let f = BASE + s.year;
    let period = p(s.period);
    let end = fy(f).period_end(period);
    let year_end = fy(f).end();
    let mut ids = Vec::new();
    let mut out = Vec::new();
    for (i, phases) in s.programmes.iter().enumerate() {
        let prog = e::add_programme(
            conn,
            &e::NewProgramme {
                code: format!("PR{i}"),
                name: format!("Programme {i}"),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap();
        for j in 0..phases.len() {
            ids.push(
                e::add_phase(
                    conn,
                    &e::NewPhase {
                        programme_id: prog,
                        code: format!("PH{j}"),
                        name: format!("Phase {j}"),
                        status: DeliveryStatus::Active,
                        officer: None,
                    },
                )
                .unwrap(),
            );
            out.push(Expected {
                programme: format!("PR{i}"),
                phase: format!("PH{j}"),
                ..Default::default()
            });
        }
    }
    let all: Vec<&PhaseSpec> = s.programmes.iter().flatten().collect();
    // Allocations first (so approved changes find budget to move), then changes in order.
    for (k, ph) in all.iter().enumerate() {
        for a in &ph.allocations {
            e::add_allocation(
                conn,
                &e::NewAllocation {
                    phase_id: ids[k],
                    first_fy: fy(BASE + a.first),
                    last_fy: fy(BASE + a.first + a.len - 1),
                    amount: Money::from_pence(a.pence),
                    status: if a.approved {
                        AllocationStatus::Approved
                    } else {
                        AllocationStatus::Projected
                    },
                    decision_id: None,
                    profile: None,
                    note: String::new(),
                },
            )
            .unwrap();
            for (y, share) in (a.first..a.first + a.len).zip(shares(a.pence, a.len as i64)) {
                if BASE + y == f {
                    if a.approved {
                        out[k].original += share;
                    } else {
                        out[k].pending += share;
                    }
                }
            }
        }
    }
    for (k, ph) in all.iter().enumerate() {
        for c in &ph.changes {
            let (kind, from, to) = match c.mv {
                Move::Reprofile(a, b) => (ChangeKind::Reprofile, Some((k, a)), Some((k, b))),
                Move::Addition(y) => (ChangeKind::Addition, None, Some((k, y))),
                Move::Reduction(y) => (ChangeKind::Reduction, Some((k, y)), None),
                Move::Virement(to, y) => {
                    let to = to % ids.len();
                    if to == k {
                        continue;
                    }
                    (ChangeKind::Virement, Some((k, y)), Some((to, y)))
                }
            };
            let effective = day(c.effective_day);
            let added = e::add_change(
                conn,
                &e::NewChange {
                    kind,
                    amount: Money::from_pence(c.pence),
                    from: from.map(|(x, y)| (ids[x], fy(BASE + y))),
                    to: to.map(|(x, y)| (ids[x], fy(BASE + y))),
                    effective,
                    status: if c.approved {
                        ChangeStatus::Approved
                    } else {
                        ChangeStatus::Proposed
                    },
                    decision_id: None,
                    reason: String::new(),
                },
            );
            // An approved change that would move out more than the year has is refused (and
            // writes nothing): it is not in the oracle either.
            if added.is_err() {
                assert!(c.approved, "a proposed change is never refused: {added:?}");
                continue;
            }
            for (side, sign) in [(to, 1), (from, -1)] {
                if let Some((x, y)) = side
                    && BASE + y == f
                {
                    if !c.approved {
                        out[x].pending += sign * c.pence;
                    } else if effective <= end {
                        out[x].approved_changes += sign * c.pence;
                    }
                }
            }
        }
    }
    let mut n = 0;
    for (k, ph) in all.iter().enumerate() {
        let count_actual = |out: &mut Expected, on: NaiveDate, pence: i64| {
            if FinancialYear::containing(on) == fy(f) {
                if Period::of_date(on) == period {
                    out.actual_in_period += pence;
                }
                if on <= end {
                    out.actual_to_date += pence;
                }
            }
        };
        for c in &ph.contracts {
            n += 1;
            let start = date("2018-04-01")
                .checked_add_months(chrono::Months::new(c.start_month))
                .unwrap();
            let cid = e::add_contract(
                conn,
                &e::NewContract {
                    reference: format!("C{n}"),
                    title: String::new(),
                    supplier: "S".into(),
                    phase_id: ids[k],
                    framework_id: None,
                    value: Money::from_pence(c.pence),
                    start,
                    term_months: c.term,
                    award_decision_id: None,
                    extensions: Vec::new(),
                    profile: Vec::new(),
                },
            )
            .unwrap();
            // Month i of the term starts i months after the start month.
            let profiled: i64 = shares(c.pence, i64::from(c.term))
                .into_iter()
                .enumerate()
                .filter(|(i, _)| {
                    start
                        .checked_add_months(chrono::Months::new(*i as u32))
                        .unwrap()
                        <= year_end
                })
                .map(|(_, s)| s)
                .sum();
            let mut paid = 0;
            for &(d, pence) in &c.payments {
                let on = day(d);
                pay(
                    conn,
                    ids[k],
                    Some(cid),
                    &on.to_string(),
                    &Money::from_pence(pence).plain(),
                );
                if on <= end {
                    paid += pence;
                }
                count_actual(&mut out[k], on, pence);
            }
            out[k].commitments += (profiled - paid).max(0);
            out[k].commitment_ceiling += (c.pence - paid).max(0);
        }
        for &(d, pence) in &ph.actuals {
            let on = day(d);
            pay(
                conn,
                ids[k],
                None,
                &on.to_string(),
                &Money::from_pence(pence).plain(),
            );
            count_actual(&mut out[k], on, pence);
        }
        // A second forecast as at the same period replaces the first.
        let mut latest: std::collections::BTreeMap<u8, i64> = Default::default();
        for &(y, at, pence) in &ph.forecasts {
            e::set_forecast(
                conn,
                &e::NewForecast {
                    phase_id: ids[k],
                    fy: fy(BASE + y),
                    as_at: p(at),
                    amount: Money::from_pence(pence),
                    note: String::new(),
                },
            )
            .unwrap();
            if BASE + y == f {
                latest.insert(at, pence);
            }
        }
        out[k].forecast = latest.range(..=s.period).next_back().map(|(a, v)| (*a, *v));
    }
    out
}

fn money_columns(r: &ReportRow) -> [Money; 10] {
    [
        r.original,
        r.approved_changes,
        r.revised,
        r.pending,
        r.actual_in_period,
        r.actual_to_date,
        r.commitments,
        r.headroom,
        r.forecast,
        r.variance,
    ]
}

fn add(a: [Money; 10], b: [Money; 10]) -> [Money; 10] {
    std::array::from_fn(|i| a[i] + b[i])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_programmes_obey_the_report_rules(s in spec()) {
        let mut conn = store::open_in_memory().unwrap();
        let tx = store::write_tx(&mut conn).unwrap();
        let expected = build(&tx, &s);
        let r = report(&tx, BASE + s.year, s.period, None);
        let pm = Money::from_pence;

        for x in &expected {
            let found = r.rows.iter().find(|y| {
                y.kind == RowKind::Phase && y.programme_code == x.programme && y.phase_code == x.phase
            });
            let Some(y) = found else {
                // No row: the phase has no figure in the year.
                prop_assert!(x.original == 0 && x.approved_changes == 0 && x.pending == 0
                    && x.actual_to_date == 0 && x.actual_in_period == 0 && x.commitments == 0
                    && x.forecast.is_none(), "{x:?} has figures but no row");
                continue;
            };
            prop_assert_eq!(y.original, pm(x.original), "original {:?}", x);
            prop_assert_eq!(y.approved_changes, pm(x.approved_changes), "changes {:?}", x);
            prop_assert_eq!(y.pending, pm(x.pending), "pending {:?}", x);
            prop_assert_eq!(y.actual_in_period, pm(x.actual_in_period), "in period {:?}", x);
            prop_assert_eq!(y.actual_to_date, pm(x.actual_to_date), "to date {:?}", x);
            prop_assert_eq!(y.commitments, pm(x.commitments), "commitments {:?}", x);
            // Revised = original + approved changes; headroom = revised - actual - commitments.
            prop_assert_eq!(y.revised, y.original + y.approved_changes);
            prop_assert_eq!(y.headroom, y.revised - y.actual_to_date - y.commitments);
            // Commitments: never negative, never above what is left of the contract values.
            prop_assert!(!y.commitments.is_negative());
            prop_assert!(y.commitments <= pm(x.commitment_ceiling));
            match x.forecast {
                Some((at, pence)) => {
                    prop_assert_eq!(y.forecast, pm(pence));
                    prop_assert_eq!(y.basis.label(), format!("entered P{at}"));
                }
                None => {
                    prop_assert_eq!(y.forecast, y.actual_to_date + y.commitments);
                    prop_assert_eq!(y.basis.label(), "derived");
                }
            }
            prop_assert_eq!(y.variance, y.forecast - y.revised);
        }

        // Totals are the exact sums of their rows, column by column.
        let zero = [Money::ZERO; 10];
        let mut grand = zero;
        let mut programme = zero;
        let mut phase_rows = 0;
        for y in &r.rows {
            match y.kind {
                RowKind::Phase => {
                    programme = add(programme, money_columns(y));
                    grand = add(grand, money_columns(y));
                    phase_rows += 1;
                }
                RowKind::ProgrammeTotal => {
                    prop_assert_eq!(money_columns(y), programme, "total of {}", y.programme_code);
                    prop_assert_eq!(y.headroom, y.revised - y.actual_to_date - y.commitments);
                    programme = zero;
                }
                RowKind::GrandTotal => prop_assert_eq!(money_columns(y), grand),
            }
        }
        prop_assert_eq!(r.rows.last().map(|y| y.kind), Some(RowKind::GrandTotal));
        prop_assert!(phase_rows <= expected.len());
        // The same database gives the same CSV, byte for byte.
        let live = |c: &Db| store::cabinet::report(c, fy(BASE + s.year), p(s.period), None, None).unwrap().0;
        let (first, again) = (live(&tx), live(&tx));
        prop_assert_eq!(&first.report, &r);
        prop_assert_eq!(csv_string(&first), csv_string(&again));
    }
}

// ---------------------------------------------------------------------------------------------
// The command line: golden CSVs, terminal table, settings, errors
// ---------------------------------------------------------------------------------------------

fn assert_golden(db: &Path, args: &[&str], golden: &str) {
    let o = run(db, args);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = std::fs::read(fixture(golden)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&expected),
        "{golden} differs"
    );
    assert_eq!(o.stdout, expected, "{golden} differs in bytes");
}

#[test]
fn csv_matches_the_golden_files_byte_for_byte() {
    let (_dir, db) = demo_db();
    assert_golden(
        &db,
        &["report", "--fy", "2017-18", "--period", "12", "--csv", "-"],
        "report-2017-18-P12.csv",
    );
    assert_golden(
        &db,
        &[
            "report",
            "--month",
            "2022-10",
            "--programme",
            "WIR-SCP",
            "--csv",
            "-",
        ],
        "report-2022-23-P7-WIR-SCP.csv",
    );
}

#[test]
fn csv_to_a_file_is_the_same_bytes_every_time_and_says_where_it_went() {
    let (dir, db) = demo_db();
    let path = dir.path().join("out.csv");
    let path_s = path.to_str().unwrap();
    let o = run(
        &db,
        &[
            "report", "--fy", "2017/18", "--period", "P12", "--csv", path_s,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "Wrote the 2017-18 P12 report (2 phase rows, 4 rows in all) to {}.\n",
            path.display()
        )
    );
    let first = std::fs::read(&path).unwrap();
    assert_eq!(
        first,
        std::fs::read(fixture("report-2017-18-P12.csv")).unwrap()
    );
    // Again, overwriting: the same bytes (no timestamp anywhere), and no temporary file left.
    let o = run(&db, &["report", "--month", "2018-03", "--csv", path_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).unwrap(), first);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("demo.db"))
        .collect();
    assert_eq!(names, ["out.csv"]);
    let today = chrono::Local::now().date_naive();
    let text = String::from_utf8(first).unwrap();
    assert!(!text.contains(&today.format("%Y-%m-%d").to_string()));
    assert!(!text.contains(&today.format("%d/%m/%Y").to_string()));
}

#[test]
fn terminal_table_shows_pounds_brackets_and_rag() {
    let (_dir, db) = demo_db();
    let o = run(&db, &["report", "--fy", "2017-18", "--period", "12"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "Capital monitoring 2017-18 as at P12 (March), year to date 01/04/2017 to 31/03/2018."
        ),
        "{out}"
    );
    let ph2 = out
        .lines()
        .find(|l| l.starts_with("WOL-DTP") && l.contains("Phase 2"))
        .unwrap();
    for want in [
        "£3,000,000.00",
        "£512,340.55",
        "£1,414,090.55",
        "£1,585,909.45",
        "£2,600,000.00",
        "entered P9",
        "(£400,000.00)",
        "-13.3",
        "47.1",
        "Amber",
    ] {
        assert!(ph2.contains(want), "{want} missing from {ph2}");
    }
    // Columns line up: every data line is as long as the header (numbers right-aligned; the
    // RAG column is last and as wide as "Green").
    let lines: Vec<&str> = out.lines().skip(1).collect();
    let header = lines[0];
    assert!(header.starts_with("Programme  Phase"), "{header}");
    let at = header.find("Revised budget").unwrap() + "Revised budget".len();
    for l in &lines[1..] {
        let cell: String = l.chars().skip(at - 1).take(1).collect();
        assert_eq!(cell, "0", "revised budget right-aligned in {l}");
    }
}

#[test]
fn rag_thresholds_from_config_and_from_flags() {
    let (_dir, db) = demo_db();
    let rag_of_ph2 = |extra: &[&str]| -> String {
        let mut args = vec!["report", "--fy", "2017-18", "--period", "12", "--csv", "-"];
        args.extend_from_slice(extra);
        let o = run(&db, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let line = out.lines().find(|l| l.starts_with("WOL-DTP,PH2,")).unwrap();
        // RAG is the 19th column (the five after it are empty: nothing is closed).
        line.split(',').nth(18).unwrap().to_string()
    };
    // PH2 is 13.3 % under: Amber with the default 10 %.
    assert_eq!(rag_of_ph2(&[]), "Amber");
    let o = run(&db, &["config", "get", "rag.amber_underspend_pct"]);
    assert_eq!(stdout(&o), "10\n");
    // 13.3 % is not beyond 15 %: Green, once the threshold is saved.
    let o = run(&db, &["config", "set", "rag.amber_underspend_pct", "15"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "rag.amber_underspend_pct = 15\n");
    assert_eq!(rag_of_ph2(&[]), "Green");
    // A flag wins over the saved value for one report: beyond 12.5 % -> Amber.
    assert_eq!(rag_of_ph2(&["--rag-amber", "12.5"]), "Amber");
    let o = run(&db, &["config", "list"]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.starts_with("rag.amber_underspend_pct")
                && l.contains("15")
                && l.contains(" set ")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("rag.red_overspend_pct")
            && l.contains("5")
            && l.contains("default")),
        "{out}"
    );
    // The change is in the audit log.
    let conn = store::open_existing(&db).unwrap();
    // Who is the operating-system login; OUTTURN_USER is recorded beside it (issue 17).
    let (who, as_name, after): (String, String, String) = conn
        .query_row(
            "SELECT who, as_name, after FROM audit WHERE entity = 'setting' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(who, store::os_login());
    assert_eq!(as_name, "tester");
    assert!(after.contains("\"value\":\"15\""), "{after}");
}

#[test]
fn bad_years_periods_months_and_settings_exit_2_with_a_clear_message() {
    let (dir, db) = demo_db();
    let out_csv = dir.path().join("never.csv");
    let out_s = out_csv.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["report", "--fy", "2017-18", "--period", "13"],
            "--period: '13' is not a period: periods run P1 (April) to P12 (March)",
        ),
        (
            &["report", "--fy", "2017-19", "--period", "7"],
            "--fy: '2017-19' is not a financial year: the second year must follow the first",
        ),
        (
            &["report", "--period", "7", "--csv", out_s],
            "--fy is missing: give the financial year, e.g. --fy 2017-18",
        ),
        (
            &["report", "--fy", "2017-18"],
            "--period is missing: give the period, e.g. --period 7",
        ),
        (
            &[
                "report", "--fy", "2017-18", "--period", "8", "--month", "2017-10",
            ],
            "--month gives period P7 (October) but --period gives P8",
        ),
        (
            &["report", "--fy", "2018-19", "--month", "2017-10"],
            "--month gives the financial year 2017-18 but --fy gives 2018-19",
        ),
        (
            &["report", "--month", "2017-13"],
            "--month: '2017-13' is not a month",
        ),
        (
            &["report", "--month", "2017-10", "--rag-red", "120"],
            "--rag-red: '120' is not a percentage from 0 to 100",
        ),
        (
            &[
                "report",
                "--month",
                "2017-10",
                "--programme",
                "NOPE",
                "--csv",
                out_s,
            ],
            "--programme: no programme 'NOPE'; known programmes: WIR-SCP, WOL-DTP",
        ),
        (
            &["config", "set", "rag.red_overspend_pct", "five"],
            "rag.red_overspend_pct: 'five' is not a percentage from 0 to 100",
        ),
        (
            &["config", "get", "rag.green"],
            "key: 'rag.green' is not a setting: the settings are rag.red_overspend_pct, rag.amber_underspend_pct",
        ),
    ];
    for (args, message) in cases {
        let o = run(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(message),
            "{args:?}: expected {message:?} in {:?}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty(), "{args:?} printed {}", stdout(&o));
    }
    assert!(
        !out_csv.exists(),
        "no CSV is written when the options are wrong"
    );
    // A CSV into a folder that does not exist: exit 2, naming the folder.
    let o = run(
        &db,
        &[
            "report",
            "--month",
            "2017-10",
            "--csv",
            "/nonexistent-folder/r.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the folder /nonexistent-folder does not exist"));
    // The refused setting changed nothing.
    let o = run(&db, &["config", "get", "rag.red_overspend_pct"]);
    assert_eq!(stdout(&o), "5\n");
}
