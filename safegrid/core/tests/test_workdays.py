"""Working-day calendar (safegrid.core.workdays) and its admin.

Expected dates come from the State Council arrangements as carried by chinesecalendar 1.11.0
(pinned in requirements.lock):

- 2024 Spring Festival: 02-10 (Sat) … 02-17 (Sat) off; Sun 02-04 and Sun 02-18 are working days.
- 2025 Spring Festival: 01-28 (Tue) … 02-04 (Tue) off; Sun 01-26 and Sat 02-08 are working days.
- 2024 National Day: 10-01 (Tue) … 10-07 (Mon) off; Sun 09-29 and Sat 10-12 are working days.
- The package carries 2004 … 2026; 2027 and later are unknown to it.
"""

from datetime import date, datetime

import chinese_calendar
import pytest

from safegrid.core.models import AuditEntry, CalendarYear, HolidayOverride
from safegrid.core.workdays import (
    UnknownCalendarYear,
    add_calendar_days,
    add_workdays,
    is_workday,
    workdays_between,
)

pytestmark = pytest.mark.django_db

MESSAGE_2031 = (
    "尚无 2031 年的法定节假日安排，请系统管理员先在“节假日调整”中录入该年安排，"
    "并在“节假日安排年度”中将 2031 年标记为已完整录入。"
)


def _holiday(day: date, name: str = "本地放假") -> HolidayOverride:
    return HolidayOverride.objects.create(date=day, is_workday=False, name=name)


# --- The package's data, as the tests below rely on it ------------------------------------------


def test_package_data_is_the_official_2024_spring_festival_arrangement():
    off = [date(2024, 2, d) for d in range(10, 18)]
    assert [chinese_calendar.is_holiday(d) for d in off] == [True] * 8
    assert chinese_calendar.is_workday(date(2024, 2, 4)) is True  # Sunday
    assert chinese_calendar.is_workday(date(2024, 2, 18)) is True  # Sunday


def test_package_does_not_know_2031():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2031, 1, 6))


# --- is_workday -----------------------------------------------------------------------------------


def test_adjusted_sunday_is_a_workday():
    assert is_workday(date(2024, 2, 18)) is True


def test_spring_festival_weekday_is_not_a_workday():
    assert is_workday(date(2024, 2, 14)) is False


def test_ordinary_saturday_is_not_a_workday():
    assert is_workday(date(2024, 2, 24)) is False


# --- add_workdays: 2024 Spring Festival -------------------------------------------------------------


def test_one_workday_after_an_ordinary_thursday_is_friday():
    assert add_workdays(date(2024, 2, 8), 1) == date(2024, 2, 9)


def test_one_workday_after_the_eve_of_spring_festival_2024_is_the_adjusted_sunday():
    assert add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 18)


def test_three_workdays_after_the_eve_of_spring_festival_2024():
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 20)


def test_one_workday_after_friday_before_spring_festival_2024_is_the_adjusted_sunday():
    # Sat 02-03 is off, Sun 02-04 is worked.
    assert add_workdays(date(2024, 2, 2), 1) == date(2024, 2, 4)


def test_start_day_is_not_counted_even_when_it_is_a_holiday():
    assert add_workdays(date(2024, 2, 12), 1) == date(2024, 2, 18)


def test_zero_workdays_is_the_start_day_itself():
    assert add_workdays(date(2024, 2, 12), 0) == date(2024, 2, 12)


def test_negative_workdays_are_refused():
    with pytest.raises(ValueError, match="工作日数不能为负数"):
        add_workdays(date(2024, 2, 8), -1)


def test_a_datetime_is_refused():
    with pytest.raises(TypeError):
        add_workdays(datetime(2024, 2, 8, 9, 0), 1)  # the point is the type


# --- add_workdays: 2025 Spring Festival -------------------------------------------------------------


def test_one_workday_after_friday_before_spring_festival_2025_is_the_adjusted_sunday():
    # Sat 01-25 is off, Sun 01-26 is worked.
    assert add_workdays(date(2025, 1, 24), 1) == date(2025, 1, 26)


def test_one_workday_after_the_last_day_before_spring_festival_2025():
    assert add_workdays(date(2025, 1, 27), 1) == date(2025, 2, 5)


