"""A bilingual ballot's results page in Welsh: chosen by the switch, the cookie or the browser; the same figures.

The Welsh words come from the project's catalogue, compiled from every fragment; these tests
do not depend on it being compiled yet. They check the structure (the lang attribute, the
switch, ``Content-Language``, the figures), and they expect translated text to be whatever
``gettext`` gives under ``override("cy")``: Welsh once the catalogue has it, English before.
Django's own Welsh (month names) is always there.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from ballots.results import flip
from ballots.results.disclosure import disclosure_note
from tests.factories import make_ballot_with_votes

DECLARED_AT = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)  # "1 Rhagfyr 2026" in Welsh
SWITCH_TO_ENGLISH = '<a href="?lang=en-gb" lang="en-GB" hreflang="en-GB">English</a>'
SWITCH_TO_WELSH = '<a href="?lang=cy" lang="cy" hreflang="cy">Cymraeg</a>'
# Eastry (7 votes) is below the disclosure threshold: withheld, with the note saying why.
SMALL_WARD = (("Barton", 30, 20, 60), ("Northgate", 10, 25, 40), ("Eastry", 4, 3, 20))


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request that chose Welsh leaves it active in this thread; the tests after this one expect English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def bilingual_ballot(constituency):
    return make_ballot_with_votes(
        constituency=constituency, bilingual=True, declared_at=DECLARED_AT, closed_at=DECLARED_AT, rules="labour-2021"
    )


def _url(ballot, **query):
    url = reverse("ballots:results", args=[ballot.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _in(language, message, **values):
    """The message as a template's blocktranslate shows it in ``language`` (its values escaped)."""
    with translation.override(language):
        text = gettext(message)
    return text % {key: escape(value) for key, value in values.items()} if values else text


def _figures(html):
    """Every figure the page gives: its table cells of numbers and the chart's shares, in order."""
    cells = [cell for cell in re.findall(r'<td class="num"[^>]*>([^<]*)<', html) if re.fullmatch(r"[\d.,%]+", cell)]
    shares = re.findall(r'data-share="([^"]*)"', html)
    return cells, shares


def _welsh_page(client, ballot, how):
    if how == "switch":
        return client.get(_url(ballot, lang="cy"))
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        return client.get(_url(ballot))
    return client.get(_url(ballot), headers={"accept-language": "cy"})


@pytest.mark.parametrize("how", ["switch", "cookie", "browser"])
def test_a_bilingual_ballots_page_is_in_welsh_when_the_reader_chooses_it(client, bilingual_ballot, how):
    response = _welsh_page(client, bilingual_ballot, how)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy">' in html
    assert response["Content-Language"] == "cy"
    assert SWITCH_TO_ENGLISH in html
    heading = _in(
        "cy", "Trigger ballot result: %(mp)s, %(constituency)s", mp="Rosie Duffield", constituency="Canterbury"
    )
    assert f'<h1 id="results-heading">{heading}</h1>' in html


def test_a_bilingual_ballots_page_is_english_with_a_switch_to_welsh_by_default(client, bilingual_ballot):
    response = client.get(_url(bilingual_ballot))
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert response["Content-Language"] == "en-gb"
    assert SWITCH_TO_WELSH in html
    assert '<h1 id="results-heading">Trigger ballot result: Rosie Duffield, Canterbury</h1>' in html


def test_a_welsh_page_gives_its_dates_with_welsh_month_names(client, bilingual_ballot):
    html = client.get(_url(bilingual_ballot, lang="cy")).content.decode()
    with translation.override("cy"):
        declared = date_format(timezone.localtime(DECLARED_AT), "j F Y, H:i T")
    assert "Rhagfyr 2026" in declared
    assert _in("cy", "Declared at %(declared)s.", declared=declared) in html
    assert "December" not in html


