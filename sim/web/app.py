"""The web application: pages of the library, a scenario, its copy, jobs and results (Starlette, Jinja2).

Every name in an address is checked against its folder (library.py, results.py) and answers 404 when it is
not one of them; forms are read with a size limit; pages escape everything they show. Bound to loopback, the
app answers only requests addressed to loopback (so another site cannot reach it through DNS), and a form is
accepted only from its own pages."""

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sim.report.pack import headline_html, pack_title, summary_html
from sim.report.style import Style
from sim.run.saved_results import COMPARISON
from sim.scenario.errors import InputError
from sim.scenario.wording import month, scenario_title
from sim.web import editing
from sim.web.jobs import JobQueue
from sim.web.levers import grouped
from sim.web.library import Library, NotFound
from sim.web.results import Results
from sim.web.sources import sources

HERE = Path(__file__).parent
MAX_FORM_BYTES = 256 * 1024  # a form of a few dozen levers is a few kB; nothing is uploaded
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
DEFAULT_REPLICATIONS = 100
PRINT_SCRIPT = "<script>window.addEventListener('load', () => window.print());</script>\n</body>"


class BadRequest(Exception):
    """A request no page of ours sends: the server answers 400 with the reason."""


def create_app(library: Library, results: Results, queue: JobQueue, remote: bool = False) -> Starlette:
    pages = Pages(library, results, queue)
    routes = [
        Route("/", pages.library_page),
        Route("/scenarios/{folder}/{stem}", pages.scenario_page),
        Route("/scenarios/{folder}/{stem}/edit", pages.edit_page, methods=["GET", "POST"]),
        Route("/run", pages.run, methods=["POST"]),
        Route("/compare", pages.compare, methods=["POST"]),
        Route("/jobs", pages.jobs_page),
        Route("/jobs/{job_id:int}", pages.job_page),
        Route("/jobs/{job_id:int}/cancel", pages.cancel, methods=["POST"]),
        Route("/results", pages.results_page),
        Route("/results/{name}", pages.result_page),
        Route("/results/{name}/print", pages.print_view),
        Route("/results/{name}/files/{relative:path}", pages.result_file),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [] if remote else [Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOSTS)]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={NotFound: pages.not_found, BadRequest: pages.bad_request, 404: pages.not_found})


