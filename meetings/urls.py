from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf_view, name="minutes_pdf"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
]
