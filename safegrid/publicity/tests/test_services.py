from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import NotInScope
from safegrid.core.models import AuditEntry
from safegrid.publicity import services
from safegrid.publicity.models import Activity, PlanMonth, PublicityPlan
from safegrid.publicity.tests.world import seed_publicity

DAY = datetime.date(2026, 6, 18)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def record(world, user="grid11", **over):
    data = {
        "actor": world.users[user],
        "date": DAY,
        "title": "燃气安全进万家",
        "channel": "lecture",
        "organiser": world.org_g11,
        "region": world.g11,
        "audience_count": 30,
    }
    data.update(over)
    return services.activity_record(**data)


# ---- plans ------------------------------------------------------------------------------------


def test_creating_a_plan_makes_twelve_months_from_the_safety_calendar(world):
    plan = services.publicity_plan_create(actor=world.users["office"], region=world.county, year=2027)
    months = {m.month: m for m in plan.months.all()}
    assert sorted(months) == list(range(1, 13))
    assert plan.title == "2027年崇义县安全生产宣传工作计划"
    assert plan.region_path == world.county.path
    assert months[6].theme == "安全生产月"
    assert "5月12日" in months[5].content and "防灾减灾日" in months[5].content
    assert {m.planned_activities for m in months.values()} == {0}
    assert list(AuditEntry.objects.values_list("action", "object_id", "changes")) == [
        ("publicity_plan.create", str(plan.pk), {"region": [None, world.county.pk], "year": [None, 2027]})
    ]


def test_a_second_plan_for_the_same_county_and_year_is_refused_in_chinese(world):
    services.publicity_plan_create(actor=world.users["office"], region=world.county, year=2027)
    with pytest.raises(ValidationError) as exc:
        services.publicity_plan_create(actor=world.users["office"], region=world.county, year=2027)
    assert exc.value.messages == ["该县（区）本年度已有宣传计划。"]
    assert (PublicityPlan.objects.count(), PlanMonth.objects.count(), AuditEntry.objects.count()) == (
        1,
        12,
        1,
    )


@pytest.mark.parametrize(
    ("region_attr", "year", "field"),
    [("t1", 2027, "region"), ("county", 1999, "year"), ("county", 2101, "year")],
)
def test_bad_plan_input_writes_nothing(world, region_attr, year, field):
    with pytest.raises(ValidationError) as exc:
        services.publicity_plan_create(
            actor=world.users["office"], region=getattr(world, region_attr), year=year
        )
    assert field in exc.value.message_dict and has_cjk(exc.value.message_dict[field][0])
    assert (PublicityPlan.objects.count(), PlanMonth.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("user", "region_attr"),
    [
        ("office_b", "county"),
        ("office", "county_b"),
        ("township1", "county"),
        ("leader", "county"),
        ("grid11", "county"),
    ],
)
def test_plan_create_outside_scope_or_without_capability_is_refused(world, user, region_attr):
    with pytest.raises(NotInScope):
        services.publicity_plan_create(actor=world.users[user], region=getattr(world, region_attr), year=2027)
    assert (PublicityPlan.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_plan_update_changes_title_and_note_with_one_audit_record(world):
    plan = seed_publicity(world).plans["county"]
    services.publicity_plan_update(
        actor=world.users["office"], plan=plan, data={"title": " 新计划 ", "note": "审定"}
    )
    plan.refresh_from_db()
    assert (plan.title, plan.note) == ("新计划", "审定")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes["title"][1]) == ("publicity_plan.update", "新计划")


def test_plan_update_of_another_county_is_refused(world):
    plan = seed_publicity(world).plans["county"]
    with pytest.raises(NotInScope):
        services.publicity_plan_update(actor=world.users["office_b"], plan=plan, data={"title": "改名"})
    plan.refresh_from_db()
    assert (plan.title, AuditEntry.objects.count()) == ("2026年崇义县安全生产宣传工作计划", 0)


