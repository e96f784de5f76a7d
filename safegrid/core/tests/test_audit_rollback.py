"""Audit process protection (SECURITY.md L4): the audit record is written in the transaction of the
business change, so when the audit writer fails the change is rolled back with it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from conftest import credit_code
from safegrid.core import audit
from safegrid.core.models import AuditEntry
from safegrid.sites.models import Site
from safegrid.sites.services import site_create


def _create(world):
    return site_create(
        actor=world.users["township1"],
        name="审计失败测试钨矿",
        category="enterprise",
        kind="mine",
        sector=world.mining,
        grid=world.g12,
        address="横水镇新溪村",
        credit_code=credit_code(950),
    )


def test_a_business_write_leaves_its_row_and_one_audit_record(world):
    sites, audits = Site.objects.count(), AuditEntry.objects.count()
    site = _create(world)
    assert (Site.objects.count(), AuditEntry.objects.count()) == (sites + 1, audits + 1)
    assert AuditEntry.objects.latest("id").object_id == str(site.pk)


@pytest.mark.parametrize("where", ["insert", "chain"])
def test_when_the_audit_writer_fails_the_business_write_is_rolled_back(world, monkeypatch, where):
    def fail(*args, **kwargs):
        raise DatabaseError("audit storage unavailable")

    if where == "insert":
        monkeypatch.setattr(AuditEntry, "save", fail)
    else:
        monkeypatch.setattr(audit, "chain_head", fail)
    sites, audits = Site.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DatabaseError, match="audit storage unavailable"):
        _create(world)
    assert (Site.objects.count(), AuditEntry.objects.count()) == (sites, audits)
    assert not Site.objects.filter(name="审计失败测试钨矿").exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        audit.audit_record(actor=None, action="test.no_transaction")
    assert AuditEntry.objects.filter(action="test.no_transaction").count() == 0
