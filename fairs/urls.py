from django.urls import path

from fairs import staff_views, views

app_name = "fairs"

urlpatterns = [
    path("fairs/", views.fair_list, name="list"),
    path("fairs/<int:pk>/", views.fair_detail, name="detail"),
    path("fairs/<int:pk>/register/", views.register, name="register"),
    path("fairs/tickets/sw.js", views.ticket_service_worker, name="ticket_sw"),
    path("fairs/tickets/<int:pk>/", views.ticket, name="ticket"),
    path("fairs/tickets/<int:pk>/calendar.ics", views.ticket_calendar, name="ticket_ics"),
    path("fairs/tickets/<int:pk>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("me/fairs/", views.my_tickets, name="my_tickets"),
    path("staff/fairs/", staff_views.staff_list, name="staff_list"),
    path("staff/fairs/new/", staff_views.fair_new, name="new"),
    path("staff/fairs/figures/", staff_views.figures, name="figures"),
    path("staff/fairs/check-in/", staff_views.check_in_fairs, name="check_in_fairs"),
    path("staff/fairs/<int:pk>/", staff_views.staff_fair, name="staff_fair"),
    path("staff/fairs/<int:pk>/edit/", staff_views.fair_edit, name="edit"),
    path("staff/fairs/<int:pk>/publish/", staff_views.fair_publish, name="publish"),
    path("staff/fairs/<int:pk>/close/", staff_views.fair_close, name="close"),
    path("staff/fairs/<int:pk>/cancel/", staff_views.fair_cancel, name="cancel"),
    path(
        "staff/fairs/<int:pk>/enterprises/add/", staff_views.enterprise_add, name="enterprise_add"
    ),
    path(
        "staff/fairs/<int:pk>/enterprises/<int:participation_pk>/remove/",
        staff_views.enterprise_remove,
        name="enterprise_remove",
    ),
    path(
        "staff/fairs/<int:pk>/enterprises/<int:participation_pk>/orders/new/",
        staff_views.job_order_add,
        name="job_order_add",
    ),
    path(
        "staff/fairs/<int:pk>/orders/<int:order_pk>/remove/",
        staff_views.job_order_remove,
        name="job_order_remove",
    ),
    path("staff/fairs/<int:pk>/registrations/", staff_views.registrations, name="registrations"),
    path("staff/fairs/<int:pk>/registrations/new/", staff_views.walk_in, name="walk_in"),
    path("staff/fairs/<int:pk>/check-in/", staff_views.check_in, name="check_in"),
    path("staff/fairs/<int:pk>/outcomes/", staff_views.outcomes, name="outcomes"),
    path(
        "staff/fairs/<int:pk>/outcomes/<int:interview_pk>/offer/", staff_views.offer, name="offer"
    ),
    path(
        "staff/fairs/<int:pk>/outcomes/<int:interview_pk>/follow-up/",
        staff_views.offer_follow_up,
        name="offer_follow_up",
    ),
]
