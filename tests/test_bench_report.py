"""The benchmark report's pure helpers (bench/report.py): percentiles and the verdict against a
target. (pytest collects safegrid/ and tests/ only, so these live here, not under bench/.)"""

import pytest

from bench.report import TARGETS, all_checks, judge, percentile, summarise, table


def test_percentile_is_nearest_rank():
    samples = [4.0, 1.0, 3.0, 2.0]

    assert percentile(samples, 50) == 2.0
    assert percentile(samples, 75) == 3.0
    assert percentile(samples, 100) == 4.0
    assert percentile(samples, 1) == 1.0


def test_p95_of_twenty_samples_is_the_nineteenth_smallest():
    samples = [float(n) for n in range(20, 0, -1)]

    assert percentile(samples, 95) == 19.0


def test_percentile_refuses_no_samples_and_out_of_range_p():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarise_gives_rounded_percentiles_and_extremes():
    assert summarise([10.004, 20.0, 30.0]) == {
        "runs": 3,
        "p50_ms": 20.0,
        "p95_ms": 30.0,
        "p99_ms": 30.0,
        "min_ms": 10.0,
        "max_ms": 30.0,
    }


def test_an_upper_target_met_has_a_positive_margin():
    check = judge("a.county_p50_ms", 40.0)

    assert check == {
        "target_name": "a.county_p50_ms",
        "op": "<=",
        "target": 50.0,
        "unit": "ms",
        "value": 40.0,
        "met": True,
        "margin": 10.0,
        "margin_pct": 20.0,
    }


def test_an_upper_target_missed_says_by_how_much():
    check = judge("a.ratio_to_sql", 3.0)

    assert (check["met"], check["margin"], check["margin_pct"]) == (False, -1.5, -100.0)


def test_an_upper_target_reached_exactly_is_met():
    assert judge("b.p95_ms", 100.0)["met"] is True


def test_a_lower_target_is_met_at_or_above_it():
    assert (judge("c.creations_per_s", 330.0)["met"], judge("c.creations_per_s", 330.0)["margin"]) == (
        True,
        30.0,
    )
    missed = judge("c.creations_per_s", 150.0)
    assert (missed["met"], missed["margin"], missed["margin_pct"]) == (False, -150.0, -50.0)


def test_a_zero_target_has_no_percentage_margin():
    check = judge("d.second_run_changes", 3)

    assert (check["met"], check["margin"], check["margin_pct"]) == (False, -3, None)


def test_a_missing_figure_is_not_met():
    check = judge("e.p50_ms", None)

    assert (check["met"], check["margin"], check["value"]) == (False, None, None)


def test_every_target_of_the_issue_is_declared():
    assert {name.split(".")[0] for name in TARGETS} == {"a", "b", "c", "d", "e", "f", "g", "h7"}


def test_all_checks_names_each_benchmark_and_case_and_the_table_shows_crashes():
    results = [
        {
            "name": "e",
            "cases": [{"case": "map", "runs": 3, "p50_ms": 600.0, "checks": [judge("e.p50_ms", 600.0)]}],
        },
        {"name": "g", "error": "Traceback …\nRuntimeError: boom"},
    ]

    checks = all_checks(results)

    assert [(c["bench"], c["case"], c["met"]) for c in checks] == [("e", "map", False)]
    text = table(results)
    assert "p50_ms 600.00 <= 500.00 MISSED (-20%)" in text
    assert "CRASHED" in text and "RuntimeError: boom" in text


def test_a_case_the_application_could_not_complete_is_shown_with_its_error():
    results = [{"name": "a", "cases": [{"case": "figures province", "error": "OperationalError: too many"}]}]

    assert "figures province" in table(results) and "ERROR OperationalError: too many" in table(results)
