"""The server without a browser: its pages, the safety rules (names checked against their folders, escaping,
forms from our own pages only, loopback) and its jobs (ten at once all finish, a failing one says why)."""

import json
import socket
import subprocess
import sys
import time

import pytest
from starlette.testclient import TestClient

from sim.run.executors import Serial
from sim.scenario.files import load_scenario
from sim.web.app import create_app
from sim.web.jobs import JobQueue
from sim.web.library import Library
from sim.web.results import Results
from sim.web.server import listening_socket
from tests.web.conftest import wait_for

LOCAL = "http://127.0.0.1"


@pytest.fixture
def client(served):
    app, _, _ = served
    return TestClient(app, base_url=LOCAL)


def test_the_library_lists_each_scenario_with_what_it_changes(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Current policy" in page.text and 'data-scenario="shipped/hostile"' in page.text
    assert "Changes from Current policy" in page.text


@pytest.mark.parametrize("address", [
    "/scenarios/shipped/..%2F..%2Fetc%2Fpasswd", "/scenarios/shipped/../../etc/passwd", "/scenarios/..%2Fshipped/baseline",
    "/scenarios/%2Fetc/passwd", "/scenarios/shipped/%2Fetc%2Fpasswd", "/scenarios/other/baseline",
    "/scenarios/shipped/.hidden", "/results/..%2F..%2Fetc", "/results/x/files/..%2F..%2Fmanifest.json",
    "/results/x/files/%2Fetc%2Fpasswd", "/static/..%2F..%2Fcli.py", "/static/../app.py",
])
def test_path_traversal_is_refused(client, address):
    assert client.get(address).status_code in (400, 404)


def test_a_symlink_out_of_its_folder_is_not_a_scenario(client, served, tmp_path):
    _, _, (shipped, _, _) = served
    outside = tmp_path / "outside.yaml"
    outside.write_text((shipped / "baseline.yaml").read_text())
    (shipped / "linked.yaml").symlink_to(outside)
    assert client.get("/scenarios/shipped/linked").status_code == 404


def test_only_known_files_of_a_result_are_served(client, served):
    app, queue, (_, _, results) = served
    job = queue.submit("run", [served[2][0] / "baseline.yaml"], 2)
    wait_for(queue)
    assert job.state == "done", job.error
    (results / job.results / "notes.txt").write_text("private")
    assert client.get(f"/results/{job.results}/files/pack.html").status_code == 200
    assert client.get(f"/results/{job.results}/files/charts/out_of_county.svg").status_code == 200
    for other in ("notes.txt", "manifest.json", "scenario.yaml", "charts/notes.txt", "charts/../notes.txt"):
        assert client.get(f"/results/{job.results}/files/{other}").status_code == 404


def test_a_description_holding_html_is_shown_as_text(client):
    for address in ("/", "/scenarios/shipped/hostile", "/scenarios/shipped/hostile/edit"):
        page = client.get(address)
        assert page.status_code == 200
        assert "<script>document.title" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text


def test_the_scenario_page_groups_levers_with_their_sources(client):
    page = client.get("/scenarios/shipped/baseline").text
    for group in ("Demand", "Placements and costs", "Carers and recruitment", "Panel", "Breakdowns", "Mockingbird",
                  "Return to county"):
        assert f'data-group="{group}"' in page
    assert "Between 390 and 490 children entering care a year" in page
    assert "figures: england, weekly_cost_ifa_foster_placement, 2021 (CMA)" in page  # the comment beside the key
    assert "45,000 to 70,000, most likely 55,000" in page  # a range as a range


def _edit_form(client, **changes) -> dict:
    page = client.get("/scenarios/shipped/baseline/edit").text
    import re

    fields = dict(re.findall(r'<input id="f-\d+" name="([^"]+)" value="([^"]*)"', page))
    fields.update(re.findall(r'<textarea id="f-\d+" name="([^"]+)" rows="3">([^<]*)</textarea>', page))
    import html

    return {key: html.unescape(value) for key, value in {**fields, **changes}.items()}


def test_a_bad_value_is_refused_beside_its_field_in_the_command_lines_words(client, served):
    _, _, (shipped, yours, _) = served
    answer = client.post("/scenarios/shipped/baseline/edit", data=_edit_form(client, **{
        "demand.entries_per_year": "-5"}))
    assert answer.status_code == 400
    field = answer.text.split('data-field="demand.entries_per_year"')[1].split("</div>")[0]
    with pytest.raises(Exception) as refused:
        load_scenario(shipped / "baseline.yaml", ["demand.entries_per_year=-5"])
    assert "expected at least 0 (got -5)" in str(refused.value)  # the command line's words ...
    assert "expected at least 0 (got -5)" in field  # ... beside the field
    assert list(yours.iterdir()) == []


def test_saving_writes_only_the_changes_into_the_users_folder(client, served):
    _, _, (shipped, yours, _) = served
    form = _edit_form(client, **{"demand.entries_per_year": "450", "name": "more_entries", "title": "More entries"})
    answer = client.post("/scenarios/shipped/baseline/edit", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/scenarios/yours/more_entries"
    written = yours / "more_entries.yaml"
    import yaml

    assert yaml.safe_load(written.read_text()) == {
        "extends": "../shipped/baseline.yaml", "name": "more_entries", "title": "More entries",
        "demand": {"entries_per_year": 450}}
    copy = load_scenario(written)
    assert copy.demand.entries_per_year == 450
    base = load_scenario(shipped / "baseline.yaml")
    assert copy.model_dump(exclude={"name", "title", "demand"}) == base.model_dump(exclude={"name", "title", "demand"})
    # the same name again is refused unless replacing is ticked
    again = client.post("/scenarios/shipped/baseline/edit", data={**form, "demand.entries_per_year": "460"})
    assert again.status_code == 400 and "exists" in again.text
    assert load_scenario(written).demand.entries_per_year == 450
    replaced = client.post("/scenarios/shipped/baseline/edit", data={**form, "demand.entries_per_year": "460",
                                                                       "replace": "yes"}, follow_redirects=False)
    assert replaced.status_code == 303 and load_scenario(written).demand.entries_per_year == 460


@pytest.mark.parametrize("name", ["../escaped", "/tmp/escaped", "a/b", ".hidden", ""])
def test_a_copy_is_never_saved_outside_the_folder(client, served, name):
    _, _, (shipped, yours, _) = served
    answer = client.post("/scenarios/shipped/baseline/edit", data=_edit_form(client, name=name))
    assert answer.status_code == 400
    assert list(yours.iterdir()) == [] and sorted(p.name for p in shipped.iterdir()) == ["baseline.yaml",
                                                                                          "hostile.yaml"]


def test_forms_from_other_sites_and_other_host_names_are_refused(served):
    app, queue, _ = served
    client = TestClient(app, base_url=LOCAL)
    answer = client.post("/run", data={"scenario": "shipped/baseline", "replications": "2"},
                         headers={"origin": "http://evil.example"})
    assert answer.status_code == 400 and queue.all() == []
    rebound = TestClient(app, base_url="http://evil.example")  # DNS pointing another name at loopback
    assert rebound.get("/").status_code == 400
    assert client.post("/run", content=b"x" * (300 * 1024),
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 400


def test_ten_runs_submitted_at_once_all_finish(folders):
    shipped, yours, results = folders
    queue = JobQueue(results, Serial(), 1, presented=None)  # the results files without the pack: seconds, not a minute
    client = TestClient(create_app(Library(shipped, yours), Results(results), queue), base_url=LOCAL)
    for _ in range(10):
        answer = client.post("/run", data={"scenario": "shipped/baseline", "replications": "1"},
                             follow_redirects=False)
        assert answer.status_code == 303
    assert len(queue.all()) == 10  # every one accepted, none lost
    wait_for(queue, 300)
    jobs = queue.all()
    assert [job.state for job in jobs] == ["done"] * 10
    names = sorted(job.results for job in jobs)
    assert names == sorted(["baseline", *(f"baseline_{n}" for n in range(2, 11))])
    for name in names:
        manifest = json.loads((results / name / "manifest.json").read_text())
        assert manifest["replications"] == 1
    assert client.get("/results").text.count('<li><a href="/results/baseline') == 10


def test_a_failing_run_shows_its_one_line_error_and_the_server_goes_on(client, served):
    _, queue, (shipped, _, _) = served
    (shipped / "later_broken.yaml").write_text("extends: baseline.yaml\nname: later_broken\n")
    busy = queue.submit("run", [shipped / "baseline.yaml"], 20)  # the worker runs this while the file changes
    job = queue.submit("run", [shipped / "later_broken.yaml"], 1)
    (shipped / "broken.tmp").write_text("extends: baseline.yaml\nname: later_broken\nhorizon_years: -1\n")
    (shipped / "broken.tmp").replace(shipped / "later_broken.yaml")  # valid when queued, broken when run
    wait_for(queue)
    assert busy.state == "done"
    assert job.state == "failed" and "horizon_years" in job.error and "\n" not in job.error
    assert "horizon_years" in client.get(f"/jobs/{job.id}").text
    after = queue.submit("run", [shipped / "baseline.yaml"], 1)
    wait_for(queue)
    assert after.state == "done"


def test_a_cancelled_job_leaves_no_results(client, served):
    _, queue, (shipped, _, results) = served
    first = queue.submit("run", [shipped / "baseline.yaml"], 40)
    waiting = queue.submit("run", [shipped / "baseline.yaml"], 1)
    client.post(f"/jobs/{waiting.id}/cancel")
    while first.done < 1:
        time.sleep(0.01)
    client.post(f"/jobs/{first.id}/cancel")
    wait_for(queue)
    assert (first.state, waiting.state) == ("cancelled", "cancelled")
    assert [path.name for path in results.iterdir()] == []


def test_comparing_shows_the_differences(client, served):
    _, queue, (shipped, _, _) = served
    answer = client.post("/compare", content="base=shipped%2Fbaseline&option=shipped%2Fhostile&replications=2",
                         headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert answer.status_code == 303
    wait_for(queue)
    job = queue.all()[0]
    assert job.state == "done", job.error
    page = client.get(f"/results/{job.results}").text
    assert "differences from the base" in page and 'class="headline"' in page


def test_a_busy_port_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(Exception, match="is in use"):
            listening_socket("127.0.0.1", port)
        done = subprocess.run([sys.executable, "-m", "sim", "serve", "--port", str(port)], capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: --port: {port}: is in use on 127.0.0.1; choose another --port"


def test_another_host_needs_allow_remote():
    done = subprocess.run([sys.executable, "-m", "sim", "serve", "--host", "0.0.0.0"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "--allow-remote" in done.stderr and len(done.stderr.splitlines()) == 1
