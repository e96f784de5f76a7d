"""The bulletin of the demo county (seed_demo with a year of activity): the county office downloads
it, it opens as a valid .docx, and its text holds every figure the bulletin states — each one the
statistics' value (the statistics themselves equal the independent counts in test_statistics.py)."""

from __future__ import annotations

import dataclasses
import io
import re

import docx
import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.demo.county import build_demo_county
from safegrid.reports import statistics
from safegrid.reports.bulletin import money, percent

pytestmark = pytest.mark.django_db
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
# The figures the bulletin writes as plain numbers (the others are dates, money and rates).
COUNTED = [
    "hazards_found",
    "hazards_rectified",
    "places_inspected",
    "inspections",
    "penalties",
    "documents_issued",
    "major_hazards",
    "hazards_escalated_open",
    "hazards_overdue",
    "trainings",
    "training_person_times",
    "meetings_held",
    "publicity_activities",
    "drills",
    "drill_participants",
    "fund_allocations",
    "expert_engagements",
    "townships",
    "grids",
    "grids_staffed",
    "grid_duty_lists",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), FAST_HASHER:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_county(seed=2024, activity=True)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_demo_countys_bulletin_holds_every_figure(demo, client):
    office = User.objects.get(username="office")
    today = timezone.localdate()
    date_from = today.replace(month=1, day=1)
    figures = statistics.figures(actor=office, date_from=date_from, date_to=today, today=today)
    client.force_login(office)
    response = client.get(
        reverse("reports:bulletin"),
        {"period": "custom", "date_from": date_from.isoformat(), "date_to": today.isoformat()},
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    values = dataclasses.asdict(figures)
    assert values["hazards_found"] > 100  # a year of the demo county's activity, not an empty bulletin
    for name in COUNTED:
        value = values[name]
        assert value is not None, name
        assert re.search(rf"(?<![\d.]){value}(?![\d.])", text), f"{name} = {value} not in the bulletin"
    assert percent(figures.rectification_rate) in text
    assert money(figures.funds_allocated) in text
    assert "崇义县" in text
