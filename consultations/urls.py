from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/<int:pk>/", views.window_detail, name="detail"),
]
