from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/<int:pk>/", views.window_detail, name="detail"),
    path("consultations/<int:pk>/comment/", views.comment, name="comment"),
    path("consultations/receipt/<uuid:token>/", views.receipt, name="receipt"),
    path("consultations/moderation-policy/", views.moderation_policy, name="moderation_policy"),
]
