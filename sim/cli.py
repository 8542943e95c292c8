"""The `sufficiency` command line (DESIGN.md section 5): exit 0 on success, 2 on bad input, 1 on a bug."""

import argparse
import shlex
import sys
import time
from importlib import metadata
from pathlib import Path

from calibration.commands import add_commands as add_calibration_commands
from sim.report import calibration as calibration_reports
from sim.report.fit_report import write_fit_report
from sim.report.publish import present, republish
from sim.report.style import Style, load_style
from sim.report.summary import console_lines
from sim.report.sweep_charts import write_sweep_charts
from sim.run.compare import common_random_numbers
from sim.run.cost import ASK_ABOVE_SECONDS, Cost, check_memory, run_cost, sweep_cost
from sim.run.destination import target
from sim.run.executors import EXECUTORS, WorkerLost, open_executor
from sim.run.fit import fit, parse_free, refuse_existing, write_fit
from sim.run.interrupts import Terminated, described, exit_code, terminate_raises
from sim.run.observed import read_observed
from sim.run.outputs import (
    across_scenarios,
    default_comparison_dir,
    default_out_dir,
    write_comparison,
    write_run,
)
from sim.run.runner import RunShape, default_jobs
from sim.run.saved_results import load_results
from sim.run.steady_state import TOLERANCE, steady_state
from sim.run.sweep import default_sweep_dir, journal_dir, run_sweep
from sim.run.timeseries import PARQUET, export_csv
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario, scenario_yaml
from sim.scenario.sweep_file import load_sweep
from sim.scenario.uncertainty import MODES, for_mode
from sim.scenario.wording import levers, month, scenario_title

FIT_REPLICATIONS = 40
MAX_JOBS = 256


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(self.prog, "", message)


def main(argv=None) -> int:
    parser = _parser()
    with terminate_raises():
        try:
            args = parser.parse_args(argv)
            args.argv = argv
            return args.command(args)
        except InputError as error:
            print(f"{_fresh_line()}error: {error}", file=sys.stderr)
            return 2
        except WorkerLost as error:
            print(f"{_fresh_line()}error: {error}", file=sys.stderr)
            return 1
        except (KeyboardInterrupt, Terminated) as stop:
            print(f"{_fresh_line()}{described(stop)}; nothing was written", file=sys.stderr)
            return exit_code(stop)


def run_command(args) -> int:
    scenario = load_scenario(args.scenario, _overrides(args))
    jobs = _jobs(args.jobs)
    out_dir = Path(args.out) if args.out else default_out_dir(scenario)
    target(out_dir, args.force)
    _agreed(run_cost([for_mode(scenario, args.uncertainty)], jobs), args, args.scenario)
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_run(scenario, out_dir, jobs, _progress(args), executor, present, args.uncertainty, args.csv,
                  _invocation(args), args.force)
    _finished(args, out_dir)
    return 0


def compare_command(args) -> int:
    paths = [args.base, *args.others]
    as_written = [load_scenario(path) for path in paths]
    paired = common_random_numbers(as_written, paths, args.seed, args.replications)
    out_dir = Path(args.out) if args.out else default_comparison_dir(paired)
    jobs = _jobs(args.jobs)
    target(out_dir, args.force)
    _agreed(run_cost([for_mode(scenario, args.uncertainty) for scenario in paired], jobs), args, args.base)
    progress = across_scenarios(_progress(args), [scenario.name for scenario in paired])
    with open_executor(args.executor, jobs, args.scheduler) as executor:
        write_comparison(paired, as_written, out_dir, jobs, progress, executor, present, args.uncertainty,
                         args.csv, _invocation(args), args.force)
    _finished(args, out_dir)
    return 0


def _invocation(args) -> dict:
    """What the manifest records of how the results were asked for."""
    words = sys.argv[1:] if args.argv is None else args.argv
    return {"command_line": shlex.join(["sufficiency", *words]), "overrides": list(getattr(args, "set", []))}


