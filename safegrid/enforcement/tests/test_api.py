"""API: documents (list, retrieve, create draft, PATCH draft, issue, correct) and penalties."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.enforcement.models import EnforcementDocument, Penalty

from .conftest import IN_30_DAYS
from .world import issue_row, make_draft


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_draft_patch_issue_through_the_api(world, rules, client):
    client.force_login(world.users["sector_mining"])
    created = _post(
        client,
        reverse("api:enforcement-document-list"),
        {
            "doc_type": "rectification_order",
            "organisation": world.org_mining_committee.pk,
            "site": world.site11_mine.pk,
            "inspection": world.inspections["g11"].pk,
            "hazards": [world.hazards["g11"].pk],
            "findings": "配电箱未接地",
            "deadline": str(IN_30_DAYS),
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["number"], body["party"], body["hazards"], body["site_name"]) == (
        "draft",
        None,
        "横水钨矿",
        [world.hazards["g11"].pk],
        "横水钨矿",
    )
    detail = reverse("api:enforcement-document-detail", args=[body["id"]])
    patched = _patch(client, detail, {"requirements": "7 日内完成接地"})
    assert (patched.status_code, patched.json()["requirements"]) == (200, "7 日内完成接地")

    issued = _post(
        client, reverse("api:enforcement-document-issue", args=[body["id"]]), {"issued_on": "2026-03-02"}
    )
    assert issued.status_code == 200
    assert (issued.json()["number"], issued.json()["status"], issued.json()["sequence"]) == (
        "（崇）矿安责改〔2026〕1号",
        "issued",
        1,
    )

    before = AuditEntry.objects.count()
    refused = _patch(client, detail, {"findings": "改"})
    assert (refused.status_code, refused.json()) == (
        409,
        {
            "code": "transition_not_allowed",
            "detail": "文书 （崇）矿安责改〔2026〕1号 已签发，不能修改；如需更正，请制作更正文书。",
        },
    )
    again = _post(client, reverse("api:enforcement-document-issue", args=[body["id"]]), {})
    assert again.status_code == 409
    assert AuditEntry.objects.count() == before

    corrected = _post(
        client, reverse("api:enforcement-document-correct", args=[body["id"]]), {"findings": "二号配电箱"}
    )
    assert corrected.status_code == 201
    assert (corrected.json()["corrects"], corrected.json()["findings"], corrected.json()["requirements"]) == (
        body["id"],
        "二号配电箱",
        "7 日内完成接地",
    )


@pytest.mark.parametrize("user_key", ["township1", "township2", "leader", "enterprise11"])
def test_writes_without_the_capability_are_403(world, seeded, client, user_key):
    client.force_login(world.users[user_key])
    draft = seeded.documents["g11_draft"]
    before = (AuditEntry.objects.count(), EnforcementDocument.objects.count())
    assert _post(client, reverse("api:enforcement-document-issue", args=[draft.pk]), {}).status_code == 403
    assert (
        _patch(
            client, reverse("api:enforcement-document-detail", args=[draft.pk]), {"findings": "x"}
        ).status_code
        == 403
    )
    assert _post(client, reverse("api:enforcement-document-list"), {}).status_code == 403
    assert _post(client, reverse("api:penalty-list"), {}).status_code == 403
    assert (AuditEntry.objects.count(), EnforcementDocument.objects.count()) == before


def test_another_county_gets_404_and_changes_nothing(world, seeded, client):
    client.force_login(world.users["office_b"])
    draft = seeded.documents["g11_draft"]
    before = AuditEntry.objects.count()
    for response in (
        client.get(reverse("api:enforcement-document-detail", args=[draft.pk])),
        _post(client, reverse("api:enforcement-document-issue", args=[draft.pk]), {}),
        _post(
            client, reverse("api:enforcement-document-correct", args=[seeded.documents["g11_order"].pk]), {}
        ),
        client.get(reverse("api:penalty-detail", args=[seeded.penalties["g11"].pk])),
    ):
        assert (response.status_code, response.json()) == (404, {"code": "not_found", "detail": "未找到。"})
    assert EnforcementDocument.objects.get(pk=draft.pk).status == "draft"
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before


def test_out_of_scope_ids_in_the_body_are_unknown_ids(world, seeded, client):
    client.force_login(world.users["office_b"])
    response = _post(
        client,
        reverse("api:enforcement-document-list"),
        {
            "doc_type": "inspection_record",
            "organisation": world.org_office.pk,
            "site": world.site11_mine.pk,
            "hazards": [world.hazards["g11"].pk],
        },
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["site"] == [f"无效主键 “{world.site11_mine.pk}” － 对象不存在。"]
    assert errors["organisation"] == [f"无效主键 “{world.org_office.pk}” － 对象不存在。"]
    assert errors["hazards"] == [f"无效主键 “{world.hazards['g11'].pk}” － 对象不存在。"]


def test_record_a_penalty_through_the_api(world, seeded, client):
    client.force_login(world.users["office"])
    decision = seeded.documents["g12_decision"]
    payload = {
        "site": world.site12_mine.pk,
        "decision": decision.pk,
        "penalty_type": "fine",
        "legal_basis": "《中华人民共和国安全生产法》第九十七条",
    }
    refused = _post(client, reverse("api:penalty-list"), payload)
    assert (refused.status_code, refused.json()["errors"]) == (
        400,
        {"amount": ["罚款必须填写大于 0 的金额。"]},
    )
    wrong_site = _post(
        client, reverse("api:penalty-list"), {**payload, "site": world.site11_mine.pk, "amount": "5"}
    )
    assert wrong_site.json()["errors"] == {"decision": ["处罚决定书必须是本场所已签发的行政处罚决定书。"]}
    created = _post(client, reverse("api:penalty-list"), {**payload, "amount": "50000.00"})
    assert created.status_code == 201
    body = created.json()
    assert (body["amount"], body["decision_number"], body["party"], body["status"]) == (
        "50000.00",
        decision.number,
        "新溪钨矿",
        "recorded",
    )
    assert Penalty.objects.filter(pk=body["id"]).exists()


def test_draft_decisions_are_not_offered_for_penalties(world, seeded, client):
    client.force_login(world.users["office"])
    draft = make_draft(
        world,
        site=world.site11_mine,
        organisation=world.org_office,
        author=world.users["office"],
        doc_type="penalty_decision",
        deadline=None,
    )
    response = _post(
        client,
        reverse("api:penalty-list"),
        {"site": world.site11_mine.pk, "decision": draft.pk, "penalty_type": "warning", "legal_basis": "x"},
    )
    assert response.json()["errors"] == {"decision": [f"无效主键 “{draft.pk}” － 对象不存在。"]}


def test_enterprise_staff_read_their_issued_documents_only(world, seeded, client):
    client.force_login(world.users["enterprise11"])
    rows = client.get(reverse("api:enforcement-document-list")).json()["results"]
    assert {r["number"] for r in rows} == {
        seeded.documents["g11_order"].number,
        seeded.documents["g11_decision"].number,
    }


@pytest.mark.parametrize("route", ["api:enforcement-document-list", "api:penalty-list"])
def test_list_query_count_does_not_grow_with_rows(world, seeded, client, route):
    client.force_login(world.users["office"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(route), {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    count()
    before = count()
    for _ in range(5):
        decision = issue_row(
            make_draft(
                world,
                site=world.site11_mine,
                organisation=world.org_office,
                author=world.users["office"],
                doc_type="penalty_decision",
                hazards=[world.hazards["g11"]],
            )
        )
        penalty = Penalty.objects.create(
            site=world.site11_mine,
            region_path=world.site11_mine.region_path,
            sector_id=world.mining.pk,
            party="横水钨矿",
            penalty_type="warning",
            legal_basis="x",
            decision=decision,
            decided_on=decision.issued_on,
            recorded_by=world.users["office"],
        )
        penalty.hazards.set([world.hazards["g11"]])
    assert count() == before
