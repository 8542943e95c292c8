"""Running a sweep: its (variant, replication) work units on an executor, journalled as they complete, then its
results directory, written whole once every unit is in.

outputs/sweep_<name>/ holds sweep.yaml (the sweep as validated), variants.csv
(each variant's design, scenario file, seed and the value of every varied key),
summary.csv (variant, date, metric, mean, p10, p50, p90; a region's total is the
variant regional_total), outcomes.csv (per variant, the mean over replications
of children out of county at the horizon and of the total cost), manifest.json,
and for a sample, sensitivity.csv; the charts come from sim.report.sweep_charts. Variants are read back from the journal one at a
time, so memory does not grow with the number of variants.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from sim.run.journal import Journal
from sim.run.outputs import run_manifest, staged_directory, utc_now, write_manifest
from sim.run.results import summarise, with_derived_runs
from sim.run.runner import RunShape, run_replication
from sim.run.sensitivity import OUTCOMES, indices
from sim.scenario.sweep_file import REGIONAL_TOTAL, sweep_yaml, value_at
from sim.scenario.uncertainty import CHANCE, bands

FLOAT_FORMAT = "%.10g"


def default_sweep_dir(sweep) -> Path:
    return Path("outputs") / f"sweep_{sweep.name}"


def journal_dir(out_dir) -> Path:
    out_dir = Path(out_dir)
    return out_dir.parent / f".{out_dir.name}.journal"


def run_sweep(sweep, out_dir, executor, progress=None, present=None, uncertainty: str = "all") -> int:
    """Run every unit not yet in the journal, then write the results directory; the units carried over.
    `present(sweep, outcomes, directory)`, if given, adds the charts before the directory takes its final name;
    `uncertainty` "chance" runs every variant's ranges at their central values."""
    started = utc_now()
    sweep = sweep.for_mode(uncertainty)
    journal = Journal.open(journal_dir(out_dir), sweep.identity(), sweep.replications)
    carried = journal.count()
    pending = [(variant, replication) for variant in range(len(sweep.variants))
               for replication in range(sweep.replications) if not journal.done(variant, replication)]
    units = ((sweep.variants[variant].scenario, replication) for variant, replication in pending)
    total = len(sweep.variants) * sweep.replications
    for done, ((variant, replication), values) in enumerate(
            zip(pending, executor.starmap(run_replication, units)), start=carried + 1):
        journal.record(variant, replication, values)
        if progress:
            progress(done, total)
    _write_sweep(sweep, journal, Path(out_dir), started, carried, present)
    journal.remove()
    return carried


def _write_sweep(sweep, journal: Journal, out_dir: Path, started: str, carried: int, present) -> None:
    base = sweep.variants[0].scenario
    with staged_directory(out_dir) as staging:
        (staging / "sweep.yaml").write_text(sweep_yaml(sweep), encoding="utf-8")
        _variants_table(sweep).to_csv(staging / "variants.csv", index=False)
        outcomes = _write_summary(sweep, journal, staging / "summary.csv")
        outcomes.to_csv(staging / "outcomes.csv", index=False, float_format=FLOAT_FORMAT)
        if sweep.spec.kind == "sample":
            _write_sensitivity(sweep, outcomes.set_index("variant"), staging)
        if present:
            present(sweep, outcomes.set_index("variant"), staging)
        manifest = run_manifest(base, started)
        del manifest["scenario_name"], manifest["scenario_hash"]
        write_manifest(staging, {"kind": "sweep", "sweep_name": sweep.name, "sweep_hash": sweep.identity(),
                                  "variants": len(sweep.variants), "units_carried_over": carried, **manifest,
                                  "uncertainty": sweep.uncertainty})


def _variants_table(sweep) -> pd.DataFrame:
    spec = sweep.spec
    keys = list(spec.grid or (spec.sample.ranges if spec.sample else {}))
    rows = []
    for variant in sweep.variants:
        dumped = variant.scenario.model_dump(mode="json")
        rows.append({"variant": variant.name, "design": variant.design, "scenario": variant.source,
                     "seed": variant.scenario.seed, **{key: value_at(dumped, key) for key in keys}})
    return pd.DataFrame(rows)


def _write_summary(sweep, journal: Journal, path: Path) -> pd.DataFrame:
    """Append each variant's summary to summary.csv; the outcomes table."""
    outcomes = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        for number, (name, scenario, shape, values) in enumerate(_results(sweep, journal)):
            metrics, derived = with_derived_runs(shape.metrics, values)
            summary = summarise(derived, RunShape(metrics, shape.dates)).assign(uncertainty=bands(scenario))
            summary.insert(0, "variant", name)
            summary.to_csv(out, header=number == 0, index=False, float_format=FLOAT_FORMAT)
            outcomes.append({"variant": name, **{o.key: o.of(values, shape.metrics) for o in OUTCOMES}})
    return pd.DataFrame(outcomes)


def _results(sweep, journal: Journal):
    """(name, scenario, shape, replications x months x metrics) of each variant, then of a region's total
    (whose bands include ranges if any authority's do: the first such authority stands for them)."""
    for index, variant in enumerate(sweep.variants):
        yield variant.name, variant.scenario, RunShape.of(variant.scenario), journal.values(index)
    if sweep.spec.kind == "authorities":
        ranged = [v.scenario for v in sweep.variants if bands(v.scenario) != CHANCE] or [sweep.variants[0].scenario]
        yield REGIONAL_TOTAL, ranged[0], *_regional_total(sweep, journal)


def _regional_total(sweep, journal: Journal) -> tuple[RunShape, np.ndarray]:
    """Replication r of the region is the sum of replication r of each authority; an option that some
    authorities lack counts zero for them."""
    shapes = [RunShape.of(variant.scenario) for variant in sweep.variants]
    metrics = list(dict.fromkeys(metric for shape in shapes for metric in shape.metrics))
    total = np.zeros((sweep.replications, len(shapes[0].dates), len(metrics)))
    for index, shape in enumerate(shapes):
        total[:, :, [metrics.index(metric) for metric in shape.metrics]] += journal.values(index)
    return RunShape(metrics, shapes[0].dates), total


def _write_sensitivity(sweep, outcomes: pd.DataFrame, staging: Path) -> None:
    sample = sweep.spec.sample
    sampled = outcomes.loc[[variant.name for variant in sweep.of_design("sample")]]
    table = indices(sample.method, sample.ranges, sweep.points,
                    {outcome.key: sampled[outcome.key].to_numpy() for outcome in OUTCOMES}, sweep.spec.seed)
    table.to_csv(staging / "sensitivity.csv", index=False, float_format=FLOAT_FORMAT)
