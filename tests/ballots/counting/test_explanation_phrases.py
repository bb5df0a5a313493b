"""Explanations and flip sentences are translatable without losing a figure.

Through English (``gettext.NullTranslations``) they are exactly the English text; through a
translation that marks every message, every figure comes through unchanged and no
placeholder is left; every message id used when rendering is one that xgettext extracts with
Django's keywords, so the catalogue can hold it; and the Welsh catalogue translates all of
them, keeping every figure.
"""

import ast
import gettext
import importlib.util
import io
import re
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.counting import RULE_SETS, Result, count, get_rule_set
from ballots.counting.phrases import ENGLISH, Joined, Phrase, gettext_lazy, ngettext_lazy, render
from ballots.counting.rules._words import TIE_WORDS
from ballots.simulation import Flip, smallest_flip
from tests.ballots.counting.test_counting_properties import scenarios

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted((ROOT / "ballots" / "counting").rglob("*.py")) + [
    ROOT / "ballots" / "simulation" / "flip.py",
    ROOT / "ballots" / "simulation" / "flip_words.py",
]
# The site's Welsh catalogue, compiled as committed (tests/config/test_catalogues.py checks it is its .po).
WELSH = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.mo"
FEW = settings(max_examples=60, deadline=None)
# Percentages, exact fractions and counts: what a translation must never change.
FIGURE = re.compile(r"\d+/\d+|\d+(?:\.\d+)?%?")
VOTES = ("reselect", "open", "abstain", "none")


class Marked:
    """A translation that wraps every message in guillemets, choosing singular or plural by n."""

    def gettext(self, message):
        return f"«{message}»"

    def ngettext(self, singular, plural, n):
        return f"«{singular if n == 1 else plural}»"


