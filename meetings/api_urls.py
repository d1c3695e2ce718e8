from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings import api, api_ics

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
    *router.urls,
]
