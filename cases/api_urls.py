from django.urls import path
from rest_framework.routers import SimpleRouter

from cases import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("notes", api.NoteViewSet, basename="note")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("files", api.FileViewSet, basename="evidence-file")
router.register("tags", api.TagViewSet, basename="tag")

urlpatterns = [
    path("cases/<int:pk>/access/", api.CaseAccessView.as_view(), name="case-access"),
    path(
        "cases/<int:pk>/access/<int:agency_id>/",
        api.CaseAccessRevokeView.as_view(),
        name="case-access-revoke",
    ),
    path(
        "cases/<int:pk>/access-report/",
        api.CaseAccessReportView.as_view(),
        name="case-access-report-api",
    ),
    path("cases/<int:pk>/outcomes/", api.CaseOutcomesView.as_view(), name="case-outcomes"),
    path(
        "cases/<int:pk>/outcomes/<int:outcome_id>/withdraw/",
        api.CaseOutcomeWithdrawView.as_view(),
        name="case-outcome-withdraw",
    ),
    path("cases/<int:pk>/notes/", api.CaseNotesView.as_view(), name="case-notes"),
    path("cases/<int:pk>/tasks/", api.CaseTasksView.as_view(), name="case-tasks"),
    path("cases/<int:pk>/files/", api.CaseFilesView.as_view(), name="case-files"),
    path("cases/<int:pk>/tags/", api.CaseTagsView.as_view(), name="case-tags"),
    path("search/", api.SearchView.as_view(), name="search"),
    path(
        "files/<int:pk>/download",
        api.FileViewSet.as_view({"get": "download"}),
        name="evidence-file-download",
    ),
    *router.urls,
]
