"""The "Figures to report" of SECURITY.md, gathered while the suite runs and printed at its end.

A test records what it proved: `figure("Audit", "event types", types=27, complete=27)`. Numbers
recorded under the same figure and label are summed across tests (and across xdist workers, which
write to files the controller reads at the end); `fixed` values are taken as they are. The summary
prints one line per (figure, label), in the order of SECURITY.md, with the counters as recorded.
A figure no test recorded is printed as "not measured in this run", so a missing figure shows."""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

ORDER = [
    "Scope matrix",
    "Routes",
    "三员",
    "Audit",
    "PII",
    "Auth",
    "Crypto",
    "Fuzz",
    "Property",
    "Concurrency",
    "Idempotency",
    "Backup",
    "Load",
    "Hygiene",
]
ROOT = Path(__file__).resolve().parents[1] / "test-results" / "figures"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _directory(config) -> Path:
    """This run's directory (one per controller process, so that concurrent runs never mix)."""
    if _is_worker(config):
        return Path(config.workerinput["safegrid_figures_dir"])
    return ROOT / str(os.getpid())


def pytest_sessionstart(session):
    directory = _directory(session.config)
    if not _is_worker(session.config):
        shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: tell each worker where the controller collects the figures."""
    node.workerinput["safegrid_figures_dir"] = str(_directory(node.config))


@pytest.fixture
def figure(request):
    """`figure(name, label, *, fixed=None, **counts)`: record counters for one figure of SECURITY.md."""
    directory = _directory(request.config)

    def record(name: str, label: str, *, fixed: dict | None = None, **counts: int) -> None:
        if name not in ORDER:
            raise ValueError(f"unknown figure {name!r}; SECURITY.md names {ORDER}")
        line = {"name": name, "label": label, "counts": counts, "fixed": fixed or {}}
        with open(directory / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")

    return record


def collected(directory: Path) -> dict[str, dict[str, tuple[dict, dict]]]:
    figures: dict[str, dict[str, tuple[dict, dict]]] = defaultdict(dict)
    for path in sorted(directory.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            counts, fixed = figures[line["name"]].get(line["label"], ({}, {}))
            counts = dict(counts)
            for key, value in line["counts"].items():
                counts[key] = counts.get(key, 0) + value
            figures[line["name"]][line["label"]] = (counts, {**fixed, **line["fixed"]})
    return figures


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _is_worker(config):
        return
    directory = _directory(config)
    figures = collected(directory)
    shutil.rmtree(directory, ignore_errors=True)
    if not figures:
        return
    terminalreporter.section("Figures to report (SECURITY.md)")
    for name in ORDER:
        labels = figures.get(name)
        if not labels:
            terminalreporter.write_line(f"{name}: not measured in this run")
            continue
        for label, (counts, fixed) in labels.items():
            values = ", ".join(f"{key} {value}" for key, value in {**fixed, **counts}.items())
            terminalreporter.write_line(f"{name} — {label}: {values}")
