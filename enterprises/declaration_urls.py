"""Routes of the declaration screens, under /declarations/ (config/urls.py; the public list is /publicity/)."""

from django.urls import path

from . import declaration_review_views as review
from . import declaration_views as mine

urlpatterns = [
    path("", mine.declarations_home, name="declarations-home"),
    path("mine/", mine.my_declarations_page, name="my-declarations"),
    path("start/", mine.declaration_start, name="declaration-start"),
    path("<int:pk>/", mine.declaration_page, name="my-declaration"),
    path("<int:pk>/pdf/", mine.declaration_pdf_page, name="declaration-pdf"),
    path("<int:pk>/assessment/", mine.declaration_assessment_part, name="my-declaration-assessment"),
    path("<int:pk>/sign/", mine.declaration_sign_page, name="my-declaration-sign"),
    path("<int:pk>/submit/", mine.declaration_submit_page, name="my-declaration-submit"),
    path("review/", review.review_queue_page, name="declaration-review-queue"),
    path("review/<int:pk>/", review.review_page, name="declaration-review"),
    path("review/<int:pk>/objection/", review.objection_record_page, name="declaration-objection"),
    path("review/<int:pk>/<slug:step>/", review.review_step_page, name="declaration-step"),
    path("objections/<int:pk>/decide/", review.objection_decide_page, name="declaration-objection-decide"),
    path("rounds/", review.rounds_page, name="declaration-rounds"),
    path("rounds/<int:pk>/close/", review.round_close_page, name="declaration-round-close"),
    path("rounds/<int:pk>/publicity-dates/", review.round_publicity_dates_page, name="declaration-round-dates"),
    path("rounds/<int:pk>/publicity/", review.round_publicity_page, name="declaration-round-publicity"),
]
