//! `playlike-builder`: everything the `playlike` command does, as a library — reading
//! catalogues, building, inspecting and querying indexes, fetching from IGDB, publishing to a
//! directory or a bucket, serving a directory. The binary (`main.rs`) only parses arguments
//! and calls [`cli::run`]; tests drive the same functions directly, so nothing test-only has
//! to ship in the binary.

pub mod bench;
pub mod build_cmd;
pub mod cli;
pub mod clock;
pub mod eval;
pub mod eval_search;
pub mod fetch;
pub mod heap;
pub mod index_dir;
pub mod ingest;
pub mod inspect;
pub mod publish;
pub mod queries;
pub mod query;
pub mod sample;
pub mod serve;
pub mod synth;
pub mod tune;
