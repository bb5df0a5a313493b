"""The ballot's question and its two choices in words, in the page's language: one wording, shared
by the members' voting pages and the printed ballot papers, so a paper says exactly what the
screen says. A ballot may give its question in its own words, in English and (bilingual) Welsh."""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

STANDARD_QUESTION = gettext_noop(
    "Do you want %(mp)s to be automatically reselected as the Labour candidate for %(constituency)s, "
    "or should there be an open selection?"
)


def ballot_question(ballot) -> str:
    """The question in the active language: the ballot's own words for it, or the standard wording.

    ``ballot`` needs ``sitting_mp`` and ``constituency.name``; its ``question_en`` and
    ``question_cy`` (blank for the standard wording) are read when it has them."""
    welsh = translation.get_language() == "cy"
    own = (getattr(ballot, "question_cy" if welsh else "question_en", "") or "").strip()
    if own:
        return own
    return gettext(STANDARD_QUESTION) % {"mp": ballot.sitting_mp, "constituency": ballot.constituency.name}


def choice_labels(sitting_mp: str) -> dict[str, str]:
    """The two choices' words in the active language, keyed as the voting page's form values."""
    return {
        "keep": gettext("Reselect %(mp)s automatically") % {"mp": sitting_mp},
        "open": gettext("Hold an open selection"),
    }
