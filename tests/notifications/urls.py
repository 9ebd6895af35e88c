"""The project's URLs with the notifications app mounted, until mrc/urls.py includes it."""

from django.urls import include, path

from mrc.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "notifications" for p in urlpatterns):
    urlpatterns.append(path("", include("notifications.urls")))
