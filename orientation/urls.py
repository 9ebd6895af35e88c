from django.urls import path

from orientation import views

app_name = "orientation"

urlpatterns = [
    path("orientation/", views.module_list, name="list"),
    path("orientation/<int:pk>/", views.module_detail, name="detail"),
    path("orientation/<int:pk>/audio.opus", views.module_audio, name="audio"),
]
