"""H1 for enforcement documents: a hypothesis state machine drafts, edits, issues and corrects
documents with random legal and illegal steps by random actors. A legal step lands where the
workflow says (draft → issued; an issued document is corrected by a new draft); every other step
raises the domain error the API turns into 409 (wrong state), 403 (no capability) or 404 (out of
scope) and changes nothing. Invariants: an issued document never changes again and its seal
verifies; numbers are 1, 2, 3 … per issuing body, type and year, without gaps or repeats, and the counter
stands at the last; a draft
has no number."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from safegrid.core.exceptions import CapabilityDenied, NotInScope, TransitionNotAllowed
from safegrid.enforcement import services
from safegrid.enforcement.models import DocumentSequence, EnforcementDocument
from safegrid.enforcement.seals import document_verify_seal

pytestmark = pytest.mark.django_db

# office: may issue in county A; grid11: may not issue at all; office_b: may issue, in county B only.
USERS = ["office", "office", "grid11", "office_b"]
EXAMPLES = 15
USER = st.sampled_from(USERS)


def _expected(user_key: str, issued: bool, action: str) -> type[Exception] | None:
    if user_key == "grid11":
        return CapabilityDenied
    if user_key == "office_b":
        return NotInScope
    if action in {"edit", "issue"} and issued:
        return TransitionNotAllowed
    if action == "correct" and not issued:
        return TransitionNotAllowed
    return None


def test_random_walks_over_the_document_workflow_keep_issued_documents_frozen(world, rules, draft, figure):
    runs = {"examples": 0, "steps": 0, "refused": 0}
    services_by_action = {
        "edit": lambda actor, doc, n: services.document_update_draft(
            actor=actor, document=doc, data={"findings": f"检查发现问题（第 {n} 次修改）"}
        ),
        "issue": lambda actor, doc, n: services.document_issue(actor=actor, document=doc),
        "correct": lambda actor, doc, n: services.document_correct(
            actor=actor, document=doc, requirements=f"更正：限期整改（第 {n} 次）"
        ),
    }

    frozen: dict[int, dict] = {}  # issued document id → its row at issue

    class DocumentWorkflow(RuleBasedStateMachine):
        documents = Bundle("documents")

        def __init__(self):
            super().__init__()
            runs["examples"] += 1
            # Issued documents cannot be deleted (on PostgreSQL a trigger refuses it), so examples
            # add to the same table: the invariants hold over every document of every example.
            self.frozen = frozen

        @rule(target=documents)
        def new_draft(self):
            runs["steps"] += 1
            return draft().pk

        @rule(
            pk=documents, action=st.sampled_from(sorted(services_by_action)), user_key=st.sampled_from(USERS)
        )
        def step(self, pk, action, user_key):
            runs["steps"] += 1
            document = EnforcementDocument.objects.get(pk=pk)
            want = _expected(user_key, document.is_issued, action)
            before = model_to_dict(document)
            count = EnforcementDocument.objects.count()
            if want is None:
                result = services_by_action[action](world.users[user_key], document, runs["steps"])
                if action == "issue":
                    self.frozen[pk] = model_to_dict(EnforcementDocument.objects.get(pk=pk))
                if action == "correct":
                    assert result.corrects_id == pk and not result.is_issued
                    assert EnforcementDocument.objects.count() == count + 1
            else:
                runs["refused"] += 1
                with pytest.raises(want), transaction.atomic():
                    services_by_action[action](world.users[user_key], document, runs["steps"])
                assert model_to_dict(EnforcementDocument.objects.get(pk=pk)) == before
                assert EnforcementDocument.objects.count() == count

        @invariant()
        def issued_documents_are_frozen_and_sealed(self):
            for pk, row in self.frozen.items():
                document = EnforcementDocument.objects.get(pk=pk)
                assert model_to_dict(document) == row
                assert document_verify_seal(document)

        @invariant()
        def numbers_run_without_gaps(self):
            issued = EnforcementDocument.objects.filter(status="issued")
            groups: dict[tuple, list[int]] = {}
            for doc in issued:
                groups.setdefault((doc.organisation_id, doc.doc_type, doc.year), []).append(doc.sequence)
            for (organisation_id, doc_type, year), sequences in groups.items():
                assert sorted(sequences) == list(range(1, len(sequences) + 1))
                counter = DocumentSequence.objects.get(
                    organisation_id=organisation_id, doc_type=doc_type, year=year
                )
                assert counter.last_value == len(sequences)
            assert len({doc.number for doc in issued}) == issued.count()
            drafts = EnforcementDocument.objects.filter(status="draft")
            assert not drafts.filter(Q(number__isnull=False) | Q(sequence__isnull=False)).exists()

    run_state_machine_as_test(
        DocumentWorkflow,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    figure(
        "Property", "stateful enforcement-document workflow", examples=runs["examples"], steps=runs["steps"]
    )
    assert runs["refused"] > 0
