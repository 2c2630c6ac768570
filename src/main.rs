use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    vetgate::cli::run(vetgate::cli::Cli::parse())
}
