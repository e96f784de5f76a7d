"""Services: every business rule against the database; exactly one audit record per write; a
refusal writes nothing and says why in Chinese."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safegrid.core.exceptions import ApplicationError, NotInScope
from safegrid.core.models import AuditEntry
from safegrid.core.workdays import UnknownCalendarYear
from safegrid.emergency import services
from safegrid.emergency.choices import FilingStatus
from safegrid.emergency.models import DrillProblem, DrillRecord, EmergencyPlan, PlanVersion, RevisionTask
from safegrid.hazards.models import Hazard

D = datetime.date


def _actions(before: int) -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])


def _create(world, user="office", **over):
    data = {
        "kind": "comprehensive",
        "title": "测试预案",
        "issued_on": D(2026, 3, 2),
        "organisation": world.org_office,
    }
    data.update(over)
    return services.emergency_plan_create(actor=world.users[user], **data)


# ---- plans: placement, filing deadline ------------------------------------------------------------


def test_plan_of_a_site_copies_the_sites_keys_and_leaves_one_audit_record(world):
    before = AuditEntry.objects.count()
    plan = _create(world, "enterprise11", organisation=None, site=world.site11_mine, kind="on_site")
    assert (plan.region_path, plan.sector_id, plan.site_id, plan.region_id) == (
        world.g11.path,
        world.mining.pk,
        world.site11_mine.pk,
        world.g11.pk,
    )
    assert _actions(before) == ["emergency_plan.create"]
    assert list(plan.versions.values_list("version", "issued_on")) == [(1, D(2026, 3, 2))]


def test_plan_of_an_organisation_copies_its_region_and_sector_without_site(world):
    plan = _create(world, "sector_mining", organisation=world.org_mining_committee, kind="special")
    assert (plan.region_path, plan.sector_id, plan.site_id) == (world.county.path, world.mining.pk, None)


def test_filing_is_due_20_working_days_after_issue_across_national_day_2024(world):
    plan = _create(world, issued_on=D(2024, 9, 27))
    assert plan.filing_due == D(2024, 10, 30)  # seven days of 国庆 off, Sun 29 Sep and Sat 12 Oct worked


def test_filing_is_due_20_working_days_after_issue_across_spring_festival_2025(world):
    plan = _create(world, issued_on=D(2025, 1, 24))
    assert plan.filing_due == D(2025, 2, 27)  # Sun 26 Jan worked, 28 Jan – 4 Feb off, Sat 8 Feb worked


def test_next_evaluation_is_due_three_years_after_issue(world):
    assert _create(world, issued_on=D(2024, 2, 29)).next_evaluation_due == D(2027, 2, 28)


@time_machine.travel(datetime.datetime(2027, 1, 10, 10, 0, tzinfo=datetime.UTC))
def test_a_deadline_in_a_year_the_calendar_does_not_know_is_refused_in_chinese(world):
    before = (EmergencyPlan.objects.count(), AuditEntry.objects.count())
    with pytest.raises(UnknownCalendarYear) as exc:
        _create(world, issued_on=D(2026, 12, 20))
    assert "尚无 2027 年的法定节假日安排" in exc.value.message
    assert (EmergencyPlan.objects.count(), AuditEntry.objects.count()) == before


def test_a_plan_cannot_be_issued_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, issued_on=D(2099, 1, 1))
    assert exc.value.message_dict["issued_on"] == ["发布日期不能晚于今天。"]


def test_owner_is_exactly_one_of_organisation_and_site(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, site=world.site11_mine)
    assert "二者只能选其一" in exc.value.messages[0]
    assert EmergencyPlan.objects.count() == 0


def test_township_officer_cannot_write_a_plan_for_another_township(world):
    before = AuditEntry.objects.count()
    with pytest.raises(NotInScope):
        _create(world, "township1", organisation=world.org_t2)
    assert (EmergencyPlan.objects.count(), AuditEntry.objects.count()) == (0, before)


def test_sector_officer_does_not_keep_plans_of_bodies_without_a_sector(world):
    """People's rule: an organisation-owned row without a sector is not a sector officer's."""
    with pytest.raises(NotInScope):
        _create(world, "sector_mining", organisation=world.org_office)
    assert EmergencyPlan.objects.count() == 0


def test_enterprise_manager_writes_only_for_its_own_site(world):
    with pytest.raises(NotInScope):
        _create(world, "enterprise11", organisation=None, site=world.site12_mine, kind="on_site")


# ---- review, filing, evaluation, revision ---------------------------------------------------------


def test_a_mine_must_be_reviewed_by_experts_not_merely_validated(world, e):
    before = AuditEntry.objects.count()
    plan = e.plans["site11_mine"]
    with pytest.raises(ValidationError) as exc:
        services.emergency_plan_review(
            actor=world.users["enterprise11"], plan=plan, method="validation", reviewed_on=D(2026, 1, 10)
        )
    assert "应当组织专家评审" in exc.value.message_dict["method"][0]
    assert AuditEntry.objects.count() == before
    services.emergency_plan_review(
        actor=world.users["enterprise11"], plan=plan, method="review", reviewed_on=D(2026, 1, 10), note="纪要"
    )
    plan.refresh_from_db()
    assert (plan.review_method, plan.reviewed_on, plan.review_note) == ("review", D(2026, 1, 10), "纪要")
    assert _actions(before) == ["emergency_plan.review"]


def test_a_township_plan_may_be_validated(world, e):
    plan = services.emergency_plan_review(
        actor=world.users["township1"], plan=e.plans["t1"], method="validation", reviewed_on=D(2026, 2, 20)
    )
    assert plan.review_method == "validation"


def test_filing_on_the_deadline_is_on_time_and_a_day_later_is_late(world, e):
    plan = e.plans["county"]  # issued 2 March 2026, due 30 March
    assert plan.filing_due == D(2026, 3, 30)
    services.emergency_plan_file(
        actor=world.users["office"], plan=plan, filed_on=D(2026, 3, 30), filed_with="县应急管理局"
    )
    plan.refresh_from_db()
    assert plan.filing_status(D(2026, 11, 1)) == FilingStatus.ON_TIME
    other = e.plans["t1"]
    services.emergency_plan_file(
        actor=world.users["township1"],
        plan=other,
        filed_on=other.filing_due + datetime.timedelta(days=1),
        filed_with="县应急管理局",
    )
    other.refresh_from_db()
    assert other.filing_status(D(2026, 11, 1)) == FilingStatus.LATE


def test_unfiled_plan_is_due_until_the_deadline_then_overdue(world, e):
    plan = e.plans["county"]
    assert plan.filing_status(D(2026, 3, 30)) == FilingStatus.DUE
    assert plan.filing_status(D(2026, 3, 31)) == FilingStatus.OVERDUE


def test_filing_before_issue_is_refused(world, e):
    with pytest.raises(ValidationError) as exc:
        services.emergency_plan_file(
            actor=world.users["office"],
            plan=e.plans["county"],
            filed_on=D(2026, 3, 1),
            filed_with="县应急管理局",
        )
    assert exc.value.message_dict["filed_on"] == ["备案日期不能早于预案发布日期。"]


def test_evaluation_moves_the_next_one_three_years_on(world, e):
    before = AuditEntry.objects.count()
    services.emergency_plan_evaluate(
        actor=world.users["office"], plan=e.plans["county"], evaluated_on=D(2026, 10, 8), conclusion="keep"
    )
    plan = EmergencyPlan.objects.get(pk=e.plans["county"].pk)
    assert (plan.last_evaluated_on, plan.next_evaluation_due) == (D(2026, 10, 8), D(2029, 10, 8))
    assert plan.evaluations.count() == 1
    assert _actions(before) == ["emergency_plan.evaluate"]


def test_revision_issues_a_new_version_keeps_the_old_and_closes_open_tasks(world, e):
    office = world.users["office"]
    plan = e.plans["county"]
    services.emergency_plan_review(actor=office, plan=plan, method="validation", reviewed_on=D(2026, 2, 25))
    services.emergency_plan_file(actor=office, plan=plan, filed_on=D(2026, 3, 20), filed_with="市应急管理局")
    task = RevisionTask.objects.create(
        plan=plan,
        trigger="drill",
        description="演练暴露指挥协调问题",
        created_on=D(2026, 6, 20),
        created_by=office,
    )
    before = AuditEntry.objects.count()
    services.emergency_plan_revise(
        actor=office, plan=plan, issued_on=D(2026, 9, 25), triggers=["command"], reason="机构改革"
    )
    plan.refresh_from_db()
    assert (plan.version, plan.issued_on, plan.filing_due, plan.filed_on, plan.reviewed_on) == (
        2,
        D(2026, 9, 25),
        D(2026, 10, 29),  # 国庆 2026 counted
        None,
        None,
    )
    old, new = PlanVersion.objects.filter(plan=plan).order_by("version")
    assert (old.filed_on, old.reviewed_on, old.superseded_on) == (
        D(2026, 3, 20),
        D(2026, 2, 25),
        D(2026, 9, 25),
    )
    assert (new.version, new.triggers, new.reason) == (2, ["command", "drill"], "机构改革")
    task.refresh_from_db()
    assert (task.resolved_version, task.resolved_on) == (2, D(2026, 9, 25))
    assert _actions(before) == ["emergency_plan.revise"]


def test_revision_needs_a_trigger(world, e):
    with pytest.raises(ValidationError) as exc:
        services.emergency_plan_revise(
            actor=world.users["office"], plan=e.plans["county"], issued_on=D(2026, 9, 25), triggers=[]
        )
    assert exc.value.message_dict["triggers"] == ["请选择至少一项修订原因。"]
    assert EmergencyPlan.objects.get(pk=e.plans["county"].pk).version == 1


def test_plan_outside_scope_is_not_found_for_every_step(world, e):
    before = AuditEntry.objects.count()
    with pytest.raises(NotInScope):
        services.emergency_plan_file(
            actor=world.users["township1"], plan=e.plans["t2"], filed_on=D(2026, 3, 20), filed_with="x"
        )
    with pytest.raises(NotInScope):
        services.emergency_plan_update(
            actor=world.users["office_b"], plan=e.plans["county"], data={"title": "x"}
        )
    assert AuditEntry.objects.count() == before


# ---- drills ---------------------------------------------------------------------------------------


def _drill(world, user="township1", **over):
    data = {
        "title": "横水镇防汛演练",
        "held_on": D(2026, 7, 10),
        "kind": "single",
        "mode": "live",
        "place_kind": "other",
        "place": "横水河堤",
        "participants": 85,
        "organisation": world.org_t1,
    }
    data.update(over)
    return services.drill_record_create(actor=world.users[user], **data)


def test_drill_record_keeps_its_problems_and_one_audit_record(world):
    before = AuditEntry.objects.count()
    drill = _drill(world, problems=["转移路线指示不清", " ", "广播覆盖不足"])
    assert list(drill.problems.values_list("description", flat=True)) == ["转移路线指示不清", "广播覆盖不足"]
    assert (drill.region_path, drill.sector_id, drill.site_id) == (world.t1.path, None, None)
    assert _actions(before) == ["drill.record"]


def test_drill_from_the_plan_marks_the_entry_held_and_takes_its_plan(world, e):
    entry = e.entries["t2"]
    entry.record.delete()
    entry.refresh_from_db()
    drill = _drill(world, "township2", organisation=world.org_t2, plan_entry=entry)
    assert (drill.plan_entry_id, drill.plan_id) == (entry.pk, e.plans["t2"].pk)
    with pytest.raises(ValidationError) as exc:
        _drill(world, "township2", organisation=world.org_t2, plan_entry=entry)
    assert exc.value.message_dict["plan_entry"] == ["该演练计划已登记演练记录。"]


def test_drill_cannot_be_submitted_before_it_was_held(world):
    with pytest.raises(ValidationError) as exc:
        _drill(world, submitted_on=D(2026, 7, 1))
    assert exc.value.message_dict["submitted_on"] == ["报送日期不能早于演练日期。"]
    assert DrillRecord.objects.count() == 0


def test_drill_problem_becomes_a_hazard_in_the_sites_scope(world, e):
    from safegrid.hazards.models import Hazard as H

    problem = e.problems["site21_hotel:0"]
    before = AuditEntry.objects.count()
    hazard = services.drill_problem_to_hazard(
        actor=world.users["township2"], problem=problem, category="thing"
    )
    assert (hazard.site_id, hazard.region_path, hazard.sector_id, hazard.source) == (
        world.site21_hotel.pk,
        world.g21.path,
        world.fire.pk,
        "drill",
    )
    assert "消防通道堆放杂物" in hazard.description
    assert DrillProblem.objects.get(pk=problem.pk).hazard_id == hazard.pk
    assert _actions(before) == ["hazard.report"]
    assert H.objects.visible_to(world.users["township2"], "hazards.view_hazard").filter(pk=hazard.pk).exists()
    assert (
        not H.objects.visible_to(world.users["township1"], "hazards.view_hazard")
        .filter(pk=hazard.pk)
        .exists()
    )
    with pytest.raises(ApplicationError) as exc:
        services.drill_problem_to_hazard(actor=world.users["township2"], problem=problem, category="thing")
    assert "请勿重复上报" in exc.value.message


def test_an_organisations_drill_names_a_site_inside_its_area(world):
    drill = _drill(world, problems=["河堤商场消防栓损坏"])
    problem = drill.problems.get()
    with pytest.raises(ValidationError) as exc:
        services.drill_problem_to_hazard(actor=world.users["township1"], problem=problem, category="thing")
    assert exc.value.message_dict["site"] == ["请选择隐患所在的场所。"]
    with pytest.raises(ValidationError) as exc:
        services.drill_problem_to_hazard(
            actor=world.users["township1"], problem=problem, category="thing", site=world.site21_hotel
        )
    assert exc.value.message_dict["site"] == ["隐患所在场所应在演练组织单位的辖区内。"]
    hazard = services.drill_problem_to_hazard(
        actor=world.users["township1"], problem=problem, category="thing", site=world.site11_mall
    )
    assert (hazard.region_path, hazard.sector_id) == (world.g11.path, world.fire.pk)


def test_drill_problem_becomes_a_revision_task_closed_by_the_next_version(world, e):
    problem = e.problems["site11_mine:0"]
    before = AuditEntry.objects.count()
    task = services.drill_problem_to_revision(actor=world.users["enterprise11"], problem=problem)
    assert (task.plan_id, task.trigger, task.description, task.is_open) == (
        e.plans["site11_mine"].pk,
        "drill",
        "井下避灾路线标识缺失",
        True,
    )
    assert _actions(before) == ["emergency_plan.revision_task"]
    plan = services.emergency_plan_revise(
        actor=world.users["enterprise11"], plan=e.plans["site11_mine"], issued_on=D(2026, 6, 1), triggers=[]
    )
    task.refresh_from_db()
    assert (plan.version, task.resolved_version) == (2, 2)
    assert plan.versions.get(version=2).triggers == ["drill"]


def test_revision_task_needs_a_plan_the_actor_keeps(world, e):
    """A township officer who also patrols G21 as a grid worker reads the hotel's plan but does not
    keep it: its drill may exercise it, but the revision task is the hotel's to open."""
    from conftest import make_user
    from safegrid.accounts.models import RoleAssignment
    from safegrid.accounts.roles import Role

    user = make_user("two_hats", Role.TOWNSHIP_OFFICER, world.t1)
    RoleAssignment.objects.create(
        user=user, role=Role.GRID_WORKER, region=world.g21, region_path=world.g21.path
    )
    user = type(user).objects.get(pk=user.pk)
    drill = services.drill_record_create(
        actor=user,
        title="横水镇联合演练",
        held_on=D(2026, 7, 10),
        kind="single",
        mode="tabletop",
        place_kind="hotel",
        place="扬眉宾馆",
        participants=12,
        organisation=world.org_t1,
        plan=e.plans["site21_hotel"],
        problems=["宾馆预案联络表过期"],
    )
    with pytest.raises(ApplicationError) as exc:
        services.drill_problem_to_revision(actor=user, problem=drill.problems.get())
    assert exc.value.message == "您无权为该演练所演练的预案登记修订任务，请报预案编制单位。"
    assert RevisionTask.objects.count() == 0


def test_drill_outside_scope_is_not_found(world, e):
    with pytest.raises(NotInScope):
        services.drill_problem_to_hazard(
            actor=world.users["township1"], problem=e.problems["site21_hotel:0"], category="thing"
        )
    assert Hazard.objects.filter(source="drill").count() == 0
