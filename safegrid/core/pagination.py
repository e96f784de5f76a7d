"""Pagination for lists that can hold millions of rows (issue 9, PERFORMANCE.md).

Two costs grow with the rows in the filter: the exact COUNT behind "共 N 条" and the page count,
and a deep OFFSET that makes the database sort and fetch every full row before the page.
`CappedPaginator` counts at most `cap` + 1 rows (a list longer than that shows "超过 N 条"; every page
is still reachable: whether a next page exists is read with the page itself), and fetches a page
as its ids first (an index-only scan over the ordered keys) and then those rows only."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .rest import Pagination

# Rows counted exactly; beyond it the total reads "10000+ 条". Exact below: a county's open work,
# a township's year, a grid's whole history.
COUNT_CAP = 10_000


class CappedPage(Page):
    """A page that knows whether rows follow it without knowing how many rows there are."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """The rows in the list, counted up to cap + 1 (a bounded subquery, not a COUNT over
        everything)."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """Whether the list holds more rows than were counted (the total is a lower bound)."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        """The pages of the counted rows (beyond the cap: the pages up to it, a lower bound)."""
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages

    def validate_number(self, number) -> int:
        """Beyond the cap any page number is valid here; `page` finds out whether it holds rows."""
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # Ids first (no joins, no wide rows; one more than a page tells whether rows follow), then
        # the page's rows in the same order.
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        if not ids and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        rows = list(self.object_list.filter(pk__in=ids)) if ids else []
        return CappedPage(rows, number, self, more=more)


class CappedPagination(Pagination):
    """The API's page-number pagination over a CappedPaginator: the same response shape (count,
    next, previous, results), `count` exact up to COUNT_CAP and otherwise COUNT_CAP + 1, a lower
    bound ("more than COUNT_CAP"); pages reach the cap. `count_capped` (added beside `count`, so
    existing clients are unaffected) says which of the two `count` is."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        cap = COUNT_CAP
        numbers = {"cap": cap, "over": cap + 1}
        response_schema["properties"]["count"].update(
            maximum=cap + 1,
            description=_(
                "符合条件的记录数：不超过 %(cap)s 条时为精确值；为 %(over)s 时表示超过 %(cap)s 条"
                "（只数到 %(over)s 条为止，此时 count_capped 为 true）。"
            )
            % numbers,
        )
        properties = response_schema["properties"]
        # `count_capped` right after `count`, as in the response.
        response_schema["properties"] = {
            "count": properties.pop("count"),
            "count_capped": {
                "type": "boolean",
                "example": False,
                "description": _(
                    "记录数是否超过 %(cap)s 条：为 true 时 count 为 %(over)s，只表示“超过 %(cap)s 条”，"
                    "不是精确值；翻页仍以 next 为准。"
                )
                % numbers,
            },
            **properties,
        }
        response_schema["required"] = ["count", "count_capped", "results"]
        return response_schema
