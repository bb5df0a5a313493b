"""IMPORT_MAX_UPLOAD_MB is parsed strictly, like every setting: a typo stops start-up naming it."""

from tests.test_settings_parsing import start_up


def test_a_typo_in_the_upload_limit_stops_start_up_naming_it():
    status, stderr = start_up(IMPORT_MAX_UPLOAD_MB="20MB")
    assert status != 0
    assert "ImproperlyConfigured: IMPORT_MAX_UPLOAD_MB='20MB' is not a whole number" in stderr


def test_an_upload_limit_of_nothing_is_refused():
    status, stderr = start_up(IMPORT_MAX_UPLOAD_MB="0")
    assert status != 0
    assert "IMPORT_MAX_UPLOAD_MB='0' is too small: it must be at least 1" in stderr


def test_the_upload_limit_defaults_to_twenty_megabytes(settings):
    from config import settings as project_settings

    assert project_settings.IMPORT_MAX_UPLOAD_MB == 20
