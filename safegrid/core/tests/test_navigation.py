"""The navigation lists a pillar only when the user can open something in it (or, for business
roles, when the pillar is still planned); a pillar whose entries are all out of reach is hidden."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from safegrid.core.context_processors import navigation


def _sections(user) -> dict[str, list[str]]:
    request = RequestFactory().get("/")
    request.user = user
    return {
        str(s["title"]): [str(i["label"]) for i in s["items"]] for s in navigation(request)["nav_sections"]
    }


@pytest.mark.parametrize(
    ("user_key", "present", "absent"),
    [
        ("office", {"队伍建设", "宣传培训"}, set()),
        ("grid11", {"队伍建设", "宣传培训"}, set()),
        # Enterprise staff keep their people and certificates but do no publicity work.
        ("enterprise11", {"队伍建设"}, {"宣传培训"}),
        # The expert reads neither people nor publicity.
        ("expert", set(), {"队伍建设", "宣传培训"}),
        ("auditor", set(), {"队伍建设", "宣传培训", "排查整改"}),
    ],
)
def test_pillars_shown_only_with_something_to_open(world, user_key, present, absent):
    sections = _sections(world.users[user_key])
    assert present <= set(sections)
    assert not (absent & set(sections))


def test_people_pillar_entries_for_the_office(world):
    assert _sections(world.users["office"])["队伍建设"] == [
        "人员",
        "安全队伍",
        "岗位任职",
        "培训",
        "持证管理",
        "评先评优",
    ]
    assert _sections(world.users["office"])["宣传培训"] == ["宣传活动", "年度宣传计划"]
