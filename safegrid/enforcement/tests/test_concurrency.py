"""Numbers under concurrency (SECURITY.md H2): K issuers at once for the same body, type and year get
exactly 1..K, no gap, no duplicate. Needs real row locks: PostgreSQL only."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from safegrid.accounts.models import User
from safegrid.core.models import AuditEntry
from safegrid.enforcement import services
from safegrid.enforcement.models import DocumentSequence, EnforcementDocument
from safegrid.enforcement.seals import document_verify_seal

K = 16
ISSUED_ON = datetime.date(2026, 3, 2)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (SELECT … FOR UPDATE is a no-op) and serialises writers with "
    "'database is locked'; the numbering race is tested on PostgreSQL (CI runs both)",
)


def _issue_concurrently(
    documents: list[EnforcementDocument], user_pk: int
) -> tuple[list[str], list[BaseException]]:
    """Each thread has its own database connection (Django's are per thread), starts together with
    the others, issues one draft and closes its connection."""
    barrier = threading.Barrier(len(documents))
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(document_pk: int) -> None:
        try:
            actor = User.objects.get(pk=user_pk)
            document = EnforcementDocument.objects.get(pk=document_pk)
            _ = actor.grants  # resolve the scope before the start line, like a request would
            barrier.wait(timeout=30)
            issued = services.document_issue(actor=actor, document=document, issued_on=ISSUED_ON)
            with lock:
                numbers.append(issued.number)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(d.pk,)) for d in documents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return numbers, errors


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_issues_get_numbers_one_to_sixteen(world, rules, draft):
    drafts = [draft() for _ in range(K)]
    audit_before = AuditEntry.objects.count()

    numbers, errors = _issue_concurrently(drafts, world.users["office"].pk)

    assert errors == []
    assert sorted(numbers) == sorted(f"（崇）应急责改〔2026〕{i}号" for i in range(1, K + 1))
    stored = EnforcementDocument.objects.filter(pk__in=[d.pk for d in drafts])
    assert sorted(stored.values_list("sequence", flat=True)) == list(range(1, K + 1))
    assert all(document_verify_seal(d) for d in stored)
    counter = DocumentSequence.objects.get(
        organisation=world.org_office, doc_type="rectification_order", year=2026
    )
    assert counter.last_value == K
    assert AuditEntry.objects.filter(action="enforcement_document.issue").count() == K
    assert AuditEntry.objects.count() == audit_before + K


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_of_the_same_draft_number_it_once(world, rules, draft):
    document = draft()
    numbers, errors = _issue_concurrently([document] * 4, world.users["office"].pk)
    assert numbers == ["（崇）应急责改〔2026〕1号"]
    assert sorted(type(e).__name__ for e in errors) == ["TransitionNotAllowed"] * 3
    assert DocumentSequence.objects.get().last_value == 1
