"""Publicity activities as the third owner of attachments: scope keys copied from the activity,
added by whoever may record it, read (list, API detail, download) by whoever may view it and 404
for everyone else; the database keeps exactly one owner."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import make_user
from safegrid.accounts.roles import Role
from safegrid.attachments.models import Attachment
from safegrid.attachments.selectors import attachment_list
from safegrid.attachments.services import attachment_add
from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.publicity.tests.world import seed_publicity

from . import files

pytestmark = pytest.mark.django_db

LIST = "/api/v1/attachments/"
SENT = files.jpeg(exif=files.gps_exif())  # as a phone sends it: camera make and GPS position


@pytest.fixture
def lecture(world):
    """矿山安全知识讲座: held in G11 by the county's mining committee (sector 矿山)."""
    return seed_publicity(world).activities["g11_mining_lecture"]


@pytest.fixture
def visit(world):
    """横水钨矿安全宣讲进企业: held in G11 by the grid unit (no sector)."""
    return seed_publicity(world).activities["g11_visit"]


@pytest.fixture
def sector_fire(world):
    return make_user("sector_fire", Role.SECTOR_OFFICER, world.county, sectors=[world.fire])


def add_photo(world, activity, user="grid11", data=SENT):
    return attachment_add(
        actor=world.users[user], upload=files.upload(data, "宣讲现场.jpg"), kind="photo", activity=activity
    )


@pytest.fixture
def lecture_photo(world, lecture):
    return add_photo(world, lecture)


@pytest.fixture
def visit_photo(world, visit):
    return add_photo(world, visit)


def download(client, attachment):
    return client.get(reverse("attachments:download", kwargs={"pk": attachment.pk}))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# ---- service ----------------------------------------------------------------------------------


def test_scope_keys_are_copied_from_the_activity_without_a_site(world, lecture_photo, visit_photo):
    assert (lecture_photo.region_path, lecture_photo.sector_id, lecture_photo.site_id) == (
        world.g11.path,
        world.mining.pk,
        None,
    )
    assert (visit_photo.sector_id, visit_photo.site_id) == (None, None)


def test_adding_an_activity_photo_writes_one_audit_record_without_client_text(world, lecture):
    photo = add_photo(world, lecture)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.object_repr) == (
        "attachment.add",
        str(photo.pk),
        f"现场照片 · 宣传活动 {lecture.pk}",
    )
    assert entry.changes["activity"] == [None, lecture.pk]
    assert photo.owner_label == f"宣传活动 {lecture.pk}"


def test_a_user_who_may_only_view_the_activity_cannot_add_photos(world, lecture, stored_files):
    with pytest.raises(NotInScope):
        add_photo(world, lecture, user="leader")
    assert (Attachment.objects.count(), stored_files(), AuditEntry.objects.count()) == (0, [], 0)


def test_an_activity_out_of_scope_is_not_found_and_nothing_is_written(world, lecture, stored_files):
    with pytest.raises(NotInScope):
        add_photo(world, lecture, user="township2")
    assert (Attachment.objects.count(), stored_files(), AuditEntry.objects.count()) == (0, [], 0)


def test_the_service_refuses_an_activity_with_a_second_owner(world, lecture, stored_files):
    hazard = world.hazards["g11"]
    with pytest.raises(ValidationError) as caught:
        attachment_add(
            actor=world.users["grid11"],
            upload=files.upload(files.jpeg()),
            kind="photo",
            hazard=hazard,
            activity=lecture,
        )
    assert caught.value.messages == ["请指定附件所属的隐患、检查记录或宣传活动（三者选一）。"]
    assert stored_files() == []


def test_an_activity_photo_cannot_be_tied_to_a_hazard_timeline_step(world, lecture, hazard):
    with pytest.raises(ValidationError) as caught:
        attachment_add(
            actor=world.users["grid11"],
            upload=files.upload(files.jpeg()),
            kind="photo",
            activity=lecture,
            event=hazard.events.get(),
        )
    assert caught.value.message_dict == {"event": ["只有隐患的附件可以关联隐患处置记录。"]}


@pytest.mark.parametrize("other", ["hazard", "inspection"])
def test_the_database_refuses_an_activity_photo_with_a_second_owner(world, lecture_photo, other):
    second = {"hazard": world.hazards["g11"], "inspection": world.inspections["g11"]}[other]
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=lecture_photo.pk).update(**{other: second})


def test_the_database_refuses_a_hazard_photo_that_also_names_an_activity(world, hazard, lecture):
    photo = attachment_add(
        actor=world.users["grid11"], upload=files.upload(files.jpeg()), kind="photo", hazard=hazard
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=photo.pk).update(activity=lecture)


def test_the_database_refuses_an_activity_photo_left_without_owner(world, lecture_photo):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=lecture_photo.pk).update(activity=None)


def test_deleting_the_activity_deletes_its_photo_rows(world, lecture, lecture_photo):
    lecture.delete()
    assert not Attachment.objects.filter(pk=lecture_photo.pk).exists()


