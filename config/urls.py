from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("safegrid.reports.urls")),
    path("", include("safegrid.core.urls")),
    path("accounts/", include("safegrid.accounts.urls")),
    path("orgs/", include("safegrid.orgs.urls")),
    path("sites/", include("safegrid.sites.urls")),
    path("files/", include("safegrid.attachments.urls")),
    path("inspections/", include("safegrid.inspections.urls")),
    path("hazards/", include("safegrid.hazards.urls")),
    path("enforcement/", include("safegrid.enforcement.urls")),
    path("inbox/", include("safegrid.notifications.urls")),
    path("jobs/", include("safegrid.jobs.urls")),
    path("risks/", include("safegrid.risks.urls")),
    path("people/", include("safegrid.people.urls")),
    path("publicity/", include("safegrid.publicity.urls")),
    path("support/", include("safegrid.support.urls")),
    path("emergency/", include("safegrid.emergency.urls")),
    path("dispatch/", include("safegrid.dispatch.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
