from django.urls import path

from core.page_cache import public_page

from . import views

app_name = "commitments"

urlpatterns = [
    path(
        "plans/<int:plan_number>/commitments/<int:number>/",
        public_page(views.commitment_detail),
        name="detail",
    ),
    path(
        "plans/<int:plan_number>/commitments/<int:number>/changes/",
        public_page(views.commitment_changes),
        name="changes",
    ),
]
