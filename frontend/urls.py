from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import cases, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("directory/", views.directory, name="directory"),
    path("directory/agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("directory/task-forces/<slug:slug>/", views.task_force_detail, name="task-force-detail"),
    path("cases/", cases.case_list, name="case-list"),
    path("cases/new/", cases.case_open, name="case-open"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<int:pk>/status/", cases.case_status, name="case-status"),
    path("cases/<int:pk>/share/", cases.case_share, name="case-share"),
    path("cases/<int:pk>/access/<int:agency_id>/revoke/", cases.case_revoke, name="case-revoke"),
    path("cases/<int:pk>/access-report/", cases.case_access_report, name="case-access-report"),
    path("notes/<int:pk>/edit/", cases.note_edit, name="note-edit"),
    path("notes/<int:pk>/redact/", cases.note_redact, name="note-redact"),
    path("notes/<int:pk>/revisions/", cases.note_revisions, name="note-revisions"),
]
