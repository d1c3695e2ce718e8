from django.urls import path
from rest_framework.routers import SimpleRouter

from tips import api, api_identifiers, api_public

router = SimpleRouter()
router.register("tips", api.TipViewSet, basename="tip")

urlpatterns = [
    path(
        "cases/<int:pk>/identifiers/",
        api_identifiers.CaseIdentifiersView.as_view(),
        name="case-identifiers",
    ),
    path(
        "cases/<int:pk>/deconfliction/",
        api_identifiers.CaseDeconflictionView.as_view(),
        name="case-deconfliction",
    ),
    path(
        "cases/<int:pk>/deconfliction/opt-out/",
        api_identifiers.CaseOptOutView.as_view(),
        name="case-deconfliction-opt-out",
    ),
    path(
        "tips/<int:pk>/identifiers/",
        api_identifiers.TipIdentifiersView.as_view(),
        name="tip-identifiers",
    ),
    path("identifiers/<int:pk>/", api_identifiers.IdentifierView.as_view(), name="identifier"),
    path("public/tips/", api_public.PublicTipView.as_view(), name="public-tips"),
    *router.urls,
]
