"""`sufficiency serve`: a local web server on loopback, one executor for all its jobs, a busy port refused."""

import errno
import socket
import sys
import threading
import webbrowser
from pathlib import Path

import uvicorn

from sim.run.executors import open_executor
from sim.scenario.errors import InputError
from sim.web.app import create_app
from sim.web.jobs import JobQueue
from sim.web.library import Library
from sim.web.results import Results

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8050
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"  # the repository's, when installed from it


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or an InputError saying the port is taken."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise InputError("--host", host, f"not an address of this machine ({error.strerror})") from None
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(info[4])
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise InputError("--port", str(port), f"is in use on {host}; choose another --port") from None
        raise InputError("--host", host, f"cannot listen there ({error.strerror})") from None
    sock.listen(128)
    return sock


def check_host(host: str, allow_remote: bool) -> None:
    if host != LOOPBACK and not allow_remote:
        raise InputError("--host", host, "serves other machines with no login; add --allow-remote to do so anyway")
    if host != LOOPBACK:
        print(f"warning: serving {host} to other machines: there is no login, so anyone who can reach it can "
              "run scenarios and write into the scenarios and results folders", file=sys.stderr)


def serve(host: str, port: int, scenarios: Path, results: Path, jobs: int, executor: str = "processes",
          scheduler: str | None = None, open_browser: bool = False, allow_remote: bool = False,
          shipped: Path | None = SHIPPED) -> None:
    """Serve until interrupted; the library lists `shipped` (read-only) and `scenarios` (where copies go)."""
    check_host(host, allow_remote)
    Path(scenarios).mkdir(parents=True, exist_ok=True)
    Path(results).mkdir(parents=True, exist_ok=True)
    sock = listening_socket(host, port)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{sock.getsockname()[1]}/"
    with open_executor(executor, jobs, scheduler) as running:  # started before the server's threads
        queue = JobQueue(results, running, jobs)
        app = create_app(Library(shipped, scenarios), Results(results), queue, remote=host != LOOPBACK)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        print(f"Serving the scenario explorer on {url} (Ctrl-C stops it)", file=sys.stderr, flush=True)
        if open_browser:
            threading.Timer(1.0, webbrowser.open, (url,)).start()
        server.run(sockets=[sock])

