"""`make bench`: the province-scale benchmarks of issue 9 on PostgreSQL, one JSON report.

    .venv/bin/python -m bench.run --scale 0.01 \\
        --database-url postgres://postgres@127.0.0.1:5432/safegrid_bench_h \\
        --out bench/results/scale-0.01.json [--only a,b] [--runs N] [--load-seconds S]

1. The database: created if missing, migrated, and filled by `manage.py generate_province --scale S`
   if it is empty. The scale present is recorded in a table `bench_meta`; a database holding
   another scale is refused (no mixing). `--read-only` touches nothing (no create, migrate, generate
   or meta) and allows only the reading benchmarks a, b, e (the scale is then inferred from the
   number of sites: 100,000 at scale 1.0).
2. Each benchmark in its own process (`bench.child`), so that its peak memory (ru_maxrss) is its
   own: a dashboard figures, b hazard list, e risk map, g bulletin, d overdue sweep, f sites import,
   c hazard creation under gunicorn with locust, h7 the SECURITY.md H7 read mix.
3. The report: the machine (CPU, cores, RAM, disk, kernel, PostgreSQL and its key settings, Python,
   Django, git commit), the scale and row counts, and per benchmark its cases with p50/p95, runs,
   peak RSS, the target, met or not and by how much. A table is printed too.

No thresholds: the exit status is 0 unless a benchmark crashed (1) or the arguments or the database
are refused (2). `--smoke` (make bench-smoke): recreate the database, scale 0.001, 3 runs, 5 s of
load, 200 import rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .report import TARGETS, all_checks, table

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["a", "b", "e", "g", "d", "f", "c", "h7"]  # reads first; the writes (c) last
READ_ONLY_ALLOWED = {"a", "b", "e"}
FULL_SITES = 100_000  # sites at scale 1.0 (safegrid/demo/province.py)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/safegrid_bench"
MAIN_TABLES = {
    "regions": "orgs_region",
    "sectors": "orgs_sector",
    "organisations": "orgs_organisation",
    "sites": "sites_site",
    "users": "accounts_user",
    "role_assignments": "accounts_roleassignment",
    "hazards": "hazards_hazard",
    "hazard_events": "hazards_hazardevent",
    "risk_points": "risks_riskpoint",
    "risk_assessments": "risks_riskassessment",
    "people": "people_person",
    "inspections": "inspections_inspection",
    "audit_entries": "core_auditentry",
}


class Refused(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


# ---- the database ---------------------------------------------------------------------------------


def _connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, autocommit=True, **kwargs)


def _maintenance_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def ensure_database(url: str, *, recreate: bool) -> None:
    from psycopg import sql

    maintenance, name = _maintenance_url(url)
    with _connect(maintenance) as conn:
        if recreate:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created database {name}")


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _scalar(conn, query: str, params=None):
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def _table_exists(conn, table: str) -> bool:
    return bool(_scalar(conn, "SELECT to_regclass(%s) IS NOT NULL", [table]))


def scale_present(conn) -> float | None:
    """The scale recorded by an earlier run, else inferred from the sites; None when empty."""
    if _table_exists(conn, "bench_meta"):
        value = _scalar(conn, "SELECT value FROM bench_meta WHERE key = 'scale'")
        if value is not None:
            return float(value)
    if not _table_exists(conn, "sites_site"):
        return None
    sites = _scalar(conn, "SELECT count(*) FROM sites_site")
    regions = _scalar(conn, "SELECT count(*) FROM orgs_region")
    if not sites and not regions:
        return None
    return round(sites / FULL_SITES, 6)


def prepare(url: str, *, scale: float | None, seed: int, read_only: bool, recreate: bool) -> dict[str, Any]:
    """The database ready at one scale; what was done and how long it took."""
    done: dict[str, Any] = {}
    if read_only:
        with _connect(url) as conn:
            present = scale_present(conn)
        if present is None:
            raise Refused("--read-only: the database is empty")
        if scale is not None and abs(present - scale) > 1e-9:
            raise Refused(f"the database holds scale {present:g}, not {scale:g}: scales are not mixed")
        return {"scale": present, "scale_source": "inferred from sites (read-only)"}
    ensure_database(url, recreate=recreate)
    start = time.perf_counter()
    manage(url, "migrate", "--noinput", "-v", "0")
    done["migrate_s"] = round(time.perf_counter() - start, 1)
    with _connect(url) as conn:
        present = scale_present(conn)
        recorded = _table_exists(conn, "bench_meta")
    if present is None:
        scale = 1.0 if scale is None else scale
        say(f"generating the province at scale {scale:g} (seed {seed}) …")
        start = time.perf_counter()
        manage(url, "generate_province", "--scale", repr(scale), "--seed", str(seed))
        done["generate_s"] = round(time.perf_counter() - start, 1)
        present = scale
        with _connect(url) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
            for key, value in (
                ("scale", repr(scale)),
                ("seed", str(seed)),
                ("generated_at", datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")),
                ("generate_s", str(done["generate_s"])),
            ):
                conn.execute(
                    "INSERT INTO bench_meta VALUES (%s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    [key, value],
                )
        done["scale_source"] = "generated by this run"
    else:
        if scale is not None and abs(present - scale) > 1e-9:
            raise Refused(
                f"the database holds scale {present:g}, not {scale:g}: scales are not mixed "
                "(use another database, or drop this one)"
            )
        done["scale_source"] = "recorded in bench_meta" if recorded else "inferred from sites"
    done["scale"] = present
    return done


# ---- the machine ----------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        completed = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603, S607
        return completed.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _disk(path: str) -> dict[str, Any]:
    """The filesystem holding `path` (PostgreSQL's data directory when readable)."""
    try:
        stat = os.statvfs(path)
    except OSError:
        return {"path": path, "readable": False}
    mount, device, fstype = "", "", ""
    for line in _read("/proc/mounts").splitlines():
        dev, point, kind = line.split()[:3]
        if path.startswith(point) and len(point) >= len(mount):
            mount, device, fstype = point, dev, kind
    rotational = None
    name = Path(device).name.rstrip("0123456789")
    if name:
        value = _read(f"/sys/block/{name}/queue/rotational").strip()
        rotational = {"0": False, "1": True}.get(value)
    return {
        "path": path,
        "mount": mount,
        "device": device,
        "filesystem": fstype,
        "size_gib": round(stat.f_blocks * stat.f_frsize / 2**30, 1),
        "free_gib": round(stat.f_bavail * stat.f_frsize / 2**30, 1),
        "rotational": rotational,
    }


def cpu_calibration() -> float:
    """Milliseconds one core takes for a fixed piece of pure Python (the median of five): this is a
    shared VM whose speed moves from run to run (seen: 1.9 to 3.4 s for the same loop within a
    minute), so a report says how fast the machine was while it ran, at its start and its end."""
    import statistics

    samples = []
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def machine(url: str) -> dict[str, Any]:
    import django

    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "")
    meminfo = {
        line.split(":")[0]: line.split(":")[1].strip()
        for line in _read("/proc/meminfo").splitlines()
        if ":" in line
    }
    mem_kib = int(meminfo.get("MemTotal", "0 kB").split()[0])
    with _connect(url) as conn:
        pg: dict[str, Any] = {"version": _scalar(conn, "SELECT version()")}
        for name in (
            "shared_buffers",
            "work_mem",
            "max_parallel_workers_per_gather",
            "effective_cache_size",
            "max_connections",
            "random_page_cost",
            "jit",
            "synchronous_commit",
            "lc_collate",
        ):
            try:
                pg[name] = _scalar(conn, f"SHOW {name}")
            except Exception:  # a setting this server does not have
                pg[name] = None
        try:
            data_directory = _scalar(conn, "SHOW data_directory")
        except Exception:  # not a superuser
            data_directory = ""
        pg["database_size"] = _scalar(conn, "SELECT pg_size_pretty(pg_database_size(current_database()))")
    status = _git("status", "--porcelain")
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 2**20, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpu_calibration_ms_at_start": cpu_calibration(),
        "kernel": platform.release(),
        "os": platform.platform(),
        "disk": _disk(data_directory) if data_directory else {},
        "postgresql": pg,
        "python": platform.python_version(),
        "django": django.get_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status),
    }


