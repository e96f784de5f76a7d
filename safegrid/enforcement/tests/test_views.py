"""Pages: draft → edit → issue (POST button) → correct; penalties; capability 403 and scope 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safegrid.core.models import AuditEntry
from safegrid.enforcement.models import EnforcementDocument, Penalty

from .conftest import IN_30_DAYS


def _document_form(world, **over):
    data = {
        "doc_type": "rectification_order",
        "organisation": world.org_office.pk,
        "site": world.site11_mine.pk,
        "party": "",
        "hazard_numbers": world.hazards["g11"].number,
        "findings": "配电箱未接地",
        "requirements": "限期整改",
        "legal_basis": "",
        "deadline": str(IN_30_DAYS),
    }
    data.update(over)
    return data


def test_draft_edit_issue_correct_journey(world, rules, client):
    client.force_login(world.users["office"])
    assert client.get(reverse("enforcement:document_create")).status_code == 200

    created = client.post(reverse("enforcement:document_create"), _document_form(world))
    document = EnforcementDocument.objects.get()
    assert created.status_code == 302 and created["Location"] == document.get_absolute_url()
    assert list(document.hazards.all()) == [world.hazards["g11"]]

    edit_url = reverse("enforcement:document_edit", args=[document.pk])
    assert world.hazards["g11"].number in client.get(edit_url).content.decode()
    edited = client.post(
        edit_url,
        {**_document_form(world, findings="配电箱未接地，无漏电保护"), "site": ""},
    )
    assert edited.status_code == 302
    assert EnforcementDocument.objects.get().findings == "配电箱未接地，无漏电保护"

    issued = client.post(reverse("enforcement:document_issue", args=[document.pk]))
    document.refresh_from_db()
    assert issued.status_code == 302 and document.number.startswith("（崇）应急责改〔")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "防篡改校验通过" in page
    assert reverse("enforcement:document_correct", args=[document.pk]) in page
    assert edit_url not in page

    correct_url = reverse("enforcement:document_correct", args=[document.pk])
    assert "配电箱未接地，无漏电保护" in client.get(correct_url).content.decode()
    corrected = client.post(
        correct_url,
        {
            "party": "",
            "hazard_numbers": "",
            "findings": "二号配电箱未接地",
            "requirements": "限期整改",
            "deadline": str(IN_30_DAYS),
        },
    )
    correction = EnforcementDocument.objects.get(corrects=document)
    assert corrected.status_code == 302 and corrected["Location"] == correction.get_absolute_url()
    assert (correction.findings, correction.status, list(correction.hazards.all())) == (
        "二号配电箱未接地",
        "draft",
        [],
    )


def test_the_edit_page_of_an_issued_document_explains_and_a_post_is_refused(world, seeded, client):
    client.force_login(world.users["office"])
    issued = seeded.documents["g11_order"]
    url = reverse("enforcement:document_edit", args=[issued.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert (
        f"文书 {issued.number} 已签发，不能修改；如需更正，请在文书页面制作更正文书。"
        in page.content.decode()
    )
    before = AuditEntry.objects.count()
    post = client.post(url, _document_form(world, findings="改"))
    assert post.status_code == 400
    assert f"文书 {issued.number} 已签发，不能修改；如需更正，请制作更正文书。" in post.content.decode()
    assert AuditEntry.objects.count() == before
    assert EnforcementDocument.objects.get(pk=issued.pk).findings == issued.findings


def test_issuing_twice_is_409(world, seeded, client):
    client.force_login(world.users["office"])
    response = client.post(reverse("enforcement:document_issue", args=[seeded.documents["g11_order"].pk]))
    assert response.status_code == 409
    assert "已签发，不能重复签发" in response.content.decode()


def test_issuing_incomplete_draft_is_400_with_the_reason(world, rules, draft, client):
    document = draft(deadline=None)
    client.force_login(world.users["office"])
    response = client.post(reverse("enforcement:document_issue", args=[document.pk]))
    assert response.status_code == 400
    assert "责令限期整改指令书必须写明整改期限。" in response.content.decode()
    assert EnforcementDocument.objects.get(pk=document.pk).number is None


def test_issue_is_post_only(world, seeded, client):
    client.force_login(world.users["office"])
    assert (
        client.get(reverse("enforcement:document_issue", args=[seeded.documents["g11_draft"].pk])).status_code
        == 405
    )


@pytest.mark.parametrize(("user_key", "status"), [("township1", 403), ("township2", 403), ("office_b", 404)])
def test_issue_button_refusals_change_nothing(world, seeded, client, user_key, status):
    """Township officers may not issue at all (403); another county's office cannot reach 横水 (404)."""
    client.force_login(world.users[user_key])
    draft = seeded.documents["g11_draft"]
    before = AuditEntry.objects.count()
    assert client.post(reverse("enforcement:document_issue", args=[draft.pk])).status_code == status
    assert (
        client.get(
            reverse("enforcement:document_correct", args=[seeded.documents["g11_order"].pk])
        ).status_code
        == status
    )
    assert EnforcementDocument.objects.get(pk=draft.pk).status == "draft"
    assert AuditEntry.objects.exclude(action="scope.denied").count() == before


