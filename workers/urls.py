from django.urls import path

from workers import case_views, transfer_views, views

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
    path("staff/workers/<int:pk>/verify-id/", views.staff_id_verify, name="id_verify"),
    path("staff/id-disputes/<int:pk>/reassign/", views.staff_id_reassign, name="id_reassign"),
    path("staff/deletion-requests/", views.staff_deletion_requests, name="staff_deletions"),
    path("staff/cases/", case_views.caseload, name="caseload"),
    path("staff/cases/handover/", case_views.handover, name="handover"),
    path("staff/cases/export.xlsx", case_views.export, name="export"),
    path("staff/cases/import/", case_views.import_workers, name="import"),
    path("staff/cases/<int:pk>/move/", case_views.case_move, name="case_move"),
    path("staff/cases/<int:pk>/sessions/", case_views.session_add, name="session_add"),
    path("staff/cases/<int:pk>/notes/", case_views.note_add, name="note_add"),
    path("staff/cases/<int:pk>/follow-ups/", case_views.follow_up_add, name="follow_up_add"),
    path("staff/cases/<int:pk>/check-ins/", case_views.check_in_add, name="check_in_add"),
    path("staff/cases/<int:pk>/assign/", case_views.assign, name="assign"),
    path("staff/sessions/", case_views.sessions, name="sessions"),
    path("staff/sessions/new/", case_views.contact_session, name="contact_session"),
    path("staff/sessions/<int:pk>/", case_views.session_detail, name="session"),
    path("staff/follow-ups/", case_views.my_follow_ups, name="follow_ups"),
    path("staff/transfers/", transfer_views.transfers, name="transfers"),
    path("staff/transfers/find/", transfer_views.transfer_find, name="transfer_find"),
    path("staff/workers/<int:pk>/transfer/", transfer_views.transfer_new, name="transfer_new"),
    path(
        "staff/transfers/<int:pk>/<slug:action>/",
        transfer_views.transfer_act,
        name="transfer_act",
    ),
    path("me/transfers/<int:pk>/", transfer_views.transfer_answer, name="transfer_answer"),
    path("staff/follow-ups/<int:pk>/done/", case_views.follow_up_done, name="follow_up_done"),
]
