//! `faqbot test`: run conversation test files against the content.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

/// Arguments of `faqbot test`.
#[derive(clap::Args, Debug)]
pub(crate) struct TestArgs {
    /// Content directory.
    #[arg(long, default_value = "intents")]
    intents: PathBuf,
    /// Print each failure as a JSON line.
    #[arg(long)]
    json: bool,
    /// Test files or directories of them (default: tests/conversations and tests/cases).
    files: Vec<PathBuf>,
}

fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| matches!(f.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect();
            files.sort();
            out.extend(files);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            anyhow::bail!("{}: no such file or directory", p.display());
        }
    }
    Ok(out)
}

pub(crate) fn run(args: TestArgs) -> Result<ExitCode> {
    let bot = crate::load_bot(&args.intents)?;
    let roots: Vec<PathBuf> = if args.files.is_empty() {
        ["tests/conversations", "tests/cases"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect()
    } else {
        args.files.clone()
    };
    let files = collect(&roots)?;
    if files.is_empty() {
        anyhow::bail!("no test files given or found");
    }
    let (mut turns, mut failed_turns, mut bad_files) = (0usize, 0usize, 0usize);
    for f in &files {
        let file = match faqbot::testing::load(Path::new(f)) {
            Ok(file) => file,
            Err(e) => {
                bad_files += 1;
                for d in e.diagnostics() {
                    eprintln!("{d}");
                }
                continue;
            }
        };
        let report = faqbot::testing::run(&bot, &file);
        turns += report.turns;
        failed_turns += report.failures.len();
        for fail in &report.failures {
            if args.json {
                println!("{}", serde_json::to_string(fail)?);
            } else {
                println!("FAIL {fail}");
            }
        }
    }
    println!(
        "faqbot test: {} files, {} turns: {} passed, {} failed",
        files.len(),
        turns,
        turns - failed_turns,
        failed_turns
    );
    if bad_files > 0 {
        println!("{bad_files} file(s) could not be read");
    }
    Ok(if failed_turns > 0 || bad_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
