"""The "待复查" (to verify) work list holds only what the actor may re-check: the levels its roles
handle, and at the territorial level the grid worker's own grid; readers have nothing there."""

from __future__ import annotations

import pytest

from conftest import make_user
from safegrid.accounts.roles import Role
from safegrid.hazards.models import Hazard
from safegrid.hazards.policies import may_verify
from safegrid.hazards.selectors import hazard_queue
from safegrid.hazards.tests.test_transitions import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_recheck(world) -> Hazard:
    """A hazard of G11 at the territorial level whose completion is reported: awaiting the re-check."""
    return make_hazard(world, status="verifying", level=1, grade="general")


@pytest.mark.parametrize(
    ("user_key", "listed"),
    [
        ("grid11", True),  # the grid worker of G11 re-checks it
        ("township1", True),  # the township handles the territorial level
        ("leader", False),  # reads the county, re-checks nothing
        ("office", False),  # handles the county office's level, not this one
        ("sector_mining", False),
        ("township2", False),  # another township
    ],
)
def test_to_verify_lists_what_the_actor_may_recheck(world, awaiting_recheck, user_key, listed):
    actor = world.users[user_key]
    queue = set(hazard_queue(actor=actor, queue="to_verify").values_list("pk", flat=True))
    assert (awaiting_recheck.pk in queue) is listed
    # The list and the permission to act agree.
    assert may_verify(actor, awaiting_recheck) is listed


def test_a_supervisor_has_nothing_to_recheck(world, awaiting_recheck):
    supervisor = make_user("sup", Role.SUPERVISOR, world.city)
    assert list(hazard_queue(actor=supervisor, queue="to_verify")) == []


def test_a_grid_worker_of_another_grid_does_not_see_it(world, awaiting_recheck):
    other = make_user("g12worker", Role.GRID_WORKER, world.g12)
    assert awaiting_recheck.pk not in set(
        hazard_queue(actor=other, queue="to_verify").values_list("pk", flat=True)
    )
