"""The `sufficiency` command line (DESIGN.md section 5): exit 0 on success, 2 on bad input, 1 on a bug."""

import argparse
import sys
from pathlib import Path

from calibration.commands import add_commands as add_calibration_commands
from sim.report import calibration as calibration_reports
from sim.report.fit_report import write_fit_report
from sim.report.publish import present, republish
from sim.report.style import Style, load_style
from sim.report.sweep_charts import write_sweep_charts
from sim.run.compare import common_random_numbers
from sim.run.executors import EXECUTORS, open_executor
from sim.run.fit import fit, parse_free, refuse_existing, write_fit
from sim.run.observed import read_observed
from sim.run.outputs import (
    default_comparison_dir,
    default_out_dir,
    write_comparison,
    write_run,
)
from sim.run.runner import RunShape, default_jobs
from sim.run.saved_results import load_results
from sim.run.steady_state import TOLERANCE, steady_state
from sim.run.sweep import default_sweep_dir, journal_dir, run_sweep
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.sweep_file import load_sweep
from sim.scenario.uncertainty import MODES

FIT_REPLICATIONS = 40


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(self.prog, "", message)


def main(argv=None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        return args.command(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return 130


def run_command(args) -> int:
    scenario = load_scenario(args.scenario, _overrides(args))
    jobs = _jobs(args.jobs)
    out_dir = args.out or default_out_dir(scenario)
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_run(scenario, out_dir, jobs, _progress_bar() if sys.stderr.isatty() else None, executor, present,
                  args.uncertainty)
    print(f"wrote {out_dir}")
    return 0


def compare_command(args) -> int:
    paths = [args.base, *args.others]
    as_written = [load_scenario(path) for path in paths]
    paired = common_random_numbers(as_written, paths, args.seed, args.replications)
    out_dir = args.out or default_comparison_dir(paired[0])
    jobs = _jobs(args.jobs)
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_comparison(paired, as_written, out_dir, jobs, _progress_bar() if sys.stderr.isatty() else None, executor,
                         present, args.uncertainty)
    print(f"wrote {out_dir}")
    return 0


def sweep_command(args) -> int:
    sweep = load_sweep(args.sweep)
    out_dir = Path(args.out) if args.out else default_sweep_dir(sweep)
    bar = _progress_bar() if sys.stderr.isatty() else None
    progress = (lambda done, total: bar(done, total, f"{len(sweep.variants)} variants")) if bar else None
    try:
        with open_executor(args.executor, _jobs(args.jobs), args.scheduler) as executor:
            carried = run_sweep(sweep, out_dir, executor, progress, write_sweep_charts, args.uncertainty)
    except KeyboardInterrupt:
        print(f"interrupted; completed replications are kept in {journal_dir(out_dir)} and the same command "
              "resumes from them", file=sys.stderr)
        return 130
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


def check_command(args) -> int:
    for path in args.scenarios:
        scenario = load_scenario(path, args.set)
        findings = steady_state(scenario)
        print(f"{path} ({scenario.name}): what its own rates imply in the long run")
        for finding in findings:
            print(f"{'warning: ' if finding.warning else '  '}{finding.text}")
        warnings = sum(finding.warning for finding in findings)
        if warnings:
            print(f"{warnings} warning{'s' * (warnings > 1)}: a start more than {TOLERANCE:.0%} from its steady "
                  "state moves by itself during the run, and the projection includes that movement.")
    return 0


def fit_command(args) -> int:
    scenario = load_scenario(args.scenario, args.set)
    if args.replications is not None and args.replications < 1:
        raise InputError("--replications", "", f"expected a whole number of at least 1, got {args.replications}")
    points = read_observed(args.observed, scenario, RunShape.of(scenario).metrics)
    free = parse_free(args.free, scenario)
    refuse_existing(args.out, args.force)
    jobs = _jobs(args.jobs)
    with open_executor("processes", jobs) as executor:
        result = fit(scenario, points, free, args.replications or FIT_REPLICATIONS,
                     scenario.seed if args.seed is None else args.seed, executor, args.uncertainty)
    report = write_fit(result, free, args.scenario, args.observed, args.out, write_fit_report, args.force)
    values = ", ".join(f"{key} = {value:g}" for key, value in result.values.items())
    print(f"fitted {values}: {len(result.points)} points, squared relative errors {result.score:.4g} "
          f"(from {result.start_score:.4g}); wrote {args.out} and {report}")
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
    if jobs < 1:
        raise InputError("--jobs", "", f"expected a whole number of processes of at least 1, got {jobs}")
    return jobs


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

    check = commands.add_parser("check", help="what a scenario's own rates imply in the long run (the carer "
                                              "pool's equilibrium, children in care, each capped option) and how "
                                              "far its start is from it")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    check.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                       help="override one scenario value (repeatable)")
    check.set_defaults(command=check_command)

    fitting = commands.add_parser("fit", help="fit named parameters so that the scenario's median tracks observed "
                                              "points; writes the fitted scenario and a report")
    fitting.add_argument("scenario", metavar="SCENARIO.yaml")
    fitting.add_argument("--observed", required=True, metavar="FILE.csv",
                         help="observed points: a CSV with columns date, metric, value, source")
    fitting.add_argument("--free", action="append", required=True, metavar="KEY.PATH=LOW..HIGH",
                         help="a parameter to fit and the range to search (repeatable)")
    fitting.add_argument("--out", required=True, metavar="FILE.yaml",
                         help="the fitted scenario to write (it extends SCENARIO.yaml); the report goes in FILE_fit/")
    fitting.add_argument("--replications", type=int, metavar="N",
                         help=f"replications of every candidate (default {FIT_REPLICATIONS})")
    fitting.add_argument("--seed", type=int, metavar="S", help="root seed of every candidate (default: the scenario's)")
    fitting.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    fitting.add_argument("--uncertainty", choices=MODES, default="all",
                         help="what the runs include: chance and ranges (all, the default) or chance only")
    fitting.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                         help="override one scenario value before fitting (repeatable)")
    fitting.add_argument("--force", action="store_true", help="replace FILE.yaml if it exists")
    fitting.set_defaults(command=fit_command)

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
    parser.add_argument("--uncertainty", choices=MODES, default="all",
                        help="what the bands include: chance and the ranges of uncertain figures (all, the default), "
                             "or chance only, every range at its central value (chance)")
    parser.add_argument("--executor", choices=EXECUTORS, default="processes",
                        help="where replications run: local processes (default) or Dask")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler such as tcp://HOST:8786 "
                        "(default with --executor dask: a cluster of --jobs workers on this machine)")
