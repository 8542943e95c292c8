"""The `sufficiency` command line (DESIGN.md section 5): exit 0 on success, 2 on bad input, 1 on a bug."""

import argparse
import sys
from pathlib import Path

from calibration.commands import add_commands as add_calibration_commands
from sim.report import calibration as calibration_reports
from sim.report.publish import present, republish
from sim.report.style import Style, load_style
from sim.report.sweep_charts import write_sweep_charts
from sim.run.compare import common_random_numbers
from sim.run.cost import ASK_ABOVE_SECONDS, Cost, check_memory, run_cost, sweep_cost
from sim.run.destination import target
from sim.run.executors import EXECUTORS, open_executor
from sim.run.interrupts import Terminated, described, exit_code, terminate_raises
from sim.run.outputs import (
    default_comparison_dir,
    default_out_dir,
    write_comparison,
    write_run,
)
from sim.run.runner import default_jobs
from sim.run.saved_results import load_results
from sim.run.sweep import default_sweep_dir, journal_dir, run_sweep
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.sweep_file import load_sweep
from sim.scenario.uncertainty import MODES, for_mode

MAX_JOBS = 256


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(self.prog, "", message)


def main(argv=None) -> int:
    parser = _parser()
    with terminate_raises():
        try:
            args = parser.parse_args(argv)
            return args.command(args)
        except InputError as error:
            print(f"{_fresh_line()}error: {error}", file=sys.stderr)
            return 2
        except (KeyboardInterrupt, Terminated) as stop:
            print(f"{_fresh_line()}{described(stop)}; nothing was written", file=sys.stderr)
            return exit_code(stop)


def run_command(args) -> int:
    scenario = load_scenario(args.scenario, _overrides(args))
    jobs = _jobs(args.jobs)
    out_dir = args.out or default_out_dir(scenario)
    target(out_dir, args.force)
    _agreed(run_cost([for_mode(scenario, args.uncertainty)], jobs), args, args.scenario)
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_run(scenario, out_dir, jobs, _progress_bar() if sys.stderr.isatty() else None, executor, present,
                  args.uncertainty, args.force)
    print(f"wrote {out_dir}")
    return 0


def compare_command(args) -> int:
    paths = [args.base, *args.others]
    as_written = [load_scenario(path) for path in paths]
    paired = common_random_numbers(as_written, paths, args.seed, args.replications)
    out_dir = args.out or default_comparison_dir(paired[0])
    jobs = _jobs(args.jobs)
    target(out_dir, args.force)
    _agreed(run_cost([for_mode(scenario, args.uncertainty) for scenario in paired], jobs), args, args.base)
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_comparison(paired, as_written, out_dir, jobs, _progress_bar() if sys.stderr.isatty() else None, executor,
                         present, args.uncertainty, args.force)
    print(f"wrote {out_dir}")
    return 0


def sweep_command(args) -> int:
    sweep = load_sweep(args.sweep)
    out_dir = Path(args.out) if args.out else default_sweep_dir(sweep)
    jobs = _jobs(args.jobs)
    target(out_dir, args.force)
    _agreed(sweep_cost([variant.scenario for variant in sweep.for_mode(args.uncertainty).variants],
                       sweep.replications, jobs), args, args.sweep)
    bar = _progress_bar() if sys.stderr.isatty() else None
    progress = (lambda done, total: bar(done, total, f"{len(sweep.variants)} variants")) if bar else None
    try:
        with open_executor(args.executor, jobs, args.scheduler) as executor:
            carried = run_sweep(sweep, out_dir, executor, progress, write_sweep_charts, args.uncertainty, args.force)
    except (KeyboardInterrupt, Terminated) as stop:
        print(f"{_fresh_line()}{described(stop)}; completed replications are kept in {journal_dir(out_dir)} and "
              "the same command resumes from them", file=sys.stderr)
        return exit_code(stop)
    print(f"wrote {out_dir}" + (f" ({carried} replications carried over from an interrupted run)" if carried else ""))
    return 0


def charts_command(args) -> int:
    style = load_style(args.style) if args.style else Style()
    saved = load_results(args.results)
    republish(saved, style)
    print(f"rebuilt the charts and the committee pack in {args.results}")
    return 0


def validate_command(args) -> int:
    for path in args.scenarios:
        scenario = load_scenario(path)
        print(f"{path}: ok ({scenario.name})")
    return 0


