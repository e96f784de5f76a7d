import pytest
from django.db import transaction
from django.urls import reverse

from safegrid.core.audit import audit_record
from safegrid.core.models import AuditEntry
from safegrid.core.scope import Grant, ancestor_paths, row_scope_q


def test_ancestor_paths():
    assert ancestor_paths("/36/3607/360725/") == ["/36/", "/36/3607/", "/36/3607/360725/"]


def test_row_scope_for_a_site_bound_grant_is_the_site():
    q = row_scope_q(Grant(role="x", path="/1/2/", site_id=7, sector_ids=frozenset({3})), site="id")
    assert q.children == [("id", 7)]


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x")


def test_audit_entries_are_append_only(db):
    with transaction.atomic():
        entry = audit_record(actor=None, action="demo")
    entry.action = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    assert AuditEntry.objects.get().action == "demo"


def test_healthz(client, db):
    assert client.get(reverse("core:healthz")).json() == {"status": "ok"}


def test_request_id_header(client, db):
    assert len(client.get(reverse("accounts:login"))["X-Request-ID"]) == 32


def test_openapi_schema_generates_without_warnings(db, capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    assert "Warning" not in capsys.readouterr().err


def test_api_docs_work_offline(world, client):
    client.force_login(world.users["office"])
    page = client.get(reverse("api-docs")).content.decode()
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page
    assert client.get(reverse("api-schema")).status_code == 200


def test_list_pages_answer_htmx_with_the_table_only(world, client):
    client.force_login(world.users["office"])
    full = client.get(reverse("sites:site_list"))
    partial = client.get(reverse("sites:site_list"), {"q": "钨矿"}, HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode()
    body = partial.content.decode()
    assert "<html" not in body and "横水钨矿" in body and "横水商场" not in body


def test_admin_is_for_the_system_administrator_only(world, client):
    client.force_login(world.users["sysadmin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/sites/site/").status_code == 200
    assert client.get("/admin/sites/site/add/").status_code == 403
    for key in ("secadmin", "auditor", "office"):
        client.force_login(world.users[key])
        assert client.get("/admin/", follow=True).status_code == 403
    client.logout()
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain[-1][0].startswith("/accounts/login/")


def test_login_page_is_chinese(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "县域安全生产网格化监管平台" in body and 'lang="zh-hans"' in body
