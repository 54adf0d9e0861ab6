//! `playlike publish` and friends (owned by the operator-path work; placeholder until it lands).

#[derive(clap::Args)]
pub struct PublishArgs {}
#[derive(clap::Args)]
pub struct VersionsArgs {}
#[derive(clap::Args)]
pub struct RollbackArgs {}
#[derive(clap::Args)]
pub struct PromoteArgs {}
#[derive(clap::Args)]
pub struct CorsArgs {}

pub fn publish(_args: PublishArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
pub fn versions(_args: VersionsArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
pub fn rollback(_args: RollbackArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
pub fn promote(_args: PromoteArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
pub fn cors(_args: CorsArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
