//! `playlike`: the operator's command line. All of it lives in the `playlike_builder`
//! library ([`playlike_builder::cli`]).

/// Counts heap bytes for `playlike bench` (see `playlike_builder::heap`).
#[global_allocator]
static ALLOCATOR: playlike_builder::heap::Counting = playlike_builder::heap::Counting;

fn main() -> anyhow::Result<()> {
    playlike_builder::cli::main()
}
