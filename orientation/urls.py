from django.urls import path

from orientation import staff_views, views

app_name = "orientation"

urlpatterns = [
    path("orientation/", views.module_list, name="list"),
    path("orientation/<int:pk>/", views.module_detail, name="detail"),
    path("orientation/<int:pk>/audio.opus", views.module_audio, name="audio"),
    path("orientation/<int:pk>/audio.mp3", views.module_audio_mp3, name="audio_mp3"),
    path("orientation/<int:pk>/picture.webp", views.module_image, name="image"),
    path(
        "orientation/<int:pk>/questions/<int:question_pk>/audio.opus",
        views.question_audio,
        name="question_audio",
    ),
    path(
        "orientation/<int:pk>/questions/<int:question_pk>/audio.mp3",
        views.question_audio_mp3,
        name="question_audio_mp3",
    ),
    path(
        "orientation/<int:pk>/questions/<int:question_pk>/picture.webp",
        views.question_image,
        name="question_image",
    ),
    path("staff/lessons/", staff_views.staff_list, name="staff_list"),
    path("staff/lessons/new/", staff_views.staff_create, name="staff_create"),
    path("staff/lessons/<int:pk>/", staff_views.staff_edit, name="staff_edit"),
    path("staff/lessons/<int:pk>/publish/", staff_views.staff_publish, name="staff_publish"),
    path("staff/lessons/<int:pk>/unpublish/", staff_views.staff_unpublish, name="staff_unpublish"),
]
