//! The `playlike` command line: one subcommand per module of this crate.

use clap::{Parser, Subcommand};

use crate::{
    bench, build_cmd, eval, eval_search, fetch, inspect, publish, queries, query, sample, serve,
    synth, tune,
};

/// Build, inspect, query and publish Playlike game-recommendation indexes.
#[derive(Parser)]
#[command(name = "playlike", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build an index directory from catalogue files.
    Build(build_cmd::BuildArgs),
    /// Show what an index holds and verify every file.
    Inspect(inspect::InspectArgs),
    /// Recommend games like some IGDB ids (or a file of ids).
    Query(query::QueryArgs),
    /// Title search, as the web app's search box does it.
    Search(query::SearchArgs),
    /// Time search and recommendations over an index (native; --browser adds wasm in Chromium).
    Bench(bench::BenchArgs),
    /// Quality report: genre precision, developer/series hit rates, diversity, coverage.
    Eval(eval::EvalArgs),
    /// Fit the global ranking parameters on part of a truth file; report the held-out rest.
    Tune(tune::TuneArgs),
    /// Write a realistic, reproducible set of noisy title-search queries from a catalogue.
    Queries(queries::QueriesArgs),
    /// Search quality: found@1 and found@10 per kind of query (from `playlike queries`).
    EvalSearch(eval_search::EvalSearchArgs),
    /// Write a deterministic synthetic catalogue that follows the real one's distributions.
    Synth(synth::SynthArgs),
    /// Write the small real demo catalogue (facts and derived terms, no summaries).
    Sample(sample::SampleArgs),
    /// Download the catalogue from the IGDB API v4 into JSONL.
    Fetch(fetch::FetchArgs),
    /// Upload an index to a directory or a GCS bucket, with versions and staged rollout.
    Publish(publish::PublishArgs),
    /// List published versions.
    Versions(publish::VersionsArgs),
    /// Switch the live manifest back to an earlier version, or cancel a canary.
    Rollback(publish::RollbackArgs),
    /// Finish a staged rollout: serve the canary to everyone.
    Promote(publish::PromoteArgs),
    /// Print (and optionally apply) the CORS configuration the bucket needs.
    Cors(publish::CorsArgs),
    /// Serve a directory (the built web app and its index) over HTTP on loopback.
    Serve(serve::ServeArgs),
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build_cmd::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Query(args) => query::run_query(args),
        Command::Search(args) => query::run_search(args),
        Command::Sample(args) => sample::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Tune(args) => tune::run(args),
        Command::Queries(args) => queries::run(args),
        Command::EvalSearch(args) => eval_search::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Publish(args) => publish::publish(args),
        Command::Versions(args) => publish::versions(args),
        Command::Rollback(args) => publish::rollback(args),
        Command::Promote(args) => publish::promote(args),
        Command::Cors(args) => publish::cors(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// Parses the process's arguments (exiting with clap's message on an error) and runs them.
pub fn main() -> anyhow::Result<()> {
    run(Cli::parse())
}
