from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan
from safegrid.publicity.tests.world import seed_publicity


def activity_form(w, **over):
    data = {
        "date": "2026-06-18",
        "title": "网格安全宣讲",
        "channel": "enterprise_visit",
        "organiser": w.org_g11.pk,
        "region": w.g11.pk,
        "audience_count": "30",
        "sites_visited": [w.site11_mine.pk],
        "description": "",
    }
    data.update(over)
    return data


def test_create_page_records_an_activity_and_shows_it(world, as_user):
    client = as_user(world.users["grid11"])
    response = client.post(reverse("publicity:activity_create"), activity_form(world))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "网格安全宣讲" in page and "进企业" in page and "横水钨矿" in page
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["activity.record"]


def test_create_page_offers_only_the_actors_places(world, as_user):
    form = as_user(world.users["grid11"]).get(reverse("publicity:activity_create")).context["form"]
    assert set(form.fields["region"].queryset) == {world.g11}
    assert set(form.fields["sites_visited"].queryset) == {world.site11_mine, world.site11_mall}
    assert world.org_t2 not in set(form.fields["organiser"].queryset)


def test_a_visit_without_sites_shows_the_chinese_error(world, as_user):
    client = as_user(world.users["grid11"])
    response = client.post(reverse("publicity:activity_create"), activity_form(world, sites_visited=[]))
    assert response.status_code == 400
    assert "进企业宣传请选择走访的场所。" in response.content.decode()
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_list_filters_by_channel_and_links_to_details(world, as_user):
    p = seed_publicity(world)
    client = as_user(world.users["office"])
    page = client.get(reverse("publicity:activity_list"), {"channel": "enterprise_visit"}).content.decode()
    assert "共 2 条" in page
    for key in ("g11_visit", "g21_fire_visit"):
        assert f'href="/publicity/activities/{p.activities[key].pk}/"' in page
    assert "防灾减灾日微信推送" not in page


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"q": "讲座"}, 1),
        ({"date_from": "2026-06-01", "date_to": "2026-06-30"}, 3),
        ({"within": "t1"}, 3),
        ({"sector": "mining"}, 1),
    ],
)
def test_list_filters(world, as_user, params, total):
    seed_publicity(world)
    params = dict(params)
    if "within" in params:
        params["within"] = getattr(world, params["within"]).pk
    if "sector" in params:
        params["sector"] = getattr(world, params["sector"]).pk
    page = as_user(world.users["office"]).get(reverse("publicity:activity_list"), params).content.decode()
    assert f"共 {total} 条" in page


def test_list_htmx_request_gets_the_table_only(world, as_user):
    seed_publicity(world)
    response = as_user(world.users["office"]).get(reverse("publicity:activity_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("grid11", 200),
        ("township1", 200),
        ("township2", 404),
        ("sector_mining", 404),
        ("leader", 403),
        ("office_b", 404),
    ],
)
def test_activity_edit_page_is_scoped(world, as_user, user, status):
    activity = seed_publicity(world).activities["g11_visit"]
    client = as_user(world.users[user])
    url = reverse("publicity:activity_edit", args=[activity.pk])
    assert client.get(url).status_code == status
    if status != 200:
        assert client.post(url, activity_form(world, title="改名")).status_code == status
        activity.refresh_from_db()
        assert (activity.title, AuditEntry.objects.exclude(action="scope.denied").count()) == (
            "横水钨矿安全宣讲进企业",
            0,
        )


