from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path(
        "plans/<int:plan_number>/commitments/<int:number>/",
        views.commitment_detail,
        name="detail",
    ),
    path(
        "plans/<int:plan_number>/commitments/<int:number>/changes/",
        views.commitment_changes,
        name="changes",
    ),
]
