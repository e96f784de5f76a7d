"""Generic page views: capability check (403), scoped fetch (404), filter + paginate, htmx partials,
forms that call one service. App views subclass these and only configure them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from . import audit, exports
from .exceptions import ApplicationError, NotInScope
from .exports import ExportColumn
from .scope import grants_for


class CapabilityRequiredMixin(LoginRequiredMixin):
    """Deny by default: a view must declare `capability`; without it every request is refused."""

    capability: ClassVar[str | None] = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.capability is None or not grants_for(request.user, self.capability):
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        return super().dispatch(request, *args, **kwargs)


class ScopedListView(CapabilityRequiredMixin, TemplateView):
    """A filtered, paginated list of in-scope rows; an htmx request gets only the table partial."""

    selector: ClassVar[Any] = None
    filterset_class: ClassVar[Any] = None
    partial_template_name: ClassVar[str] = ""
    paginate_by: ClassVar[int] = 25
    title: ClassVar[str] = ""
    create_url_name: ClassVar[str] = ""
    create_capability: ClassVar[str] = ""
    # `?format=xlsx` exports every filtered row with these columns (core/exports.py); declared next
    # to each list view, the row id first.
    export_columns: ClassVar[Sequence[ExportColumn]] = ()
    # A list that can hold millions of rows sets `core.pagination.CappedPaginator` (no exact COUNT,
    # no deep OFFSET); the page then reads "超过 N 条" beyond its cap.
    paginator_class: ClassVar[type[Paginator]] = Paginator

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """`?format=xlsx`: start the export of a list too long for one request as a background
        job (the page offering it posts here); nothing else is posted to a list."""
        if request.GET.get("format") != "xlsx" or not self.export_columns:
            return HttpResponseNotAllowed(["GET"])
        from safegrid.jobs import services as job_services
        from safegrid.jobs.models import JobKind

        job = job_services.job_start(
            actor=request.user,
            kind=JobKind.EXPORT,
            title=_("导出：%(title)s") % {"title": self.title},
            params={"path": request.path, "query": self._query("page", "format").urlencode()},
        )
        return HttpResponseRedirect(job.get_absolute_url())

    def get_queryset(self):
        return type(self).selector(actor=self.request.user)

    def filter_queryset(self):
        """(filterset, rows): always bound (an empty query string is a valid "no filter"); invalid
        filters give no rows rather than silently everything."""
        filterset = self.filterset_class(self.request.GET, queryset=self.get_queryset(), request=self.request)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return filterset, queryset

    def _query(self, *drop: str):
        query = self.request.GET.copy()
        for key in drop:
            query.pop(key, None)
        return query

    def export(self):
        """The whole filtered list (not one page) as .xlsx, in the page's order; a list longer than
        the configured maximum goes back to the page with a message."""
        if not self.export_columns:
            raise Http404(_("未找到。"))
        _filterset, queryset = self.filter_queryset()
        count = queryset.count()
        if exports.max_rows() >= count > exports.inline_rows():
            from safegrid.jobs.views import offer_job

            query = self._query("page", "format").urlencode()
            return offer_job(
                self.request,
                title=_("导出：%(title)s") % {"title": self.title},
                description=_(
                    "当前列表共 %(count)s 条，超过即时导出的 %(inline)s 条，将在后台生成 Excel 文件，"
                    "完成后发送站内消息通知您下载。"
                )
                % {"count": count, "inline": exports.inline_rows()},
                back_url=f"{self.request.path}?{query}" if query else self.request.path,
            )
        try:
            return exports.xlsx_response(
                actor=self.request.user,
                queryset=queryset,
                columns=self.export_columns,
                title=str(self.title),
                filters=[key for key, value in self._query("page", "format").items() if value],
            )
        except exports.ExportTooLarge as refused:
            messages.warning(self.request, refused.message)
            query = self._query("page", "format").urlencode()
            return HttpResponseRedirect(f"{self.request.path}?{query}" if query else self.request.path)

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        return [self.template_name]

    def get_paginator(self, queryset) -> Paginator:
        return self.paginator_class(queryset, self.paginate_by)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Invalid filters show their errors above an empty list (see filter_queryset).
        filterset, queryset = self.filter_queryset()
        paginator = self.get_paginator(queryset)
        page = paginator.get_page(self.request.GET.get("page"))
        # A capped paginator (`capped`, `cap`) knows only that more rows than `cap` follow: the
        # total is then the cap, a lower bound, and the footer and page links say so.
        total_capped = bool(getattr(paginator, "capped", False))
        query = self._query("page")
        export_query = self._query("page", "format")
        export_query["format"] = "xlsx"
        context.update(
            filter=filterset,
            page_obj=page,
            object_list=page.object_list,
            total=paginator.cap if total_capped else paginator.count,
            total_capped=total_capped,
            title=self.title,
            querystring=query.urlencode(),
            can_create=bool(self.create_capability and grants_for(self.request.user, self.create_capability)),
            create_url_name=self.create_url_name,
            export_url=f"?{export_query.urlencode()}" if self.export_columns else "",
        )
        return context


class ScopedDetailView(CapabilityRequiredMixin, TemplateView):
    getter: ClassVar[Any] = None
    context_object_name: ClassVar[str] = "object"
    edit_capability: ClassVar[str] = ""

    def get_object(self):
        return type(self).getter(actor=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context["object"] = obj
        context[self.context_object_name] = obj
        context["can_edit"] = bool(self.edit_capability and self._can_edit(obj))
        return context

    def _can_edit(self, obj) -> bool:
        try:
            type(self).getter(actor=self.request.user, pk=obj.pk, capability=self.edit_capability)
        except NotInScope:
            return False
        return True


class ServiceFormView(CapabilityRequiredMixin, View):
    """GET renders the form; POST validates it and calls one service. Service refusals become form
    errors (ValidationError) or a message (ApplicationError); nothing is written on any error."""

    form_class: ClassVar[Any] = None
    template_name: ClassVar[str] = "core/form.html"
    title: ClassVar[str] = ""
    success_message: ClassVar[str] = gettext_lazy("已保存。")

    def get_instance(self):
        return None

    def get_form(self, data=None, instance=None):
        return self.form_class(data=data, actor=self.request.user, instance=instance)

    def perform(self, form, instance):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def render_form(self, form, instance, status=200):
        context = {
            "form": form,
            "object": instance,
            "title": self.title,
            "cancel_url": self.cancel_url(instance),
        }
        return render(self.request, self.template_name, context, status=status)

    def cancel_url(self, instance) -> str:
        if instance is not None and hasattr(instance, "get_absolute_url"):
            return instance.get_absolute_url()
        nxt = self.request.GET.get("next", "")
        if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={self.request.get_host()}):
            return nxt
        return "/"

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render_form(self.get_form(instance=instance), instance)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(data=request.POST, instance=instance)
        if not form.is_valid():
            return self.render_form(form, instance, status=400)
        try:
            obj = self.perform(form, instance)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_form(form, instance, status=400)
        except NotInScope as exc:
            raise Http404(_("未找到。")) from exc
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render_form(form, instance, status=400)
        messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url(obj))


def apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class AuditListView(ScopedListView):
    capability = "core.view_audit"
    template_name = "core/audit_list.html"
    partial_template_name = "core/_audit_table.html"
    title = gettext_lazy("审计日志")
    paginate_by = 50
    export_columns = [
        exports.ID_COLUMN,
        (gettext_lazy("时间"), "occurred_at"),
        (gettext_lazy("账号"), "actor_username"),
        (gettext_lazy("角色"), "actor_roles"),
        ("IP", "ip"),
        (gettext_lazy("事件"), "action"),
        (gettext_lazy("对象类型"), "object_type"),
        (gettext_lazy("对象编号"), "object_id"),
        (gettext_lazy("对象"), "object_repr"),
        (gettext_lazy("变更"), lambda entry: _audit_changes(entry)),
        (gettext_lazy("结果"), "get_result_display"),
        (gettext_lazy("请求编号"), "request_id"),
    ]

    @staticmethod
    def selector(*, actor):
        from .selectors import audit_entry_list

        return audit_entry_list(actor=actor)

    @property
    def filterset_class(self):
        from .filters import AuditEntryFilterSet

        return AuditEntryFilterSet

    def filter_queryset(self):
        """Every view of the audit trail (the page, its htmx partial, the export, the export job)
        is itself audited: one "audit.query" record with the filters and the rows matched; the rows
        shown are those counted (SECURITY.md L1)."""
        filterset, queryset = super().filter_queryset()
        used = {name: self.request.GET.get(name, "") for name in filterset.filters}
        queryset = audit.audit_query_record(actor=self.request.user, filters=used, queryset=queryset)
        return filterset, queryset


def _audit_changes(entry) -> list[str]:
    """The changes column of the audit export, written like the page: "field: before → after"."""
    parts = []
    for key, value in (entry.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            before, after = ("∅" if v is None else v for v in value)
            parts.append(f"{key}: {before} → {after}")
        else:
            parts.append(f"{key}: {value}")
    return parts


def healthz(request):
    """Liveness for the load balancer: the database answers."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
