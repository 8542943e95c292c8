"""`sufficiency calibrate` and `sufficiency backtest`: their options, and what they run.

The calibration modules are imported when a command runs, so that the
simulator's own commands start without them. The reports are written by
`reports` (sim.report.calibration, handed over by the command line), as the
presentation layer sits above calibration.
"""

import datetime as dt
from functools import partial
from pathlib import Path

from sim.scenario.errors import InputError


def add_commands(commands, reports) -> None:
    """Add both subcommands to the `sufficiency` parser's subcommands; `reports` writes their reports."""
    calibrate = commands.add_parser("calibrate", help="estimate a baseline scenario from a council's SSDA903 "
                                                      "return, with a calibration report beside it")
    _add_data_options(calibrate)
    calibrate.add_argument("--census-date", type=dt.date.fromisoformat, metavar="DATE",
                           help="date of the starting census (default: the data's last day)")
    calibrate.add_argument("--out", required=True, metavar="FILE.yaml",
                           help="scenario file to write; its report goes in FILE_calibration/")
    _add_run_options(calibrate, "replications the scenario asks for")
    calibrate.set_defaults(command=partial(calibrate_command, reports=reports))

    backtest = commands.add_parser("backtest", help="calibrate on the data before a date, project to the data's "
                                                    "end and compare with what happened")
    _add_data_options(backtest)
    backtest.add_argument("--as-of", required=True, type=dt.date.fromisoformat, metavar="DATE",
                          help="a 1 April inside the data: calibrate on what came before, project from it")
    backtest.add_argument("--out", metavar="DIR", help="results directory (default outputs/backtest_<la or data "
                                                       "directory name>)")
    _add_run_options(backtest, "replications of the projection")
    backtest.set_defaults(command=partial(backtest_command, reports=reports))


def calibrate_command(args, reports) -> int:
    from calibration.calibrate import calibrate, check_outputs, write_calibration

    check_outputs(Path(args.out), args.force)
    history, figures, settings = _inputs(args)
    calibration = calibrate(history, figures, settings)
    report = write_calibration(calibration, Path(args.out), reports.write_report, args.force)
    _print_warnings(calibration.warnings)
    print(f"wrote {args.out} and {report}")
    return 0


def backtest_command(args, reports) -> int:
    from calibration.backtest import backtest, default_backtest_dir, write_backtest

    from sim.run.destination import target

    history, figures, settings = _inputs(args)
    out_dir = Path(args.out) if args.out else default_backtest_dir(settings.area)
    target(out_dir, args.force)
    result = backtest(history, args.as_of, figures, settings)
    write_backtest(result, out_dir, reports, args.force)
    _print_warnings(result.calibration.warnings)
    print(f"wrote {out_dir}")
    return 0


def _print_warnings(warnings) -> None:
    for warning in warnings:
        print(f"warning: {warning}")


def _inputs(args):
    from calibration.calibrate import Settings
    from calibration.figures import load_figures
    from calibration.fit import FitSettings
    from calibration.history import load_care_history
    from calibration.scenario_writer import SEED
    from sim.run.runner import default_jobs

    for option in ("replications", "fit_replications", "jobs"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise InputError(f"--{option.replace('_', '-')}", "", f"expected a whole number of at least 1, got {value}")
    history = load_care_history(args.ssda903, args.la, args.postcode_lookup, args.authority)
    seed = SEED if args.seed is None else args.seed
    settings = Settings(
        area=args.la or Path(args.ssda903).resolve().name,
        census_date=getattr(args, "census_date", None),
        replications=args.replications,
        seed=seed,
        fit=FitSettings(replications=args.fit_replications, seed=seed, jobs=args.jobs or default_jobs()),
    )
    return history, load_figures(args.figures), settings


def _add_data_options(parser) -> None:
    parser.add_argument("--ssda903", required=True, metavar="DIR", help="directory of the SSDA903 return: "
                        "YYYY-episodes.csv and YYYY-header.csv, or episodes.csv and header.csv")
    parser.add_argument("--la", metavar="NAME", help="the authority, when the files hold several (LA column)")
    parser.add_argument("--postcode-lookup", metavar="FILE", help="CSV of postcode_district,authority, to place "
                        "placements in or out of the authority where the return has no PL_LOCATION")
    parser.add_argument("--authority", metavar="NAME", help="the authority's name in the postcode lookup "
                        "(default: --la)")
    parser.add_argument("--figures", metavar="FILE.csv", help="the council's own figures, overriding the "
                        "shipped ones by parameter name, and its own Ofsted fostering figures by year, which set "
                        "the carer pool, its leaving rate and the recruitment funnel (see calibration/data/README.md)")


def _add_run_options(parser, replications_help: str) -> None:
    parser.add_argument("--replications", type=int, default=100, metavar="N", help=f"{replications_help} "
                        "(default 100)")
    parser.add_argument("--fit-replications", type=int, default=10, metavar="N", help="replications of each "
                        "candidate when fitting the free parameters (default 10)")
    parser.add_argument("--seed", type=int, metavar="S", help="root seed of the fit and the scenario "
                        "(default 20200128, as the shipped scenarios)")
    parser.add_argument("--jobs", type=int, metavar="J", help="processes to use (default: all cores)")
    parser.add_argument("--force", action="store_true", help="replace what --out names if this program wrote it")
