"""bin/legate --profile on a small program (tests/profile/sample.py): the
trace files, paje.trace parsed by pajeng and by our parser, task names,
source lines and regions in the trace, the summary's task count against the
tasks legate.numpy's codelets ran, the HTML timeline in headless Chromium,
and the PNG.

Environment: LNP_PROFILE_OUT (where to write the profile; default a
temporary folder), LNP_PROFILE_SAMPLE_N (array size, default 300),
LNP_PROFILE_RANKS (StarPU-MPI ranks, default 1: one trace, ranks as groups)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "profile"))
import lnp_trace  # noqa: E402

SAMPLE = os.path.join(ROOT, "tests", "profile", "sample.py")
LEGATE = os.path.join(ROOT, "bin", "legate")
RANKS = int(os.environ.get("LNP_PROFILE_RANKS", "1"))


@pytest.fixture(scope="module")
def prof():
    out = os.environ.get("LNP_PROFILE_OUT")
    if out:
        shutil.rmtree(out, ignore_errors=True)
    else:
        out = tempfile.mkdtemp(prefix="lnp-profile-")
    n = os.environ.get("LNP_PROFILE_SAMPLE_N", "300")
    env = dict(os.environ, LEGATE_PYTHON=sys.executable)
    flags = ["--cpus", "2"] if RANKS == 1 else ["--ranks-per-node", str(RANKS)]
    r = subprocess.run([LEGATE] + flags + ["--profile", out, SAMPLE, n], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    text = r.stdout.decode()
    assert r.returncode == 0, text + r.stderr.decode()
    m = re.search(r"LNP_TASK_COUNTS (\{.*\})", text)
    assert m, text
    counts = json.loads(m.group(1))
    with open(os.path.join(out, "summary.json")) as fh:
        summary = json.load(fh)
    return {"dir": out, "stdout": text, "stderr": r.stderr.decode(), "counts": counts,
            "summary": summary}


def test_trace_files(prof):
    d = prof["dir"]
    assert any(f.startswith("prof_file_") for f in os.listdir(d))
    for f in ("paje.trace", "dag.dot", "tasks.rec", "data.rec", "activity.data",
              "summary.txt", "summary.json", "timeline.html", "timeline.png"):
        p = os.path.join(d, f)
        assert os.path.isfile(p) and os.path.getsize(p) > 0, f


def test_summary_printed(prof):
    out = prof["stdout"]
    assert "legate.numpy profile:" in out
    assert re.search(r"^matmul\s+\d+", out, re.M), out
    assert "transfers" in out


def test_paje_parses_with_pajeng(prof):
    exe = shutil.which("pj_dump")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("pj_dump (Debian package pajeng) is missing: scripts/install-deps.sh installs it")
        pytest.skip("pj_dump (pajeng) not installed")
    r = subprocess.run([exe, os.path.join(prof["dir"], "paje.trace")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    kinds = {line.split(",", 1)[0] for line in r.stdout.decode().splitlines() if line}
    assert {"Container", "State", "Event"} <= kinds
    # the workers' states carry our task names
    states = r.stdout.decode()
    for op in ("add", "multiply", "subtract", "sum", "matmul"):
        assert re.search(r"^State, [^,]*, Worker State, [^,]*, [^,]*, [^,]*, [^,]*, %s\s*$" % op, states, re.M), op


def test_paje_parses_with_ours(prof):
    c = lnp_trace.check_paje(os.path.join(prof["dir"], "paje.trace"))
    assert c["containers"] > 0
    assert c["events"].get("PajeNewEvent", 0) > 0
    assert c["unpaired_links"] == 0


def test_task_names_are_the_ops(prof):
    names = set(prof["summary"]["ops"])
    for op in ("add", "multiply", "subtract", "sum", "matmul", "ones"):
        assert op in names, names
    recs = lnp_trace.read_rec(os.path.join(prof["dir"], "tasks.rec"))
    ours = {r["Name"] for r in recs if r.get("Model", "").startswith("lnp_")}
    assert {"add", "multiply", "matmul", "sum"} <= ours


def test_summary_count_equals_tasks_executed(prof):
    s = prof["summary"]
    if RANKS > 1:
        # the program sees its own rank's count; each rank wrote its own
        # into the trace
        assert s["ranks"] == RANKS and len(s["counts_per_rank"]) == RANKS
        assert s["tasks"] > 0 and s["tasks_counted_by_codelets"] == s["tasks"]
        assert sum(o["count"] for o in s["ops"].values()) == s["tasks"]
        return
    executed = prof["counts"]["cpu"] + prof["counts"]["cuda"]
    assert executed > 0
    assert s["tasks"] == executed
    assert s["tasks_counted_by_codelets"] == executed
    assert sum(o["count"] for o in s["ops"].values()) == executed
    assert "tasks executed (legate.numpy codelet counters): %d\n" % executed in prof["stdout"]


def test_source_lines_and_regions(prof):
    p = lnp_trace.Profile(prof["dir"])
    sites = {(t["name"], p.sites[t["site"]]["line"], p.sites[t["site"]]["region"])
             for t in p.tasks if t["site"]}
    src = open(SAMPLE).read().splitlines()
    line_of = {op: next(i + 1 for i, l in enumerate(src) if marker in l)
               for op, marker in (("add", "# add"), ("multiply", "# multiply"),
                                  ("matmul", "# matmul"), ("sum", "# sum"))}
    assert ("add", line_of["add"], "compute/step") in sites, sites
    assert ("multiply", line_of["multiply"], "compute/step") in sites
    assert ("matmul", line_of["matmul"], "compute") in sites
    assert ("sum", line_of["sum"], "compute") in sites
    # every one of our tasks has its site
    assert all(t["site"] for t in p.tasks)
    files = {p.sites[t["site"]]["file"] for t in p.tasks}
    assert files == {SAMPLE}, files
    regions = [(r[1], r[3] is not None) for r in p.regions]
    assert ("setup", True) in regions and ("compute", True) in regions
    assert regions.count(("compute/step", True)) == 3 * RANKS
    assert "compute/step" in prof["summary"]["regions"]


def _chromium():
    exe = lnp_trace.find_chromium()
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/install-deps.sh installs it")
        pytest.skip("chromium not installed")
    return exe


def test_html_loads_in_chromium(prof):
    exe = _chromium()
    html = os.path.join(prof["dir"], "timeline.html")
    with tempfile.TemporaryDirectory() as udir:
        cmd = lnp_trace.chromium_args(exe, udir) + [
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
            "--dump-dom", "file://" + html + "#selftest"]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    dom, log = r.stdout.decode(), r.stderr.decode()
    assert r.returncode == 0, log[-3000:]
    assert 'data-lnp-status="ok"' in dom, dom[:2000] + log[-3000:]
    ntasks = prof["summary"]["tasks"]
    assert 'data-lnp-tasks="%d"' % ntasks in dom
    console_errors = [l for l in log.splitlines() if "CONSOLE" in l and ("Uncaught" in l or "Error" in l)]
    assert not console_errors, console_errors
    # the hover text of a task names its op, its source line and region
    m = re.search(r'<pre id="lnp-selftest">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    assert "sample.py:" in m.group(1), m.group(1)


def test_png(prof):
    with open(os.path.join(prof["dir"], "timeline.png"), "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert w >= 800 and h >= 200


def test_plain_png_without_browser(prof, tmp_path):
    p = lnp_trace.Profile(prof["dir"])
    out = tmp_path / "plain.png"
    lnp_trace.simple_png(p, str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_labels_without_trace():
    """Without tracing, profile_region is a no-op and no hook is installed."""
    code = ("import legate.numpy as np\n"
            "from legate.numpy import _profile\n"
            "assert not _profile.tracing()\n"
            "with np.profile_region('x'):\n"
            "    a = np.ones((300, 300)); float((a + a).sum())\n"
            "print('ok')\n")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    for k in ("STARPU_FXT_PREFIX", "STARPU_FXT_TRACE", "LEGATE_NUMPY_PROFILE"):
        env.pop(k, None)
    r = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    assert r.returncode == 0 and r.stdout.decode().strip() == "ok", r.stderr.decode()
