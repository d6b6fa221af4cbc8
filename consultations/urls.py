from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("consultations/<int:pk>/", views.window_detail, name="detail"),
    path("consultations/<int:pk>/comment/", views.comment, name="comment"),
    path("consultations/<int:pk>/report/", views.report, name="report"),
    path("consultations/<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("consultations/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("consultations/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("consultations/subscribe/", views.subscribe, name="subscribe"),
    path("consultations/subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path(
        "consultations/subscribe/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("consultations/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("consultations/receipt/<uuid:token>/", views.receipt, name="receipt"),
    path("consultations/moderation-policy/", views.moderation_policy, name="moderation_policy"),
]
