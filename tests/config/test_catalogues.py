"""The Welsh catalogue is complete and is the one the site loads.

Every message the code and templates mark for translation (as `makemessages` finds them now) must
be in locale/cy/LC_MESSAGES/django.po with a Welsh translation that is not fuzzy and keeps every
placeholder and tag of the English; the compiled django.mo, committed beside it, must give exactly
those translations (the .mo is committed so that set-up needs no gettext tools: README, "Welsh").
"""

import contextlib
import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.po_files import po_entries

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>")
# Where makemessages must not look: the environment, the tests, the benchmarks, the docs.
IGNORED = [".venv/*", "tests/*", "bench/*", "docs/*", "staticfiles/*", "node_modules/*"]


def _committed():
    return {(e.context, e.msgid): e for e in po_entries(CATALOGUE / "django.po") if e.msgid}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What makemessages finds in the code now, extracted from a copy of the project's sources so
    that the committed catalogue is never touched (makemessages writes beside the files it reads)."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed to check the catalogue: apt-get install gettext")
    root = Path(settings.BASE_DIR)
    copy = tmp_path_factory.mktemp("sources")
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.suffix in (".py", ".html", ".txt") and not any(relative.match(p) for p in IGNORED):
            if relative.parts[0] in (".venv", ".git", "tests", "bench", "docs", "staticfiles", "node_modules"):
                continue
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy / relative)
    (copy / "locale").mkdir()
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]), _working_directory(copy):
        call_command("makemessages", locale=["cy"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0)
    extracted_po = copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    return {(e.context, e.msgid): e for e in po_entries(extracted_po) if e.msgid}


@contextlib.contextmanager
def _working_directory(path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_every_marked_message_has_a_welsh_translation(extracted):
    committed = _committed()
    missing = sorted((key for key in extracted if key not in committed), key=str)
    assert not missing, f"not in the Welsh catalogue (run make messages): {missing[:10]}"
    untranslated = sorted((key for key, e in committed.items() if key in extracted and not e.translated), key=str)
    assert not untranslated, f"no Welsh translation yet: {untranslated[:10]}"


def test_the_catalogue_holds_no_message_the_code_no_longer_has(extracted):
    stale = sorted((key for key in _committed() if key not in extracted), key=str)
    assert not stale, f"in the catalogue but no longer in the code (run make messages): {stale[:10]}"


def test_every_translation_keeps_the_placeholders_and_tags_of_the_english():
    for entry in _committed().values():
        assert not entry.fuzzy, entry.msgid
        if entry.msgid_plural is None:
            assert sorted(PLACEHOLDER.findall(entry.msgstrs[0])) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )
            continue
        # A plural form may leave the number out ("un aelod"), never bring in one the English lacks.
        english = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        for welsh in entry.msgstrs:
            assert set(PLACEHOLDER.findall(welsh)) <= english, (entry.msgid, welsh)


def test_the_compiled_catalogue_gives_exactly_the_translations_of_the_po_file():
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in _committed().values():
        if entry.msgid_plural:
            for n, welsh in zip((1, 2, 3, 8), entry.msgstrs, strict=True):
                got = (
                    compiled.npgettext(entry.context, entry.msgid, entry.msgid_plural, n)
                    if entry.context
                    else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                )
                assert got == welsh, entry.msgid
        else:
            got = compiled.pgettext(entry.context, entry.msgid) if entry.context else compiled.gettext(entry.msgid)
            assert got == entry.msgstrs[0], entry.msgid