class Recording(gettext.NullTranslations):
    """English, noting every message id asked for: ``(msgid,)`` or ``(msgid, msgid_plural)``."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def gettext(self, message):
        self.ids.add((message,))
        return super().gettext(message)

    def ngettext(self, singular, plural, n):
        self.ids.add((singular, plural))
        return super().ngettext(singular, plural, n)


def figures(text):
    return Counter(FIGURE.findall(text))


@st.composite
def flips(draw):
    """Flip objects built directly, reaching the wordings a real search rarely gives."""
    wards = st.text("HSTW", min_size=1, max_size=3)
    member_change = st.tuples(wards, st.integers(1, 9), st.sampled_from(["open", "reselect"]))
    affiliate_change = st.tuples(wards, st.sampled_from(VOTES), st.sampled_from(VOTES))
    return Flip(
        rules="labour-2021",
        options={},
        outcome=draw(st.sampled_from(["reselected", "open_selection"])),
        member_votes=draw(st.sampled_from([None, 0, 1, 2, 11])),
        member_changes=tuple(draw(st.lists(member_change, max_size=4))),
        affiliates=draw(st.sampled_from([None, 0, 1, 3])),
        affiliate_changes=tuple(draw(st.lists(affiliate_change, max_size=4))),
        member_alternatives=tuple(draw(st.lists(st.tuples(member_change), max_size=6))),
        affiliate_alternatives=tuple(draw(st.lists(st.tuples(affiliate_change), max_size=6))),
        members_pooled=draw(st.booleans()),
        alternatives_complete=draw(st.booleans()),
    )


def texts(scenario, translations):
    """The explanation and both flip sentences of a scenario, through ``translations``."""
    flip = smallest_flip(scenario)
    return [
        count(scenario).explanation_in(translations),
        flip.sentence_in(translations),
        flip.sentence_in(translations, explained=True),
    ]


def flip_texts(flip, translations):
    return [
        flip.sentence_in(translations),
        flip.sentence_in(translations, explained=True),
        flip.member_sentence(explained=True, translations=translations) or "",
        flip.affiliate_sentence(explained=True, translations=translations) or "",
    ]


# ------------------------------------------------------------------------- English


@FEW
@given(scenario=scenarios(max_branches=5, max_affiliates=5))
def test_through_english_the_explanation_and_flip_sentences_are_exactly_the_english_text(scenario):
    result, flip = count(scenario), smallest_flip(scenario)
    assert result.explanation_in(gettext.NullTranslations()) == result.explanation
    assert result.to_dict()["explanation"] == result.explanation
    assert flip.sentence_in(gettext.NullTranslations()) == flip.sentence() == flip.description
    assert flip.sentence_in(gettext.NullTranslations(), explained=True) == flip.explained


@FEW
@given(flip=flips())
def test_through_english_a_flip_built_by_hand_reads_exactly_as_its_english_sentence(flip):
    assert flip.sentence_in(gettext.NullTranslations()) == flip.sentence()
    assert flip.sentence_in(gettext.NullTranslations(), explained=True) == flip.explained


def test_a_rule_set_that_gives_plain_text_has_it_returned_as_it_is_in_any_language():
    rule_set = get_rule_set("labour-2021")
    result = Result(
        rule_set=rule_set,
        options={},
        ignored_options={},
        open_selection=True,
        open_share=None,
        sections=[],
        threshold=rule_set.threshold,
        no_valid_votes=False,
        explanation=lambda result: "Counted our own way: 67% wanted it.",
    )
    assert result.explanation_in(Marked()) == result.explanation == "Counted our own way: 67% wanted it."


def test_the_default_explanation_is_translated_with_the_rule_sets_title():
    rule_set = get_rule_set("labour-2018")
    result = Result(
        rule_set=rule_set,
        options={},
        ignored_options={},
        open_selection=False,
        open_share=None,
        sections=[],
        threshold=rule_set.threshold,
        no_valid_votes=False,
    )
    assert result.explanation == f"Counted under {rule_set.title}. The MP is reselected."
    assert result.explanation_in(Marked()) == f"«Counted under «{rule_set.title}». The MP is reselected.»"


# ---------------------------------------------------------------- figures survive


@FEW
@given(scenario=scenarios(max_branches=6, max_affiliates=6))
def test_a_translation_keeps_every_figure_of_the_explanation_and_leaves_no_placeholder(scenario):
    for english, marked in zip(texts(scenario, gettext.NullTranslations()), texts(scenario, Marked()), strict=True):
        assert figures(marked) == figures(english)
        assert "%(" not in marked
        assert marked.replace("«", "").replace("»", "") == english


@FEW
@given(flip=flips())
def test_a_translation_keeps_every_figure_of_a_flip_sentence_built_by_hand(flip):
    for english, marked in zip(flip_texts(flip, gettext.NullTranslations()), flip_texts(flip, Marked()), strict=True):
        assert figures(marked) == figures(english)
        assert "%(" not in marked
        assert marked.replace("«", "").replace("»", "") == english


def test_a_percentage_is_translated_as_a_figure_not_a_word():
    result = count({"branches": [{"name": "Heron", "reselect": 8, "open": 3}], "affiliates": []}, "labour-2021")
    english, marked = result.explanation, result.explanation_in(Marked())
    assert "100.000%" in english
    assert "100.000%" in marked and "«100.000%»" not in marked


def test_a_nested_phrase_is_rendered_through_the_same_translation():
    inner = ngettext_lazy("%(n)s branch", "%(n)s branches", 2, n=2)
    outer = gettext_lazy("Of %(what)s, %(share)s chose open", what=inner, share="33.333%")
    assert outer.render(Marked()) == "«Of «2 branches», 33.333% chose open»"
    assert render(Joined((outer, "."), ""), gettext.NullTranslations()) == "Of 2 branches, 33.333% chose open."


def test_a_faulty_translation_falls_back_to_the_english_with_the_same_figures():
    class Faulty:
        def gettext(self, message):
            return "%(misspelt)s"

        def ngettext(self, singular, plural, n):
            return "100%"

    assert gettext_lazy("%(n)s abstained", n=3).render(Faulty()) == "3 abstained"
    assert ngettext_lazy("%(n)s unit", "%(n)s units", 2, n=2).render(Faulty()) == "2 units"


def test_a_plural_phrase_needs_its_count():
    with pytest.raises(ValueError):
        Phrase("%(n)s branch", {"n": 1}, plural="%(n)s branches")


# --------------------------------------------------------------- the catalogue


def django_keywords():
    """The --keyword options Django's makemessages gives xgettext, read from its own source."""
    spec = importlib.util.find_spec("django")
    source = Path(spec.origin).parent / "core" / "management" / "commands" / "makemessages.py"
    return sorted(set(re.findall(r'"(--keyword=[^"]+)"', source.read_text())))


