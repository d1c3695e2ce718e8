"""Top-level routes: pages, the admin, the REST API (with the audit trail's) and its schema,
the health check."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import api
from portal.audit import AuditRecordList
from portal.events import EventsView
from portal.health import healthz

api_v1 = [
    path("", include("agencies.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("tips.api_urls")),
    path("events/", EventsView.as_view(), name="api-events"),
    path("audit/", AuditRecordList.as_view(), name="api-audit"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script as a file, not inline (strict CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="frontend/api_docs.html"
        ),
        name="api-docs",
    ),
    # Any path under /api/, even one with a line break (which <path:> does not match).
    re_path(r"^api/", api.json_not_found),
    path("", include("frontend.urls")),
]

handler500 = "portal.api.server_error"

admin.site.site_header = "Crossroads administration"
admin.site.site_title = "Crossroads admin"
# The admin's login carries the same system-use notice as the portal's.
admin.site.login_template = "frontend/admin_login.html"
