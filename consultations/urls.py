from django.urls import path

from core.page_cache import public_page

from . import views

app_name = "consultations"

# The public pages are served from the anonymous page cache (core.page_cache), the window
# page and its comment form included: the form's tokens come from `comment_token`.
urlpatterns = [
    path("consultations/<int:pk>/", public_page(views.window_detail), name="detail"),
    path("consultations/<int:pk>/comment/", views.comment, name="comment"),
    path("consultations/<int:pk>/comment/token/", views.comment_token, name="comment_token"),
    path("consultations/<int:pk>/report/", public_page(views.report), name="report"),
    path("consultations/<int:pk>/report.csv", public_page(views.report_csv), name="report_csv"),
    path("consultations/<int:pk>/report.xlsx", public_page(views.report_xlsx), name="report_xlsx"),
    path("consultations/<int:pk>/report.pdf", public_page(views.report_pdf), name="report_pdf"),
    # The sign-up form's CSRF value comes from `subscribe_token`, as the comment form's do.
    path("consultations/subscribe/", public_page(views.subscribe), name="subscribe"),
    path("consultations/subscribe/token/", views.subscribe_token, name="subscribe_token"),
    path("consultations/subscribe/sent/", public_page(views.subscribe_sent), name="subscribe_sent"),
    path(
        "consultations/subscribe/confirm/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path("consultations/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("consultations/receipt/<uuid:token>/", views.receipt, name="receipt"),
    path(
        "consultations/moderation-policy/",
        public_page(views.moderation_policy),
        name="moderation_policy",
    ),
]
