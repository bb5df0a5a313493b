"""Results of a trigger ballot: its pages, JSON and CSV, each module one job.

``selectors`` reads the tallies from the database; ``scenario`` turns a ballot into the
counting engine's input (the one function the simulator uses too); ``disclosure`` decides
what a public page withholds; ``presenter`` builds :class:`~.presenter.BallotResult`, what a
page shows; ``exports`` gives the JSON and the CSV; ``charts`` the SVG; ``flip`` the
"what would change it" sentence; ``views`` and ``urls`` the pages.
"""
