from django.urls import path

from workers import views

app_name = "workers"

urlpatterns = [
    path("me/consent/", views.consent, name="consent"),
    path("me/profile/", views.profile_step, name="profile"),
    path("me/profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("me/documents/", views.documents, name="documents"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/delete/", views.delete_account, name="delete"),
    path("documents/<int:pk>/file", views.document_file, name="document_file"),
    path("staff/workers/", views.staff_workers, name="staff_workers"),
    path("staff/workers/new/", views.staff_worker_new, name="staff_new"),
    path("staff/workers/<int:pk>/", views.staff_worker, name="staff_worker"),
    path("staff/workers/<int:pk>/profile/<slug:step>/", views.staff_step, name="staff_step"),
    path("staff/workers/<int:pk>/documents/", views.staff_documents, name="staff_documents"),
    path(
        "staff/documents/<int:pk>/<slug:action>/",
        views.staff_document_review,
        name="document_review",
    ),
    path("staff/deletion-requests/", views.staff_deletion_requests, name="staff_deletions"),
]
