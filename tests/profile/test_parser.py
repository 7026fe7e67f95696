"""tools/profile/lnp_trace.py on small traces written in StarPU 1.3.10's
formats (src/debug/traces/starpu_fxt.c): a GPU run (a CUDA worker on memory
node 1, fetches and prefetches between RAM and the GPU) and a two-rank run
(rank prefixes, an MPI transfer).  No GPU or MPI needed."""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "profile"))
import lnp_trace  # noqa: E402

HEADER = """%EventDef\tPajeDefineContainerType\t1
%\tAlias\tstring
%\tType\tstring
%\tName\tstring
%EndEventDef
%EventDef\tPajeDefineEventType\t2
%\tAlias\tstring
%\tType\tstring
%\tName\tstring
%EndEventDef
%EventDef\tPajeDefineLinkType\t5
%\tAlias\tstring
%\tType\tstring
%\tStartContainerType\tstring
%\tEndContainerType\tstring
%\tName\tstring
%EndEventDef
%EventDef\tPajeCreateContainer\t7
%\tTime\tdate
%\tAlias\tstring
%\tType\tstring
%\tContainer\tstring
%\tName\tstring
%EndEventDef
%EventDef\tPajeNewEvent\t9
%\tTime\tdate
%\tType\tstring
%\tContainer\tstring
%\tValue\tstring
%EndEventDef
%EventDef\tPajeStartLink\t18
%\tTime\tdate
%\tType\tstring
%\tContainer\tstring
%\tValue\tstring
%\tStartContainer\tstring
%\tKey\tstring
%EndEventDef
%EventDef\tPajeEndLink\t19
%\tTime\tdate
%\tType\tstring
%\tContainer\tstring
%\tValue\tstring
%\tEndContainer\tstring
%\tKey\tstring
%EndEventDef
%EventDef\tPajeStartLink\t23
%\tTime\tdate
%\tType\tstring
%\tContainer\tstring
%\tValue\tstring
%\tStartContainer\tstring
%\tKey\tstring
%\tMPITAG\tstring
%EndEventDef
1       MPIP      0       "MPI Program"
1       P      MPIP       "Program"
1       Mn      P       "Memory Node"
1       T      Mn       "Thread"
1       Mm      Mn       "Memory Manager"
1       W      T       "Worker"
1       MPICt   P       "MPI Communication Thread"
2       prog_event   P       "program event type"
5       MPIL     MPIP\tMPICt\tMPICt   "MPI communication"
5       F       P\tMm\tMm      "Intra-node data Fetch"
5       PF      P\tMm\tMm      "Intra-node data PreFetch"
7\t0.0 MPIroot      MPIP      0       root
"""


def task(name, job, worker, start, end, tag, rank=-1, model="lnp_loop"):
    return ("Name: %s\nModel: %s\nJobId: %s\nTag: %x\nWorkerId: %d\nStartTime: %f\nEndTime: %f\n"
            "Parameters: ND300x300_float64\nMPIRank: %d\n\n" % (name, model, job, tag, worker, start, end, rank))


def write(d, paje, tasks):
    with open(os.path.join(d, "paje.trace"), "w") as fh:
        fh.write(HEADER + paje)
    with open(os.path.join(d, "tasks.rec"), "w") as fh:
        fh.write(tasks)


