//! The `outturn` binary: parse the command line, run a subcommand, or open the TUI.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use clap::Parser;
use outturn::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => cli::tui::open(&cli::db_path(&cli)),
    };
    match result {
        Ok(code) => code,
        // The reader of standard output went away: not a failure of the command.
        Err(err) if cli::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("outturn: {}", cli::errors::line(&err));
            ExitCode::from(cli::errors::exit_code(&err))
        }
    }
}
