"""Benchmark (not a test): how long `risk_map_data` takes for the demo county's office.

Builds the demo county (with a year of activity and its risk points) in a throw-away SQLite
database, then times the county map and one township map over 20 runs each and prints the median
and p95. Target (issue 4): under 200 ms for the county map.

    .venv/bin/python bench/map_data.py            # or: make bench
    .venv/bin/python bench/map_data.py --runs 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 200.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="safegrid-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from safegrid.accounts.models import RoleAssignment
    from safegrid.accounts.roles import Role
    from safegrid.demo.county import build_demo_county
    from safegrid.orgs.models import Region
    from safegrid.reports.risk_map import risk_map_data
    from safegrid.risks.models import RiskPoint

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    build_demo_county(activity=True)
    print(f"demo county built in {time.perf_counter() - started:.1f} s ({connection.vendor})")

    office = RoleAssignment.objects.filter(role=Role.COUNTY_OFFICE).select_related("user").first().user
    print(f"actor: {office.username}; risk points: {RiskPoint.objects.count()}")

    def timed(label: str, **kwargs) -> float:
        office.__dict__.pop("grants", None)  # as in a fresh request
        data = risk_map_data(actor=office, **kwargs)  # warm-up
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            risk_map_data(actor=office, **kwargs)
            samples.append((time.perf_counter() - start) * 1000)
        median, p95 = statistics.median(samples), percentile(samples, 95)
        print(
            f"{label}: {len(data['features'])} areas, {len(data['sites'])} sites, {data['total']} points; "
            f"median {median:.1f} ms, p95 {p95:.1f} ms over {args.runs} runs"
        )
        return median

    county_median = timed("county map")
    township = risk_map_data(actor=office)["features"][0]["properties"]
    timed(f"township map ({township['name']})", region=Region.objects.get(pk=township["id"]))
    ok = county_median < TARGET_MS
    print(f"target < {TARGET_MS:.0f} ms for the county map: {'met' if ok else 'NOT met'}")
    tmp.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