def test_gpu_run(tmp_path):
    d = str(tmp_path)
    paje = "\n".join([
        "7\t0.0\tp\tP\tMPIroot\tprogram",
        "7\t1.0\tmn0\tMn\tp\tMEMNODE0", "7\t1.0\tmm0\tMm\tmn0\tMEMMANAGER0",
        "7\t1.0\tmn1\tMn\tp\tMEMNODE1", "7\t1.0\tmm1\tMm\tmn1\tMEMMANAGER1",
        "7\t1.0\tt10\tT\tmn0\tT0", "7\t1.0\tw0\tW\tt10\tCPU0",
        "7\t1.0\tt11\tT\tmn1\tT1", "7\t1.0\tw1\tW\tt11\tCUDA0_0",
        '9\t2.0\tprog_event\tp\t"lnp-site|1|add|add|/x/my%20prog.py|7|main|phase"',
        '9\t2.0\tprog_event\tp\t"lnp-site|2|matmul|matmul|/x/my%20prog.py|9|main|"',
        '9\t2.5\tprog_event\tp\t"lnp-region-begin|phase"',
        '9\t6.5\tprog_event\tp\t"lnp-region-end|phase"',
        "18\t3.0\tF\tp\t1048576\tmm0\tcom_1", "19\t4.0\tF\tp\t1048576\tmm1\tcom_1",
        "19\t5.5\tPF\tp\t2048\tmm0\tcom_2", "18\t5.0\tPF\tp\t2048\tmm1\tcom_2",
        '9\t9.0\tprog_event\tp\t"lnp-counts|cpu=1|cuda=3"', ""])
    tasks = (task("add", "1", 0, 3.0, 3.5, 1) + task("add", "2", 1, 4.0, 4.2, 1) +
             task("add", "3", 1, 4.2, 4.4, 1) + task("matmul", "4", 1, 4.4, 6.4, 2, model="lnp_matmul") +
             "Name: _starpu_data_acquire_cb_pre\nJobId: 9\nTag: 0\nSubmitTime: 1.0\n\n")
    write(d, paje, tasks)
    assert lnp_trace.check_paje(os.path.join(d, "paje.trace"))["links"] == 2
    p = lnp_trace.Profile(d)
    s = p.summary()
    assert s["tasks"] == 4 and s["tasks_counted_by_codelets"] == 4
    assert s["workers"] == {"CPU": 1, "CUDA": 1}
    assert s["ops"]["add"]["count"] == 3
    assert s["ops"]["add"]["kinds"]["CUDA"]["count"] == 2
    assert s["ops"]["add"]["kinds"]["CPU"]["count"] == 1
    assert abs(s["ops"]["matmul"]["kinds"]["CUDA"]["total_ms"] - 2.0) < 1e-9
    assert s["transfers"]["RAM -> GPU0"]["bytes"] == 1048576
    assert s["transfers"]["GPU0 -> RAM"]["bytes"] == 2048
    assert s["regions"]["phase"]["count"] == 3
    assert s["lines"]["my prog.py:9"]["ops"] == ["matmul"]
    text = lnp_trace.format_summary(s)
    assert "CUDA n / ms" in text and "RAM -> GPU0" in text and "1.0 MiB" in text
    data = lnp_trace.timeline_data(p, s)
    labels = [r["label"] for r in data["rows"]]
    assert labels[:2] == ["CUDA0_0", "CPU0"] and "\u2192 GPU0" in labels and "\u2192 RAM" in labels
    assert data["sites"][data["tasks"]["site"][0]][2] == "/x/my prog.py"
    lnp_trace.write_html(p, s, os.path.join(d, "t.html"))
    html = open(os.path.join(d, "t.html")).read()
    blob = html.split('id="lnp-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(blob)["names"] == ["add", "matmul"]


def test_two_ranks(tmp_path):
    d = str(tmp_path)
    lines = []
    for r in (0, 1):
        q = "%d_" % r
        lines += ["7\t0.0\t%sp\tP\tMPIroot\t%sprogram" % (q, q),
                  "7\t1.0\t%smn0\tMn\t%sp\t%sMEMNODE0" % (q, q, q),
                  "7\t1.0\t%smm0\tMm\t%smn0\t%sMEMMANAGER0" % (q, q, q),
                  "7\t1.0\t%st5\tT\t%smn0\t%sT0" % (q, q, q),
                  "7\t1.0\t%sw0\tW\t%st5\t%sCPU0" % (q, q, q),
                  "7\t1.0\t%smpict\t\tMPICt\t%sp\t%smpict" % (q, q, q),
                  '9\t2.0\tprog_event\t%sp\t"lnp-site|1|sum|add|/x/p.py|%d|f|"' % (q, 3 + r),
                  '9\t9.0\tprog_event\t%sp\t"lnp-counts|cpu=%d|cuda=0"' % (q, 1 + r)]
    lines += ["19\t7.9\tMPIL\tMPIroot\t8\t1_mpict\tmpicom_0",
              "23\t8.0\tMPIL\tMPIroot\t8\t0_mpict\tmpicom_0\t15", ""]
    tasks = (task("sum", "0_1", 0, 3.0, 4.0, 1, rank=0) + task("sum", "1_1", 0, 3.0, 3.5, 1, rank=1)
             + task("sum", "1_2", 0, 3.5, 3.75, 1, rank=1))
    write(d, "\n".join(lines), tasks)
    p = lnp_trace.Profile(d)
    s = p.summary()
    assert s["ranks"] == 2 and s["tasks"] == 3 and s["tasks_counted_by_codelets"] == 3
    assert s["transfers"]["rank0 -> rank1"] == {"count": 1, "bytes": 8, "ms": 0.0, "kind": "MPI"}
    lines_ = s["lines"]
    assert lines_["p.py:3"]["count"] == 1 and lines_["p.py:4"]["count"] == 2
    data = lnp_trace.timeline_data(p, s)
    assert [(r["rank"], r["label"]) for r in data["rows"]] == [(0, "CPU0"), (1, "CPU0"), (1, "MPI \u2192 rank1")]
    assert "in 2 ranks" in lnp_trace.format_summary(s)
