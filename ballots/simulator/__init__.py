"""The simulator's pages: what-if and forecast (``views``, ``urls``), their ``forms``, the
scenarios they start from (``selectors``) and the forecast's histogram (``charts``).

The model itself is ``ballots.simulation``; a ballot is loaded through the results' own
``ballots.results.scenario.ballot_scenario``.
"""
