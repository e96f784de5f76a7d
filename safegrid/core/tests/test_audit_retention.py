"""Audit retention (SECURITY.md L5; 网络安全法第二十一条): rows are kept at least 180 days, a shorter
setting fails the system check, and `purge_audit` removes only older rows, records itself, and
leaves a chain that still verifies."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from safegrid.core.audit import GENESIS, PURGE_ACTION, purge_expired, verify_chain
from safegrid.core.checks import audit_retention_check
from safegrid.core.models import AuditEntry

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _aged(days: float, action: str) -> AuditEntry:
    with transaction.atomic():
        return AuditEntry.objects.create(action=action, occurred_at=NOW - datetime.timedelta(days=days))


def test_rows_aged_181_days_go_and_179_days_stay():
    _aged(181, "old.181")
    _aged(179, "old.179")
    _aged(0, "today")
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "old.179",
        "today",
        PURGE_ACTION,
    ]
    assert out.getvalue().startswith("已清理 1 条早于 ")
    assert out.getvalue().rstrip().endswith("的审计记录（保存期限 180 天）。")


def test_the_purge_is_recorded_with_count_cutoff_and_anchor():
    _aged(200, "old.200")
    _aged(190, "old.190")
    kept = _aged(1, "recent")
    result = purge_expired(now=NOW)
    entry = AuditEntry.objects.get(action=PURGE_ACTION)
    assert (result.count, result.cutoff) == (2, NOW - datetime.timedelta(days=180))
    assert entry.changes == {"count": 2, "cutoff": result.cutoff.isoformat(), "anchor": kept.prev_digest}
    assert (entry.actor_id, entry.object_type, entry.result) == (None, "core.auditentry", "success")


def test_the_chain_still_verifies_after_a_purge_and_breaks_if_the_anchor_is_gone():
    for days in (300, 250, 10, 5):
        _aged(days, f"old.{days}")
    purge_expired(now=NOW)
    report = verify_chain()
    assert (report.ok, report.count) == (True, 3)
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert out.getvalue().strip() == "审计链完整：3 条记录"


def test_a_second_purge_keeps_the_chain_verifiable():
    for days in (400, 300):
        _aged(days, f"old.{days}")
    assert purge_expired(now=NOW - datetime.timedelta(days=150)).count == 1  # cut-off 330 days ago
    _aged(0, "today")
    assert purge_expired(now=NOW).count == 1  # the 300-day row; the first purge record is new
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        PURGE_ACTION,
        "today",
        PURGE_ACTION,
    ]
    assert verify_chain().ok


def test_the_newest_row_is_kept_even_when_expired_so_the_chain_head_stays():
    _aged(400, "old.400")
    last = _aged(300, "old.300")
    result = purge_expired(now=NOW)
    assert result.count == 1
    assert AuditEntry.objects.order_by("id").values_list("id", flat=True).first() == last.pk
    assert verify_chain().ok


def test_rows_are_removed_as_a_prefix_so_no_gap_opens_in_the_chain():
    """A row inside the retention written before an older-stamped one keeps that one too."""
    _aged(181, "old.181")
    _aged(10, "recent")
    _aged(190, "late-stamped 190")  # id after "recent": kept, else the chain would open a gap
    result = purge_expired(now=NOW)
    assert result.count == 1
    assert verify_chain().ok


def test_an_empty_table_purges_nothing_and_records_it():
    result = purge_expired(now=NOW)
    assert result.count == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.prev_digest, entry.changes["anchor"]) == (PURGE_ACTION, GENESIS, GENESIS)


def test_retention_below_180_days_fails_the_system_check(settings):
    settings.SAFEGRID_AUDIT_RETENTION_DAYS = 90
    [error] = audit_retention_check()
    assert (error.id, error.level) == ("safegrid.core.E001", 40)
    assert error.msg == (
        "审计记录保存期限为 90 天，少于 180 天，不符合《网络安全法》第二十一条（网络日志留存不少于六个月）。"
    )


@pytest.mark.parametrize("days", [180, 365])
def test_retention_of_180_days_or_more_passes_the_check(settings, days):
    settings.SAFEGRID_AUDIT_RETENTION_DAYS = days
    assert audit_retention_check() == []


def test_the_check_runs_with_manage_py_check(settings):
    from django.core.management.base import SystemCheckError

    settings.SAFEGRID_AUDIT_RETENTION_DAYS = 179
    with pytest.raises(SystemCheckError, match=r"safegrid\.core\.E001"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_purge_command_refuses_a_short_retention(settings):
    settings.SAFEGRID_AUDIT_RETENTION_DAYS = 90
    _aged(100, "old.100")
    _aged(0, "today")
    with pytest.raises(CommandError, match="审计记录保存期限少于 180 天，拒绝清理。"):
        call_command("purge_audit", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 2


def test_the_purge_anchor_is_not_masked_as_a_mobile_number():
    """A digest with eleven digits that read like a mobile number (138…) keeps them: the anchor of a
    purge record must match the first kept row's prev_digest exactly (a CI run once failed on one)."""
    from safegrid.core.audit import masked
    from safegrid.core.logsafe import mask_pii

    digest = "ab13812345678cd" + "e" * 49
    assert len(digest) == 64
    assert mask_pii(digest) != digest  # what the trail's masking would have done to it
    assert masked({"anchor": digest, "phone": "13812345678"}) == {"anchor": digest, "phone": "138****5678"}
