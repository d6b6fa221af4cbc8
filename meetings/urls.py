from django.urls import path

from core.page_cache import public_page

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/<int:pk>/", public_page(views.meeting_detail), name="detail"),
    path("meetings/<int:pk>/minutes.pdf", public_page(views.minutes_pdf_view), name="minutes_pdf"),
    path("bodies/<int:pk>/", public_page(views.body_detail), name="body_detail"),
]
