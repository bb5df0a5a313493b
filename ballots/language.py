"""The language a member reads a page in: Welsh or English on a bilingual ballot's pages.

Every page starts in English (config.middleware.EnglishUnlessChosenMiddleware). A member-facing
view of a bilingual ballot calls :func:`language_use`, which makes the page's language the one
the member chose: the switch on this request (``?lang=cy`` on a page reached by a link, or the
``switch_language`` button of a voting form), else the language the voting form carries
(``language``, a hidden field, so each step keeps its language with no cookie and no session),
else what the browser asks for (the language cookie, then Accept-Language). A ballot that is
not bilingual is always English.

Using the switch sets Django's language cookie (a preference only: it says nothing of the
member or the vote), so the next page reached by a link opens in the same language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

T = TypeVar("T")
WELSH, ENGLISH = "cy", "en-gb"
LANGUAGE_NAMES = {WELSH: "Cymraeg", ENGLISH: "English"}
# The lang attribute of each (BCP 47, as browsers and screen readers expect it).
LANG_ATTRIBUTES = {WELSH: "cy", ENGLISH: "en-GB"}


def _valid(value: object) -> str | None:
    return value if value in LANGUAGE_NAMES else None  # type: ignore[return-value]


def language_switched(request: HttpRequest) -> str | None:
    """The language the member chose on this request with the switch, if they used it."""
    return _valid(request.POST.get("switch_language")) or _valid(request.GET.get("lang"))


def language_requested(request: HttpRequest) -> str:
    """The switch, else the language the form carries, else the browser's choice, else English."""
    return (
        language_switched(request)
        or _valid(request.POST.get("language"))
        or _valid(getattr(request, "requested_language", None))
        or ENGLISH
    )


def language_use(request: HttpRequest, *, bilingual: bool) -> str:
    """Make the page's language the member's (a bilingual ballot) or English; return it."""
    language = language_requested(request) if bilingual else ENGLISH
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def language_remember(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Set the language cookie when the member used the switch on this request."""
    chosen = language_switched(request)
    if chosen is not None:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def language_links(request: HttpRequest) -> list[dict[str, str]]:
    """For a page reached by a link: the other language's link (the same address, ``lang`` set)."""
    current = translation.get_language() or ENGLISH
    links = []
    for code, name in LANGUAGE_NAMES.items():
        if code == current:
            continue
        query = {key: value for key, value in request.GET.items() if key != "lang"}
        query["lang"] = code
        links.append({"code": code, "name": name, "lang": LANG_ATTRIBUTES[code], "url": "?" + urlencode(query)})
    return links


def page_language(request: HttpRequest) -> dict[str, object]:
    """Context processor: the page's lang attribute, and the other language for the switch."""
    current = translation.get_language() or ENGLISH
    other = WELSH if current == ENGLISH else ENGLISH
    return {
        "page_lang": LANG_ATTRIBUTES.get(current, LANG_ATTRIBUTES[ENGLISH]),
        "page_language": current,
        "other_language": {"code": other, "name": LANGUAGE_NAMES[other], "lang": LANG_ATTRIBUTES[other]},
    }


def in_each_language(bilingual: bool, make: Callable[[], T]) -> list[T]:
    """``make()`` in Welsh and then English for a bilingual ballot (Welsh first, as the Welsh
    Language Standards ask of bilingual documents), or in English alone: for emails, letters
    and ballot papers, which carry both texts."""
    languages = (WELSH, ENGLISH) if bilingual else (ENGLISH,)
    texts: list[T] = []
    for language in languages:
        with translation.override(language):
            texts.append(make())
    return texts


# Between the Welsh and the English text of a bilingual email.
TEXT_SEPARATOR = "\n\n" + "-" * 60 + "\n\n"


def text_in_each_language(bilingual: bool, make: Callable[[], str]) -> str:
    """A plain-text body in both languages (a bilingual ballot), Welsh first, or in English."""
    return TEXT_SEPARATOR.join(in_each_language(bilingual, make))


def subject_in_each_language(bilingual: bool, make: Callable[[], str]) -> str:
    """An email subject in both languages, "Welsh / English", or in English."""
    return " / ".join(in_each_language(bilingual, make))
