"""H1: a hypothesis state machine walks the hazard closed loop with random legal and illegal steps
by random actors. Legal steps land in the state the transition table names; every other step raises
the domain error the API turns into 409 (wrong state), 403 (wrong actor) or 404 (out of scope) and
changes nothing. Invariants: the status is always one of the five, the level 1–4, and every step
left exactly one event and one audit record (events = audit rows = version); the hazard tally the
services keep equals the tally computed from the hazards, and `escalated_at` is set exactly when the
timeline holds an escalation."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.core.models import AuditEntry
from safegrid.hazards import tally
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.hazards.tests.test_transitions import FROM, TO, USERS, call, expected_outcome, make_hazard

pytestmark = pytest.mark.django_db

STATUSES = {"reported", "assigned", "rectifying", "verifying", "closed"}
ERRORS = {"wrong_state": TransitionNotAllowed, "denied": CapabilityDenied, "not_found": NotInScope}
EXAMPLES = 30


def test_random_walks_over_the_hazard_workflow_never_reach_an_illegal_state(world, figure):
    runs = {"examples": 0, "steps": 0, "refused": 0}

    class HazardWorkflow(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            runs["examples"] += 1
            self.hazard = make_hazard(world, status="reported", level=1, grade="general")
            Hazard.objects.filter(pk=self.hazard.pk).update(number=f"SM{self.hazard.pk}")
            tally.rebuild()  # the hazard was written directly: start from a tally that counts it
            # The oracle's own model of the hazard: status and level it must be in.
            self.status, self.level, self.steps = "reported", 1, 0

        @rule(action=st.sampled_from(sorted(FROM)), user_key=st.sampled_from(USERS))
        def step(self, action, user_key):
            runs["steps"] += 1
            want = expected_outcome(action, self.status, self.level, user_key)
            before = Hazard.objects.filter(pk=self.hazard.pk).values().get()
            hazard = Hazard.objects.get(pk=self.hazard.pk)
            if want == "ok":
                result = call(action, world, world.users[user_key], hazard)
                self.status = TO.get(action, self.status)
                self.level += action == "escalate"
                self.steps += 1
                assert (result.status, result.level) == (self.status, self.level)
            else:
                runs["refused"] += 1
                with pytest.raises(ERRORS[want]), transaction.atomic():
                    call(action, world, world.users[user_key], hazard)
                assert Hazard.objects.filter(pk=self.hazard.pk).values().get() == before

        @invariant()
        def consistent(self):
            row = Hazard.objects.get(pk=self.hazard.pk)
            assert row.status in STATUSES and 1 <= row.level <= 4
            assert (row.status, row.level, row.version) == (self.status, self.level, 1 + self.steps)
            assert (row.closed_at is not None) == (row.status == "closed")
            assert HazardEvent.objects.filter(hazard=row).count() == self.steps
            assert (
                AuditEntry.objects.filter(object_type="hazards.hazard", object_id=str(row.pk)).count()
                == self.steps
            )
            escalations = HazardEvent.objects.filter(hazard=row, action="escalate")
            assert (row.escalated_at is not None) == escalations.exists()
            if row.escalated_at is not None:
                assert row.escalated_at <= escalations.order_by("at").first().at
            assert tally.tally_differences() == {}

    run_state_machine_as_test(
        HazardWorkflow,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    figure("Property", "stateful hazard workflow", examples=runs["examples"], steps=runs["steps"])
    assert runs["examples"] >= EXAMPLES
    assert runs["refused"] > 0 and runs["steps"] > runs["refused"]
    figure("Property", "stateful hazard workflow", failures=0)
