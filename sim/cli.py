"""The `sufficiency` command line (DESIGN.md section 5): exit 0 on success, 2 on bad input, 1 on a bug."""

import argparse
import sys

from sim.errors import InputError
from sim.outputs import default_out_dir, write_run
from sim.runner import default_jobs
from sim.scenario_file import load_scenario


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
    write_run(scenario, out_dir, jobs, _progress_bar() if sys.stderr.isatty() else None)
    print(f"wrote {out_dir}")
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
    if jobs < 1:
        raise InputError("--jobs", "", f"expected a whole number of processes of at least 1, got {jobs}")
    return jobs


def _progress_bar():
    def show(done, total):
        filled = round(30 * done / total)
        end = "\n" if done == total else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} replications", end=end, file=sys.stderr, flush=True)
    return show


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="sufficiency", description="Foster-care sufficiency planning simulator.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=OneLineParser)

    run = commands.add_parser("run", help="run a scenario and write its results directory")
    run.add_argument("scenario", metavar="SCENARIO.yaml")
    _add_run_options(run)
    run.add_argument("--out", metavar="DIR", help="results directory (default outputs/<scenario name>)")
    run.set_defaults(command=run_command)

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    validate.set_defaults(command=validate_command)
    return parser


def _add_run_options(parser) -> None:
    parser.add_argument("--replications", type=int, metavar="N", help="override the scenario's replications")
    parser.add_argument("--seed", type=int, metavar="S", help="override the scenario's root seed")
    parser.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override one scenario value (repeatable)")
