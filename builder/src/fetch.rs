//! `playlike fetch` (owned by the operator-path work; placeholder until it lands).

#[derive(clap::Args)]
pub struct FetchArgs {}

pub fn run(_args: FetchArgs) -> anyhow::Result<()> {
    anyhow::bail!("playlike fetch is not implemented yet")
}
