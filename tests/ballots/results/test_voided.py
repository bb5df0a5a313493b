"""A declared ballot that was voided keeps its figures and says, to every reader, that it was voided."""

from ballots.officer.services import ballot_void
from tests.factories import make_ballot_with_votes


def test_the_results_json_of_a_voided_ballot_says_when_and_why(db, client):
    ballot = make_ballot_with_votes()
    ballot_void(ballot=ballot, reason="The roll left out a whole ward.")

    data = client.get(f"/ballots/{ballot.pk}/results.json").json()

    assert data["ballot"]["status"] == "declared"
    assert data["ballot"]["voided"]["reason"] == "The roll left out a whole ward."
    assert data["ballot"]["voided"]["at"]


def test_the_results_json_of_a_ballot_that_stands_says_it_was_not_voided(db, client):
    ballot = make_ballot_with_votes()

    assert client.get(f"/ballots/{ballot.pk}/results.json").json()["ballot"]["voided"] is None


def test_the_results_page_of_a_voided_ballot_says_so_with_the_reason(db, client):
    ballot = make_ballot_with_votes()
    ballot_void(ballot=ballot, reason="The roll left out a whole ward.")

    page = client.get(f"/ballots/{ballot.pk}/results").content.decode()

    assert "This ballot was voided" in page
    assert "The roll left out a whole ward." in page
