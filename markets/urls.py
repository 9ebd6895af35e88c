from django.urls import path

from markets import feeds, staff_views, views

app_name = "markets"

urlpatterns = [
    path("markets/", views.market_list, name="market_list"),
    path("markets/<slug:code>/", views.market_detail, name="market"),
    path("fee-check/", views.fee_check, name="fee_check"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/feed/", feeds.NoticeFeed(), name="notice_feed"),
    path("notices/feed/<int:code>/", feeds.NoticeFeed(), name="notice_feed_province"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/import/", staff_views.enterprise_import, name="enterprise_import"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("report-fraud/", views.fraud_report_create, name="report_fraud"),
    path("report-fraud/sent/", views.fraud_report_sent, name="fraud_report_sent"),
    path("complain/", views.complaint_create, name="complain"),
    path("complain/sent/", views.complaint_sent, name="complaint_sent"),
    path("me/complaints/", views.my_complaints, name="my_complaints"),
    path("me/complaints/<int:pk>/", views.my_complaint, name="my_complaint"),
    path("staff/complaints/", staff_views.staff_complaint_list, name="staff_complaints"),
    path("staff/complaints/<int:pk>/", staff_views.staff_complaint, name="staff_complaint"),
    path(
        "staff/complaints/<int:pk>/take/",
        staff_views.staff_complaint_take,
        name="staff_complaint_take",
    ),
    path(
        "staff/complaints/<int:pk>/close/",
        staff_views.staff_complaint_close,
        name="staff_complaint_close",
    ),
    path(
        "staff/complaints/<int:pk>/files/<int:file_pk>/",
        staff_views.staff_complaint_attachment,
        name="staff_complaint_attachment",
    ),
    path("staff/enterprises/<int:pk>/", staff_views.staff_enterprise, name="staff_enterprise"),
    path("staff/notices/", staff_views.staff_notice_list, name="staff_notices"),
    path("staff/notices/new/", staff_views.staff_notice_create, name="staff_notice_create"),
    path("staff/notices/<int:pk>/", staff_views.staff_notice_detail, name="staff_notice"),
    path(
        "staff/notices/<int:pk>/schedule/",
        staff_views.staff_notice_schedule,
        name="staff_notice_schedule",
    ),
    path(
        "staff/notices/<int:pk>/publish/",
        staff_views.staff_notice_publish,
        name="staff_notice_publish",
    ),
    path(
        "staff/notices/<int:pk>/unschedule/",
        staff_views.staff_notice_unschedule,
        name="staff_notice_unschedule",
    ),
    path(
        "staff/notices/<int:pk>/archive/",
        staff_views.staff_notice_archive,
        name="staff_notice_archive",
    ),
    path("staff/fraud-reports/", staff_views.staff_fraud_list, name="staff_fraud_reports"),
    path(
        "staff/fraud-reports/<int:pk>/", staff_views.staff_fraud_detail, name="staff_fraud_report"
    ),
    path(
        "staff/fraud-reports/<int:pk>/take/", staff_views.staff_fraud_take, name="staff_fraud_take"
    ),
    path(
        "staff/fraud-reports/<int:pk>/link/", staff_views.staff_fraud_link, name="staff_fraud_link"
    ),
    path(
        "staff/fraud-reports/<int:pk>/close/",
        staff_views.staff_fraud_close,
        name="staff_fraud_close",
    ),
    path(
        "staff/fraud-reports/<int:pk>/files/<int:file_pk>/",
        staff_views.staff_fraud_attachment,
        name="staff_fraud_attachment",
    ),
]
