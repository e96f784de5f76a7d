"""`ChoiceDisplayField` answers exactly what `get_<field>_display()` answers, in the active
language, for every choice, for a value outside the choices and for an empty one."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers

from safegrid.core.api import ChoiceDisplayField
from safegrid.hazards.choices import HandlingLevel, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent


class _Output(serializers.Serializer):
    status_display = ChoiceDisplayField("status")
    grade_display = ChoiceDisplayField("grade")
    level_display = ChoiceDisplayField("level")


def _hazard(**values) -> Hazard:
    return Hazard(**{"status": HazardStatus.REPORTED, "grade": HazardGrade.GENERAL, "level": 1, **values})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_choice_reads_as_the_models_own_display(language):
    rows = [
        _hazard(status=status, grade=grade, level=level)
        for status in HazardStatus.values
        for grade in HazardGrade.values
        for level in HandlingLevel.values
    ]
    with translation.override(language):
        data = _Output(rows, many=True).data
        expected = [
            {
                "status_display": h.get_status_display(),
                "grade_display": h.get_grade_display(),
                "level_display": h.get_level_display(),
            }
            for h in rows
        ]
    assert [dict(d) for d in data] == expected
    assert len(expected) == len(HazardStatus.values) * len(HazardGrade.values) * len(HandlingLevel.values)


def test_the_language_is_the_requests_not_the_first_rows():
    field_owner = _Output([_hazard()], many=True)
    with translation.override("zh-hans"):
        chinese = field_owner.data[0]["status_display"]
    again = _Output([_hazard()], many=True)
    with translation.override("en"):
        english = again.data[0]["status_display"]
    assert chinese == "已上报"
    assert english != chinese
    with translation.override("en"):
        assert english == _hazard().get_status_display()


def test_a_value_outside_the_choices_is_shown_as_stored_and_none_stays_none():
    class EventOutput(serializers.Serializer):
        level_display = ChoiceDisplayField("from_level")

    event = HazardEvent(from_level=None)
    assert EventOutput(event).data["level_display"] is None
    row = _hazard(status="legacy")
    assert _Output(row).data["status_display"] == row.get_status_display() == "legacy"
