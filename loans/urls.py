from django.urls import path

from loans import staff_views, views

app_name = "loans"

urlpatterns = [
    # The worker
    path("me/support/", views.support_home, name="support"),
    path("me/support/programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("me/support/programmes/<int:pk>/apply/", views.apply, name="apply"),
    path("me/support/applications/<int:pk>/", views.application_page, name="application"),
    path("me/support/applications/<int:pk>/edit/", views.edit, name="edit"),
    path("me/support/applications/<int:pk>/attach/", views.attach, name="attach"),
    path("me/support/applications/<int:pk>/send/", views.submit, name="submit"),
    path("me/support/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "me/support/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    # Owner and staff of the province
    path("support/attachments/<int:pk>/file", views.attachment_file, name="attachment_file"),
    path("support/applications/<int:pk>/print/", views.print_form, name="print"),
    # Staff
    path("staff/support/", staff_views.queue, name="queue"),
    path("staff/support/applications/<int:pk>/", staff_views.application, name="staff_application"),
    path("staff/support/applications/<int:pk>/edit/", views.edit, name="staff_edit"),
    path("staff/support/applications/<int:pk>/attach/", views.attach, name="staff_attach"),
    path("staff/support/applications/<int:pk>/send/", views.submit, name="staff_submit"),
    path("staff/support/applications/<int:pk>/withdraw/", views.withdraw, name="staff_withdraw"),
    path(
        "staff/support/attachments/<int:pk>/remove/",
        views.attachment_remove,
        name="staff_attachment_remove",
    ),
    path(
        "staff/support/applications/<int:pk>/<slug:action>/",
        staff_views.decide,
        name="decide",
    ),
    path("staff/support/programmes/", staff_views.programmes, name="programmes"),
    path("staff/support/kept/", staff_views.kept_records, name="kept_records"),
    path("staff/support/programmes/<int:pk>/", staff_views.programme, name="staff_programme"),
    path(
        "staff/support/workers/<int:profile_pk>/", staff_views.worker_support, name="staff_worker"
    ),
    path(
        "staff/support/workers/<int:profile_pk>/apply/<int:programme_pk>/",
        staff_views.start_for_worker,
        name="staff_apply",
    ),
]