def po_ids(text):
    """Every ``(msgid,)`` or ``(msgid, msgid_plural)`` in a PO text, skipping the header."""
    ids, current, field = set(), {}, None
    for line in text.splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            if match.group(1) == "msgid" and current:
                ids.add(_entry(current))
                current = {}
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            ids.add(_entry(current))
            current, field = {}, None
    return {entry for entry in ids if entry != ("",)}


def _entry(fields):
    return (fields["msgid"], fields["msgid_plural"]) if "msgid_plural" in fields else (fields["msgid"],)


@cache
def extracted_ids():
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed, so the message ids cannot be extracted to check")
    command = ["xgettext", "--language=Python", *django_keywords(), "--from-code=UTF-8", "--output=-"]
    output = subprocess.run([*command, *map(str, SOURCES)], capture_output=True, text=True, check=True).stdout
    return frozenset(po_ids(output))


def test_xgettext_is_given_the_markers_the_engine_uses():
    keywords = django_keywords()
    assert "--keyword=gettext_noop" in keywords
    assert "--keyword=gettext_lazy" in keywords
    assert "--keyword=ngettext_lazy:1,2" in keywords


@FEW
@given(scenario=scenarios(max_branches=6, max_affiliates=6))
def test_every_message_an_explanation_or_flip_sentence_uses_is_extracted_for_the_catalogue(scenario):
    recording = Recording()
    texts(scenario, recording)
    assert recording.ids <= extracted_ids()


@FEW
@given(flip=flips())
def test_every_message_a_flip_built_by_hand_uses_is_extracted_for_the_catalogue(flip):
    recording = Recording()
    flip_texts(flip, recording)
    assert recording.ids <= extracted_ids()


def test_rule_set_titles_option_labels_and_tie_words_are_extracted_for_the_catalogue():
    words = set(TIE_WORDS.values())
    for rule_set in RULE_SETS.values():
        words |= {rule_set.title, rule_set.description, rule_set.share_label}
        for option in rule_set.options:
            words |= {option.label, option.description, *option.choice_labels.values()}
    assert {(word,) for word in words} <= extracted_ids()


# ------------------------------------------------------------------------ Welsh


class Missing(gettext.NullTranslations):
    """The fallback behind the Welsh catalogue: notes every message it has no translation for."""

    def __init__(self):
        super().__init__()
        self.ids = set()

    def gettext(self, message):
        self.ids.add((message,))
        return message

    def ngettext(self, singular, plural, n):
        self.ids.add((singular, plural))
        return singular if n == 1 else plural


def welsh():
    translations = gettext.GNUTranslations(io.BytesIO(WELSH.read_bytes()))
    missing = Missing()
    translations.add_fallback(missing)
    return translations, missing


def test_the_welsh_catalogue_translates_every_extracted_message():
    translations, missing = welsh()
    for ids in extracted_ids():
        if len(ids) == 1:
            translations.gettext(ids[0])
        else:
            for n in (1, 2, 3, 8):  # one count for each of the four Welsh forms
                translations.ngettext(*ids, n)
    assert not missing.ids


def test_the_welsh_catalogue_uses_djangos_welsh_plural_forms():
    translations, _ = welsh()
    assert translations.info()["plural-forms"] == (
        "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"
    )


@FEW
@given(scenario=scenarios(max_branches=6, max_affiliates=6))
def test_in_welsh_every_message_is_translated_and_every_figure_kept(scenario):
    cymraeg, missing = welsh()
    for english, welsh_text in zip(texts(scenario, ENGLISH), texts(scenario, cymraeg), strict=True):
        assert figures(welsh_text) == figures(english)
        assert "%(" not in welsh_text
    assert not missing.ids


@FEW
@given(flip=flips())
def test_in_welsh_a_flip_built_by_hand_keeps_every_figure(flip):
    cymraeg, missing = welsh()
    for english, welsh_text in zip(flip_texts(flip, ENGLISH), flip_texts(flip, cymraeg), strict=True):
        assert figures(welsh_text) == figures(english)
        assert "%(" not in welsh_text
    assert not missing.ids
