"""Routes of the lease board (租控表), under /board/: the board, letting a vacant unit, the import page (tenancies,
and the other kinds it offers)."""

from django.urls import path

from . import board_views

urlpatterns = [
    path("", board_views.board, name="board"),
    path("units/<int:pk>/let/", board_views.unit_let, name="board-let"),
    path("import/", board_views.import_page, name="board-import"),
]
