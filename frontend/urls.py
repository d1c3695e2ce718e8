from django.contrib.auth import views as auth_views
from django.urls import path

from frontend import views

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
]
