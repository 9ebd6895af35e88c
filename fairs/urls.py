from django.urls import path

from fairs import views

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
    path("staff/fairs/", views.staff_list, name="staff_list"),
    path("staff/fairs/new/", views.fair_new, name="new"),
    path("staff/fairs/figures/", views.figures, name="figures"),
    path("staff/fairs/check-in/", views.check_in_fairs, name="check_in_fairs"),
    path("staff/fairs/<int:pk>/", views.staff_fair, name="staff_fair"),
    path("staff/fairs/<int:pk>/edit/", views.fair_edit, name="edit"),
    path("staff/fairs/<int:pk>/publish/", views.fair_publish, name="publish"),
    path("staff/fairs/<int:pk>/close/", views.fair_close, name="close"),
    path("staff/fairs/<int:pk>/cancel/", views.fair_cancel, name="cancel"),
    path("staff/fairs/<int:pk>/enterprises/add/", views.enterprise_add, name="enterprise_add"),
    path(
        "staff/fairs/<int:pk>/enterprises/<int:participation_pk>/remove/",
        views.enterprise_remove,
        name="enterprise_remove",
    ),
    path(
        "staff/fairs/<int:pk>/enterprises/<int:participation_pk>/orders/new/",
        views.job_order_add,
        name="job_order_add",
    ),
    path(
        "staff/fairs/<int:pk>/orders/<int:order_pk>/remove/",
        views.job_order_remove,
        name="job_order_remove",
    ),
    path("staff/fairs/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("staff/fairs/<int:pk>/registrations/new/", views.walk_in, name="walk_in"),
    path("staff/fairs/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("staff/fairs/<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("staff/fairs/<int:pk>/outcomes/<int:interview_pk>/offer/", views.offer, name="offer"),
    path(
        "staff/fairs/<int:pk>/outcomes/<int:interview_pk>/follow-up/",
        views.offer_follow_up,
        name="offer_follow_up",
    ),
]
