"""The project's routes plus one that fails, to see what a visitor gets from an unhandled error."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret-internal-detail: boom")


urlpatterns = [*project_urlpatterns, path("ops-test/boom/", boom)]
