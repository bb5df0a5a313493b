"""One limit on branches and affiliates for the pages, their uploads and the commands; hostile
JSON refused in words; and the simulator pages rate-limited per client with a 429 page."""

import io
import json

import pytest
from django.core.management import call_command

from ballots.simulator import throttle
from ballots.simulator.limits import MAX_ROWS, ScenarioInputError, scenario_json_load
from tests.ballots.simulator.test_pages import FORECAST, WHATIF, forecast_post, whatif_post

TOO_MANY_BRANCHES = {
    "rules": "labour-2021",
    "branches": [{"name": f"W{i}", "reselect": 1, "open": 2} for i in range(MAX_ROWS + 1)],
    "affiliates": [],
}
TOO_MANY_AFFILIATES = {
    "rules": "labour-2021",
    "branches": [{"name": "W", "reselect": 1, "open": 2}],
    "affiliates": [{"name": f"U{i}", "vote": "open"} for i in range(MAX_ROWS + 1)],
}
NESTED = "[" * 3000 + "]" * 3000
LONG_NUMBER = '{"branches": [{"name": "A", "reselect": ' + "9" * 4400 + ', "open": 1}]}'


def _upload(client, page, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "scenario.json"
    return client.post(page, {"action": "upload", "scenario_file": upload})


def _command(name: str, text: str, *args) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command(name, "-", *args, stdin=io.StringIO(text), stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, err.getvalue()


# -- the limit --------------------------------------------------------------------------------


def test_the_documented_limit_is_the_one_in_the_code():
    with open("docs/simulator.md", encoding="utf-8") as handle:
        docs = handle.read()
    assert f"at most {MAX_ROWS} ward branches and {MAX_ROWS} affiliates" in docs


def test_a_scenario_at_the_limit_loads_and_one_more_is_refused():
    at_limit = {**TOO_MANY_BRANCHES, "branches": TOO_MANY_BRANCHES["branches"][:MAX_ROWS]}
    assert len(scenario_json_load(json.dumps(at_limit))["branches"]) == MAX_ROWS
    with pytest.raises(ScenarioInputError, match=f"at most {MAX_ROWS} ward branches; this one has {MAX_ROWS + 1}"):
        scenario_json_load(json.dumps(TOO_MANY_BRANCHES))
    with pytest.raises(ScenarioInputError, match=f"at most {MAX_ROWS} affiliates"):
        scenario_json_load(json.dumps(TOO_MANY_AFFILIATES))


@pytest.mark.parametrize("page", [WHATIF, FORECAST])
def test_an_upload_over_the_limit_is_refused_with_a_message(client, db, page):
    response = _upload(client, page, json.dumps(TOO_MANY_BRANCHES).encode())

    assert response.status_code == 200
    assert f"at most {MAX_ROWS} ward branches; this one has {MAX_ROWS + 1}" in " ".join(response.context["errors"])
    assert "result" not in response.context


def test_the_what_if_form_refuses_more_rows_than_the_limit_in_plain_words(client, db):
    rows = [(f"W{i}", "1", "2", "") for i in range(MAX_ROWS + 1)]
    response = client.post(WHATIF, whatif_post(branches=rows))

    assert response.status_code == 200
    assert f"A scenario holds at most {MAX_ROWS} ward branches: remove some rows." in response.context["errors"]
    assert "result" not in response.context


def test_the_forecast_form_refuses_more_affiliates_than_the_limit(client, db):
    affiliates = [(f"U{i}", "50", "50", "0", None) for i in range(MAX_ROWS + 1)]
    response = client.post(FORECAST, forecast_post([], affiliates, trials="100"))

    assert f"A scenario holds at most {MAX_ROWS} affiliates: remove some rows." in response.context["errors"]
    assert "result" not in response.context


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("whatif", (), TOO_MANY_BRANCHES),
        ("whatif", (), TOO_MANY_AFFILIATES),
        ("simulate", ("--trials", "100"), TOO_MANY_BRANCHES),
    ],
)
def test_the_commands_refuse_more_rows_than_the_limit_with_exit_2(name, args, data):
    status, err = _command(name, json.dumps(data), *args)

    assert status == 2
    assert err.startswith(f"{name}: ") and f"holds at most {MAX_ROWS}" in err


# -- hostile JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (NESTED, "nests too deeply"),
        ('{"a":' * 30 + "1" + "}" * 30, "nests too deeply"),
        (LONG_NUMBER, "number far too long"),
        ('{"branches": [{"name": "A", "reselect": NaN, "open": 1}]}', "holds NaN, which is not a number"),
        ('{"branches": [{"name": "A", "reselect": 1e999, "open": 1}]}', "holds 1e999, which is not a number"),
    ],
)
def test_hostile_json_is_refused_in_words_by_the_pages_and_the_commands(client, db, text, words):
    for page in (WHATIF, FORECAST):
        response = _upload(client, page, text.encode())
        assert response.status_code == 200
        assert words in " ".join(response.context["errors"])
    for name, args in (("whatif", ()), ("simulate", ("--trials", "100"))):
        status, err = _command(name, text, *args)
        assert status == 2
        assert err.startswith(f"{name}: standard input ") and words in err
        assert err.count("\n") <= 1


# -- the rate limit ---------------------------------------------------------------------------


@pytest.fixture
def low_limit(monkeypatch):
    monkeypatch.setattr(throttle, "SIMULATOR_REQUESTS_LIMIT", 2)


@pytest.mark.parametrize(
    ("page", "ask"),
    [
        (WHATIF, lambda client: client.post(WHATIF, whatif_post())),
        (WHATIF, lambda client: client.get(WHATIF, {"start": "empty"})),
        (FORECAST, lambda client: client.post(FORECAST, forecast_post([], [("U", "50", "50", "0", None)]))),
        (FORECAST, lambda client: client.get(FORECAST, {"ballot": "²"})),
    ],
)
def test_a_client_asking_too_often_gets_a_429_page_saying_when_to_try_again(client, db, low_limit, page, ask):
    assert ask(client).status_code in (200, 302)
    assert ask(client).status_code in (200, 302)

    refused = ask(client)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    message = " ".join(refused.context["errors"])
    assert message.startswith("Too many scenarios counted from your address in 10 minutes.")
    assert message.endswith((" GMT.", " BST."))
    assert message in refused.content.decode()
    assert "result" not in refused.context


def test_a_plain_visit_is_never_refused_and_another_address_is_not_held_back(client, db, low_limit):
    for _ in range(3):
        client.post(WHATIF, whatif_post())
    assert client.post(WHATIF, whatif_post()).status_code == 429

    assert client.get(WHATIF).status_code == 200
    assert client.get(FORECAST).status_code == 200
    assert client.post(WHATIF, whatif_post(), REMOTE_ADDR="192.0.2.7").status_code == 200
