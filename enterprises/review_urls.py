"""Routes of the filing review screen, under /review/ (config/urls.py)."""

from django.urls import path

from . import review_views

urlpatterns = [
    path("", review_views.review_queue_page, name="review-queue"),
    path("filings/<int:pk>/", review_views.review_filing_page, name="review-filing"),
    path("filings/<int:pk>/approve/", review_views.review_approve_page, name="review-approve"),
    path("filings/<int:pk>/return/", review_views.review_return_page, name="review-return"),
]
