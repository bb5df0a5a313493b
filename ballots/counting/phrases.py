"""Translatable phrases: explanations kept as message ids with their exact figures until shown.

The engine imports no Django, yet the results pages show its explanations in Welsh as well
as English. So an explanation is built as a :class:`Phrase`: a message id with named
``%(name)s`` placeholders and the figures that fill them, already formatted exactly as the
English shows them (``format_percent`` and the like), so translating a sentence can never
change a figure. It becomes text only when rendered through a *translations* object: any
object with ``gettext(message)`` and ``ngettext(singular, plural, n)``, such as
:class:`gettext.NullTranslations` (English, :data:`ENGLISH`) or an adapter over
``django.utils.translation``.

The markers are named after Django's own so that ``makemessages`` (which runs xgettext with
``--keyword=gettext_noop``, ``--keyword=gettext_lazy`` and ``--keyword=ngettext_lazy:1,2``)
extracts their literal arguments into the catalogue; they translate nothing themselves:

* :func:`gettext_noop` returns its message: for constants translated where they are shown
  (rule-set titles, option labels, tie words).
* :func:`gettext_lazy` and :func:`ngettext_lazy` return a :class:`Phrase`, translated
  later, when it is rendered (hence "lazy").

A parameter is a plain ``str`` or ``int``, shown as it is (names, figures), or a nested
:class:`Phrase` or :class:`Joined`, rendered through the same translations. A message with
parameters is %-formatted, so its literal percent signs are written ``%%``; a message
without parameters is used as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from gettext import NullTranslations
from types import MappingProxyType
from typing import Protocol, TypeAlias, Union


class Translations(Protocol):
    """What rendering needs: Python's ``gettext`` interface, one message at a time."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


# Text is what an explanation is: plain text (a rule set registered from outside may give
# only that) or a phrase to translate. A parameter may also be a bare int (a count).
Text: TypeAlias = Union[str, "Phrase", "Joined"]
Param: TypeAlias = Text | int

ENGLISH: Translations = NullTranslations()


@dataclass(frozen=True)
class Phrase:
    """A message id, its plural and count if it has one, and the parameters that fill it."""

    message: str
    params: Mapping[str, Param] = field(default_factory=dict, hash=False)
    plural: str | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if (self.plural is None) != (self.count is None):
            raise ValueError("a plural phrase needs both its plural message and its count")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def render(self, translations: Translations) -> str:
        if self.plural is None or self.count is None:
            template = translations.gettext(self.message)
        else:
            template = translations.ngettext(self.message, self.plural, self.count)
        if not self.params:
            return template
        values = {name: _rendered(value, translations) for name, value in self.params.items()}
        try:
            return template % values
        except (KeyError, ValueError, TypeError):
            # A faulty translation (a placeholder misspelt, a lone "%") must not hide the
            # result: the English message, checked by the tests, shows the same figures.
            english = self.message if self.plural is None or self.count == 1 else self.plural
            return english % values


@dataclass(frozen=True)
class Joined:
    """Parts rendered one by one and joined by punctuation that Welsh and English share.

    For what needs no words: the space between sentences, "; " between notes, brackets.
    """

    parts: tuple[Param, ...]
    separator: str = ""

    def render(self, translations: Translations) -> str:
        return self.separator.join(str(_rendered(part, translations)) for part in self.parts)


def _rendered(value: Param, translations: Translations) -> str | int:
    # An int stays an int, so that a translation may use "%(n)d" as well as "%(n)s".
    if isinstance(value, str | int):
        return value
    return value.render(translations)


def render(text: Text, translations: Translations) -> str:
    """The text through ``translations``; plain text is returned as it is."""
    return text if isinstance(text, str) else text.render(translations)


# ------------------------------------------------------------------------- markers


def gettext_noop(message: str) -> str:
    """Mark a constant for the catalogue; it is translated where it is shown."""
    return message


def gettext_lazy(message: str, /, **params: Param) -> Phrase:
    """A phrase to translate when rendered (the marker xgettext extracts)."""
    return Phrase(message, params)


def ngettext_lazy(singular: str, plural: str, count: int, /, **params: Param) -> Phrase:
    """A phrase whose wording depends on ``count`` (singular and plural extracted)."""
    return Phrase(singular, params, plural, count)


# ---------------------------------------------------------------------- composition


def sentences(*parts: Text) -> Joined:
    """Sentences one after another, a space between them."""
    return Joined(parts, " ")


def bracketed_notes(notes: Sequence[Param]) -> Text:
    """``" (a; b)"`` after the word the notes qualify, or nothing when there are none."""
    return Joined((" (", Joined(tuple(notes), "; "), ")")) if notes else ""


def and_list(items: Sequence[Param]) -> Param:
    """E.g. "a, b and c"; one item as it is; none, nothing."""
    if len(items) <= 1:
        return items[0] if items else ""
    # Translators: the end of a list; %(first)s is the items before the last, separated by commas.
    return gettext_lazy("%(first)s and %(last)s", first=Joined(tuple(items[:-1]), ", "), last=items[-1])


def or_list(items: Sequence[Param], more: int = 0) -> Param:
    """E.g. "a, or b, or c", then ", or 2 more" when ``more`` were left out."""
    listed: Param = items[0] if items else ""
    for item in items[1:]:
        listed = gettext_lazy("%(first)s, or %(next)s", first=listed, next=item)
    if more:
        # Translators: a list of other changes, and how many more were not listed.
        listed = gettext_lazy("%(listed)s, or %(n)s more", listed=listed, n=more)
    return listed
