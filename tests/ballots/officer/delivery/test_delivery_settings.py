"""The delivery's settings are parsed strictly: a backend that is not database or rq, or a rate
or timeout that is not a whole number, stops start-up naming the variable."""

import pytest

from tests.test_settings_parsing import start_up


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("TASKS_BACKEND", "redis", "TASKS_BACKEND='redis' is not one of database, rq"),
        ("EMAIL_MESSAGES_PER_MINUTE", "60/min", "EMAIL_MESSAGES_PER_MINUTE='60/min' is not a whole number"),
        ("EMAIL_TIMEOUT", "0", "EMAIL_TIMEOUT='0' is too small"),
    ],
)
def test_a_bad_delivery_setting_stops_start_up_naming_it(variable, value, complaint):
    status, stderr = start_up(**{variable: value})

    assert status != 0
    assert complaint in stderr


def test_the_rq_backend_starts_up_with_its_app_and_queue():
    status, stderr = start_up(TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/15")

    assert status == 0, stderr
