"""Background jobs: a list too long for one request, an import too large for one, a bulletin over
a wide scope each become a job of their owner, run as the owner (scope and capability read when it
runs), with progress, a result file only the owner can fetch, and a message when it is done."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safegrid.accounts.models import RoleAssignment
from safegrid.core.models import AuditEntry
from safegrid.core.xlsx_import import XLSX_CONTENT_TYPE, Limits
from safegrid.hazards.models import Hazard
from safegrid.jobs import progress as job_progress
from safegrid.jobs import services
from safegrid.jobs.models import Job, JobKind, JobStatus
from safegrid.notifications.models import Notification, NotificationKind
from safegrid.sites import importing as site_importing
from safegrid.sites.models import Site
from safegrid.sites.tests.test_import import code, site_row, upload, workbook

HAZARD_LIST = "hazards:hazard_list"
WIDE = {"period": "custom", "date_from": "2025-01-01", "date_to": "2026-12-31"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Jobs are queued on commit; the test's transaction never commits, so this runs what a
    request queued (with no broker, `delay` runs the job right there, as on a single machine)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _sheet_ids(content: bytes) -> list[int]:
    book = load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    return [row[0] for row in rows[1:]]


def _download(client, job) -> bytes:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


# ---- export -------------------------------------------------------------------------------------


def test_a_list_longer_than_one_request_may_write_is_offered_as_a_job_and_a_get_starts_nothing(
    world, client, settings
):
    settings.SAFEGRID_EXPORT_INLINE_ROWS = 2
    client.force_login(world.users["office"])
    total = Hazard.objects.filter(region_path__startswith=world.county.path).count()
    assert total > 2

    response = client.get(reverse(HAZARD_LIST), {"format": "xlsx"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"当前列表共 {total} 条，超过即时导出的 2 条" in page
    assert 'method="post"' in page and "format=xlsx" in page
    assert Job.objects.count() == 0


def test_the_export_job_writes_exactly_the_rows_of_the_filtered_page(world, client, settings, committed):
    client.force_login(world.users["office"])
    filters = {"status": "reported"}
    inline = client.get(reverse(HAZARD_LIST), {**filters, "format": "xlsx"})
    want = _sheet_ids(inline.getvalue())
    assert len(want) >= 3
    settings.SAFEGRID_EXPORT_INLINE_ROWS = 2
    audits = AuditEntry.objects.filter(action="list.export").count()

    response = committed(client.post, f"{reverse(HAZARD_LIST)}?status=reported&format=xlsx")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (job.owner, job.kind, job.status) == (world.users["office"], JobKind.EXPORT, JobStatus.SUCCEEDED)
    assert (job.done, job.total) == (len(want), len(want))
    assert job.message == f"已导出 {len(want)} 条。"
    assert job.result_name.endswith(".xlsx")
    assert _sheet_ids(_download(client, job)) == want
    assert AuditEntry.objects.filter(action="list.export").count() == audits + 1
    note = Notification.objects.get(recipient=world.users["office"], kind=NotificationKind.JOB_DONE)
    assert note.job == job and note.body == job.message
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f'href="{job.get_absolute_url()}"' in inbox
    detail = client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in detail
    assert 'data-status="succeeded"' in detail and "hx-trigger" not in detail


def test_an_export_job_sees_the_owners_scope_only(world, client, settings, committed):
    settings.SAFEGRID_EXPORT_INLINE_ROWS = 0
    township = world.users["township1"]
    client.force_login(township)
    committed(client.post, f"{reverse(HAZARD_LIST)}?format=xlsx")
    job = Job.objects.get()
    want = set(Hazard.objects.filter(region_path__startswith=world.t1.path).values_list("pk", flat=True))
    assert want and set(_sheet_ids(_download(client, job))) == want


def test_a_job_runs_with_the_capabilities_its_owner_has_when_it_runs(
    world, django_capture_on_commit_callbacks
):
    owner = world.users["township1"]
    with django_capture_on_commit_callbacks(execute=False):
        job = services.job_start(
            actor=owner,
            kind=JobKind.EXPORT,
            title="导出",
            params={"path": reverse(HAZARD_LIST), "query": ""},
        )
    RoleAssignment.objects.filter(user=owner).delete()

    services.job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "您已没有执行该操作的权限，任务未执行。"
    assert not job.result_file


def test_a_list_with_no_export_refuses_a_post(world, client):
    client.force_login(world.users["office"])
    assert client.post(reverse(HAZARD_LIST)).status_code == 405
    assert Job.objects.count() == 0


# ---- owner only ---------------------------------------------------------------------------------


@pytest.fixture
def finished_job(world, client, settings, committed):
    settings.SAFEGRID_EXPORT_INLINE_ROWS = 0
    client.force_login(world.users["office"])
    committed(client.post, f"{reverse(HAZARD_LIST)}?format=xlsx")
    client.logout()
    return Job.objects.get()


def test_another_users_job_does_not_exist_for_them(world, client, api, finished_job):
    others = [user for user in world.users.values() if user != finished_job.owner]
    assert len(others) == len(world.users) - 1 >= 11
    for other in others:
        client.force_login(other)
        for name in ("jobs:job_detail", "jobs:download"):
            assert client.get(reverse(name, args=[finished_job.pk])).status_code == 404, (other, name)
        assert finished_job.title not in client.get(reverse("jobs:job_list")).content.decode()
        rest = api(other)
        assert rest.get(reverse("api:job-detail", args=[finished_job.pk])).status_code == 404
        assert rest.get(reverse("api:job-list")).json()["results"] == []


def test_the_owner_reads_the_job_in_the_api(world, api, finished_job):
    data = api(world.users["office"]).get(reverse("api:job-detail", args=[finished_job.pk])).json()
    assert data["status"] == "succeeded"
    assert data["done"] == data["total"] == finished_job.total
    assert data["download_url"] == reverse("jobs:download", args=[finished_job.pk])


def test_jobs_need_a_login(client, finished_job):
    for name in ("jobs:job_detail", "jobs:download"):
        response = client.get(reverse(name, args=[finished_job.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- import -------------------------------------------------------------------------------------


def test_a_file_beyond_the_page_limits_is_imported_by_a_job(world, client, monkeypatch, committed):
    monkeypatch.setattr(site_importing, "LIMITS", Limits(max_rows=2))
    client.force_login(world.users["office"])
    before = Site.objects.count()
    data = workbook([site_row(f"导入场所{i}", credit=code(500 + i)) for i in range(3)])

    response = committed(client.post, reverse("sites:site_import"), {"file": upload(data)})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.message) == (JobKind.IMPORT, JobStatus.SUCCEEDED, "已导入 3 条。")
    assert Site.objects.count() == before + 3
    assert not job.input_file  # the upload is not kept
    assert Notification.objects.filter(job=job, kind=NotificationKind.JOB_DONE).count() == 1


def test_an_import_job_with_errors_writes_nothing_and_offers_the_error_report(
    world, client, api, monkeypatch, committed
):
    monkeypatch.setattr(site_importing, "LIMITS", Limits(max_rows=2))
    before = Site.objects.count()
    rows = [site_row(f"导入场所{i}", credit=code(600 + i)) for i in range(3)]
    rows[1] = site_row("错网格", credit=code(700), grid="不存在的网格")
    data = workbook(rows)

    response = committed(
        api(world.users["office"]).post,
        reverse("api:site-import"),
        {"file": upload(data)},
        format="multipart",
    )

    job = Job.objects.get()
    assert response.status_code == 202
    assert response.json()["job"] == job.pk
    assert response.json()["url"] == reverse("api:job-detail", args=[job.pk])
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("文件未导入：发现 1 处错误，未写入任何数据。")
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "所在网格")]
    assert Site.objects.count() == before
    client.force_login(world.users["office"])
    report = load_workbook(io.BytesIO(_download(client, job)))
    assert any("所在网格" in str(cell) for row in report.active.iter_rows(values_only=True) for cell in row)
    assert Notification.objects.get(job=job).kind == NotificationKind.JOB_FAILED


def test_a_file_beyond_even_the_job_limits_is_refused_from_the_header(world, client, settings, committed):
    settings.SAFEGRID_IMPORT_JOB_MAX_MB = 1
    client.force_login(world.users["office"])
    big = upload(b"PK\x03\x04" + b"0" * (1024 * 1024 + 70 * 1024))
    response = committed(client.post, reverse("sites:site_import"), {"file": big})
    assert response.status_code == 400
    assert "文件超过 1 MB 上限，请分批导入。" in response.content.decode()
    assert Job.objects.count() == 0


# ---- bulletin ---------------------------------------------------------------------------------


def test_a_bulletin_over_a_wide_scope_is_a_job_with_the_same_document(world, client, settings, committed):
    client.force_login(world.users["office"])
    inline = client.get(reverse("reports:bulletin"), WIDE)
    assert inline.status_code == 200
    settings.SAFEGRID_BULLETIN_INLINE_HAZARDS = 1

    offer = client.get(reverse("reports:bulletin"), WIDE)
    assert offer.status_code == 200 and "将在后台生成" in offer.content.decode()
    assert Job.objects.count() == 0
    response = committed(
        client.post, f"{reverse('reports:bulletin')}?period=custom&date_from=2025-01-01&date_to=2026-12-31"
    )

    job = Job.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.status) == (JobKind.BULLETIN, JobStatus.SUCCEEDED)
    assert job.result_name == "安全生产工作简报-2025-01-01至2026-12-31.docx"
    produced = docx.Document(io.BytesIO(_download(client, job)))
    expected = docx.Document(io.BytesIO(inline.content))
    assert [p.text for p in produced.paragraphs] == [p.text for p in expected.paragraphs]


def test_a_bulletin_job_with_a_bad_period_is_not_started(world, client, committed):
    client.force_login(world.users["office"])
    response = committed(
        client.post, f"{reverse('reports:bulletin')}?period=custom&date_from=2026-02-01&date_to=2026-01-01"
    )
    assert response.status_code == 400
    assert Job.objects.count() == 0


# ---- running ------------------------------------------------------------------------------------


def test_a_finished_job_is_not_run_again(world, finished_job):
    notes, audits = Notification.objects.count(), AuditEntry.objects.count()
    services.job_run(job_id=finished_job.pk)
    assert (Notification.objects.count(), AuditEntry.objects.count()) == (notes, audits)


def test_a_runner_that_breaks_fails_the_job_with_a_plain_message(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from safegrid.jobs import runners

    def broken(job, progress):
        raise RuntimeError("boom")

    monkeypatch.setattr(runners, "run_export", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(
            actor=world.users["office"], kind=JobKind.EXPORT, title="导出", params={"path": "/", "query": ""}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "任务执行出错，未生成结果。请稍后重试，或联系系统管理员。"
    assert Notification.objects.get(job=job).kind == NotificationKind.JOB_FAILED


@pytest.mark.django_db(transaction=True)
def test_progress_goes_to_the_cache_inside_a_transaction_and_to_the_row_outside():
    # Transactional: the runner's "outside a transaction" must really be outside one.
    from django.db import transaction

    from safegrid.accounts.models import User

    owner = User.objects.create(username="progress-owner")
    job = Job.objects.create(owner=owner, kind=JobKind.IMPORT, title="导入", status=JobStatus.RUNNING)
    report = job_progress.Progress(job, interval=3600)
    with transaction.atomic():
        report(0, 40)
        assert Job.objects.filter(pk=job.pk, done=0, total=0).exists()  # not on the row (rolled back with it)
    assert job_progress.current(job) == (0, 40)  # but visible to the page
    report(10, 40)  # within the throttle interval: not written
    assert job_progress.current(job) == (0, 40)
    report(40, 40)  # the last call always writes, to the row too outside a transaction
    job.refresh_from_db()
    assert (job.done, job.total) == (40, 40)
    assert job_progress.current(job) == (40, 40)


def test_a_running_job_page_polls_itself(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.job_start(
            actor=world.users["office"], kind=JobKind.EXPORT, title="导出", params={"path": "/", "query": ""}
        )
    client.force_login(world.users["office"])
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'data-status="queued"' in page
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial


def test_finished_jobs_and_their_files_are_deleted_after_the_retention_period(
    world, client, settings, committed
):
    settings.SAFEGRID_EXPORT_INLINE_ROWS = 0
    settings.SAFEGRID_JOB_RETENTION_DAYS = 7
    client.force_login(world.users["office"])
    committed(client.post, f"{reverse(HAZARD_LIST)}?format=xlsx")
    committed(client.post, f"{reverse(HAZARD_LIST)}?status=reported&format=xlsx")
    old, recent = Job.objects.order_by("pk")
    now = timezone.now()
    Job.objects.filter(pk=old.pk).update(finished_at=now - datetime.timedelta(days=8))
    Job.objects.filter(pk=recent.pk).update(finished_at=now - datetime.timedelta(days=6))
    storage, name = old.result_file.storage, old.result_file.name
    assert storage.exists(name)

    assert services.job_purge(now=now) == 1

    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(name)
    assert recent.result_file.storage.exists(recent.result_file.name)


def test_job_files_have_no_public_url(finished_job):
    with pytest.raises(NotImplementedError):
        finished_job.result_file.url  # noqa: B018


def test_the_upload_form_names_both_limits(world, client):
    client.force_login(world.users["office"])
    page = client.get(reverse("sites:site_import")).content.decode()
    assert (
        "不超过 2000 行数据、5 MB 的文件立即导入；更大的文件（不超过 50000 行、50 MB）转为后台任务导入"
        in page
    )


def test_xlsx_content_type_of_an_export_job(world, client, finished_job):
    client.force_login(world.users["office"])
    response = client.get(reverse("jobs:download", args=[finished_job.pk]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