def test_activity_edit_page_saves(world, as_user):
    activity = seed_publicity(world).activities["g11_visit"]
    client = as_user(world.users["grid11"])
    url = reverse("publicity:activity_edit", args=[activity.pk])
    initial = client.get(url).context["form"].initial
    assert set(initial["sites_visited"]) == {world.site11_mine.pk, world.site11_mall.pk}
    response = client.post(url, activity_form(world, title="横水钨矿进企业（更正）", date="2026-05-31"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "横水钨矿进企业（更正）"
    assert list(activity.sites_visited.all()) == [world.site11_mine]
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["activity.update"]


def test_plan_create_page_creates_twelve_months(world, as_user):
    client = as_user(world.users["office"])
    response = client.post(reverse("publicity:plan_create"), {"region": world.county.pk, "year": "2027"})
    plan = PublicityPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert PlanMonth.objects.filter(plan=plan).count() == 12
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "2027年崇义县安全生产宣传工作计划" in page and "安全生产月" in page
    assert page.count('<tr data-month="') == 12


def test_plan_create_twice_shows_the_chinese_message(world, as_user):
    seed_publicity(world)
    client = as_user(world.users["office"])
    response = client.post(reverse("publicity:plan_create"), {"region": world.county.pk, "year": "2026"})
    assert response.status_code == 400
    assert "该县（区）本年度已有宣传计划。" in response.content.decode()
    assert AuditEntry.objects.count() == 0


def test_plan_detail_shows_plan_against_delivery(world, as_user):
    p = seed_publicity(world)
    page = as_user(world.users["office"]).get(p.plans["county"].get_absolute_url()).content.decode()
    june = page.split('<tr data-month="6">')[1].split("</tr>")[0]
    assert 'data-testid="held">3<' in june and 'data-testid="audience">365<' in june
    assert 'data-testid="lectures">1<' in june and 'data-testid="planned">2<' in june
    assert "plan-chart-data" in page and "echarts.min.js" in page
    assert reverse("publicity:plan_month_edit", args=[p.plans["county"].pk, 6]) in page


def test_plan_detail_for_a_township_has_no_edit_links(world, as_user):
    p = seed_publicity(world)
    page = as_user(world.users["township1"]).get(p.plans["county"].get_absolute_url()).content.decode()
    assert "/months/" not in page and reverse("publicity:plan_edit", args=[p.plans["county"].pk]) not in page
    june = page.split('<tr data-month="6">')[1].split("</tr>")[0]
    assert 'data-testid="held">2<' in june  # only the township's own activities


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("office", 200),
        ("office_b", 404),
        ("township1", 403),
        ("leader", 403),
        ("grid11", 403),
        ("sysadmin", 403),
    ],
)
def test_month_edit_page_is_scoped(world, as_user, user, status):
    plan = seed_publicity(world).plans["county"]
    client = as_user(world.users[user])
    url = reverse("publicity:plan_month_edit", args=[plan.pk, 6])
    assert client.get(url).status_code == status
    if status != 200:
        assert client.post(url, {"theme": "改", "planned_activities": "1"}).status_code == status
        assert (
            plan.months.get(month=6).theme,
            AuditEntry.objects.exclude(action="scope.denied").count(),
        ) == ("安全生产月", 0)


def test_month_edit_page_saves_and_unknown_month_is_404(world, as_user):
    plan = seed_publicity(world).plans["county"]
    client = as_user(world.users["office"])
    url = reverse("publicity:plan_month_edit", args=[plan.pk, 5])
    form = client.get(url).context["form"]
    assert form.initial["theme"] == "防灾减灾宣传周"
    assert world.org_b not in set(form.fields["responsible_units"].queryset)
    data = {
        "theme": "防灾减灾",
        "content": "5月12日",
        "responsible_units": [world.org_t1.pk],
        "planned_activities": "4",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    may = plan.months.get(month=5)
    assert (may.theme, may.planned_activities, list(may.responsible_units.all())) == (
        "防灾减灾",
        4,
        [world.org_t1],
    )
    assert client.get(reverse("publicity:plan_month_edit", args=[plan.pk, 13])).status_code == 404


def test_plan_edit_page(world, as_user):
    plan = seed_publicity(world).plans["county"]
    client = as_user(world.users["office"])
    url = reverse("publicity:plan_edit", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "新标题", "note": "备注"}).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.note) == ("新标题", "备注")
    assert as_user(world.users["office_b"]).get(url).status_code == 404


