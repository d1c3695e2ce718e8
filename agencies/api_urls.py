from django.urls import path
from rest_framework.routers import SimpleRouter

from agencies import api, api_people, api_tokens, api_webhooks

router = SimpleRouter()
router.register("agencies", api.AgencyViewSet, basename="agency")
router.register("task-forces", api.TaskForceViewSet, basename="task-force")
router.register("people", api_people.PersonViewSet, basename="person")
router.register("tokens", api_tokens.TokenViewSet, basename="token")
router.register("webhooks", api_webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("me/", api.me, name="api-me"),
    *router.urls,
]
