from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("staff/reports/", views.dashboard, name="dashboard"),
    path("staff/reports/export.xlsx", views.export, name="export"),
    path("staff/reports/exchange.xlsx", views.exchange_file, name="exchange"),
    path("staff/reports/print/", views.printable, name="print"),
    path("staff/reports/national/", views.national, name="national"),
    path("staff/reports/targets/", views.targets, name="targets"),
]
