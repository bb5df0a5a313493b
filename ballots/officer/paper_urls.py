"""URLs of paper batches: enter a batch's counts, a second officer confirms or rejects it.

Included under a ballot's manage pages.
"""

urlpatterns: list = []
