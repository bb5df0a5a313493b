"""URLs of the marked register: find a member, mark them as having voted on paper or at a meeting, undo.

Included under a ballot's manage pages.
"""

urlpatterns: list = []
