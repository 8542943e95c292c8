"""The fuzz harness: cases as a hostile or careless user would make them, and what every case must give.

A case is a scenario file's bytes, `--set` values, or a command line; `Case.refuse` says whether it must be
refused (True), must be accepted (False), or may be either (None: a zero, say, may be valid). Running a case
(`outcome`) asserts the contract, whatever the case: exit 0 with complete outputs and no non-finite value in
any of them, or exit 2 with one line naming the file or the flag; never a traceback, any other exit, or a hang
(each case has a time limit, longer for a run its own estimate says is long); and never a silent acceptance
of a case that must be refused.
"""

import contextlib
import copy
import io
import math
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hypothesis import strategies as st

from sim.cli import main
from sim.run.cost import run_cost
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS

BASELINE_TEXT = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
KEY_AND_VALUE = re.compile(r'^ *("[^"]+"|[A-Za-z0-9_]+): +[^#\s]')  # a mapping key with its value on the line
BASELINE = yaml.safe_load(BASELINE_TEXT)
CASE_SECONDS = 120  # generous on a busy two-core machine: a hang is minutes, not seconds
TIMES_THE_ESTIMATE = 3  # a valid run may be long (--set replications=1155): a hang is far past its estimate
TINY_SETS = ("--set", "replications=1", "--set", "horizon_years=0.25")
TINY = [*TINY_SETS, "--jobs", "1", "--yes"]
RUN_OUTPUTS = ("manifest.json", "scenario.yaml", "summary.csv", "timeseries.parquet", "charts/out_of_county.png",
               "pack.html", "pack.xlsx")
NON_FINITE = {"nan", "inf", "-inf", "infinity", "-infinity"}
TEXT_COLUMNS = ["scenario", "series", "panel", "when", "date", "measure", "unit", "metric", "uncertainty", "category",
                "segment"]  # columns of names and labels, which may be written "inf" by a user
REQUIRED = {"name", "start_date", "horizon_years", "seed", "demand", "placements", "matching", "carers",
            "demand.entries_per_year", "demand.age_mix", "demand.duration_in_care",
            "demand.duration_in_care.mean_years", "carers.initial_households", "carers.places_per_household",
            "matching.family"}


@dataclass(frozen=True)
class Case:
    kind: str
    text: bytes = b""  # the scenario file; empty: scenarios/baseline.yaml itself
    sets: tuple = ()
    argv: tuple = ()  # a whole command line instead
    refuse: bool | None = None


@dataclass
class Tally:
    """What a campaign saw, for its report."""

    counts: dict = field(default_factory=dict)

    def add(self, case: Case, code: int) -> None:
        key = (case.kind, code)
        self.counts[key] = self.counts.get(key, 0) + 1

    def summary(self) -> str:
        kinds = sorted({kind for kind, _ in self.counts})
        lines = [f"{kind}: " + ", ".join(f"exit {code} x{n}" for (k, code), n in sorted(self.counts.items())
                                         if k == kind) for kind in kinds]
        return f"{sum(self.counts.values())} cases\n" + "\n".join(lines)


def leaves(node, path=()):
    """(key path, value) of every leaf of the baseline (lists are leaves)."""
    for key, value in node.items():
        if isinstance(value, dict) and value:
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), value


def key_paths(node, path=()):
    for key, value in node.items():
        yield (*path, key)
        if isinstance(value, dict):
            yield from key_paths(value, (*path, key))


LEAVES = list(leaves(BASELINE))
NUMBER_LEAVES = [(path, value) for path, value in LEAVES if isinstance(value, (int, float)) and
                 not isinstance(value, bool)]
TEXT_LEAVES = [(path, value) for path, value in LEAVES if isinstance(value, str) and path[-1] != "capacity"]
KEY_PATHS = list(key_paths(BASELINE))


def dotted(path) -> str:
    return ".".join(map(str, path))


