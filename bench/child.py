"""One benchmark in its own process: `python -m bench.child NAME --out FILE [options]`.

Sets Django up on `bench.settings` (DATABASE_URL from the environment), runs the benchmark and
writes its cases, its wall time and this process's peak resident set size (ru_maxrss) as JSON.
A crash is written too (with the traceback) and exits 1."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import traceback

# Benchmarks that only read: run in one transaction rolled back at the end, so that what signing in
# writes (sessions, tokens, last_login, audit records) does not stay — they may run against a
# database the bench must not change (`--read-only`).
READ_ONLY = ("a", "b", "e", "g")


def rolled_back(run, options: dict):
    """`run(**options)` inside one transaction that is rolled back. The test client's requests run
    on this thread's connection; Django closes a connection found inside a transaction at the end
    of each request (close_old_connections), so, as Django's own TestCase does, that handler is
    disconnected for the benchmark."""
    from django.core import signals
    from django.db import close_old_connections, transaction

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            cases = run(**options)
            transaction.set_rollback(True)
        return cases
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--read-load-seconds", type=float, default=20)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    started = time.perf_counter()
    result: dict = {"name": args.name}
    code = 0
    try:
        import django

        django.setup()
        if args.name in ("c", "h7"):
            from . import load

            run = load.BENCHMARKS[args.name]
        else:
            from . import cases

            run = cases.BENCHMARKS[args.name]
        options = {
            "runs": args.runs,
            "load_seconds": args.load_seconds,
            "read_load_seconds": args.read_load_seconds,
            "import_rows": args.import_rows,
        }
        if args.name in READ_ONLY:
            result["cases"] = rolled_back(run, options)
        else:
            result["cases"] = run(**options)
    except Exception:
        result["error"] = traceback.format_exc()
        code = 1
    result["seconds"] = round(time.perf_counter() - started, 2)
    # Linux: ru_maxrss in KiB.
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    with open(args.out, "w") as out:
        json.dump(result, out, ensure_ascii=False, default=str)
    return code


if __name__ == "__main__":
    sys.exit(main())
