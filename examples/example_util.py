#!/usr/bin/env python3
"""Command-line plumbing shared by the examples (not an example itself).

channel_flow.py, jacobi.py and black_scholes.py each define their numerical
code as plain functions of a module parameter ``np``, plus ``summarize``,
``compare`` and ``report``; this module gives them the same command line:

    --module numpy|legate   array module to run with (default legate)
    --check                 run with both NumPy and legate.numpy and compare

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.

An example uses it as

    def main(argv=None):
        ap, args = example_util.parse_args(__doc__, add_arguments, argv)
        ...                               # validate args, print a banner
        return example_util.run_or_check(
            args, lambda np: run(np, args.n), summarize, compare, report)
"""

import argparse
import importlib
import sys
import time


def load_module(name):
    if name == "numpy":
        return importlib.import_module("numpy")
    if name == "legate":
        return importlib.import_module("legate.numpy")
    raise ValueError("unknown module %r (numpy or legate)" % name)


def _int_at_least(text, minimum, what, ignore=""):
    value = int(text.replace(ignore, ""))   # (replace("", "") leaves text as is)
    if value < minimum:
        raise argparse.ArgumentTypeError("expected a %s integer, got %r" % (what, text))
    return value


def positive_int(text, ignore=""):
    """argparse type: an integer >= 1; characters in `ignore` are dropped first."""
    return _int_at_least(text, 1, "positive", ignore)


def nonneg_int(text):
    """argparse type: an integer >= 0."""
    return _int_at_least(text, 0, "non-negative")


def parse_args(doc, add_arguments, argv=None):
    """Parse the command line of an example: --module, the example's own
    options (``add_arguments(parser)`` adds them), --check. The first line of
    `doc` (the example's docstring) describes the program. Returns
    (parser, args); the parser is there for ``parser.error``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--module", choices=("numpy", "legate"), default="legate",
                    help="array module to use (default: legate)")
    add_arguments(ap)
    ap.add_argument("--check", action="store_true",
                    help="run with both numpy and legate.numpy and compare")
    return ap, ap.parse_args(argv)


def timed_run(np, compute, summarize):
    """compute(np) and summarize(np, result), timed together (the summary
    forces completion of deferred work); returns (result, summary, seconds)."""
    t0 = time.perf_counter()
    result = compute(np)
    summary = summarize(np, result)
    elapsed = time.perf_counter() - t0
    return result, summary, elapsed


def run_or_check(args, compute, summarize, compare, report):
    """Run with args.module, or with --check with both modules, comparing the
    results with compare(numpy_result, legate_result) -> list of problems.
    report(label, summary, seconds) prints a run. Returns the exit status."""
    if not args.check:
        np = load_module(args.module)
        _, summary, elapsed = timed_run(np, compute, summarize)
        report(args.module, summary, elapsed)
        return 0

    import numpy
    ref, ref_summary, ref_time = timed_run(numpy, compute, summarize)
    report("numpy", ref_summary, ref_time)
    try:
        lnp = load_module("legate")
    except Exception as exc:  # noqa: BLE001 - report any import failure
        print("legate.numpy could not be imported: %s: %s" % (type(exc).__name__, exc))
        print("check not run")
        return 3
    res, res_summary, res_time = timed_run(lnp, compute, summarize)
    report("legate", res_summary, res_time)
    problems = compare(ref, res)
    if problems:
        for line in problems:
            print("MISMATCH:", line)
        print("check FAILED")
        return 1
    print("check passed (numpy %.4f s, legate %.4f s)" % (ref_time, res_time))
    return 0