def test_month_update_sets_units_and_target_with_one_audit_record(world):
    plan = seed_publicity(world).plans["county"]
    month = services.plan_month_update(
        actor=world.users["office"],
        plan=plan,
        month=6,
        theme="安全生产月：人人讲安全",
        responsible_units=[world.org_office, world.org_t1],
        planned_activities=9,
    )
    assert (month.theme, month.planned_activities) == ("安全生产月：人人讲安全", 9)
    assert set(month.responsible_units.all()) == {world.org_office, world.org_t1}
    entry = AuditEntry.objects.get()
    assert entry.action == "publicity_plan.month_update"
    assert entry.changes["responsible_units"] == [[], sorted([world.org_office.pk, world.org_t1.pk])]
    assert entry.changes["planned_activities"] == [2, 9]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"month": 13}, "month"),
        ({"planned_activities": -1}, "planned_activities"),
        ({"responsible_units": ["org_b"]}, "responsible_units"),
    ],
)
def test_bad_month_input_is_a_chinese_error_and_changes_nothing(world, over, field):
    plan = seed_publicity(world).plans["county"]
    if "responsible_units" in over:
        over = {"responsible_units": [getattr(world, a) for a in over["responsible_units"]]}
    data = {"actor": world.users["office"], "plan": plan, "month": 6, "theme": "改", **over}
    with pytest.raises(ValidationError) as exc:
        services.plan_month_update(**data)
    assert field in exc.value.message_dict and has_cjk(exc.value.message_dict[field][0])
    june = plan.months.get(month=6)
    assert (june.theme, june.responsible_units.count(), AuditEntry.objects.count()) == ("安全生产月", 0, 0)


def test_month_update_of_another_county_is_refused(world):
    plan = seed_publicity(world).plans["county_b"]
    with pytest.raises(NotInScope):
        services.plan_month_update(actor=world.users["office"], plan=plan, month=6, planned_activities=3)
    assert (plan.months.get(month=6).planned_activities, AuditEntry.objects.count()) == (2, 0)


# ---- activities -------------------------------------------------------------------------------


def test_record_copies_the_scope_keys_and_writes_one_audit_record(world):
    activity = record(world, channel="enterprise_visit", sites_visited=[world.site11_mine, world.site11_mall])
    assert (activity.region_path, activity.sector_id, activity.created_by) == (
        world.g11.path,
        None,
        world.users["grid11"],
    )
    assert set(activity.sites_visited.all()) == {world.site11_mine, world.site11_mall}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.changes["sites_visited"]) == (
        "activity.record",
        str(activity.pk),
        [None, sorted([world.site11_mine.pk, world.site11_mall.pk])],
    )


def test_the_sector_comes_from_the_organiser(world):
    activity = record(world, user="sector_mining", organiser=world.org_mining_committee)
    assert activity.sector_id == world.mining.pk


def test_a_sector_officer_must_name_a_body_of_its_sector(world):
    with pytest.raises(ValidationError) as exc:
        record(world, user="sector_mining", organiser=world.org_t1)
    assert exc.value.message_dict == {"organiser": ["请选择您所负责行业领域的组织单位。"]}
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"region": "t1", "organiser": "org_g11"}, "region"),  # outside the organiser's area
        ({"region": "g11", "channel": "enterprise_visit"}, "sites_visited"),  # a visit names its sites
        ({"region": "g11", "sites_visited": ["site12_mine"]}, "sites_visited"),  # outside the region
        ({"region": "g11", "date": datetime.date(2999, 1, 1)}, "date"),
        ({"region": "g11", "channel": "telegram"}, "channel"),
        ({"region": "g11", "title": "  "}, "title"),
        ({"region": "g11", "audience_count": -3}, "audience_count"),
    ],
)
def test_bad_activity_input_is_a_chinese_error_and_writes_nothing(world, over, field):
    over = dict(over)
    for key in ("region", "organiser"):
        if key in over:
            over[key] = getattr(world, over[key])
    if "sites_visited" in over:
        over["sites_visited"] = [getattr(world, s) for s in over["sites_visited"]]
    with pytest.raises(ValidationError) as exc:
        record(world, user="township1", **over)
    assert field in exc.value.message_dict
    assert has_cjk(exc.value.message_dict[field][0])
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("user", "region_attr", "organiser_attr", "sites"),
    [
        ("grid11", "g12", "org_t1", []),  # a grid worker records in its own grid only
        ("township2", "g11", "org_t1", []),
        ("office_b", "g11", "org_b", []),
        ("office", "g31", "org_b", []),
        ("leader", "g11", "org_office", []),  # reads only
        ("enterprise11", "g11", "org_g11", []),
        ("expert", "g11", "org_office", []),
        ("grid11", "g11", "org_t2", []),  # an organiser it cannot see
    ],
)
def test_record_outside_scope_or_without_capability_is_refused(
    world, user, region_attr, organiser_attr, sites
):
    with pytest.raises(NotInScope):
        record(world, user=user, region=getattr(world, region_attr), organiser=getattr(world, organiser_attr))
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_a_site_the_actor_cannot_see_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        record(
            world,
            user="sector_mining",
            region=world.g11,
            organiser=world.org_mining_committee,
            channel="enterprise_visit",
            sites_visited=[world.site11_mall],  # a fire-sector site
        )
    assert exc.value.message_dict == {"sites_visited": ["走访场所不在您的职责范围内。"]}
    assert (Activity.objects.count(), AuditEntry.objects.count()) == (0, 0)


