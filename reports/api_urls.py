from django.urls import path

from reports import api

urlpatterns = [
    path(
        "task-forces/<int:pk>/report/",
        api.TaskForceReportView.as_view(),
        name="api-task-force-report",
    ),
    path("agencies/<int:pk>/report/", api.AgencyReportView.as_view(), name="api-agency-report"),
]
