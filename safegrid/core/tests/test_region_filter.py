"""The region filter of the lists (SubtreeChoiceField): the drop-down lists the upper levels of the
visible tree while they fit, plus the region chosen; every visible region is still accepted."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from safegrid.core.filters import SubtreeChoiceField
from safegrid.hazards.filters import HazardFilterSet
from safegrid.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def _options(filterset) -> list[str]:
    html = str(filterset.form["within"])
    return [value for value in re.findall(r'<option value="(\d*)"', html) if value]


def _filterset(world, user_key, data=None):
    request = RequestFactory().get("/")
    request.user = world.users[user_key]
    return HazardFilterSet(data, queryset=Hazard.objects.all(), request=request)


def test_a_county_officer_is_offered_every_level_when_they_fit(world):
    listed = _options(_filterset(world, "office"))
    visible = {world.county.pk, world.t1.pk, world.t2.pk, world.g11.pk, world.g12.pk, world.g21.pk}
    assert visible <= {int(pk) for pk in listed}


def test_when_the_levels_do_not_fit_the_lower_ones_are_left_out(world, monkeypatch):
    monkeypatch.setattr(SubtreeChoiceField, "LISTED_LIMIT", 3)  # county (1) + townships (2) fit
    listed = {int(pk) for pk in _options(_filterset(world, "office"))}
    assert listed == {world.county.pk, world.t1.pk, world.t2.pk}


def test_the_chosen_region_is_listed_and_any_visible_region_is_accepted(world, monkeypatch):
    monkeypatch.setattr(SubtreeChoiceField, "LISTED_LIMIT", 3)
    filterset = _filterset(world, "office", {"within": str(world.g11.pk)})
    assert filterset.is_valid(), filterset.errors
    assert str(world.g11.pk) in _options(filterset)
    assert set(filterset.qs.values_list("pk", flat=True)) == {world.hazards["g11"].pk}


def test_a_region_outside_the_scope_is_refused(world):
    filterset = _filterset(world, "office", {"within": str(world.g31.pk)})
    assert not filterset.is_valid()


def test_the_list_page_offers_the_limited_levels(world, client, monkeypatch):
    monkeypatch.setattr(SubtreeChoiceField, "LISTED_LIMIT", 3)
    client.force_login(world.users["office"])
    page = client.get(reverse("hazards:hazard_list")).content.decode()
    assert f'<option value="{world.t1.pk}"' in page
    assert f'<option value="{world.g11.pk}"' not in page
