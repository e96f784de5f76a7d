"""Internationalisation: Chinese is the source language (msgid = the Chinese text) and the default;
English comes from locale/en. Every user-facing template string goes through Django i18n."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# CJK punctuation, ideographs (with extension A and compatibility forms) and full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Where Chinese text may appear in a template: translated, or a comment.
TRANSLATED_OR_COMMENT = re.compile(
    r"\{#.*?#\}"
    r"|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%\s*trans(?:late)?\s.*?%\}"
    # a translated literal as a tag or filter argument: {% include … with title=_("标题") %}
    r"|\b_\(\"[^\"\n]*\"\)"
    r"|\b_\('[^'\n]*'\)",
    re.DOTALL,
)


def untranslated_lines(text: str) -> list[int]:
    """Line numbers (1-based) holding CJK text outside translate tags and comments."""
    blanked = TRANSLATED_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return [n for n, line in enumerate(blanked.splitlines(), 1) if CJK.search(line)]


def _violations() -> list[str]:
    found = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        name = path.relative_to(TEMPLATES_DIR).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for n in untranslated_lines(path.read_text(encoding="utf-8")):
            found.append(f"templates/{name}:{n}: {lines[n - 1].strip()}")
    return found


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates the request's language in this thread; do not leak English into
    later tests that assert Chinese messages."""
    yield
    translation.deactivate()


def test_the_guard_sees_literals_but_not_translated_text_or_comments():
    text = (
        '{% load i18n %}<th>{% translate "名称" %}</th>\n'
        "<td>未翻译</td>\n"
        "{# 注释 #}{% blocktranslate with n=x %}共 {{ n }} 条{% endblocktranslate %}\n"
        "{% blocktranslate count counter=n %}共 {{ counter }} 条\n{% plural %}共 {{ counter }} 条"
        "{% endblocktranslate %}\n"
        "{% if a %}；{% endif %} · — SafeGrid\n"
        "{% comment %}\n多行注释\n{% endcomment %}\n"
        '{% include "x.html" with title=_("标题") other=\'_(x)\' %}\n'
        '{% include "x.html" with title="未翻译的参数" %}\n'
    )
    assert untranslated_lines(text) == [2, 6, 11]


def test_templates_have_no_untranslated_chinese():
    violations = _violations()
    assert not violations, "Chinese text outside {% translate %}/{% blocktranslate %}:\n" + "\n".join(
        violations
    )


def test_login_page_is_chinese_by_default(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<title>登录 · SafeGrid 县域安全生产网格化监管平台</title>" in page
    assert '<button class="btn btn-primary w-100" type="submit">登录</button>' in page


def test_login_page_follows_accept_language(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "<title>Sign in · SafeGrid County Work Safety Grid Supervision Platform</title>" in page
    assert '<button class="btn btn-primary w-100" type="submit">Sign in</button>' in page
    assert ">Username</label>" in page and ">Password</label>" in page
    assert not CJK.search(page)


def test_language_cookie_selects_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<button class="btn btn-primary w-100" type="submit">Sign in</button>' in page


def test_home_page_navigation_in_chinese_and_english(world, client):
    client.force_login(world.users["office"])
    zh = client.get(reverse("reports:home")).content.decode()
    assert 'data-testid="home-title">县安委办工作台<' in zh
    for label in ("排查整改", ">场所</a>", ">区划与网格</a>", ">网格职责</a>", "退出"):
        assert label in zh

    en = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="home-title">County Safety Committee Office workbench<' in en
    for label in (
        "Inspection &amp; Rectification",
        ">Sites</a>",
        ">Regions &amp; grids</a>",
        ">Grid duties</a>",
        "</i> Workbench</a>",
        ">Sign out</button>",
        ">Sites in total</div>",
    ):
        assert label in en
    assert "排查整改" not in en and ">区划与网格</a>" not in en


def test_list_chrome_in_english(world, client):
    client.force_login(world.users["office"])
    page = client.get(reverse("sites:site_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 class="h4 mb-0">Sites</h1>' in page
    assert "</i> Filter</button>" in page and "</i> Add</a>" in page
    assert re.search(r'data-testid="total">\d+ items in total<', page)


def test_not_found_page_in_english(world, client):
    client.force_login(world.users["office"])
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert '<h1 class="h4">Not found</h1>' in response.content.decode()


def test_service_messages_follow_the_active_language():
    from safegrid.sites.credit_code import credit_code_error

    assert credit_code_error("123") == "统一社会信用代码应为 18 位，当前为 3 位。"
    with translation.override("en"):
        assert credit_code_error("123") == "A unified social credit code has 18 characters; this one has 3."


def test_date_inputs_render_iso_in_chinese():
    """<input type="date"> accepts only ISO values; the zh-hans default (2026/06/01) would render an
    empty field in the browser. Every form's date field renders ISO and still accepts 2026/06/01."""
    import datetime

    from django import forms
    from django.utils import translation

    class F(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("zh-hans"):
        html = str(F(initial={"day": datetime.date(2026, 6, 1)})["day"])
        assert 'value="2026-06-01"' in html
        assert F({"day": "2026/06/01"}).is_valid()
