//! `faqbot eval` (being written).
use anyhow::Result;
use std::process::ExitCode;
/// Arguments.
#[derive(clap::Args, Debug)]
pub(crate) struct EvalArgs {
    /// Dataset.
    dataset: std::path::PathBuf,
}
pub(crate) fn run(_args: EvalArgs) -> Result<ExitCode> {
    anyhow::bail!("eval is not written yet")
}