class Pages:
    def __init__(self, library: Library, results: Results, queue: JobQueue):
        self.library, self.results, self.queue = library, results, queue
        self.templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                            undefined=jinja2.StrictUndefined)

    def page(self, template: str, status: int = 200, **context) -> HTMLResponse:
        text = self.templates.get_template(template).render(active=self.queue.all(), **context)
        return HTMLResponse(text, status_code=status)

    # ---- the library and a scenario -------------------------------------------------------------

    async def library_page(self, request: Request):
        entries = self.library.entries()
        return self.page("library.html", entries=entries, folders=self.library.folders.values(),
                         runnable=[entry for entry in entries if entry.scenario is not None])

    async def scenario_page(self, request: Request):
        entry = self.library.entry(request.path_params["folder"], request.path_params["stem"])
        groups = grouped(entry.scenario, sources(entry.path)) if entry.scenario else []
        return self.page("scenario.html", entry=entry, groups=groups, month=month,
                         replications=min(entry.scenario.replications, DEFAULT_REPLICATIONS) if entry.scenario else 0)

    async def edit_page(self, request: Request):
        folder, stem = request.path_params["folder"], request.path_params["stem"]
        entry = self.library.entry(folder, stem)
        if entry.scenario is None:
            raise BadRequest(f"{entry.ref} cannot be edited: {entry.error}")
        form = editing.fields(entry.scenario)
        if request.method == "GET":
            texts = editing.starting_texts(entry.scenario, form, f"{entry.scenario.name}_copy",
                                           f"{scenario_title(entry.scenario)} (changed)")
            return self.page("edit.html", entry=entry, form=form, texts=texts, problems={}, replace=False)
        submitted = await _form(request)
        edited = editing.edit(entry.path, entry.scenario, form, submitted)
        replace = submitted.get("replace") == "yes"
        if edited.scenario is not None:
            try:
                saved = editing.save(edited, entry.path, self.library.yours.path, replace)
            except InputError as error:
                edited.problems.setdefault(error.key if error.key == "name" else "", []).append(error.expected)
            else:
                return RedirectResponse(f"/scenarios/{self.library.yours.key}/{saved.stem}", status_code=303)
        return self.page("edit.html", status=400, entry=entry, form=form, texts=edited.texts,
                         problems=edited.problems, replace=replace)

    # ---- jobs -------------------------------------------------------------------------------------

    async def run(self, request: Request):
        submitted = await _form(request)
        path, _ = self._scenario(submitted.get("scenario", ""))
        return self._submit("run", [path], submitted)

    async def compare(self, request: Request):
        submitted = await _form(request)
        base = submitted.get("base", "")
        others = [ref for ref in submitted.getlist("option") if ref != base]
        if not others:
            return self.page("message.html", status=400, title="Nothing to compare",
                             message="Choose at least one scenario to compare with the base.")
        paths = [self._scenario(ref)[0] for ref in (base, *others)]
        return self._submit("compare", paths, submitted)

    def _scenario(self, ref: str):
        try:
            return self.library.scenario(ref)
        except InputError as error:
            raise BadRequest(str(error)) from None

    def _submit(self, kind: str, paths: list, submitted) -> Response:
        try:
            replications = int(submitted.get("replications", ""))
        except ValueError:
            replications = 0
        if not 1 <= replications <= 100_000:
            return self.page("message.html", status=400, title="Not run",
                             message="Runs: expected a whole number from 1 to 100,000.")
        try:
            job = self.queue.submit(kind, paths, replications)
        except InputError as error:
            return self.page("message.html", status=400, title="Not run", message=str(error))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def jobs_page(self, request: Request):
        return self.page("jobs.html", jobs=self.queue.all())

    async def job_page(self, request: Request):
        job = self.queue.get(request.path_params["job_id"])
        if job is None:
            raise NotFound(str(request.path_params["job_id"]))
        return self.page("job.html", job=job)

    async def cancel(self, request: Request):
        _same_site(request)
        job = self.queue.get(request.path_params["job_id"])
        if job is None:
            raise NotFound(str(request.path_params["job_id"]))
        self.queue.cancel(job)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    # ---- results ----------------------------------------------------------------------------------

    async def results_page(self, request: Request):
        return self.page("results.html", names=self.results.names())

    async def result_page(self, request: Request):
        name = request.path_params["name"]
        try:
            saved = self.results.saved(name)
        except InputError as error:
            return self.page("message.html", status=400, title="Cannot show these results", message=str(error))
        return self.page("result.html", name=name, title=pack_title(saved), compared=saved.kind == COMPARISON,
                         summary=summary_html(saved), headline=headline_html(saved, Style()),
                         charts=self.results.charts(name), downloads=self.results.downloads(name))

    async def result_file(self, request: Request):
        path, media = self.results.file(request.path_params["name"], request.path_params["relative"])
        attachment = None if media.startswith(("text/html", "image/")) else path.name
        return FileResponse(path, media_type=media, filename=attachment)

    async def print_view(self, request: Request):
        path, _ = self.results.file(request.path_params["name"], "pack.html")
        return HTMLResponse(path.read_text(encoding="utf-8").replace("</body>", PRINT_SCRIPT, 1))

    # ---- errors -----------------------------------------------------------------------------------

    async def not_found(self, request: Request, error) -> Response:
        return self.page("message.html", status=404, title="Not found",
                         message=f"There is no such page here: {request.url.path}")

    async def bad_request(self, request: Request, error) -> Response:
        return self.page("message.html", status=400, title="Not done", message=str(error))


def _same_site(request: Request) -> None:
    """A POST sent by a page of another site (its browser says so in Origin) is refused."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise BadRequest("a form sent from another site is refused")


async def _form(request: Request):
    """The urlencoded form of a POST from one of our own pages, at most MAX_FORM_BYTES."""
    _same_site(request)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise BadRequest("expected a form (application/x-www-form-urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadRequest(f"the form is larger than {MAX_FORM_BYTES // 1024} kB")
    try:
        return FormData(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"the form could not be read ({error})") from None


class FormData(dict):
    """Field -> its last value; getlist(field) -> every value."""

    def __init__(self, pairs: list):
        super().__init__(pairs)
        self.pairs = pairs

    def getlist(self, key: str) -> list:
        return [value for name, value in self.pairs if name == key]
