from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("staff/people/", views.people_list, name="people"),
    path("staff/people/<int:pk>/", views.person_detail, name="person"),
    path("language/", views.set_language, name="set_language"),
    path("centre/", views.centre, name="centre"),
    path("centre/<int:code>/", views.centre, name="centre_of"),
]