def _finished(args, out_dir: Path) -> None:
    if not args.quiet:
        print("\n".join(console_lines(load_results(out_dir))))


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


def export_command(args) -> int:
    if not args.csv:
        raise InputError("export", "", "say what to export: --csv writes timeseries.csv beside timeseries.parquet")
    directory = Path(args.results)
    if not (directory / PARQUET).is_file():
        raise InputError(directory, "", f"no {PARQUET} here; expected a directory written by sufficiency run or "
                                        "compare")
    print(f"wrote {export_csv(directory)}")
    return 0


def describe_command(args) -> int:
    scenario = load_scenario(args.scenario, args.set)
    print(f"{scenario_title(scenario)}: {scenario.description or 'no description'}")
    print(f"{scenario.area}, from {month(scenario.start_date)} for {scenario.horizon_years:g} years, "
          f"{scenario.replications} runs.")
    print("\n".join(f"- {sentence}" for sentence in levers(scenario)))
    if args.resolved:
        print(f"\n# {args.scenario} after extends and --set:")
        print(scenario_yaml(scenario), end="")
    return 0


def serve_command(args) -> int:
    try:
        from sim.web.server import serve  # the web extra: only this command needs it
    except ImportError:
        raise InputError("serve", "", "needs the web extra: pip install 'sufficiency[web]'") from None
    serve(args.host, args.port, Path(args.scenarios), Path(args.results), _jobs(args.jobs), args.executor,
          args.scheduler, args.open, args.allow_remote)
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


def _progress(args):
    """A progress bar on a terminal, unless --quiet."""
    return _progress_bar() if sys.stderr.isatty() and not args.quiet else None


def _progress_bar():
    started = time.monotonic()

    def show(done, total, name=""):
        filled = round(30 * done / total)
        end = "\n" if done == total else ""
        label = f" of {name}" if name else ""
        left = (time.monotonic() - started) * (total - done) / done
        estimate = f", {_duration(left)} left" if 0 < done < total else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} replications{label}{estimate}\033[K",
              end=end, file=sys.stderr, flush=True)
    return show