def _overrides(args) -> list[str]:
    overrides = list(args.set)
    if args.replications is not None:
        overrides.append(f"replications={args.replications}")
    if args.seed is not None:
        overrides.append(f"seed={args.seed}")
    return overrides


def _jobs(jobs) -> int:
    if jobs is None:
        return default_jobs()
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError("--jobs", "", f"expected a whole number of processes from 1 to {MAX_JOBS}, got {jobs}")
    return jobs


def _agreed(cost: Cost, args, source) -> None:
    """Refuse a run that cannot fit in memory; ask before one estimated to take long (`--yes` agrees, and off a
    terminal nobody can, so it is refused saying so)."""
    check_memory(cost, source)
    if cost.seconds <= ASK_ABOVE_SECONDS or args.yes:
        return
    estimate = f"would take {cost.describe()}"
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise InputError(source, "", f"{estimate}; add --yes to run it")
    print(f"This run {estimate}. Run it? [y/N] ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise InputError(source, "", f"not run ({estimate})")


def _fresh_line() -> str:
    """On a terminal, what clears a half-drawn progress bar, so that a message starts its own line."""
    return "\r\x1b[K" if sys.stderr.isatty() else ""


def _progress_bar():
    def show(done, total, name=""):
        filled = round(30 * done / total)
        end = "\n" if done == total else ""
        label = f" of {name}" if name else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} replications{label}", end=end,
              file=sys.stderr, flush=True)
    return show


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="sufficiency", description="Foster-care sufficiency planning simulator.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=OneLineParser)

    run = commands.add_parser("run", help="run a scenario and write its results directory")
    run.add_argument("scenario", metavar="SCENARIO.yaml")
    _add_run_options(run)
    _add_executor_options(run)
    run.add_argument("--out", metavar="DIR", help="results directory (default outputs/<scenario name>)")
    run.set_defaults(command=run_command)

    compare = commands.add_parser("compare", help="run scenarios with common random numbers and compare them "
                                                  "with the first (the base)")
    compare.add_argument("base", metavar="BASE.yaml")
    compare.add_argument("others", nargs="+", metavar="OTHER.yaml")
    compare.add_argument("--replications", type=int, metavar="N", help="replications of every scenario "
                         "(default: the base's)")
    compare.add_argument("--seed", type=int, metavar="S", help="root seed of every scenario (default: the base's)")
    compare.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    _add_executor_options(compare)
    compare.add_argument("--out", metavar="DIR", help="results directory (default outputs/compare_<base name>)")
    compare.set_defaults(command=compare_command)

    sweep = commands.add_parser("sweep", help="run a scenario's variants (a grid, a sensitivity sample) or a "
                                              "region's authorities; an interrupted sweep resumes")
    sweep.add_argument("sweep", metavar="SWEEP.yaml")
    sweep.add_argument("--jobs", type=int, metavar="J",
                       help="local processes, or local Dask workers (default: all cores)")
    _add_executor_options(sweep)
    sweep.add_argument("--out", metavar="DIR", help="results directory (default outputs/sweep_<sweep name>)")
    sweep.set_defaults(command=sweep_command)

    charts = commands.add_parser("charts", help="rebuild every chart and table of a results directory "
                                                "from its saved files")
    charts.add_argument("results", metavar="RESULTS_DIR")
    charts.add_argument("--style", metavar="FILE", help="YAML file of chart titles, colours and source wording")
    charts.set_defaults(command=charts_command)

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    validate.set_defaults(command=validate_command)
    add_calibration_commands(commands, calibration_reports)
    return parser


def _add_run_options(parser) -> None:
    parser.add_argument("--replications", type=int, metavar="N", help="override the scenario's replications")
    parser.add_argument("--seed", type=int, metavar="S", help="override the scenario's root seed")
    parser.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override one scenario value (repeatable)")


def _add_executor_options(parser) -> None:
    parser.add_argument("--force", action="store_true", help="replace earlier results in --out (only results this "
                        "program wrote are ever replaced)")
    parser.add_argument("--yes", action="store_true", help="run without asking even if the run is estimated to "
                        "take more than ten minutes")
    parser.add_argument("--uncertainty", choices=MODES, default="all",
                        help="what the bands include: chance and the ranges of uncertain figures (all, the default), "
                             "or chance only, every range at its central value (chance)")
    parser.add_argument("--executor", choices=EXECUTORS, default="processes",
                        help="where replications run: local processes (default) or Dask")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler such as tcp://HOST:8786 "
                        "(default with --executor dask: a cluster of --jobs workers on this machine)")
