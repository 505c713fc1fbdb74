//! The `outturn` binary: parse the command line, run a subcommand, or open the TUI.

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use clap::Parser;
use outturn::cli::{self, Cli};

fn main() -> ExitCode {
    let (code, failed) = run();
    if failed {
        // Started by a double-click, the window would close with the message: wait for a key.
        outturn::tui::first_run::keep_window_open_after_error();
    }
    code
}

/// Runs the command line; the exit status, and whether it failed (a message was printed).
fn run() -> (ExitCode, bool) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            use clap::error::ErrorKind;
            // Help and version are not errors: clap prints them whole.
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = err.print();
                return (
                    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2)),
                    false,
                );
            }
            eprintln!("outturn: {}", cli::errors::clap_line(&err, &args));
            return (ExitCode::from(2), true);
        }
    };
    let result = match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => cli::open_tui(&cli),
    };
    match result {
        Ok(code) => (code, false),
        // The reader of standard output went away: not a failure of the command.
        Err(err) if cli::output::is_broken_pipe(&err) => (ExitCode::SUCCESS, false),
        Err(err) => {
            eprintln!("outturn: {}", cli::errors::line(&err));
            (ExitCode::from(cli::errors::exit_code(&err)), true)
        }
    }
}
