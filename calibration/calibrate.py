"""From a care history to a baseline scenario: estimate, fit the free parameters, write the scenario file
with its calibration report beside it (FILE.yaml and FILE_calibration/), complete or not at all."""

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from calibration.commented_yaml import WIDTH
from calibration.errors import DataError
from calibration.estimate import Estimates, PlacementMix, estimate_all, placement_mix
from calibration.fit import FitSettings, fit_free_parameters
from calibration.history import CareHistory
from calibration.scenario_writer import (
    SEED,
    FreeParameters,
    Run,
    carer_supply,
    rendered,
    scenario_tree,
)
from sim.run.destination import file_target, safe_component, staged_directory, staged_file, target
from sim.run.outputs import run_manifest, utc_now, write_manifest
from calibration import supply
from calibration.supply import Balance
from calibration.trust import warnings
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Settings:
    area: str
    census_date: dt.date | None = None  # default: the data's last day
    horizon_months: int = 60
    replications: int = 100
    seed: int = SEED
    fit: FitSettings = FitSettings()


@dataclass(frozen=True)
class Calibration:
    history: CareHistory = field(repr=False)
    figures: dict = field(repr=False)
    estimates: Estimates
    census: PlacementMix
    free: FreeParameters
    balance: Balance  # the carer pool's path implied by the scenario's own rates
    warnings: tuple[str, ...]  # why the data may not be trusted (calibration/trust.py)
    tree: dict = field(repr=False)
    text: str = field(repr=False)
    scenario: Scenario = field(repr=False)


def calibrate(history: CareHistory, figures, settings: Settings) -> Calibration:
    """The calibrated scenario; of the council's yearly figures, only those known on the census date are used."""
    census = placement_mix(history, _census_date(history, settings.census_date))
    figures = figures.up_to(census.census_date)
    estimates = estimate_all(history)
    free = fit_free_parameters(history, estimates, figures, settings.fit)
    window = f"{history.window_start.date()} to {history.window_end.date()}"
    run = Run(
        name=f"calibrated_{slug(settings.area)}",
        area=settings.area,
        description=f"Calibrated from SSDA903 data, {window}, starting from the census on {census.census_date}",
        horizon_months=settings.horizon_months,
        replications=settings.replications,
        seed=settings.seed,
    )
    tree = scenario_tree(estimates, census, figures, free, run)
    found = warnings(estimates, census)
    header = _header(settings.area, window, found)
    text, scenario = rendered(tree, header, f"calibrated scenario for {settings.area}")
    balance = supply.balance(scenario, *carer_supply(estimates, census, figures, free)[1:])
    return Calibration(history, figures, estimates, census, free, balance, found, tree, text, scenario)


def slug(text: str) -> str:
    """`text` as scenario names and directory names take it."""
    return safe_component(text, limit=60)


def report_directory(scenario_path: Path) -> Path:
    scenario_path = Path(scenario_path)
    return scenario_path.with_name(f"{scenario_path.stem}_calibration")


def check_outputs(scenario_path: Path, force: bool = False) -> None:
    """Refuse at once, before any work, to write over what must not be lost (see write_calibration)."""
    file_target(scenario_path, force)
    target(report_directory(scenario_path), force, "--out (its report directory)")


def write_calibration(calibration: Calibration, scenario_path: Path, write_report, force: bool = False) -> Path:
    """Write the scenario file and its report directory (by `write_report(calibration, directory, file name)`,
    as sim.report.calibration has it); on any failure neither is left changed. An existing file or report is
    replaced only with `force` (sim.run.destination)."""
    scenario_path, started = Path(scenario_path), utc_now()
    with staged_file(scenario_path, force) as partial, \
            staged_directory(report_directory(scenario_path), force, "--out (its report directory)") as staging:
        write_report(calibration, staging, scenario_path.name)
        write_manifest(staging, {"kind": "calibration", **run_manifest(calibration.scenario, started)})
        partial.write_text(calibration.text, encoding="utf-8")
    return report_directory(scenario_path)


def _census_date(history: CareHistory, date) -> pd.Timestamp:
    date = pd.Timestamp(date if date is not None else history.window_end)
    if not history.window_start <= date <= history.window_end:
        window = f"{history.window_start.date()} to {history.window_end.date()}"
        expected = f"expected a date in the data window, {window}; got {date.date()}"
        raise DataError(history.source, "--census-date", expected)
    return date


def _header(area: str, window: str, found: tuple[str, ...]) -> str:
    lines = (
        f"Baseline for {area}, calibrated from its SSDA903 return ({window}) by `sufficiency calibrate`.\n"
        "Each figure estimated from the return is commented with its basis (how many, over which period);\n"
        'published figures cite calibration/data/published_figures.csv as "figures: area, parameter, period";\n'
        "assumptions cite docs/assumptions.md. The report beside this file lists them all with the data quality.\n"
        "This file holds exact counts of children (aggregates, no identifiers) for the model: do not publish it as is."
    )
    return "\n".join([lines, *(textwrap.fill(f"WARNING: {warning}", WIDTH - 2) for warning in found)])
