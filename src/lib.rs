//! Outturn: capital programme monitoring for UK councils.
//!
//! Layers, data flowing one way:
//! - [`domain`]: pure types and maths (money, financial years, the monitoring report);
//! - [`store`]: the only module that touches SQLite;
//! - [`io`]: CSV import and export, demo data;
//! - [`ops`]: every step an officer can ask for, one function each, called by both faces;
//! - [`cli`] and [`tui`]: the two faces over the above.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod domain;
pub mod error;
pub mod io;
pub mod ops;
pub mod store;
pub mod tui;
