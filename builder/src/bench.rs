//! `playlike bench`: native timings of the shared suite (`playlike_core::bench`) over an index,
//! plus load and decode times. The browser half (the same suite compiled to wasm32, run in
//! headless Chromium with and without SIMD) is `scripts/bench-browser`, which `--browser` runs.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use playlike_core::bench::{self, Timings, MARKDOWN_HEADER};

use crate::{heap, index_dir};

/// Bytes as MiB.
fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    /// Random games in the suite (each also typed keystroke by keystroke).
    #[arg(long, default_value_t = 400)]
    pub games: usize,
    /// Seed of the suite.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Games whose first answers (from the first part of the index) are compared with the
    /// final ones.
    #[arg(long, default_value_t = 3000)]
    pub overlap_games: usize,
    /// Also run the suite in headless Chromium (wasm32, with and without SIMD).
    #[arg(long)]
    pub browser: bool,
}

pub fn run(args: BenchArgs) -> Result<()> {
    heap::reset_peak();
    let heap_before = heap::live();
    let started = Instant::now();
    let (manifest, library) = index_dir::load_library(&args.index)?;
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let heap_line = match (heap_before, heap::live(), heap::peak()) {
        (Some(before), Some(live), Some(peak)) => format!(
            "heap of the loaded library (native; wasm32 has half-width pointers): {} live, \
             {} at the peak of loading",
            mib(live.saturating_sub(before)),
            mib(peak.saturating_sub(before))
        ),
        _ => "heap: not counted (the counting allocator is not installed)".into(),
    };
    println!(
        "index {} ({} games) from {}; native, {} cores",
        manifest.version,
        manifest.games,
        args.index.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("load (read, verify, gunzip, decode, build search and features): {load_ms:.0} ms");
    println!("{heap_line}\n");
    let first = index_dir::load_first_part(&args.index)?;
    let (overlap, compared) =
        bench::first_answer_overlap(&first, &library, args.overlap_games, args.seed);
    println!(
        "first answers (first title shard + first feature part, {} games): overlap@10 with the \
         final answers {overlap:.3} over {compared} first-tier games\n",
        first.loaded_titles()
    );
    let suite = bench::suite(&library, args.games, args.seed);
    let origin = Instant::now();
    let now = move || origin.elapsed().as_secs_f64() * 1e3;
    let timings: Vec<Timings> = bench::run(&library, &suite, &now);
    println!("{MARKDOWN_HEADER}");
    for t in &timings {
        println!("{}", t.markdown_row());
    }
    if args.browser {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/bench-browser");
        let status = std::process::Command::new(script)
            .arg(&args.index)
            .arg(args.games.to_string())
            .arg(args.seed.to_string())
            .status()?;
        if !status.success() {
            bail!("scripts/bench-browser failed ({status})");
        }
    }
    Ok(())
}
