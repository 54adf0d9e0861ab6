//! `playlike tune`: fits the global ranking parameters ([`Scoring`]) to a truth file of
//! "games like this" lists, on one part of it, and reports the held-out rest.
//!
//! The truth queries are split by a seeded hash of their ids (`--split`, `--seed`; see
//! [`Truth::queries`]). Coordinate ascent runs on (a sample of) the fit part only: each
//! parameter in turn tries a few values around its current one and keeps the best if it beats
//! the current objective by more than `--min-gain`; a round visits every parameter. The
//! objective is the mean of recall@10 over all candidates and recall@10 within the truth's
//! universe. At the end the starting (shipped, or `--set`) and the fitted parameters are
//! scored on the whole fit part and on the held-out part, which no step looked at, and the
//! fitted parameters are printed for copying into [`Scoring::default`]. `--params` fits only
//! some parameters; `--quick` stops after the ascent.
//!
//! Only global parameters are fitted (family weights, bonuses, the prior, normalisation,
//! candidate rules): nothing per game is derived from the truth.

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use playlike_core::features::Family;
use playlike_core::recommend::{Scoring, MAX_K};
use playlike_core::Library;

use crate::eval::{truth_scores, Part, Truth, TruthArgs, TruthScores};
use crate::index_dir;

#[derive(clap::Args)]
pub struct TuneArgs {
    /// Index directory (holding manifest.json).
    #[arg(long)]
    pub index: PathBuf,
    #[command(flatten)]
    pub truth: TruthArgs,
    /// Fit-part queries each step is judged on (a fixed, evenly spread sample; 0 = all).
    #[arg(long, default_value_t = 2500)]
    pub sample: usize,
    /// Rounds over all parameters.
    #[arg(long, default_value_t = 2)]
    pub rounds: usize,
    /// Smallest gain of the objective a step must bring to be kept.
    #[arg(long, default_value_t = 0.0003)]
    pub min_gain: f64,
    /// Fit only these parameters (names as printed, e.g. `Prior,PriorScale,weight.genre`);
    /// the others keep their shipped values. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub params: Vec<String>,
    /// Start from the shipped parameters with these replaced (`NAME=VALUE`, repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Only the ascent on the sample: skip scoring the start and the fit on the whole halves.
    #[arg(long)]
    pub quick: bool,
}

/// One fitted parameter.
#[derive(Debug, Clone, Copy)]
enum Param {
    Weight(Family),
    GenreBonus,
    Prior,
    PriorPower,
    HubPenalty,
    YearBonus,
    YearScale,
    NormPower,
    CommonShare,
    MinCandidates,
}

impl Param {
    fn name(self) -> String {
        match self {
            Param::Weight(family) => format!("weight.{}", family.label()),
            other => format!("{other:?}"),
        }
    }

    fn get(self, s: &Scoring) -> f32 {
        match self {
            Param::Weight(family) => s.weight(family),
            Param::GenreBonus => s.genre_bonus,
            Param::Prior => s.prior,
            Param::PriorPower => s.prior_power,
            Param::HubPenalty => s.hub_penalty,
            Param::YearBonus => s.year_bonus,
            Param::YearScale => s.year_scale,
            Param::NormPower => s.norm_power,
            Param::CommonShare => s.common_share,
            Param::MinCandidates => s.min_candidates as f32,
        }
    }

    fn set(self, s: &mut Scoring, value: f32) {
        match self {
            Param::Weight(family) => s.family[family as usize] = value,
            Param::GenreBonus => s.genre_bonus = value,
            Param::Prior => s.prior = value,
            Param::PriorPower => s.prior_power = value,
            Param::HubPenalty => s.hub_penalty = value,
            Param::YearBonus => s.year_bonus = value,
            Param::YearScale => s.year_scale = value,
            Param::NormPower => s.norm_power = value,
            Param::CommonShare => s.common_share = value,
            Param::MinCandidates => s.min_candidates = value as usize,
        }
    }

    /// Values to try next to the current one.
    fn tries(self, value: f32) -> Vec<f32> {
        match self {
            Param::Weight(_) | Param::GenreBonus | Param::Prior | Param::YearBonus => scaled(value),
            Param::HubPenalty if value == 0.0 => vec![0.5, 1.0, 2.0, 4.0],
            Param::HubPenalty => scaled(value),
            Param::YearScale | Param::CommonShare | Param::PriorPower => positive(value),
            Param::NormPower => stepped(value),
            Param::MinCandidates => candidate_counts(value),
        }
    }
}

/// Values to try for a weight: off, smaller and larger.
fn scaled(value: f32) -> Vec<f32> {
    if value == 0.0 {
        return vec![0.1, 0.3];
    }
    [0.0, 0.5, 0.75, 1.33, 2.0]
        .iter()
        .map(|m| value * m)
        .collect()
}

/// Values to try for an exponent in 0..=1.5.
fn stepped(value: f32) -> Vec<f32> {
    [-0.2, -0.1, 0.1, 0.2]
        .iter()
        .map(|d| value + d)
        .filter(|v| (0.0..=1.5).contains(v))
        .collect()
}

/// Values to try for a positive scale: smaller and larger, never off.
fn positive(value: f32) -> Vec<f32> {
    [0.5, 0.75, 1.33, 2.0].iter().map(|m| value * m).collect()
}

/// Candidate-count values, from 20 pages of [`MAX_K`] (see [`Scoring::min_candidates`]) to
/// 80: more candidates cost time on every query (native p95 2.0 → 2.5 ms from 4,000 to
/// 32,000) for gains within noise.
fn candidate_counts(value: f32) -> Vec<f32> {
    [0.5, 2.0]
        .iter()
        .map(|m| value * m)
        .filter(|&v| v >= (20 * MAX_K) as f32 && v <= (80 * MAX_K) as f32)
        .collect()
}