def test_a_ballot_that_is_not_bilingual_stays_english_whatever_the_browser_asks(client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, bilingual=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get(_url(ballot, lang="cy"), headers={"accept-language": "cy"})
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert response["Content-Language"] == "en-gb"
    assert 'class="language-switch"' not in html
    assert "Trigger ballot result: Rosie Duffield, Canterbury" in html


def test_choosing_welsh_with_the_switch_sets_the_language_cookie_for_the_next_page(client, bilingual_ballot):
    response = client.get(_url(bilingual_ballot, lang="cy"))
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    # The next page, reached with no switch, keeps the reader's Welsh.
    assert '<html lang="cy">' in client.get(_url(bilingual_ballot)).content.decode()
    back = client.get(_url(bilingual_ballot, lang="en-gb"))
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en-gb"
    assert '<html lang="en-GB">' in back.content.decode()


def test_a_page_reached_with_no_switch_sets_no_cookie(client, bilingual_ballot):
    response = client.get(_url(bilingual_ballot), headers={"accept-language": "cy"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_keeps_the_rest_of_the_address(officer_client, bilingual_ballot):
    html = officer_client.get(_url(bilingual_ballot, view="public", lang="cy")).content.decode()
    assert '<a href="?view=public&amp;lang=en-gb" lang="en-GB" hreflang="en-GB">English</a>' in html


def test_the_same_figures_appear_in_both_languages(client, bilingual_ballot):
    english = client.get(_url(bilingual_ballot, lang="en-gb")).content.decode()
    welsh = client.get(_url(bilingual_ballot, lang="cy")).content.decode()
    cells, shares = _figures(english)
    assert cells[:2] == ["30", "20"]  # Barton: 30 for reselection, 20 for open selection
    assert len(shares) >= 2
    assert _figures(welsh) == (cells, shares)


def test_the_same_figures_appear_in_both_languages_on_the_officers_page(officer_client, bilingual_ballot):
    english = officer_client.get(_url(bilingual_ballot, lang="en-gb")).content.decode()
    welsh = officer_client.get(_url(bilingual_ballot, lang="cy")).content.decode()
    assert _figures(english) == _figures(welsh)
    assert _figures(english)[0]


def test_the_presenters_words_are_in_the_pages_language(client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, wards=SMALL_WARD, bilingual=True)
    for language in ("cy", "en-gb"):
        html = client.get(_url(ballot, lang=language)).content.decode()
        with translation.override(language):
            note = disclosure_note(threshold=10, withheld=1, pooled=False)
            withheld = gettext("withheld")
            status = str(ballot.get_status_display())
        assert escape(note) in html
        # The template's own words are given as the catalogue has them; the presenter's are escaped.
        assert f'<td class="num" colspan="2">{withheld}<span class="visually-hidden">' in html
        assert f'<span class="status status-declared">{escape(status)}</span>' in html


def test_a_bilingual_page_says_it_varies_by_the_language_cookie_and_the_browsers_language(client, bilingual_ballot):
    vary = client.get(_url(bilingual_ballot))["Vary"]
    assert "Cookie" in vary
    assert "Accept-Language" in vary


def test_the_json_and_csv_stay_english_when_the_reader_chose_welsh(client, bilingual_ballot):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.get(_url(bilingual_ballot, lang="cy"))
    json_url = reverse("ballots:results_json", args=[bilingual_ballot.pk])
    response = client.get(json_url, headers={"accept-language": "cy"})
    assert response["Content-Language"] == "en-gb"
    assert response.json()["explanation"].startswith("Counted under")
    response = client.get(reverse("ballots:results_csv", args=[bilingual_ballot.pk]))
    csv = b"".join(response.streaming_content).decode()
    assert csv.splitlines()[1].startswith("members,Barton,ward branch,30,20,")


class _LanguageTaggedFlip:
    """A flip whose sentence says which language it was written in."""

    def sentence_in(self, translations, *, explained=False):
        return f"Worked out in {translation.get_language()}."

    def affiliate_sentence(self, *, explained=False, translations=None):
        return f"tagged in {translation.get_language()}"


@pytest.fixture
def language_tagged_flip(monkeypatch):
    """The flip search counted; its sentence says which language was active when it was written."""
    searches = []
    monkeypatch.setattr(flip, "_FLIP_MEMO", {})
    monkeypatch.setattr(flip, "smallest_flip", lambda scenario: searches.append(scenario) or _LanguageTaggedFlip())
    return searches


def test_no_sentence_written_for_an_english_page_is_shown_on_a_welsh_one(
    client, bilingual_ballot, language_tagged_flip
):
    english = client.get(_url(bilingual_ballot, lang="en-gb")).content.decode()
    welsh = client.get(_url(bilingual_ballot, lang="cy")).content.decode()
    english_again = client.get(_url(bilingual_ballot, lang="en-gb")).content.decode()
    assert "Worked out in en-gb." in english and "Worked out in en-gb." in english_again
    assert "Worked out in cy." in welsh and "Worked out in en-gb." not in welsh
    assert "Worked out in cy." not in english_again


def test_no_sentence_written_for_a_welsh_page_is_shown_on_an_english_one_nor_in_the_json(
    client, bilingual_ballot, language_tagged_flip
):
    welsh = client.get(_url(bilingual_ballot, lang="cy")).content.decode()
    english = client.get(_url(bilingual_ballot, lang="en-gb")).content.decode()
    data = client.get(reverse("ballots:results_json", args=[bilingual_ballot.pk])).json()
    assert "Worked out in cy." in welsh
    assert "Worked out in en-gb." in english and "Worked out in cy." not in english
    assert data["smallest_flip"] == "Worked out in en-gb."


def test_the_flip_is_searched_for_once_and_written_in_each_pages_language(db, language_tagged_flip, bilingual_ballot):
    from ballots.results.presenter import ballot_result

    with translation.override("cy"):
        first = ballot_result(bilingual_ballot, public=False).flip
    with translation.override("en-gb"):
        second = ballot_result(bilingual_ballot, public=False).flip
    with translation.override("cy"):
        third = ballot_result(bilingual_ballot, public=False).flip
    assert (first, second, third) == ("Worked out in cy.", "Worked out in en-gb.", "Worked out in cy.")
    assert len(language_tagged_flip) == 1 and len(flip._FLIP_MEMO) == 1


def test_the_results_not_yet_available_page_of_a_bilingual_ballot_is_in_welsh(officer_client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, status="closed", counted_at=None, bilingual=True)
    response = officer_client.get(_url(ballot, lang="cy"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="cy">' in html
    assert SWITCH_TO_ENGLISH in html
    assert f"<h1>{_in('cy', 'Results not yet available')}</h1>" in html
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