def test_four_workdays_after_the_last_day_before_spring_festival_2025_is_the_adjusted_saturday():
    assert add_workdays(date(2025, 1, 27), 4) == date(2025, 2, 8)


def test_five_workdays_after_the_last_day_before_spring_festival_2025_skip_sunday():
    assert add_workdays(date(2025, 1, 27), 5) == date(2025, 2, 10)


# --- add_workdays: 2024 National Day ----------------------------------------------------------------


def test_one_workday_after_friday_before_national_day_2024_is_the_adjusted_sunday():
    assert add_workdays(date(2024, 9, 27), 1) == date(2024, 9, 29)


def test_one_workday_after_the_eve_of_national_day_2024():
    assert add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)


def test_five_workdays_after_the_eve_of_national_day_2024_is_the_adjusted_saturday():
    assert add_workdays(date(2024, 9, 30), 5) == date(2024, 10, 12)


# --- workdays_between and add_calendar_days ---------------------------------------------------------


def test_workdays_between_counts_days_after_a_up_to_and_including_b():
    assert workdays_between(date(2024, 2, 9), date(2024, 2, 20)) == 3


def test_workdays_between_a_holiday_stretch_is_zero():
    assert workdays_between(date(2024, 2, 9), date(2024, 2, 17)) == 0


def test_workdays_between_is_negative_when_b_is_before_a():
    assert workdays_between(date(2024, 2, 20), date(2024, 2, 9)) == -3


def test_workdays_between_the_same_day_is_zero():
    assert workdays_between(date(2024, 2, 9), date(2024, 2, 9)) == 0


@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 30])
def test_workdays_between_inverts_add_workdays(n):
    start = date(2024, 9, 26)
    assert workdays_between(start, add_workdays(start, n)) == n


def test_add_calendar_days_counts_holidays():
    assert add_calendar_days(date(2024, 2, 9), 3) == date(2024, 2, 12)


def test_add_calendar_days_crosses_into_a_year_nobody_entered():
    assert add_calendar_days(date(2030, 12, 30), 5) == date(2031, 1, 4)


def test_add_calendar_days_refuses_negative_days():
    with pytest.raises(ValueError, match="天数不能为负数"):
        add_calendar_days(date(2024, 2, 9), -1)


# --- Overrides --------------------------------------------------------------------------------------


def test_an_override_holiday_on_an_ordinary_weekday_shifts_the_deadline():
    _holiday(date(2024, 2, 19))  # an ordinary Monday
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 21)


def test_an_override_workday_wins_over_the_package_holiday():
    HolidayOverride.objects.create(date=date(2024, 2, 10), is_workday=True, name="抢险值守")
    assert add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 10)


def test_an_override_created_between_two_calls_takes_effect_on_the_second():
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 20)
    _holiday(date(2024, 2, 19))
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 21)


