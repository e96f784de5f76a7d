from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.risks import selectors, services
from safegrid.risks.models import RiskAssessment, RiskPoint, SiteRiskGrading
from safegrid.risks.tests.world import seed_risks

LEC_MAJOR = {"method": "lec", "l_value": "6", "e_value": "6", "c_value": "15"}  # D = 540
LS_GENERAL = {"method": "ls", "l_value": 3, "s_value": 3}  # R = 9


def create(world, user="enterprise11", site=None, **over):
    data = {
        "actor": world.users[user],
        "site": site or world.site11_mine,
        "name": "井下炸药发放硐室",
        "hazardous_factors": "炸药储存超量，静电、明火",
        "accident_types": ["explosive", "fire"],
        **LEC_MAJOR,
    }
    data.update(over)
    return services.risk_point_create(**data)


def test_create_computes_the_level_on_the_server_and_records_the_first_assessment(world):
    point = create(world)
    assert (point.method, point.score, point.level, point.colour) == ("lec", Decimal("540"), "major", "red")
    assert point.control_level == "company"  # 重大 → controlled from the company down
    assert point.accident_types == ["fire", "explosive"]  # GB 6441 order
    assert list(point.assessments.values_list("score", "level")) == [(Decimal("540"), "major")]
    assert list(AuditEntry.objects.values_list("action", "object_id")) == [
        ("risk_point.create", str(point.pk))
    ]


def test_reassessment_keeps_the_history_and_changes_the_current_level(world):
    point = create(world)
    services.risk_point_reassess(
        actor=world.users["township1"], risk_point=point, note="增设监控后复评", **LS_GENERAL
    )
    point.refresh_from_db()
    assert (point.method, point.score, point.level, point.l_value, point.e_value, point.s_value) == (
        "ls",
        Decimal("9"),
        "general",
        Decimal("3"),
        None,
        Decimal("3"),
    )
    history = list(selectors.risk_assessment_history(risk_point=point).values_list("method", "level", "note"))
    assert history == [("ls", "general", "增设监控后复评"), ("lec", "major", "")]
    assert point.control_level == "company"  # kept: above what 一般 requires
    assert list(AuditEntry.objects.order_by("id").values_list("action", "changes")) == [
        (
            "risk_point.create",
            {"site": [None, world.site11_mine.pk], "method": [None, "lec"], "level": [None, "major"]},
        ),
        (
            "risk_point.reassess",
            {"method": ["lec", "ls"], "score": ["540.00", "9"], "level": ["major", "general"]},
        ),
    ]


def test_reassessment_to_a_higher_level_raises_the_control_tier(world):
    point = create(world, method="ls", l_value=1, s_value=2, e_value=None, c_value=None)
    assert (point.level, point.control_level) == ("low", "team")
    services.risk_point_reassess(actor=world.users["office"], risk_point=point, **LEC_MAJOR)
    point.refresh_from_db()
    assert (point.level, point.control_level) == ("major", "company")


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"l_value": "7"}, "l_value"),
        ({"e_value": "4"}, "e_value"),
        ({"method": "ls", "l_value": 3, "s_value": 6}, "s_value"),
        ({"method": "abc"}, "method"),
        ({"accident_types": ["meteor"]}, "accident_types"),
        ({"accident_types": []}, "accident_types"),
        ({"control_level": "post"}, "control_level"),  # 重大 cannot be controlled at post level only
    ],
)
def test_bad_input_is_a_chinese_error_and_writes_nothing(world, over, field):
    with pytest.raises(ValidationError) as exc:
        create(world, **over)
    assert field in exc.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0])
    assert (RiskPoint.objects.count(), RiskAssessment.objects.count(), AuditEntry.objects.count()) == (
        0,
        0,
        0,
    )


def test_bad_reassessment_changes_nothing(world):
    point = create(world)
    with pytest.raises(ValidationError):
        services.risk_point_reassess(actor=world.users["office"], risk_point=point, method="lec", l_value="6")
    point.refresh_from_db()
    assert (point.level, point.assessments.count(), AuditEntry.objects.count()) == ("major", 1, 1)


