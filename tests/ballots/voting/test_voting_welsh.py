"""A bilingual ballot's voting pages in Welsh: chosen by the switch, the cookie or the browser, kept
from step to step by the form (no session), switched without losing the member's place, the same
length whichever way the member votes, with Welsh dates in UK time. A ballot that is not
bilingual stays English whatever the browser asks for."""

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone, translation

from ballots.voting.forms import CHOICE_OF_VALUE
from tests.ballots.voting.voting_pages import receipt_on, token_on
from tests.factories import open_ballot_with_voters

SITTING_MP = "Alexandra Featherstonehaugh-Ngo"


def welsh(msgid: str) -> str:
    with translation.override("cy"):
        return translation.gettext(msgid)


@pytest.fixture
def bilingual(constituency):
    return open_ballot_with_voters(
        constituency,
        voters=3,
        sitting_mp=SITTING_MP,
        bilingual=True,
        closes_at=timezone.make_aware(dt.datetime(2027, 12, 2, 21, 0)),
        opens_at=timezone.now() - dt.timedelta(days=1),
    )


def start_in(client, ballot, voter, language):
    return client.post(
        "/vote/",
        {
            "ballot": ballot.pk,
            "membership_number": voter.membership_number,
            "code": voter.code,
            "language": language,
        },
    )


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def test_the_catalogue_has_the_voting_words_in_welsh():
    assert welsh("Cast my vote") == "Bwrw fy mhleidlais"
    assert welsh("Your ballot paper") == "Eich papur pleidleisio"


def test_the_start_page_of_a_bilingual_ballot_opens_in_welsh_for_a_welsh_browser(client, bilingual):
    page = client.get("/vote/", HTTP_ACCEPT_LANGUAGE="cy")
    html = page.content.decode()
    assert lang_of(page) == "cy" and page["Content-Language"] == "cy"
    assert welsh("Vote in a trigger ballot") in html
    # The switch: a link to the same page in English, said in English.
    assert '<a href="?lang=en-gb" lang="en-GB" hreflang="en-GB">English</a>' in html


def test_the_switch_link_chooses_welsh_and_remembers_it_in_the_language_cookie(client, bilingual):
    page = client.get("/vote/?lang=cy")
    assert lang_of(page) == "cy"
    assert page.cookies["django_language"].value == "cy"
    assert not page.cookies.get("sessionid")  # a preference in a cookie, never a session
    again = client.get("/vote/")
    assert lang_of(again) == "cy"
    english = client.get("/vote/?lang=en-gb")
    assert lang_of(english) == "en-GB" and english.cookies["django_language"].value == "en-gb"


def test_a_ballot_that_is_not_bilingual_stays_english_whatever_the_browser_asks(client, constituency):
    open_ballot_with_voters(constituency, voters=1)
    page = client.get("/vote/?lang=cy", HTTP_ACCEPT_LANGUAGE="cy")
    html = page.content.decode()
    assert lang_of(page) == "en-GB"
    assert "Vote in a trigger ballot" in html and 'hreflang="cy"' not in html


def test_the_whole_journey_in_welsh_keeps_its_language_with_no_cookie(client, bilingual):
    ballot, [voter, *_] = bilingual
    paper = start_in(client, ballot, voter, "cy")
    html = unescape(paper.content.decode())
    assert lang_of(paper) == "cy"
    with translation.override("cy"):
        question = translation.gettext(
            "Do you want %(mp)s to be automatically reselected as the Labour candidate for %(constituency)s, "
            "or should there be an open selection?"
        ) % {"mp": SITTING_MP, "constituency": ballot.constituency.name}
    assert question in html and question.startswith("A ddylid ailddewis")
    assert f"Ailddewis {SITTING_MP} yn awtomatig" in html and "Cynnal dethol agored" in html
    # The closing time in Welsh, in UK time with the zone named.
    assert "2 Rhagfyr 2027, 21:00 GMT" in html
    assert 'name="language" value="cy"' in html
    confirmation = client.post("/vote/confirm/", {"token": token_on(paper), "choice": "open", "language": "cy"})
    assert lang_of(confirmation) == "cy" and "Bwrw fy mhleidlais" in confirmation.content.decode()
    receipt = client.post(
        "/vote/confirm/", {"token": token_on(confirmation), "choice": "open", "cast": "1", "language": "cy"}
    )
    assert lang_of(receipt) == "cy"
    assert welsh("Your vote has been cast") in unescape(receipt.content.decode())
    assert receipt_on(receipt)


