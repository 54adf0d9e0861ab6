//! `playlike`: the operator's command line. All of it lives in the `playlike_builder`
//! library ([`playlike_builder::cli`]).

fn main() -> anyhow::Result<()> {
    playlike_builder::cli::main()
}
