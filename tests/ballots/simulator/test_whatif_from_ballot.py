"""The what-if loaded from a ballot: linked from its result, loaded with what the reader may
see (the public figures for anyone once declared, every count for its officers), every edited
figure marked against the real result in words, the outcome change in one sentence, and a
reset back to the real figures; all without JavaScript.
"""

from django.urls import reverse

from ballots.models import TriggerBallot
from tests.ballots.simulator.test_pages import WHATIF, _closed_ballot, formset

DECLARED = TriggerBallot.Status.DECLARED


def _posted(ballot, branches, affiliates):
    data = {"s-rules": "labour-2021", "s-tied_branch": "split", "action": "recount", "ballot": str(ballot.pk)}
    data |= formset("b", branches, ("name", "reselect", "open", "outcome"))
    data |= formset("a", affiliates, ("name", "vote", "members"))
    return data


REAL_BRANCHES = [("Barton", "5", "1", ""), ("Northgate", "2", "4", ""), ("Westgate", "0", "0", "")]


def test_a_declared_result_links_to_its_what_if_and_to_what_would_have_flipped_it(client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    page = client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    assert f'href="{WHATIF}?ballot={ballot.pk}"' in page
    assert f'href="{WHATIF}?ballot={ballot.pk}#flip"' in page
    assert "What would have flipped it" in page


def test_anyone_loads_a_declared_ballot_as_the_public_results_show_it(client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    response = client.get(WHATIF, {"ballot": ballot.pk})
    assert response.status_code == 200
    rows = {
        f.initial["name"]: (f.initial["reselect"], f.initial["open"], f.initial["outcome"])
        for f in response.context["branches"]
    }
    # Barton and Northgate had fewer than ten votes: withheld in public, so only their results.
    assert rows == {"Barton": (None, None, "reselect"), "Northgate": (None, None, "open"), "Westgate": (0, 0, "")}
    page = response.content.decode()
    assert "withheld on the public results" in page and "as its public results show it" in page


def test_a_withheld_wards_counts_stay_out_of_a_posted_public_what_if(client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    rows = [("Barton", None, None, "reselect"), ("Northgate", None, None, "open"), ("Westgate", "0", "0", "")]
    response = client.post(WHATIF, _posted(ballot, rows, [("Unite Canterbury", "open", "300")]))
    assert response.context["difference_sentence"].startswith("These are the ballot's real figures")
    assert response.context["loaded"].public


def test_an_undeclared_ballot_is_still_only_for_its_officers(client, constituency, wards):
    ballot = _closed_ballot(constituency, wards)
    assert client.get(WHATIF, {"ballot": ballot.pk}).status_code == 302
    # A posted scenario naming it gets no real figures to compare with.
    response = client.post(WHATIF, _posted(ballot, REAL_BRANCHES, [("Unite Canterbury", "open", "300")]))
    assert "difference_sentence" not in response.context


def test_every_edited_figure_is_marked_against_the_real_result_in_words(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    branches = [("Barton", "5", "4", ""), ("Northgate", "2", "4", ""), ("Westgate", "0", "0", "")]
    response = officer_client.post(WHATIF, _posted(ballot, branches, [("Unite Canterbury", "reselect", "300")]))
    marks = dict(
        zip(
            [f["name"].value() for f, _ in response.context["branch_rows"]],
            [m for _, m in response.context["branch_rows"]],
            strict=True,
        )
    )
    assert marks == {"Barton": {"open": "real: 1"}, "Northgate": {}, "Westgate": {}}
    assert response.context["affiliate_rows"][0][1] == {"vote": "real: open"}
    page = response.content.decode()
    assert "real: 1" in page and "real: open" in page
    assert "2 figures differ from the real result" in page


def test_the_outcome_change_is_one_sentence_naming_the_change(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    # The real result is an open selection (the one affiliate voted open).
    response = officer_client.post(WHATIF, _posted(ballot, REAL_BRANCHES, [("Unite Canterbury", "reselect", "300")]))
    assert response.context["difference_sentence"] == (
        "With Unite Canterbury voting reselect instead of open the MP would have been reselected."
    )
    branches = [("Barton", "5", "4", ""), ("Northgate", "2", "4", ""), ("Westgate", "0", "0", "")]
    response = officer_client.post(WHATIF, _posted(ballot, branches, [("Unite Canterbury", "open", "300")]))
    assert response.context["difference_sentence"] == (
        "With 3 more open votes in Barton the result would have been the same: open selection."
    )


def test_a_reset_link_returns_to_the_real_figures(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=DECLARED)
    response = officer_client.post(WHATIF, _posted(ballot, REAL_BRANCHES, [("Unite Canterbury", "reselect", "300")]))
    page = response.content.decode()
    assert f'<a href="{WHATIF}?ballot={ballot.pk}">Reset to the real figures</a>' in page
    assert f'<input type="hidden" name="ballot" value="{ballot.pk}">' in page
    reset = officer_client.get(WHATIF, {"ballot": ballot.pk})
    assert [f.initial["vote"] for f in reset.context["affiliates"]] == ["open"]
