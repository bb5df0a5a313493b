"""The forecast's shortcuts give the figures the long way gives.

Which fields a decision reads is found by a recorder, and pivotal entries use it to decide
fewer changes; the shares' quantiles come from a tally of distinct values rather than every
share kept. Each is checked against the long way.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.simulation.forecast import ShareTally
from ballots.simulation.vectorised import fields_read


def test_the_recorder_finds_the_fields_each_way_of_counting_reads():
    default = {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"}
    reads = fields_read("labour-2021", default)
    assert reads == {"n_reselect", "n_open", "n_tied", "a_reselect", "a_open"}
    individual = fields_read("labour-2021", {**default, "member_counting": "individual"})
    assert {"v_reselect", "v_open"} <= individual and "n_open" not in individual
    weighted = fields_read("labour-2021", {**default, "affiliate_counting": "weighted"})
    assert {"m_reselect", "m_open"} <= weighted and "a_open" not in weighted
    assert fields_read("labour-2018", {"tied_branch": "split"}) == reads


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=60), min_size=1, max_size=4), st.integers(1, 9))
def test_the_tally_of_shares_gives_numpys_mean_and_quantiles(chunks, denominator):
    tally = ShareTally()
    arrays = [np.array(chunk, dtype=float) / denominator for chunk in chunks]
    for array in arrays:
        tally.add(array)
    every = np.concatenate(arrays)
    for q in (0.05, 0.5, 0.95):
        assert tally.quantile(q) == float(np.quantile(every, q))
    assert abs(tally.mean() - float(every.mean())) < 1e-12