def test_navigation_links_publicity_for_readers_only(world, as_user):
    home = as_user(world.users["grid11"]).get(reverse("reports:home")).content.decode()
    assert reverse("publicity:activity_list") in home and reverse("publicity:plan_list") in home
    home = as_user(world.users["enterprise11"]).get(reverse("reports:home")).content.decode()
    assert reverse("publicity:activity_list") not in home


# ---- activity photos --------------------------------------------------------------------------


def _photo(name="宣讲现场.jpg"):
    from safegrid.attachments.tests.files import jpeg, upload

    return upload(jpeg(), name)


def test_the_activity_form_posts_files(world, as_user):
    page = as_user(world.users["grid11"]).get(reverse("publicity:activity_create")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="photos"' in page and "multiple" in page


def test_create_page_records_an_activity_with_photos_and_shows_the_thumbnails(world, as_user):
    from safegrid.attachments.models import Attachment

    client = as_user(world.users["grid11"])
    response = client.post(
        reverse("publicity:activity_create"), activity_form(world, photos=[_photo("a.jpg"), _photo("b.jpg")])
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    photos = list(Attachment.objects.filter(activity=activity).order_by("uploaded_at", "id"))
    assert len(photos) == 2
    page = client.get(activity.get_absolute_url()).content.decode()
    assert page.count('class="img-thumbnail"') == 2
    for photo in photos:
        assert f'<a href="/files/{photo.pk}/"><img src="/files/{photo.pk}/"' in page
    assert AuditEntry.objects.filter(action="activity.record").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    ],
    ids=["pdf-named-jpg", "html-named-jpg"],
)
def test_a_bad_photo_is_refused_in_chinese_and_nothing_is_written(world, as_user, settings, data):
    from pathlib import Path

    from safegrid.attachments.models import Attachment
    from safegrid.attachments.tests.files import upload

    client = as_user(world.users["grid11"])
    response = client.post(
        reverse("publicity:activity_create"),
        activity_form(world, photos=[_photo(), upload(data, "现场.jpg")]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 2 个文件：" in page
    assert response.context["form"].errors["photos"][0].startswith("第 2 个文件：")
    assert (Activity.objects.count(), Attachment.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_edit_page_adds_photos_and_shows_those_already_there(world, as_user):
    from safegrid.attachments.models import Attachment

    activity = seed_publicity(world).activities["g11_visit"]
    client = as_user(world.users["grid11"])
    url = reverse("publicity:activity_edit", args=[activity.pk])
    response = client.post(
        url,
        activity_form(
            world,
            title="横水钨矿安全宣讲进企业",
            date="2026-05-31",
            audience_count="12",
            sites_visited=[world.site11_mine.pk, world.site11_mall.pk],
            description="横水钨矿安全宣讲进企业，发放宣传资料。",
            photos=[_photo()],
        ),
    )
    assert response.status_code == 302
    photo = Attachment.objects.get(activity=activity)
    # Nothing but the photo changed: its own record only, no "activity.update".
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["attachment.add"]
    assert f'src="/files/{photo.pk}/"' in client.get(url).content.decode()


def test_detail_without_photos_says_so(world, as_user):
    activity = seed_publicity(world).activities["t1_broadcast"]
    page = as_user(world.users["township1"]).get(activity.get_absolute_url()).content.decode()
    assert 'data-testid="no-photos"' in page and "img-thumbnail" not in page


def test_a_reader_outside_the_activitys_scope_sees_neither_the_page_nor_the_photo(world, as_user):
    from safegrid.attachments.services import attachment_add

    activity = seed_publicity(world).activities["g11_visit"]
    photo = attachment_add(actor=world.users["grid11"], upload=_photo(), kind="photo", activity=activity)
    client = as_user(world.users["township2"])
    assert client.get(activity.get_absolute_url()).status_code == 404
    assert client.get(reverse("attachments:download", kwargs={"pk": photo.pk})).status_code == 404