def row_counts(url: str) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with _connect(url) as conn:
        for key, table_name in MAIN_TABLES.items():
            counts[key] = (
                _scalar(conn, f"SELECT count(*) FROM {table_name}")  # noqa: S608 - fixed names
                if _table_exists(conn, table_name)
                else None
            )
    return counts


# ---- the benchmarks -------------------------------------------------------------------------------


def run_child(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    from .cases import TITLES

    with tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    command = [
        sys.executable,
        "-m",
        "bench.child",
        name,
        "--out",
        str(out),
        "--runs",
        str(args.runs),
        "--load-seconds",
        str(args.load_seconds),
        "--read-load-seconds",
        str(args.read_load_seconds),
        "--import-rows",
        str(args.import_rows),
    ]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    say(f"--- ({name}) {TITLES[name]}")
    start = time.perf_counter()
    try:
        subprocess.run(command, cwd=ROOT, env=env, timeout=args.timeout, check=False)  # noqa: S603
        result = json.loads(out.read_text()) if out.stat().st_size else {}
    except subprocess.TimeoutExpired:
        result = {"error": f"timed out after {args.timeout} s"}
    finally:
        out.unlink(missing_ok=True)
    result.setdefault("name", name)
    result["title"] = TITLES[name]
    result.setdefault("seconds", round(time.perf_counter() - start, 1))
    if result.get("error"):
        say(f"    CRASHED: {result['error'].strip().splitlines()[-1]}")
    else:
        say(f"    done in {result['seconds']} s, peak RSS {result.get('peak_rss_mib')} MiB")
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--scale", type=float, default=None, help="default: the scale present, or 1.0")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--out", default="", help="default: bench/results/<date>-scale-<S>.json")
    parser.add_argument("--only", default="", help=f"comma-separated, among {','.join(ORDER)}")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (after one warm-up)")
    parser.add_argument("--load-seconds", type=float, default=30, help="(c): seconds of load per endpoint")
    parser.add_argument(
        "--read-load-seconds", type=float, default=20, help="H7 read mix: seconds of load (H7 asks 60)"
    )
    parser.add_argument("--import-rows", type=int, default=10_000, help="(f): rows in the workbook")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per benchmark")
    parser.add_argument("--read-only", action="store_true", help="write nothing; only a, b, e")
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--smoke", action="store_true", help="scale 0.001, 3 runs, 5 s load, recreate")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale = 0.001 if args.scale is None else args.scale
        args.runs, args.load_seconds, args.read_load_seconds = 3, 5, 5
        args.import_rows, args.recreate = 200, True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(ORDER)
    unknown = set(names) - set(ORDER)
    if unknown:
        print(f"unknown benchmarks: {sorted(unknown)} (known: {ORDER})", file=sys.stderr)
        return 2
    if args.read_only and set(names) - READ_ONLY_ALLOWED:
        if args.only:
            print(f"--read-only allows only {sorted(READ_ONLY_ALLOWED)}", file=sys.stderr)
            return 2
        names = [n for n in names if n in READ_ONLY_ALLOWED]
    names = [n for n in ORDER if n in names]
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    try:
        database = prepare(
            args.database_url,
            scale=args.scale,
            seed=args.seed,
            read_only=args.read_only,
            recreate=args.recreate,
        )
    except Refused as refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 2
    scale = database["scale"]
    report: dict[str, Any] = {
        "issue": 9,
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.run", *(argv or sys.argv[1:])]),
        "options": {
            "runs": args.runs,
            "load_seconds": args.load_seconds,
            "read_load_seconds": args.read_load_seconds,
            "import_rows": args.import_rows,
            "read_only": args.read_only,
            "smoke": args.smoke,
        },
        "machine": machine(args.database_url),
        "database": {
            "name": urlsplit(args.database_url).path.lstrip("/"),
            "scale": scale,
            **database,
            "row_counts": row_counts(args.database_url),
        },
        "targets": TARGETS,
        "benchmarks": [],
    }
    say(f"scale {scale:g}; rows: {report['database']['row_counts']}")
    for name in names:
        report["benchmarks"].append(run_child(name, args.database_url, args))
    checks = all_checks(report["benchmarks"])
    report["machine"]["cpu_calibration_ms_at_end"] = cpu_calibration()
    report["summary"] = {
        "seconds": round(time.perf_counter() - started, 1),
        "crashed": [b["name"] for b in report["benchmarks"] if b.get("error")],
        "checks": len(checks),
        "met": sum(1 for c in checks if c["met"]),
        "missed": [f"{c['bench']}: {c['case']}: {c['target_name']}" for c in checks if not c["met"]],
    }
    out = (
        Path(args.out)
        if args.out
        else ROOT / "bench" / "results" / f"{datetime.date.today()}-scale-{scale:g}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n")
    say("")
    say(table(report["benchmarks"]))
    s = report["summary"]
    say(
        f"\n{s['met']}/{s['checks']} targets met; crashed: {s['crashed'] or 'none'}; "
        f"{s['seconds']} s in all; report: {out}"
    )
    return 1 if s["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
