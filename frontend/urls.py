from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import audit, calendars, cases, dashboard, meetings, views

urlpatterns = [
    path("", dashboard.home, name="home"),
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
    path("meetings/", calendars.meeting_calendar, name="meeting-calendar"),
    path("meetings/new/", meetings.meeting_schedule, name="meeting-schedule"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/rsvp/", meetings.meeting_rsvp, name="meeting-rsvp"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/occurrence/", meetings.meeting_occurrence, name="meeting-occurrence"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/actions/", meetings.action_item_add, name="meeting-action-add"),
    path(
        "meetings/<int:pk>/actions/<int:item_id>/done/",
        meetings.action_item_done,
        name="meeting-action-done",
    ),
    path("meetings/<int:pk>/register/", meetings.training_register, name="training-register"),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/cancel/",
        meetings.training_unregister,
        name="training-unregister",
    ),
    path("meetings/<int:pk>/roster.csv", meetings.training_roster, name="training-roster"),
    path("meetings/<int:pk>.ics", calendars.meeting_ics, name="meeting-ics"),
    path("calendar/", calendars.calendar_subscription, name="calendar-subscription"),
    path("calendar/feed/<str:token>.ics", calendars.calendar_feed, name="calendar-feed"),
    path("audit/", audit.audit_trail, name="audit-trail"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
]
