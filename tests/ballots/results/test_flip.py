"""The results page's smallest-flip sentence: worked out once for the same figures."""

from ballots.results import flip
from ballots.results.presenter import ballot_result
from tests.ballots.results.test_counting import AFFILIATES, WARDS
from tests.factories import make_ballot_with_votes


def test_the_smallest_flip_sentence_is_worked_out_once_for_the_same_figures(db, monkeypatch):
    calls = []

    class FakeFlip:
        def sentence(self):
            return "The result would have changed if 1 affiliate had voted differently."

    def fake_smallest_flip(scenario):
        calls.append(scenario)
        return FakeFlip()

    monkeypatch.setattr(flip, "smallest_flip", fake_smallest_flip)
    monkeypatch.setattr(flip, "_FLIP_MEMO", {})
    ballot = make_ballot_with_votes(wards=WARDS, affiliates=AFFILIATES)
    first = ballot_result(ballot, public=False).flip
    second = ballot_result(ballot, public=False).flip
    assert first == second == FakeFlip().sentence()
    assert len(calls) == 1
