"""REST API for the owner's background jobs (read-only: jobs are started by the pages and endpoints
whose work they do, e.g. a large import answers 202 with its job)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from safegrid.core.api import ChoiceDisplayField, ScopeDenialLookupMixin

from . import progress, selectors
from .models import Job


class JobOutput(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")
    status_display = ChoiceDisplayField("status")
    done = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "status",
            "status_display",
            "done",
            "total",
            "message",
            "errors",
            "result_name",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_done(self, job) -> int:
        return progress.current(job)[0]

    def get_total(self, job) -> int:
        return progress.current(job)[1]

    def get_download_url(self, job) -> str | None:
        return reverse("jobs:download", args=[job.pk]) if job.result_file else None


class JobViewSet(
    ScopeDenialLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own jobs, newest first; another user's job is 404."""

    permission_classes = [IsAuthenticated]
    serializer_class = JobOutput

    def get_queryset(self):
        return selectors.job_list(actor=self.request.user)
