//! `faqbot test` (being written).
use anyhow::Result;
use std::process::ExitCode;
/// Arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct TestArgs {
    /// Files.
    files: Vec<std::path::PathBuf>,
}
pub(crate) fn run(_args: TestArgs) -> Result<ExitCode> {
    anyhow::bail!("test is not written yet")
}
