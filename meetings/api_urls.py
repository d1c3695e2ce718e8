from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings import api, api_ics, api_public, api_roster

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")

urlpatterns = [
    path("meetings/<int:pk>/ics", api_ics.MeetingIcsView.as_view(), name="meeting-ics-api"),
    path(
        "meetings/<int:pk>/registrations/",
        api.RegistrationsView.as_view(),
        name="meeting-registrations",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/",
        api.RegistrationCancelView.as_view(),
        name="meeting-registration",
    ),
    path("meetings/<int:pk>/roster.csv", api.RosterView.as_view(), name="meeting-roster-api"),
    path(
        "meetings/<int:pk>/roster/",
        api_roster.TrainingRosterView.as_view(),
        name="training-roster-api",
    ),
    path(
        "meetings/<int:pk>/public/",
        api_roster.PublicSettingsView.as_view(),
        name="training-public-api",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/attendance/",
        api_roster.AttendanceView.as_view(),
        name="registration-attendance-api",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/completion/",
        api_roster.CompletionView.as_view(),
        name="registration-completion-api",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/certificate.pdf",
        api_roster.CertificateView.as_view(),
        name="registration-certificate-api",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/export/",
        api_roster.RegistrantExportView.as_view(),
        name="registration-export-api",
    ),
    path(
        "meetings/<int:pk>/registrations/<int:rid>/erase/",
        api_roster.RegistrantEraseView.as_view(),
        name="registration-erase-api",
    ),
    path("public/trainings/", api_public.PublicTrainingList.as_view(), name="public-trainings-api"),
    path(
        "public/trainings/<slug:slug>/",
        api_public.PublicTrainingDetail.as_view(),
        name="public-training-api",
    ),
    path(
        "public/trainings/<slug:slug>/registrations/",
        api_public.PublicRegistrationView.as_view(),
        name="public-registrations-api",
    ),
    *router.urls,
]
