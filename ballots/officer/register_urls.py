"""URLs of the marked register: find a member, mark them as having voted on paper or at a meeting, undo.

Included under a ballot's manage pages.
"""

from django.urls import path

from ballots.officer.views.marked_register import MarkedRegisterUndoView, MarkedRegisterView

urlpatterns = [
    path("", MarkedRegisterView.as_view(), name="marked_register"),
    path("<int:entry_pk>/undo/", MarkedRegisterUndoView.as_view(), name="marked_register_undo"),
]