@pytest.mark.parametrize("user_key", ["township2", "office_b"])
def test_hengshui_documents_are_not_found_outside_their_scope(world, seeded, client, user_key):
    client.force_login(world.users[user_key])
    for key in ("g11_draft", "g11_order", "g11_decision"):
        assert client.get(seeded.documents[key].get_absolute_url()).status_code == 404
    assert client.get(seeded.penalties["g11"].get_absolute_url()).status_code == 404


def test_township_officer_reads_but_sees_no_write_buttons(world, seeded, client):
    client.force_login(world.users["township1"])
    page = client.get(seeded.documents["g11_draft"].get_absolute_url()).content.decode()
    assert "document-actions" in page
    assert reverse("enforcement:document_issue", args=[seeded.documents["g11_draft"].pk]) not in page
    assert reverse("enforcement:document_edit", args=[seeded.documents["g11_draft"].pk]) not in page


def test_record_a_penalty_from_its_decision(world, seeded, client):
    client.force_login(world.users["office"])
    decision = seeded.documents["g11_decision"]
    page = client.get(decision.get_absolute_url()).content.decode()
    create_url = reverse("enforcement:penalty_create")
    assert f"{create_url}?site={world.site11_mine.pk}&amp;decision={decision.pk}" in page
    form = {
        "site": world.site11_mine.pk,
        "decision": decision.pk,
        "penalty_type": "fine",
        "amount": "",
        "party": "",
        "legal_basis": "《中华人民共和国安全生产法》第九十七条",
        "decided_on": "",
        "hazard_numbers": "",
    }
    refused = client.post(create_url, form)
    assert refused.status_code == 400 and "罚款必须填写大于 0 的金额。" in refused.content.decode()
    recorded = client.post(create_url, {**form, "amount": "30000"})
    penalty = Penalty.objects.latest("id")
    assert recorded.status_code == 302 and recorded["Location"] == penalty.get_absolute_url()
    assert (penalty.amount, penalty.decision, penalty.decided_on) == (30000, decision, decision.issued_on)
    assert "30000.00" in client.get(penalty.get_absolute_url()).content.decode()


def test_unknown_hazard_numbers_are_a_form_error(world, rules, client):
    client.force_login(world.users["office"])
    numbers = f"{world.hazards['g11'].number}, YH-nope；{world.hazards['g31'].number}"
    response = client.post(
        reverse("enforcement:document_create"), _document_form(world, hazard_numbers=numbers)
    )
    assert response.status_code == 400
    # County B's hazard is out of the office's scope: reported exactly like a number that does not exist.
    assert f"未找到隐患：YH-nope、{world.hazards['g31'].number}。" in response.content.decode()
    assert EnforcementDocument.objects.count() == 0


def test_hazards_of_another_site_are_refused(world, rules, client):
    client.force_login(world.users["office"])
    response = client.post(
        reverse("enforcement:document_create"),
        _document_form(world, hazard_numbers=world.hazards["g12"].number),
    )
    assert response.status_code == 400
    assert "所列隐患必须属于本场所。" in response.content.decode()
    assert EnforcementDocument.objects.count() == 0


def test_list_filters_by_status_and_type(world, seeded, client):
    client.force_login(world.users["office"])
    page = client.get(
        reverse("enforcement:document_list"), {"status": "issued", "doc_type": "penalty_decision"}
    )
    body = page.content.decode()
    assert "共 3 条" in body
    assert seeded.documents["g11_decision"].number in body
    assert seeded.documents["g11_order"].number not in body