def test_update_follows_a_new_region_and_records_the_changes(world):
    activity = seed_publicity(world).activities["t1_broadcast"]
    services.activity_update(
        actor=world.users["township1"],
        activity=activity,
        data={"region": world.g12, "audience_count": 320, "title": "横水镇广播（更正）"},
    )
    activity.refresh_from_db()
    assert (activity.region, activity.region_path, activity.audience_count) == (
        world.g12,
        world.g12.path,
        320,
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "activity.update"
    assert set(entry.changes) == {"region", "region_path", "audience_count", "title"}


def test_update_without_change_writes_no_audit_record(world):
    activity = seed_publicity(world).activities["t1_broadcast"]
    services.activity_update(actor=world.users["township1"], activity=activity, data={"audience_count": 300})
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("user", "key"),
    [
        ("township2", "t1_broadcast"),
        ("grid11", "t1_broadcast"),
        ("sector_mining", "g11_visit"),
        ("office_b", "g11_visit"),
        ("leader", "g11_visit"),
    ],
)
def test_update_outside_scope_is_refused_and_changes_nothing(world, user, key):
    activity = seed_publicity(world).activities[key]
    with pytest.raises(NotInScope):
        services.activity_update(actor=world.users[user], activity=activity, data={"title": "改名"})
    activity.refresh_from_db()
    assert activity.title != "改名" and AuditEntry.objects.count() == 0


def test_update_cannot_move_an_activity_out_of_the_actors_scope(world):
    activity = seed_publicity(world).activities["g11_mining_lecture"]
    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            actor=world.users["sector_mining"],
            activity=activity,
            data={"organiser": world.org_t1},
        )
    assert "organiser" in exc.value.message_dict
    activity.refresh_from_db()
    assert (activity.organiser, AuditEntry.objects.count()) == (world.org_mining_committee, 0)


# ---- activity photos --------------------------------------------------------------------------


def _photo(name="宣讲现场.jpg"):
    from safegrid.attachments.tests.files import jpeg, upload

    return upload(jpeg(), name)


def _stored_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_recording_with_photos_stores_them_in_the_same_write(world, settings):
    from safegrid.attachments.models import Attachment

    activity = record(world, photos=[_photo("a.jpg"), _photo("b.jpg")])
    photos = list(Attachment.objects.filter(activity=activity))
    assert [(p.kind, p.content_type, p.region_path, p.sector_id, p.site_id) for p in photos] == [
        ("photo", "image/jpeg", world.g11.path, None, None)
    ] * 2
    assert len(_stored_files(settings)) == 2
    assert list(AuditEntry.objects.filter(action="activity.record").values_list("object_id", flat=True)) == [
        str(activity.pk)
    ]
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "activity.record",
        "attachment.add",
        "attachment.add",
    ]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", "现场.jpg"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "现场.jpg"),
    ],
    ids=["pdf-named-jpg", "html-named-jpg"],
)
def test_a_bad_photo_refuses_the_whole_record_in_chinese(world, settings, data, name):
    from safegrid.attachments.models import Attachment
    from safegrid.attachments.tests.files import upload

    with pytest.raises(ValidationError) as exc:
        record(world, photos=[_photo(), upload(data, name)])
    assert list(exc.value.message_dict) == ["photos"]
    assert exc.value.message_dict["photos"][0].startswith("第 2 个文件：")
    assert has_cjk(exc.value.message_dict["photos"][0])
    assert (Activity.objects.count(), Attachment.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)
    assert _stored_files(settings) == []


def test_update_adds_photos_to_those_already_there(world):
    from safegrid.attachments.models import Attachment

    activity = seed_publicity(world).activities["g11_visit"]
    services.activity_update(actor=world.users["grid11"], activity=activity, data={}, photos=[_photo()])
    services.activity_update(
        actor=world.users["grid11"], activity=activity, data={"audience_count": 15}, photos=[_photo()]
    )
    assert Attachment.objects.filter(activity=activity).count() == 2
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "attachment.add",
        "attachment.add",
        "activity.update",
    ]


def test_update_with_a_bad_photo_changes_nothing(world, settings):
    from safegrid.attachments.models import Attachment
    from safegrid.attachments.tests.files import HTML, upload

    activity = seed_publicity(world).activities["g11_visit"]
    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            actor=world.users["grid11"], activity=activity, data={"audience_count": 99}, photos=[upload(HTML)]
        )
    assert "photos" in exc.value.message_dict
    activity.refresh_from_db()
    assert (activity.audience_count, Attachment.objects.count(), AuditEntry.objects.count()) == (12, 0, 0)
    assert _stored_files(settings) == []
