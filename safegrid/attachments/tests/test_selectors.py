"""Who sees which attachments: exactly those whose owner they may view."""

from __future__ import annotations

import uuid

import pytest

from safegrid.attachments.selectors import attachment_get, attachment_list
from safegrid.attachments.services import attachment_add
from safegrid.core.exceptions import NotInScope

from . import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachments(world, hazard, mall_hazard, inspection):
    def add(**owner):
        return attachment_add(
            actor=world.users["grid11"], upload=files.upload(files.jpeg()), kind="photo", **owner
        )

    return {
        "mine": add(hazard=hazard),
        "mall": add(hazard=mall_hazard),
        "inspection": add(inspection=inspection),
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("leader", {"mine", "mall", "inspection"}),
        ("township1", {"mine", "mall", "inspection"}),
        ("grid11", {"mine", "mall", "inspection"}),
        ("sector_mining", {"mine", "inspection"}),
        ("enterprise11", {"mine", "inspection"}),
        ("township2", set()),
        ("office_b", set()),
        ("sysadmin", set()),
        ("secadmin", set()),
        ("auditor", set()),
    ],
)
def test_attachments_are_visible_exactly_where_their_owner_is(world, attachments, user, expected):
    visible = set(attachment_list(actor=world.users[user]).values_list("pk", flat=True))
    assert visible == {attachments[key].pk for key in expected}


def test_get_returns_an_attachment_in_scope(world, attachments):
    assert attachment_get(actor=world.users["township1"], pk=attachments["mine"].pk) == attachments["mine"]


@pytest.mark.parametrize("pk", ["out_of_scope", "unknown", "malformed"])
def test_get_gives_the_same_not_found_for_out_of_scope_unknown_and_malformed_ids(world, attachments, pk):
    value = {"out_of_scope": attachments["mall"].pk, "unknown": uuid.uuid4(), "malformed": "../../etc"}[pk]
    with pytest.raises(NotInScope):
        attachment_get(actor=world.users["sector_mining"], pk=value)