def test_switching_language_on_the_paper_keeps_the_members_place_and_choice(client, bilingual):
    ballot, [voter, *_] = bilingual
    paper = start_in(client, ballot, voter, "cy")
    html = paper.content.decode()
    # The switch is a button of its own form: the same step again, with the token.
    assert 'name="switch_language" value="en-gb" lang="en-GB"' in html
    english = client.post(
        "/vote/ballot/", {"token": token_on(paper), "choice": "keep", "switch_language": "en-gb", "language": "cy"}
    )
    text = english.content.decode()
    assert lang_of(english) == "en-GB" and "Your ballot paper" in text
    assert 'value="keep" checked' in text
    assert english.cookies["django_language"].value == "en-gb"
    # On the confirmation, the switch shows the confirmation again: nothing is cast.
    confirmation = client.post("/vote/confirm/", {"token": token_on(english), "choice": "keep", "language": "en-gb"})
    again = client.post(
        "/vote/confirm/",
        {"token": token_on(confirmation), "choice": "keep", "switch_language": "cy", "language": "en-gb"},
    )
    assert lang_of(again) == "cy" and welsh("Check your vote") in unescape(again.content.decode())
    assert 'id="receipt-code"' not in again.content.decode()


def test_welsh_pages_are_as_long_whichever_way_the_member_chose(client, bilingual):
    ballot, [first, second, _] = bilingual
    paper = start_in(client, ballot, first, "cy")
    lengths = {
        value: len(client.post("/vote/confirm/", {"token": token_on(paper), "choice": value, "language": "cy"}).content)
        for value in CHOICE_OF_VALUE
    }
    assert len(set(lengths.values())) == 1
    receipts = []
    for voter, value in ((first, "keep"), (second, "open")):
        paper = start_in(client, ballot, voter, "cy")
        confirmation = client.post("/vote/confirm/", {"token": token_on(paper), "choice": value, "language": "cy"})
        receipts.append(
            client.post(
                "/vote/confirm/", {"token": token_on(confirmation), "choice": value, "cast": "1", "language": "cy"}
            )
        )
    assert receipt_on(receipts[0]) and receipt_on(receipts[1])
    assert len(receipts[0].content) == len(receipts[1].content)


def test_a_refusal_is_given_in_welsh(client, bilingual):
    ballot, [voter, *_] = bilingual
    response = client.post(
        "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": "WRONG", "language": "cy"}
    )
    assert response.status_code == 400 and lang_of(response) == "cy"
    with translation.override("cy"):
        wrong = translation.gettext(
            "We could not match that membership number and voting code. Check both and try again."
        )
    assert wrong in unescape(response.content.decode())


def test_the_ballots_own_welsh_question_is_shown_in_welsh_and_the_standard_in_english(client, constituency):
    ballot, [voter] = open_ballot_with_voters(
        constituency, voters=1, bilingual=True, question_cy="A ddylai'r AS sefyll eto heb ddethol agored?"
    )
    welsh_paper = unescape(start_in(client, ballot, voter, "cy").content.decode())
    assert "A ddylai'r AS sefyll eto heb ddethol agored?" in welsh_paper
    english_paper = unescape(start_in(client, ballot, voter, "en-gb").content.decode())
    assert "Do you want" in english_paper and "A ddylai" not in english_paper


def _words(response) -> set[str]:
    """The words a reader sees on the page (tags, scripts and the padding comment left out)."""
    html = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", response.content.decode(), flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return {word.casefold() for word in re.findall(r"[A-Za-z][A-Za-z'’]{3,}", text)}


def test_no_english_is_left_on_the_welsh_voting_pages(client, bilingual):
    """Each page in both languages: no English word of the English page (four letters or more)
    is on the Welsh page, but for the names it shows and the other language's own switch."""
    ballot, [voter, second, _] = bilingual
    # The names shown, the switch to English (in English), the zone, and the example codes.
    names = _words_of(ballot.constituency.name, SITTING_MP, "English", "Europe/London", "GMT", "ABCD-EFGH-JKMN-PQRS")

    def both(step):
        return step("en-gb"), step("cy")

    def paper(language):
        return start_in(client, ballot, voter, language)

    def confirmation(language):
        return client.post(
            "/vote/confirm/", {"token": token_on(paper(language)), "choice": "keep", "language": language}
        )

    pages = {
        "start": both(lambda language: client.get(f"/vote/?lang={language}")),
        "paper": both(paper),
        "confirmation": both(confirmation),
        "receipt check": both(lambda language: client.get(f"/vote/receipt/?lang={language}")),
    }
    for name, (english, welsh_page) in pages.items():
        assert lang_of(welsh_page) == "cy", name
        left = (_words(english) & _words(welsh_page)) - names
        assert not left, f"English on the Welsh {name} page: {sorted(left)}"


def _words_of(*texts: str) -> set[str]:
    return {word.casefold() for text in texts for word in re.findall(r"[A-Za-z][A-Za-z'’]{3,}", text)}
