//! Input and output at the edges: CSV import and export, tables for the terminal, demo data.
//! Nothing here decides a figure: it reads, validates and formats.

pub mod demo;
pub mod financing;
pub mod import;
pub mod movement;
pub mod output_file;
pub mod platform;
pub mod progress;
pub mod report;
pub mod synthetic;
pub mod table;
pub mod workbook;
