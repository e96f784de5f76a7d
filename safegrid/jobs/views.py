"""The owner's jobs: the list, one job with its progress (an htmx partial polled while it runs),
the result download, and the page that offers to run long work as a job (a POST, never a GET,
starts one)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from safegrid.core.exports import content_disposition

from . import progress, selectors, services
from .models import JobKind

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def job_context(job) -> dict:
    done, total = progress.current(job)
    percent = job.percent if job.finished or not total else min(99, done * 100 // total)
    return {"job": job, "done": done, "total": total, "percent": percent}


def offer_job(request, *, title: str, description: str, back_url: str = "", status: int = 200):
    """The page that says why this work runs in the background and posts back to the same URL
    (with its query string) to start it."""
    return render(
        request,
        "jobs/offer.html",
        {"title": title, "description": description, "action": request.get_full_path(), "back_url": back_url},
        status=status,
    )


class JobListView(LoginRequiredMixin, TemplateView):
    template_name = "jobs/job_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.job_list(actor=self.request.user), 25).get_page(
            self.request.GET.get("page")
        )
        context.update(
            title=_("我的后台任务"),
            retention_days=services.retention_days(),
            page_obj=page,
            object_list=page.object_list,
            total=page.paginator.count,
            querystring="",
        )
        return context


class JobDetailView(LoginRequiredMixin, TemplateView):
    template_name = "jobs/job_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["jobs/_job_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = selectors.job_get(actor=self.request.user, pk=self.kwargs["pk"])
        context.update(job_context(job), title=job.title, kinds=JobKind)
        return context


class JobDownloadView(LoginRequiredMixin, View):
    """The job's file, to its owner only (404 for anyone else or when there is no file)."""

    def get(self, request, pk):
        job = selectors.job_get(actor=request.user, pk=pk)
        if not job.result_file:
            raise Http404(_("未找到。"))
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("文件已过期删除。")) from exc
        suffix = "." + job.result_name.rsplit(".", 1)[-1].lower() if "." in job.result_name else ""
        response = FileResponse(handle, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
        response["Content-Disposition"] = content_disposition(job.result_name or "result")
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
