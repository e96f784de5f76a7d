"""The job interface (DESIGN.md §8): Celery with Redis at scale; without a broker configured,
tasks run inline in the calling process, so a single machine needs no extra service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("safegrid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