def test_one_query_per_year_touched(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_workdays(date(2024, 1, 1), 200) == date(2024, 10, 21)
    with django_assert_num_queries(2):
        assert add_workdays(date(2024, 12, 27), 5) == date(2025, 1, 6)


# --- Years the package does not cover ----------------------------------------------------------------


def test_a_year_nobody_entered_is_refused_with_a_chinese_message():
    with pytest.raises(UnknownCalendarYear) as excinfo:
        add_workdays(date(2031, 1, 3), 1)
    assert excinfo.value.message == MESSAGE_2031
    assert excinfo.value.extra == {"year": 2031}


def test_running_past_the_last_known_year_is_refused():
    with pytest.raises(UnknownCalendarYear) as excinfo:
        add_workdays(date(2026, 12, 31), 1)
    assert excinfo.value.year == 2027


def test_an_incomplete_calendar_year_is_still_refused():
    CalendarYear.objects.create(year=2031, complete=False)
    with pytest.raises(UnknownCalendarYear):
        is_workday(date(2031, 1, 6))


def test_a_complete_calendar_year_counts_monday_to_friday():
    CalendarYear.objects.create(year=2031, complete=True)
    # Fri 2031-01-03 → Mon 2031-01-06.
    assert add_workdays(date(2031, 1, 3), 1) == date(2031, 1, 6)


def test_a_complete_calendar_year_honours_override_holidays():
    CalendarYear.objects.create(year=2031)
    _holiday(date(2031, 1, 1), "元旦")
    # Tue 2030-12-31 is not counted; Wed 01-01 is off; Thu 01-02 is the first working day.
    assert add_workdays(date(2031, 1, 1), 1) == date(2031, 1, 2)
    assert is_workday(date(2031, 1, 1)) is False


def test_a_complete_calendar_year_honours_override_workdays():
    CalendarYear.objects.create(year=2031)
    HolidayOverride.objects.create(date=date(2031, 1, 4), is_workday=True, name="调休上班")
    assert add_workdays(date(2031, 1, 3), 1) == date(2031, 1, 4)


# --- Admin --------------------------------------------------------------------------------------------

ADD_URL = "/admin/core/holidayoverride/add/"


def test_admin_add_page_opens_for_the_system_administrator(world, client):
    client.force_login(world.users["sysadmin"])
    assert client.get(ADD_URL).status_code == 200


def test_admin_add_page_is_forbidden_to_the_county_office(world, client):
    # SafeGridAdminSite sends a signed-in user without core.use_admin to its login view, which
    # answers 403 (the same path test_smoke checks for /admin/).
    client.force_login(world.users["office"])
    response = client.get(ADD_URL, follow=True)
    assert response.status_code == 403
    assert response.redirect_chain == [(f"/admin/login/?next={ADD_URL}", 302)]


def test_county_office_cannot_add_an_override_and_nothing_is_written(world, client):
    client.force_login(world.users["office"])
    response = client.post(ADD_URL, {"date": "2024-02-19", "name": "本地放假", "_save": "保存"}, follow=True)
    assert response.status_code == 403
    assert HolidayOverride.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_admin_save_writes_the_override_and_exactly_one_audit_record(world, client):
    sysadmin = world.users["sysadmin"]
    client.force_login(sysadmin)
    response = client.post(ADD_URL, {"date": "2024-02-19", "name": "本地放假", "_save": "保存"})
    assert response.status_code == 302
    override = HolidayOverride.objects.get()
    assert (override.date, override.is_workday, override.name) == (date(2024, 2, 19), False, "本地放假")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        sysadmin,
        "holiday.create",
        "core.holidayoverride",
        str(override.pk),
    )
    assert entry.changes == {
        "date": [None, "2024-02-19"],
        "is_workday": [None, False],
        "name": [None, "本地放假"],
    }


def test_admin_change_writes_one_update_record_with_the_diff(world, client):
    override = _holiday(date(2024, 2, 19))
    client.force_login(world.users["sysadmin"])
    response = client.post(
        f"/admin/core/holidayoverride/{override.pk}/change/",
        {"date": "2024-02-19", "is_workday": "on", "name": "本地放假", "_save": "保存"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes) == ("holiday.update", {"is_workday": [False, True]})


def test_admin_delete_writes_one_delete_record(world, client):
    override = _holiday(date(2024, 2, 19))
    client.force_login(world.users["sysadmin"])
    response = client.post(f"/admin/core/holidayoverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert HolidayOverride.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("holiday.delete", str(override.pk))


def test_an_override_saved_in_the_admin_takes_effect_immediately(world, client):
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 20)
    client.force_login(world.users["sysadmin"])
    client.post(ADD_URL, {"date": "2024-02-19", "name": "本地放假", "_save": "保存"})
    assert add_workdays(date(2024, 2, 9), 3) == date(2024, 2, 21)


def test_a_calendar_year_added_in_the_admin_unlocks_that_year(world, client):
    client.force_login(world.users["sysadmin"])
    response = client.post(
        "/admin/core/calendaryear/add/", {"year": "2031", "complete": "on", "note": "", "_save": "保存"}
    )
    assert response.status_code == 302
    assert add_workdays(date(2031, 1, 3), 1) == date(2031, 1, 6)
    assert AuditEntry.objects.get().action == "calendar_year.create"


def test_admin_bulk_delete_writes_one_delete_record_per_row(world, client):
    first, second = _holiday(date(2024, 2, 19)), _holiday(date(2024, 2, 20))
    client.force_login(world.users["sysadmin"])
    response = client.post(
        "/admin/core/holidayoverride/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert HolidayOverride.objects.count() == 0
    assert sorted(AuditEntry.objects.values_list("action", "object_id")) == [
        ("holiday.delete", str(first.pk)),
        ("holiday.delete", str(second.pk)),
    ]