def required(path) -> bool:
    key = dotted(path)
    option_key = len(path) == 3 and path[0] == "placements" and path[2] in ("location", "weekly_cost", "capacity") \
        and not (path[1] == "in_house_fostering" and path[2] == "capacity")
    return key in REQUIRED or option_key


def with_value(path, value) -> dict:
    raw = copy.deepcopy(BASELINE)
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return raw


def without(path) -> dict:
    raw = copy.deepcopy(BASELINE)
    node = raw
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return raw


def misspelt(path) -> dict:
    raw = copy.deepcopy(BASELINE)
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[f"{path[-1]}x"] = node.pop(path[-1])
    return raw


def dumped(raw: dict) -> bytes:
    return yaml.safe_dump(raw, sort_keys=False, allow_unicode=True).encode()


BAD_NUMBERS = [True, False, "lots", "12", [1], {"a": 1}, math.nan, math.inf, -math.inf, 1e308, -1, -0.001, None]
ALIAS_BOMB = "\n".join(['bomb0: &b0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
    f"bomb{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]" for i in range(1, 9)])


@st.composite
def scenario_mutants(draw) -> Case:
    kind = draw(st.sampled_from(["delete", "misspell", "bad number", "zero", "wrong type for text", "text level",
                                 "encoding", "name"]))
    if kind == "delete":
        path = draw(st.sampled_from(KEY_PATHS))
        return Case(kind, dumped(without(path)), refuse=True if required(path) else None)
    if kind == "misspell":
        return Case(kind, dumped(misspelt(draw(st.sampled_from(KEY_PATHS)))), refuse=True)
    if kind == "bad number":
        path, _ = draw(st.sampled_from(NUMBER_LEAVES))
        value = draw(st.sampled_from(BAD_NUMBERS))
        allowed = (value is None and path[-1] == "capacity"  # left empty, a capacity means unlimited
                   or value == -0.001 and "trend_per_year" in path)  # a falling trend, or the low end of its range
        return Case(kind, dumped(with_value(path, value)), refuse=None if allowed else True)
    if kind == "zero":
        path, _ = draw(st.sampled_from(NUMBER_LEAVES))
        return Case(kind, dumped(with_value(path, 0)), refuse=None)
    if kind == "wrong type for text":
        path, _ = draw(st.sampled_from(TEXT_LEAVES))
        return Case(kind, dumped(with_value(path, draw(st.sampled_from([5, 1.5, True, [1], {"a": 1}])))), refuse=True)
    if kind == "text level":
        return draw(text_level_mutants())
    if kind == "encoding":
        encoding = draw(st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-32"]))
        text = BASELINE_TEXT.replace("Surrey-scale county", "Côte d'Azur £ county")
        return Case(kind, text.encode(encoding), refuse=False)
    name = draw(st.sampled_from([".", "..", "a/b", "x" * 300, "$x", "a b", "", "-a", "ok-name.1", "n" * 80]))
    return Case(kind, dumped(with_value(("name",), name)), refuse=name not in ("ok-name.1", "n" * 80))


@st.composite
def text_level_mutants(draw) -> Case:
    lines = BASELINE_TEXT.splitlines(keepends=True)
    keyed = [i for i, line in enumerate(lines) if KEY_AND_VALUE.match(line)]  # not prose such as a description's
    which = draw(st.sampled_from(["duplicate key", "alias bomb", "recursive alias", "python tag", "binary",
                                  "impossible date", "truncated", "deep nesting", "tab indent"]))
    if which == "duplicate key":
        index = draw(st.sampled_from(keyed))
        text = "".join(lines[:index + 1] + [lines[index]] + lines[index + 1:]).encode()
        return Case(which, text, refuse=True)
    if which == "alias bomb":
        return Case(which, (BASELINE_TEXT + "\n" + ALIAS_BOMB + "\n").encode(), refuse=True)
    if which == "recursive alias":
        return Case(which, BASELINE_TEXT.replace("campaigns: []", "campaigns: &c [*c]").encode(), refuse=True)
    if which == "python tag":
        return Case(which, BASELINE_TEXT.replace("name: baseline",
                                                 "name: !!python/object/apply:os.system ['true']").encode(), refuse=True)
    if which == "binary":
        junk = draw(st.binary(min_size=1, max_size=200).filter(lambda data: b"\x00" in data or b"\x01" in data))
        return Case(which, BASELINE_TEXT.encode()[:draw(st.integers(0, 2000))] + junk, refuse=True)
    if which == "impossible date":
        date = draw(st.sampled_from(["2020-13-01", "2020-02-30", "2021-00-10", "20200401", "2020-04-01 10:00"]))
        return Case(which, BASELINE_TEXT.replace("start_date: 2020-04-01", f"start_date: {date}").encode(),
                    refuse=True)
    if which == "truncated":
        cut = draw(st.integers(1, len(BASELINE_TEXT) - 1))
        return Case(which, BASELINE_TEXT[:cut].encode(), refuse=None)
    if which == "deep nesting":
        return Case(which, (BASELINE_TEXT + "deep: " + "[" * 500 + "]" * 500 + "\n").encode(), refuse=True)
    tabbed = BASELINE_TEXT.replace("\n  kinship_share:", "\n\tkinship_share:", 1)
    assert tabbed != BASELINE_TEXT, "the baseline has no kinship_share line to indent with a tab"
    return Case(which, tabbed.encode(), refuse=True)


SET_VALUES = ["true", "yes", "no", "-1", "0", "0.5", "7", "1e308", "1e3", ".nan", ".inf", "-.inf", "2020-13-01",
              "2021-04-01", "[", "{a: 1}", "[1, 2]", "unlimited", "", "null", "x" * 2000, "'quoted'", "!!python/none",
              "{low: 1, central: 2, high: 3}", "{low: 3, central: 2, high: 1}"]
MUST_REFUSE_ON_A_NUMBER = {"true", "yes", "no", "-1", "1e308", ".nan", ".inf", "-.inf", "[", "{a: 1}", "[1, 2]",
                           "x" * 2000, "'quoted'", "!!python/none", "{low: 3, central: 2, high: 1}", "2020-13-01"}


@st.composite
def set_cases(draw) -> Case:
    known = [dotted(path) for path, _ in LEAVES]
    key = draw(st.sampled_from([*known, "demand.no_such_key", "carers..x", "", "name.x", "placements.new.capacity"]))
    value = draw(st.sampled_from(SET_VALUES) | st.floats(allow_nan=True, allow_infinity=True).map(repr)
                 | st.integers(-10**20, 10**20).map(str))
    numbers = {dotted(path) for path, _ in NUMBER_LEAVES if path[-1] != "capacity"}
    refuse = True if key in numbers and value in MUST_REFUSE_ON_A_NUMBER else None
    return Case("--set", sets=("--set", f"{key}={value}"), refuse=refuse)


COMMAND_LINES = [
    (("run",), True), (("fly", "x.yaml"), True), (("run", "BASELINE", "--jobs", "two"), True),
    (("run", "BASELINE", "--jobs", "0"), True), (("run", "BASELINE", "--jobs", "100000"), True),
    (("run", "BASELINE", "--replications", "0"), True), (("run", "BASELINE", "--replications", "1000000000"), True),
    (("run", "BASELINE", "--seed", "-5"), True), (("run", "BASELINE", "--seed", "1" * 40), True),
    (("run", "BASELINE", "--set", "noequals"), True), (("run", "BASELINE", "--executor", "threads"), True),
    (("run", "BASELINE", "--scheduler", "tcp://127.0.0.1:1"), True), (("run", "/dev/zero"), True),
    (("run", "/"), True), (("run", "NOWHERE"), True), (("validate",), True), (("charts", "/"), True),
    (("charts", "NOWHERE"), True), (("sweep", "BASELINE"), True), (("compare", "BASELINE"), True),
    (("compare", "BASELINE", "BASELINE"), True), (("run", "BASELINE", "--uncertainty", "some"), True),
    (("calibrate", "--ssda903", "NOWHERE", "--out", "x.yaml"), True),
    (("backtest", "--ssda903", "BASELINE", "--as-of", "2020-13-01"), True),
    (("run", "BASELINE", "--set", "horizon_years=0.25", "--replications", "1", "--jobs", "1"), False),
]


def command_line_cases(directory: Path):
    for argv, refuse in COMMAND_LINES:
        words = [str(SCENARIOS / "baseline.yaml") if word == "BASELINE" else str(directory / "nowhere")
                 if word == "NOWHERE" else word for word in argv]
        out = ["--out", str(directory / "cli_out"), "--force"] if argv[0] == "run" and not refuse else []
        yield Case("command line", argv=(*words, *out), refuse=refuse)


@contextlib.contextmanager
def time_limit(seconds: int):
    def expired(signum, frame):
        raise TimeoutError(f"a case ran past {seconds} s (a hang)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def call(argv, seconds: int = CASE_SECONDS) -> tuple[int, str]:
    """Exit code and stderr of the command line in this process, within the time limit."""
    err = io.StringIO()
    with time_limit(seconds), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(word) for word in argv])
    return code, err.getvalue()


