from django.urls import path

from assistance import views

app_name = "assistance"

urlpatterns = [
    path("me/help/", views.mine, name="mine"),
    path("me/help/new/", views.new, name="new"),
    path("me/help/<int:pk>/", views.detail, name="request"),
    path("help/photos/<int:pk>", views.photo, name="photo"),
    path("staff/help/", views.staff_list, name="staff_list"),
    path("staff/help/<int:pk>/", views.staff_request, name="staff_request"),
    path("staff/help/<int:pk>/<slug:action>/", views.staff_action, name="staff_action"),
    path("staff/workers/<int:pk>/help/new/", views.staff_new, name="staff_new"),
]