def _duration(seconds: float) -> str:
    """'about 40 s', 'about 3 min', 'about 1 h 20 min'."""
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5)} s"
    minutes = round(seconds / 60)
    return f"about {minutes} min" if minutes < 60 else f"about {minutes // 60} h {minutes % 60} min"


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="sufficiency", description="Foster-care sufficiency planning simulator.")
    parser.add_argument("--version", action="version", version=f"sufficiency {metadata.version('sufficiency')}",
                        help="print the version and stop")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=OneLineParser)

    run = commands.add_parser("run", help="run a scenario and write its results directory")
    run.add_argument("scenario", metavar="SCENARIO.yaml", help="the scenario file to run")
    _add_run_options(run)
    _add_executor_options(run)
    _add_output_options(run)
    run.add_argument("--out", metavar="DIR", help="results directory (default outputs/<scenario name>)")
    run.set_defaults(command=run_command)

    compare = commands.add_parser("compare", help="run scenarios with common random numbers and compare them "
                                                  "with the first (the base)")
    compare.add_argument("base", metavar="BASE.yaml", help="the base scenario, that the others are compared with")
    compare.add_argument("others", nargs="+", metavar="OTHER.yaml", help="one or more scenarios to compare")
    compare.add_argument("--replications", type=int, metavar="N", help="replications of every scenario "
                         "(default: the base's)")
    compare.add_argument("--seed", type=int, metavar="S", help="root seed of every scenario (default: the base's)")
    compare.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    _add_executor_options(compare)
    _add_output_options(compare)
    compare.add_argument("--out", metavar="DIR", help="results directory (default outputs/compare_<base>_vs_<other>"
                                                      "..., naming every scenario)")
    compare.set_defaults(command=compare_command)

    sweep = commands.add_parser("sweep", help="run a scenario's variants (a grid, a sensitivity sample) or a "
                                              "region's authorities; an interrupted sweep resumes")
    sweep.add_argument("sweep", metavar="SWEEP.yaml", help="the sweep file: a base scenario and what to vary")
    sweep.add_argument("--jobs", type=int, metavar="J",
                       help="local processes, or local Dask workers (default: all cores)")
    _add_executor_options(sweep)
    sweep.add_argument("--out", metavar="DIR", help="results directory (default outputs/sweep_<sweep name>)")
    sweep.set_defaults(command=sweep_command)

    charts = commands.add_parser("charts", help="rebuild every chart and table of a results directory "
                                                "from its saved files")
    charts.add_argument("results", metavar="RESULTS_DIR", help="a directory written by run or compare")
    charts.add_argument("--style", metavar="FILE", help="YAML file of chart titles, colours and source wording")
    charts.set_defaults(command=charts_command)

    export = commands.add_parser("export", help="write another format of a results directory's time series")
    export.add_argument("results", metavar="RESULTS_DIR", help="a directory written by run or compare")
    export.add_argument("--csv", action="store_true", help="write timeseries.csv beside timeseries.parquet")
    export.set_defaults(command=export_command)

    describe = commands.add_parser("describe", help="print a scenario's levers in plain English")
    describe.add_argument("scenario", metavar="SCENARIO.yaml", help="the scenario file to describe")
    describe.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                          help="override one scenario value, as for run (repeatable)")
    describe.add_argument("--resolved", action="store_true",
                          help="also print the whole scenario after extends and --set, as run would use it")
    describe.set_defaults(command=describe_command)

    check = commands.add_parser("check", help="what a scenario's own rates imply in the long run (the carer "
                                              "pool's equilibrium, children in care, each capped option) and how "
                                              "far its start is from it")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml", help="scenario files to check")
    check.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                       help="override one scenario value (repeatable)")
    check.set_defaults(command=check_command)

    fitting = commands.add_parser("fit", help="fit named parameters so that the scenario's median tracks observed "
                                              "points; writes the fitted scenario and a report")
    fitting.add_argument("scenario", metavar="SCENARIO.yaml", help="the scenario whose parameters are fitted")
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

    serving = commands.add_parser("serve", help="the scenario explorer in a browser: open, change, run and compare "
                                                "scenarios and take their packs (on this machine only)")
    serving.add_argument("--port", type=int, default=8050, metavar="P", help="port to listen on (default 8050)")
    serving.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                         help="address to listen on (default 127.0.0.1, this machine only); another needs "
                              "--allow-remote")
    serving.add_argument("--allow-remote", action="store_true",
                         help="let --host serve other machines, though there is no login")
    serving.add_argument("--scenarios", default="scenarios", metavar="DIR",
                         help="your scenarios folder, where copies are saved (default scenarios)")
    serving.add_argument("--results", default="outputs", metavar="DIR",
                         help="where runs and comparisons write their results (default outputs)")
    serving.add_argument("--jobs", type=int, metavar="J", help="processes each run uses (default: all cores)")
    serving.add_argument("--executor", choices=EXECUTORS, default="processes",
                         help="where replications run: local processes (default) or Dask")
    serving.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler such as tcp://HOST:8786")
    serving.add_argument("--open", action="store_true", help="open the explorer in the default browser")
    serving.set_defaults(command=serve_command)

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml", help="scenario files to check")
    validate.set_defaults(command=validate_command)
    add_calibration_commands(commands, calibration_reports)
    return parser


def _add_run_options(parser) -> None:
    parser.add_argument("--replications", type=int, metavar="N", help="override the scenario's replications")
    parser.add_argument("--seed", type=int, metavar="S", help="override the scenario's root seed")
    parser.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override one scenario value (repeatable)")


def _add_output_options(parser) -> None:
    parser.add_argument("--csv", action="store_true", help="also write the time series as timeseries.csv "
                        "(timeseries.parquet is always written)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors: no progress, no summary")


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
