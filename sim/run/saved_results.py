"""Reading a results directory written by `sufficiency run` or `sufficiency compare`.

Everything presented (charts, the committee pack) is built from these files
alone, so that `sufficiency charts` can rebuild it without rerunning.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.run.results import read_summary
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import BAND_WORDING, CHANCE
from sim.scenario.wording import plain, scenario_title

RUN, COMPARISON = "run", "comparison"


@dataclass(frozen=True, eq=False)
class SavedResults:
    """One run (a single scenario) or one comparison (a base first, then the options)."""

    directory: Path
    kind: str
    manifest: dict
    scenarios: dict  # name -> Scenario, base first
    summary: pd.DataFrame  # scenario, date, metric, mean, p10, p50, p90
    differences: pd.DataFrame | None = None
    headline: pd.DataFrame | None = None

    @property
    def base(self) -> str:
        return next(iter(self.scenarios))

    @property
    def options(self) -> list[str]:
        return list(self.scenarios)[1:]

    @property
    def replications(self) -> int:
        return int(self.manifest["replications"])

    def title(self, name: str) -> str:
        """What people call scenario `name`: its title, with its name too if another compared scenario has
        the same title (a copy of the base, say), so that no two read alike."""
        titles = {other: scenario_title(scenario) for other, scenario in self.scenarios.items()}
        if list(titles.values()).count(titles[name]) == 1:
            return titles[name]
        return f"{titles[name]} ({plain(name, capital=False)})"

    @property
    def bands_include(self) -> str:
        """What the runs' spread comes from: chance only, or chance and the ranges of uncertain figures."""
        return self.manifest.get("bands_include", BAND_WORDING[CHANCE])

    @property
    def area(self) -> str:
        return self.scenarios[self.base].area

    def has(self, metric: str) -> bool:
        """Whether every scenario reports `metric` (a mechanism absent from the results is never charted)."""
        reported = self.summary.loc[self.summary["metric"] == metric, "scenario"]
        return set(self.scenarios) <= set(reported)

    def summaries(self) -> dict:
        """Scenario name -> its summary rows (date, metric, mean, p10, p50, p90), base first."""
        return {name: self.summary[self.summary["scenario"] == name] for name in self.scenarios}

    def metric(self, metric: str) -> dict:
        """Scenario name -> that metric's rows (date, mean, p10, p50, p90) in date order."""
        rows = self.summary[self.summary["metric"] == metric]
        return {name: rows[rows["scenario"] == name].drop(columns=["scenario", "metric"]).sort_values("date")
                for name in self.scenarios}


def load_results(directory) -> SavedResults:
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(directory, "", "results directory not found")
    manifest = _manifest(directory)
    if manifest.get("kind", RUN) == COMPARISON:
        return _comparison(directory, manifest)
    scenario = load_scenario(_required(directory, "scenario.yaml"))
    summary = read_summary(_required(directory, "summary.csv"))
    headline = directory / "headline.csv"  # absent from runs written before it was added
    return SavedResults(directory, RUN, manifest, {scenario.name: scenario}, summary.assign(scenario=scenario.name),
                        headline=_headline(headline) if headline.is_file() else None)


def _comparison(directory: Path, manifest: dict) -> SavedResults:
    entries = manifest.get("scenarios")
    if not (isinstance(entries, list) and entries and all(isinstance(e, dict) and "name" in e for e in entries)):
        raise InputError(directory / "manifest.json", "scenarios", "expected the list of compared scenarios")
    names = [entry["name"] for entry in entries]
    scenarios = {name: load_scenario(_required(directory, f"scenarios/{name}.yaml")) for name in names}
    return SavedResults(
        directory, COMPARISON, manifest, scenarios,
        summary=read_summary(_required(directory, "summary.csv")),
        differences=pd.read_csv(_required(directory, "differences.csv"), dtype={"date": str}),
        headline=_headline(_required(directory, "headline.csv")),
    )


def _headline(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"scenario": str, "date": str})


def _manifest(directory: Path) -> dict:
    path = directory / "manifest.json"
    if not path.is_file():
        raise InputError(directory, "", "not a results directory (no manifest.json); "
                                        "expected a directory written by sufficiency run or compare")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(path, "", f"not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or "replications" not in manifest:
        raise InputError(path, "", "not a results manifest (no replications)")
    return manifest


def _required(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_file():
        raise InputError(directory, "", f"incomplete results directory: {name} is missing")
    return path
