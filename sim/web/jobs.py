"""Runs and comparisons in the background: a bounded queue and one worker thread running jobs one at a time on
the server's executor. Each job writes an ordinary results directory (sim.run.outputs: staging, the lock, never
replacing anything); a failing job keeps its one-line error and the server goes on serving."""

import collections
import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sim.report.publish import present
from sim.run.compare import common_random_numbers
from sim.run.cost import check_memory, duration, run_cost
from sim.run.destination import safe_component
from sim.run.outputs import across_scenarios, write_comparison, write_run
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import for_mode

MAX_WAITING = 50  # jobs queued at once; more are refused until some finish
MAX_KEPT = 200  # finished jobs remembered (their results stay on disk)
MAX_COPIES = 1_000  # results named <name>, <name>_2, ... <name>_1000


class Cancelled(Exception):
    """The user cancelled the job: raised from its progress, so the results being written are removed."""


@dataclass
class Job:
    id: int
    kind: str  # "run" or "compare"
    paths: list  # scenario files, the base first
    titles: list
    replications: int
    estimate: str
    state: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    started: float | None = None
    error: str = ""
    results: str = ""  # the results directory's name, once written
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def time_left(self) -> str:
        """'about 2 minutes left', from the replications done so far."""
        if self.state != "running" or not self.done or self.done >= self.total:
            return ""
        left = (time.monotonic() - self.started) * (self.total - self.done) / self.done
        return f"about {duration(left)} left"

    def progress(self, done: int, total: int, name: str = "") -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self.done, self.total = done, total


class JobQueue:
    def __init__(self, results: Path, executor, jobs: int, uncertainty: str = "all", presented=present):
        """Jobs write into `results`, on `executor` with `jobs` processes; `presented(directory)` adds the charts
        and the pack (None: the results files alone)."""
        self.results, self.executor, self.jobs, self.uncertainty = Path(results), executor, jobs, uncertainty
        self.presented = presented
        self._waiting = queue.Queue(MAX_WAITING)
        self._jobs = collections.OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="sufficiency-jobs", daemon=True)
        self._worker.start()

    def submit(self, kind: str, paths: list, replications: int) -> Job:
        """Queue a run (one path) or a comparison (the base first); an InputError if it cannot be run."""
        scenarios = [load_scenario(path) for path in paths]
        paired = common_random_numbers(scenarios, paths, None, replications) if kind == "compare" else [
            load_scenario(paths[0], [f"replications={replications}"])]
        cost = run_cost([for_mode(scenario, self.uncertainty) for scenario in paired], self.jobs)
        check_memory(cost, paths[0])
        with self._lock:
            job = Job(next(self._ids), kind, list(paths), [s.title or s.name for s in scenarios], replications,
                      cost.describe(), total=replications * len(paired))
            try:
                self._waiting.put_nowait(job)
            except queue.Full:
                raise InputError("the queue", "", f"already holds {MAX_WAITING} waiting jobs; wait for some to "
                                                  "finish") from None
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_KEPT and not next(iter(self._jobs.values())).active:
                self._jobs.popitem(last=False)
        return job

    def all(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))

    def get(self, job_id: int) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job: Job) -> None:
        job.cancel.set()
        if job.state == "queued":
            job.state = "cancelled"

    def idle(self) -> bool:
        return not any(job.active for job in self.all())

    def _work(self) -> None:
        while True:
            job = self._waiting.get()
            if job.cancel.is_set():
                job.state = "cancelled"
                continue
            job.state, job.started = "running", time.monotonic()
            try:
                job.results = self._run(job).name
                job.state = "done"
            except Cancelled:
                job.state = "cancelled"
            except InputError as error:
                job.state, job.error = "failed", str(error)
            except Exception as error:  # a bug: say it on one line and keep serving
                job.state, job.error = "failed", f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"

    def _run(self, job: Job) -> Path:
        as_written = [load_scenario(path) for path in job.paths]
        if job.kind == "run":
            scenario = load_scenario(job.paths[0], [f"replications={job.replications}"])
            return write_run(scenario, self._free(scenario.name), self.jobs, job.progress, self.executor,
                             self.presented,
                             self.uncertainty, invocation=_invocation(job))
        paired = common_random_numbers(as_written, job.paths, None, job.replications)
        out = self._free("compare_" + "_vs_".join(scenario.name for scenario in paired))
        return write_comparison(paired, as_written, out, self.jobs,
                                across_scenarios(job.progress, [s.name for s in paired]), self.executor, self.presented,
                                self.uncertainty, invocation=_invocation(job))

    def _free(self, name: str) -> Path:
        """The first results directory <name>, <name>_2, ... not yet taken: results are never replaced."""
        stem = safe_component(name, limit=150)
        for number in range(1, MAX_COPIES + 1):
            candidate = self.results / (stem if number == 1 else f"{stem}_{number}")
            if not (candidate.exists() or candidate.is_symlink()):
                return candidate
        raise InputError(self.results, "", f"holds {MAX_COPIES} results of {stem}; remove some")


def _invocation(job: Job) -> dict:
    """What the manifest records of how the results were asked for."""
    command = "run" if job.kind == "run" else "compare"
    files = " ".join(str(path) for path in job.paths)
    return {"command_line": f"sufficiency serve: {command} {files} --replications {job.replications}",
            "overrides": []}
