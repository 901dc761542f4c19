"""Routes of the lease board (租控表), under /board/: the board, letting a vacant unit, the tenancy import."""

from django.urls import path

from . import board_views

urlpatterns = [
    path("", board_views.board, name="board"),
    path("units/<int:pk>/let/", board_views.unit_let, name="board-let"),
    path("import/", board_views.tenancy_import, name="board-import"),
]