def outcome(case: Case, directory: Path) -> int:
    """Run the case and assert the contract (see the module's docstring); its exit code."""
    directory.mkdir(parents=True, exist_ok=True)
    if case.argv:
        code, err = call(case.argv)
        return _checked(case, code, err, [], directory / "cli_out")
    path = directory / "scenario.yaml"
    if case.text:
        path.write_bytes(case.text)
    else:
        path = SCENARIOS / "baseline.yaml"
    named, out = [path.name, "--set"], directory / "out"
    if case.sets:  # tiny first, so that the case's own values win; no --yes: a long run is refused, saying so
        sets = (*TINY_SETS, *case.sets)
        code, err = call(["run", path, *sets, "--jobs", "1", "--out", out, "--force"], seconds_allowed(path, sets))
        return _checked(case, code, err, named, out)
    code, err = call(["validate", path])
    if code != 0:
        return _checked(case, code, err, named, None)
    code, err = call(["run", path, *TINY, "--out", out, "--force"], seconds_allowed(path, TINY_SETS))
    return _checked(case, code, err, named, out)


def seconds_allowed(path: Path, sets: tuple) -> int:
    """The time limit, plus a multiple of the run's own estimate where the scenario is valid."""
    try:
        scenario = load_scenario(path, sets[1::2])
    except InputError:
        return CASE_SECONDS
    return CASE_SECONDS + math.ceil(TIMES_THE_ESTIMATE * run_cost([scenario], 1).seconds)


def _checked(case: Case, code: int, err: str, named: list, out) -> int:
    assert code in (0, 2), (case, code, err)
    assert "Traceback" not in err, (case, err)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("error: "), (case, err)
        assert not named or any(name in err for name in named), (case, err)
        assert case.refuse is not False, ("refused a valid case", case, err)
    else:
        assert case.refuse is not True, ("accepted what must be refused", case)
        if out is not None:
            _complete_and_finite(out, case)
    return code


def _complete_and_finite(out: Path, case: Case) -> None:
    for name in RUN_OUTPUTS:
        assert (out / name).is_file(), (case, name)
    for path in out.rglob("*.csv"):  # a scenario or an option may be named "inf": only numbers are checked
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns.difference(TEXT_COLUMNS):
            cells = set(frame[column].str.strip().str.lower())
            if all(_is_number(cell) for cell in cells - {""}):
                assert not cells & NON_FINITE, (case, path.name, column)
    values = pd.read_parquet(out / "timeseries.parquet").select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(values).all(), (case, "timeseries.parquet")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