/// The fitted parameters: the weights of the families this index has, then the rest.
fn params(library: &Library) -> Vec<Param> {
    let present = library
        .features()
        .map(|f| f.families_present())
        .unwrap_or_default();
    present
        .into_iter()
        .map(Param::Weight)
        .chain([
            Param::GenreBonus,
            Param::Prior,
            Param::PriorPower,
            Param::HubPenalty,
            Param::YearBonus,
            Param::YearScale,
            Param::NormPower,
            Param::CommonShare,
            Param::MinCandidates,
        ])
        .collect()
}

/// The parameters `--params` names (all when it names none); an unknown name is an error.
fn chosen_params(library: &Library, names: &[String]) -> Result<Vec<Param>> {
    let all = params(library);
    if let Some(unknown) = names.iter().find(|n| !all.iter().any(|p| p.name() == **n)) {
        let known: Vec<String> = all.iter().map(|p| p.name()).collect();
        anyhow::bail!(
            "--params: no parameter {unknown} (known: {})",
            known.join(", ")
        );
    }
    Ok(all
        .into_iter()
        .filter(|p| names.is_empty() || names.contains(&p.name()))
        .collect())
}

/// `scoring` with the `NAME=VALUE` replacements of `--set`.
fn with_values(library: &Library, mut scoring: Scoring, set: &[String]) -> Result<Scoring> {
    let all = params(library);
    for assignment in set {
        let (name, value) = assignment
            .split_once('=')
            .with_context(|| format!("--set {assignment}: expected NAME=VALUE"))?;
        let param = all
            .iter()
            .find(|p| p.name() == name)
            .with_context(|| format!("--set {assignment}: no parameter {name}"))?;
        let value: f32 = value
            .parse()
            .with_context(|| format!("--set {assignment}: {value} is not a number"))?;
        param.set(&mut scoring, value);
    }
    Ok(scoring)
}

/// The objective on some queries: mean of recall@10 over all candidates and in the universe.
fn objective(library: &Library, truth: &Truth, queries: &[u64]) -> (f64, TruthScores, TruthScores) {
    let (all, universe) = truth_scores(library, truth, queries, true);
    ((all.recall() + universe.recall()) / 2.0, all, universe)
}

pub fn run(args: TuneArgs) -> Result<()> {
    let Some(path) = &args.truth.file else {
        anyhow::bail!("give --truth FILE");
    };
    ensure!(
        args.truth.split > 0.0 && args.truth.split < 1.0,
        "--split must be between 0 and 1 (exclusive), the share of queries to fit on"
    );
    let truth = Truth::read(path)?;
    let (_, mut library) = index_dir::load_library(&args.index)?;
    let fit = truth.queries(Part::Fit, args.truth.split, args.truth.seed);
    let held = truth.queries(Part::Held, args.truth.split, args.truth.seed);
    let step = fit.len().checked_div(args.sample).unwrap_or(1).max(1);
    let sample: Vec<u64> = fit.iter().copied().step_by(step).collect();
    println!(
        "truth {}: {} fit queries (judging steps on {}), {} held out; split {} seed {}",
        path.display(),
        fit.len(),
        sample.len(),
        held.len(),
        args.truth.split,
        args.truth.seed
    );
    let shipped = library
        .features()
        .map(|f| f.scoring().clone())
        .unwrap_or_default();
    let params = chosen_params(&library, &args.params)?;
    let start = with_values(&library, shipped, &args.set)?;
    let fitted = ascend(&mut library, &truth, &sample, start.clone(), &params, &args);
    if args.quick {
        println!("\nfitted: {fitted:#?}");
        return Ok(());
    }
    println!("\n| parameters | part | all candidates | universe |\n| --- | --- | --- | --- |");
    for (name, scoring) in [("start", &start), ("fitted", &fitted)] {
        library.set_scoring(scoring.clone());
        for (part, queries) in [("fit", &fit), ("held out", &held)] {
            let (_, all, universe) = objective(&library, &truth, queries);
            println!(
                "| {name} | {part} | {} | {} |",
                all.summary(),
                universe.summary()
            );
        }
    }
    println!("\nfitted: {fitted:#?}");
    Ok(())
}

/// Coordinate ascent from `start` on the sample queries.
fn ascend(
    library: &mut Library,
    truth: &Truth,
    sample: &[u64],
    start: Scoring,
    params: &[Param],
    args: &TuneArgs,
) -> Scoring {
    let mut current = start;
    library.set_scoring(current.clone());
    let (mut best, all, universe) = objective(library, truth, sample);
    println!(
        "start: objective {best:.4} (all {:.4}, universe {:.4})",
        all.recall(),
        universe.recall()
    );
    for round in 1..=args.rounds {
        let mut moved = false;
        for param in params {
            let value = param.get(&current);
            let mut choice: Option<(f64, f32)> = None;
            for candidate in param.tries(value) {
                let mut trial = current.clone();
                param.set(&mut trial, candidate);
                library.set_scoring(trial);
                let (score, all, universe) = objective(library, truth, sample);
                println!(
                    "round {round} {} {value} -> {candidate}: {score:.4} (all {:.4}, universe {:.4})",
                    param.name(),
                    all.recall(),
                    universe.recall()
                );
                if score > choice.map_or(best + args.min_gain, |c| c.0) {
                    choice = Some((score, candidate));
                }
            }
            if let Some((score, candidate)) = choice {
                println!(
                    "  kept {} = {candidate} ({best:.4} -> {score:.4})",
                    param.name()
                );
                param.set(&mut current, candidate);
                best = score;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    library.set_scoring(current.clone());
    current
}
