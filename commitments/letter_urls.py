"""Workspace URLs for approval letters (namespace `manage`)."""

from django.urls import path

from . import letters

urlpatterns = [
    path("commitments/<int:pk>/letters/", letters.letter_list, name="letter_list"),
    path("commitments/<int:pk>/letters/new/", letters.letter_create, name="letter_create"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/print/", letters.letter_print, name="letter_print"),
    path("letters/<int:pk>/letter.pdf", letters.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/reply/", letters.letter_reply, name="letter_reply"),
    path("letters/<int:pk>/changes/", letters.letter_changes, name="letter_changes"),
    path("letters/<int:pk>/scan/", letters.letter_scan, name="letter_scan"),
]
