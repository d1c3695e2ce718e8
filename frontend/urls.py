from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import account, calendars, cases, dashboard, meetings, people, signin, views

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", signin.SigninView.as_view(), name="login"),
    path("login/verify/", signin.signin_verify, name="signin-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/active/", signin.session_active, name="session-active"),
    path("account/", account.account_security, name="account-security"),
    path("account/mfa/enrol/", account.mfa_enrol, name="mfa-enrol"),
    path("account/mfa/recovery-codes/", account.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("account/mfa/remove/", account.mfa_remove, name="mfa-remove"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="frontend/account/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="frontend/account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
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
    path("agency/people/", people.people_list, name="people-list"),
    path("agency/people/invite/", people.person_invite, name="person-invite"),
    path("agency/people/<int:pk>/", people.person_detail, name="person-detail"),
    path("agency/people/<int:pk>/deactivate/", people.person_deactivate, name="person-deactivate"),
    path("agency/people/<int:pk>/reactivate/", people.person_reactivate, name="person-reactivate"),
    path(
        "agency/people/<int:pk>/invitation/",
        people.person_resend_invitation,
        name="person-resend-invitation",
    ),
    path("welcome/<str:uidb64>/<str:token>/", people.invitation_accept, name="invitation-accept"),
]