@pytest.mark.parametrize(
    ("user", "site_attr"),
    [
        ("enterprise11", "site12_mine"),
        ("township1", "site21_mine"),
        ("sector_mining", "site11_mall"),
        ("office_b", "site11_mine"),
        ("grid11", "site11_mine"),
        ("expert", "site11_mine"),
    ],
)
def test_create_outside_scope_or_without_capability_is_refused(world, user, site_attr):
    with pytest.raises(NotInScope):
        create(world, user=user, site=getattr(world, site_attr))
    assert (RiskPoint.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_reassess_outside_scope_is_refused(world):
    points = seed_risks(world).points
    with pytest.raises(NotInScope):
        services.risk_point_reassess(
            actor=world.users["township2"], risk_point=points["g11_stope"], **LS_GENERAL
        )
    assert (points["g11_stope"].assessments.count(), AuditEntry.objects.count()) == (1, 0)


def test_site_colour_is_the_worst_current_point(world):
    r = seed_risks(world)
    office = world.users["office"]
    level = selectors.site_risk_level(actor=office, site=world.site11_mine)
    assert (level.level, level.colour, level.source) == ("major", "red", "points")
    # The worst point is reassessed down: the site follows its current points, not their history.
    services.risk_point_reassess(actor=office, risk_point=r.points["g11_stope"], **LS_GENERAL)
    level = selectors.site_risk_level(actor=office, site=world.site11_mine)
    assert (level.level, level.colour) == ("general", "yellow")
    assert selectors.site_risk_level(actor=office, site=world.site11_mall) is None


def test_an_enterprise_grading_decides_the_site_colour_with_its_method(world):
    seed_risks(world)
    office = world.users["office"]
    grading = services.site_grading_record(
        actor=office,
        site=world.site11_mine,
        method="hazchem_diagnosis",
        score=Decimal("82"),
        graded_on=datetime.date(2026, 1, 2),
    )
    assert grading.level == "general"  # 75 ≤ 82 < 90 → 黄
    level = selectors.site_risk_level(actor=office, site=world.site11_mine)
    assert (level.level, level.source, level.method) == ("general", "grading", "hazchem_diagnosis")
    services.site_grading_record(
        actor=office, site=world.site11_mine, method="other", level="low", graded_on=datetime.date(2026, 1, 3)
    )
    assert selectors.site_risk_level(actor=office, site=world.site11_mine).level == "low"
    assert SiteRiskGrading.objects.count() == 2
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["site_grading.record"] * 2


@pytest.mark.parametrize(
    ("score", "given", "expected"),
    [
        ("59.9", None, "major"),
        ("60", None, "significant"),
        ("74.9", None, "significant"),
        ("75", None, "general"),
        ("89.9", None, "general"),
        ("90", None, "low"),
        ("100", None, "low"),
        ("95", "major", "major"),
    ],
)
def test_hazchem_diagnosis_bands(world, score, given, expected):
    grading = services.site_grading_record(
        actor=world.users["office"],
        site=world.site11_mine,
        method="hazchem_diagnosis",
        score=Decimal(score),
        level=given,
        graded_on=datetime.date(2026, 1, 2),
    )
    assert grading.level == expected


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"method": "hazchem_diagnosis"}, "score"),
        ({"method": "hazchem_diagnosis", "score": Decimal("101")}, "score"),
        ({"method": "other"}, "level"),
        ({"method": "other", "level": "purple"}, "level"),
        ({"method": "other", "level": "low", "graded_on": datetime.date(2999, 1, 1)}, "graded_on"),
    ],
)
def test_bad_grading_writes_nothing(world, over, field):
    data = {"actor": world.users["office"], "site": world.site11_mine, "graded_on": datetime.date(2026, 1, 2)}
    with pytest.raises(ValidationError) as exc:
        services.site_grading_record(**{**data, **over})
    assert field in exc.value.message_dict
    assert (SiteRiskGrading.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_level_counts_are_scoped_and_grouped(world):
    seed_risks(world)
    office = selectors.risk_level_counts(actor=world.users["office"], group_by="sector")
    assert office == {
        world.mining.pk: {"major": 1, "significant": 1, "general": 0, "low": 1},
        world.fire.pk: {"major": 0, "significant": 0, "general": 1, "low": 0},
    }
    by_township = selectors.risk_level_counts(actor=world.users["township1"], group_by="township")
    assert by_township == {world.t1.pk: {"major": 1, "significant": 1, "general": 0, "low": 1}}
    assert selectors.risk_level_counts(actor=world.users["sysadmin"], group_by="site") == {}
    with pytest.raises(ValueError):
        selectors.risk_level_counts(actor=world.users["office"], group_by="planet")
