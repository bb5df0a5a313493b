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

        def sentence_in(self, translations, *, explained=False):
            return self.sentence()

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


def test_the_results_page_gives_the_smallest_flip_with_two_hundred_affiliates(db, client, monkeypatch):
    monkeypatch.setattr(flip, "_FLIP_MEMO", {})
    # 101 for reselection, 99 for open selection: members tied on branches, the affiliates decide.
    affiliates = tuple(
        (f"Branch {n:03d} of the union", "trade_union", "reselect" if n < 101 else "open", 10) for n in range(200)
    )
    ballot = make_ballot_with_votes(wards=(("Barton", 30, 20, 60), ("Northgate", 10, 25, 40)), affiliates=affiliates)
    page = client.get(f"/ballots/{ballot.pk}/results").content.decode()
    assert "Reselected" in page or "reselected" in page
    # Two affiliates switching from reselect to open would make it 99 to 101: open selection.
    assert "if 2 affiliates had voted differently" in page
