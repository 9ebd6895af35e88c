from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from mrc import views

# The admin signs in through allauth, so the second factor applies there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # the admin's login view wrapped once at start-up
admin.site.site_header = "MRC"

# Drawn without the database, and a 503 while the database cannot be reached.
handler500 = "mrc.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("markets.urls")),
    path("", include("workers.urls")),
    path("", include("loans.urls")),
    path("", include("fairs.urls")),
    path("", include("orientation.urls")),
    path("", include("assistance.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    # A string, not an import: api sits beside mrc, and neither imports the other.
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]