# ---- selectors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("leader", {"lecture", "visit"}),
        ("office", {"lecture", "visit"}),
        ("township1", {"lecture", "visit"}),
        ("grid11", {"lecture", "visit"}),
        ("sector_mining", {"lecture"}),  # an activity without a sector is not the sector's
        ("sector_fire", set()),
        ("township2", set()),
        ("enterprise11", set()),  # sees the site's hazards, holds no publicity capability
        ("office_b", set()),
        ("sysadmin", set()),
        ("auditor", set()),
    ],
)
def test_activity_photos_are_visible_exactly_where_the_activity_is(
    world, sector_fire, lecture_photo, visit_photo, user, expected
):
    photos = {"lecture": lecture_photo, "visit": visit_photo}
    actor = sector_fire if user == "sector_fire" else world.users[user]
    visible = set(attachment_list(actor=actor).values_list("pk", flat=True))
    assert visible == {photos[key].pk for key in expected}


# ---- download and API detail ------------------------------------------------------------------


def test_the_grid_worker_downloads_the_sanitised_photo(world, client, lecture_photo):
    client.force_login(world.users["grid11"])
    response = download(client, lecture_photo)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == lecture_photo.sha256
    assert data[:3] == b"\xff\xd8\xff" and data != SENT
    assert b"TestPhone" not in data and b"Exif" not in data
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_download_of_an_activity_photo_is_audited_once(world, client, lecture_photo):
    client.force_login(world.users["grid11"])
    before = AuditEntry.objects.count()
    body(download(client, lecture_photo))
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_repr) == (
        "attachment.download",
        f"现场照片 · 宣传活动 {lecture_photo.activity_id}",
    )


def test_the_sector_officer_of_the_activitys_sector_downloads_it(world, client, lecture_photo):
    client.force_login(world.users["sector_mining"])
    assert body(download(client, lecture_photo))[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("user", ["sector_fire", "township2", "enterprise11", "office_b"])
def test_outside_the_activitys_scope_download_and_api_detail_are_404(
    world, client, sector_fire, lecture_photo, user
):
    client.force_login(sector_fire if user == "sector_fire" else world.users[user])
    before = AuditEntry.objects.count()
    assert download(client, lecture_photo).status_code == 404
    assert client.get(f"{LIST}{lecture_photo.pk}/").status_code == 404
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before


def test_the_sector_officer_gets_404_for_a_photo_of_an_activity_without_sector(world, client, visit_photo):
    client.force_login(world.users["sector_mining"])
    assert download(client, visit_photo).status_code == 404
    assert client.get(f"{LIST}{visit_photo.pk}/").status_code == 404


def test_api_detail_of_an_activity_photo(world, client, lecture_photo):
    client.force_login(world.users["grid11"])
    response = client.get(f"{LIST}{lecture_photo.pk}/")
    assert response.status_code == 200
    payload = response.json()
    assert (payload["activity"], payload["hazard"], payload["inspection"], payload["event"]) == (
        lecture_photo.activity_id,
        None,
        None,
        None,
    )
    assert payload["download_url"] == f"/files/{lecture_photo.pk}/"


def test_the_api_list_filters_by_activity_within_scope(world, client, lecture, lecture_photo, visit_photo):
    client.force_login(world.users["township1"])
    response = client.get(LIST, {"activity": lecture.pk})
    assert [row["id"] for row in response.json()["results"]] == [str(lecture_photo.pk)]
    client.force_login(world.users["township2"])
    assert client.get(LIST, {"activity": lecture.pk}).json()["count"] == 0


# ---- API upload -------------------------------------------------------------------------------


def test_a_multipart_upload_adds_a_photo_to_an_activity(world, client, lecture):
    client.force_login(world.users["grid11"])
    response = client.post(
        LIST, {"file": files.upload(files.jpeg()), "kind": "photo", "activity": lecture.pk}
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert (response.json()["activity"], attachment.activity, attachment.site_id) == (
        lecture.pk,
        lecture,
        None,
    )
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["attachment.add"]


@pytest.mark.parametrize("user", ["leader", "township2"])
def test_an_activity_the_caller_may_not_record_in_is_refused_like_an_unknown_id(
    world, client, lecture, stored_files, user
):
    client.force_login(world.users[user])
    response = client.post(
        LIST, {"file": files.upload(files.jpeg()), "kind": "photo", "activity": lecture.pk}
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"activity": [f"无效主键 “{lecture.pk}” － 对象不存在。"]},
    )
    assert (Attachment.objects.count(), stored_files(), AuditEntry.objects.count()) == (0, [], 0)


def test_the_api_refuses_an_activity_with_a_second_owner(world, client, lecture, hazard):
    client.force_login(world.users["grid11"])
    response = client.post(
        LIST,
        {"file": files.upload(files.jpeg()), "kind": "photo", "activity": lecture.pk, "hazard": hazard.pk},
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"non_field_errors": ["请指定附件所属的隐患、检查记录或宣传活动（三者选一）。"]},
    )
