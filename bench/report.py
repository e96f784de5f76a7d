"""Pure helpers of the benchmark report: percentiles, targets and margins, the printed table.

No Django here: the unit tests (tests/test_bench_report.py) import this module alone."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

# The targets of issue 9 (2-core machine). `op` "<=": the figure must not exceed the target;
# ">=": it must reach it. Each benchmark case says which figure it is judged on.
TARGETS: dict[str, dict[str, Any]] = {
    "a.county_p50_ms": {"op": "<=", "target": 50.0, "unit": "ms"},
    "a.province_p50_ms": {"op": "<=", "target": 300.0, "unit": "ms"},
    "a.ratio_to_sql": {"op": "<=", "target": 1.5, "unit": "×"},
    "b.p95_ms": {"op": "<=", "target": 100.0, "unit": "ms"},
    "c.creations_per_s": {"op": ">=", "target": 300.0, "unit": "req/s"},
    "c.share_of_bare": {"op": ">=", "target": 0.5, "unit": "×"},
    "d.seconds": {"op": "<=", "target": 10.0, "unit": "s"},
    "d.second_run_changes": {"op": "<=", "target": 0, "unit": "rows"},
    "e.p50_ms": {"op": "<=", "target": 500.0, "unit": "ms"},
    "f.seconds": {"op": "<=", "target": 20.0, "unit": "s"},
    "f.write_phase_growth_mib": {"op": "<=", "target": 32.0, "unit": "MiB"},
    "g.p50_ms": {"op": "<=", "target": 3000.0, "unit": "ms"},
    # SECURITY.md H7 (initial budgets): reads p95 < 500 ms, no errors.
    "h7.p95_ms": {"op": "<=", "target": 500.0, "unit": "ms"},
    "h7.upload_p95_ms": {"op": "<=", "target": 1500.0, "unit": "ms"},
    "h7.error_pct": {"op": "<=", "target": 0.0, "unit": "%"},
}


def percentile(values: Iterable[float], p: float) -> float:
    """The nearest-rank percentile: the smallest sample such that at least p % of the samples are
    less than or equal to it (p in (0, 100]). p50 of [1, 2, 3, 4] is 2; p95 of 20 samples is the
    19th smallest."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def summarise(samples_ms: Sequence[float]) -> dict[str, Any]:
    """p50 / p95 / p99 / min / max of timings in milliseconds, rounded to 0.01 ms."""
    return {
        "runs": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "p99_ms": round(percentile(samples_ms, 99), 2),
        "min_ms": round(min(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
    }


def judge(target_name: str, value: float | None) -> dict[str, Any]:
    """A check against one target: the figure, the target, met or not, and the margin — how far
    inside the target the figure is (positive) or how far it misses (negative), in the target's
    unit and as a share of the target. A missing figure (None) is not met."""
    spec = TARGETS[target_name]
    target, op = spec["target"], spec["op"]
    result: dict[str, Any] = {"target_name": target_name, "op": op, "target": target, "unit": spec["unit"]}
    if value is None:
        return {**result, "value": None, "met": False, "margin": None, "margin_pct": None}
    if op == "<=":
        margin = target - value
        met = value <= target
    elif op == ">=":
        margin = value - target
        met = value >= target
    else:  # pragma: no cover - TARGETS is fixed above
        raise ValueError(op)
    margin_pct = round(100 * margin / target, 1) if target else None
    return {**result, "value": value, "met": met, "margin": round(margin, 4), "margin_pct": margin_pct}


def all_checks(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every check of every case of every benchmark, each with its benchmark and case names."""
    found = []
    for bench in results:
        for case in bench.get("cases", []):
            for check in case.get("checks", []):
                found.append({"bench": bench["name"], "case": case["case"], **check})
    return found


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def table(results: Sequence[dict[str, Any]]) -> str:
    """The report as a plain-text table: one line per case with p50 / p95 (or its own figure),
    peak RSS of the benchmark's process and each check."""
    header = ("bench", "case", "runs", "p50 ms", "p95 ms", "peak MiB", "checks")
    rows: list[tuple[str, ...]] = []
    for bench in results:
        if bench.get("error"):
            rows.append((bench["name"], "CRASHED", "", "", "", "", bench["error"].splitlines()[-1][:100]))
            continue
        for case in bench.get("cases", []):
            if case.get("error"):
                rows.append((bench["name"], case["case"], "", "", "", "", f"ERROR {case['error'][:110]}"))
                continue
            checks = []
            for c in case.get("checks", []):
                verdict = "met" if c["met"] else "MISSED"
                checks.append(
                    f"{c['target_name'].split('.', 1)[1]} {_fmt(c['value'])} {c['op']} {_fmt(c['target'])}"
                    f" {verdict}" + (f" ({c['margin_pct']:+.0f}%)" if c.get("margin_pct") is not None else "")
                )
            rows.append(
                (
                    bench["name"],
                    case["case"],
                    _fmt(case.get("runs")),
                    _fmt(case.get("p50_ms")),
                    _fmt(case.get("p95_ms")),
                    _fmt(case.get("peak_rss_mib", bench.get("peak_rss_mib"))),
                    "; ".join(checks) or case.get("note", ""),
                )
            )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.insert(1, "-" * min(160, max(len(line) for line in lines)))
    return "\n".join(lines)
