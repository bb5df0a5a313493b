"""The ``simulate`` management command: the readable summary, ``--json`` matching DESIGN.md's
contract (trials, seed, by_rules with p_open_selection and ci95), the same seed giving the
same figures, standard input, the progress bar on a long run, and every bad-input path
ending with exit status 2 and a one-line message, never a traceback.
"""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from ballots import counting

ROOT = Path(__file__).resolve().parents[3]

FORECAST = {
    "rules": "labour-2021",
    "options": {"tied_branch": "exclude"},
    "branches": [
        {"name": "Barton", "members": 120, "turnout": {"mean": 0.45, "sd": 0.05}, "support": {"mean": 0.5, "sd": 0.1}},
        {"name": "Westgate", "members": 90, "turnout": {"mean": 0.4, "sd": 0.05}, "support": {"mean": 0.6, "sd": 0.1}},
        {"name": "Northgate", "reselect": 12, "open": 20},
    ],
    "affiliates": [
        {"name": "Unite", "p_reselect": 0.3, "p_open": 0.6, "p_abstain": 0.1, "members": 400},
        {"name": "GMB", "p_reselect": 0.7, "p_open": 0.2, "p_abstain": 0.1},
        {"name": "Fabians", "vote": "reselect"},
    ],
}


def simulate(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    try:
        call_command("simulate", *args, **options)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def scenario_file(tmp_path):
    def write(data, name="forecast.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    return write


def test_the_summary_gives_each_rule_set_with_its_interval_and_the_seed(scenario_file):
    status, out, err = simulate(scenario_file(FORECAST), "--trials", "2000", "--seed", "7")
    assert status == 0
    assert "2,000 trials, seed 7" in out
    for name in counting.RULE_SETS:
        assert name in out
    assert "tied_branch=split" in out
    assert "pivotal" in out and "Barton" in out and "Unite" in out
    # The headline in words, and the simulation's own error labelled as such.
    assert "Scenario rules: Labour rules of 2021: members and affiliates 50/50 (labour-2021;" in out
    assert re.search(r"^An open selection is [a-z ]+: the seat went to open selection in \d+\.\d% ", out, re.M)
    assert re.search(r"^Simulation error: about ±\d+\.\d points", out, re.M)
    assert err == ""


def test_json_prints_one_object_with_the_contracted_fields(scenario_file):
    status, out, _ = simulate(scenario_file(FORECAST), "--trials", "3000", "--seed", "11", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["trials"] == 3000 and data["seed"] == 11
    assert set(data["by_rules"]) == set(counting.RULE_SETS)
    for figures in data["by_rules"].values():
        assert 0 <= figures["p_open_selection"] <= 1
        low, high = figures["ci95"]
        assert low <= figures["p_open_selection"] <= high
    assert set(data["pivotal"]["branches"]) == {"Barton", "Westgate", "Northgate"}


def test_the_same_seed_gives_the_same_json(scenario_file):
    path = scenario_file(FORECAST)
    first = json.loads(simulate(path, "--trials", "5000", "--seed", "3", "--json")[1])
    second = json.loads(simulate(path, "--trials", "5000", "--seed", "3", "--json")[1])
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_a_run_without_a_seed_chooses_one_and_reports_it(scenario_file):
    data = json.loads(simulate(scenario_file(FORECAST), "--trials", "100", "--json")[1])
    assert isinstance(data["seed"], int)


def test_standard_input_is_read_with_a_dash():
    status, out, _ = simulate("-", "--trials", "500", "--seed", "1", "--json", stdin=json.dumps(FORECAST))
    assert status == 0
    assert json.loads(out)["trials"] == 500


def test_a_run_past_its_delay_draws_a_progress_bar_on_standard_error():
    from ballots.management.commands.simulate import Progress

    err = io.StringIO()
    progress = Progress(err, delay=0)
    progress(50, 100)
    progress(100, 100)
    progress.finish()
    assert "\r[" + "#" * 15 + "-" * 15 + "] 50/100 trials" in err.getvalue()
    assert err.getvalue().endswith("100/100 trials\n")


def test_a_short_run_draws_no_progress_bar():
    from ballots.management.commands.simulate import Progress

    err = io.StringIO()
    progress = Progress(err, delay=60)
    progress(10, 10)
    progress.finish()
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{not json", (), "is not valid JSON"),
        ("[1, 2]", (), "must hold one JSON object"),
        ({"rules": "labour-1900"}, (), "unknown rule set"),
        ({"options": {"member_counting": "by-lot"}}, (), "member_counting"),
        ({"branches": [{"name": "A", "members": -5, "turnout": 0.5, "support": 0.5}]}, (), "cannot be negative"),
        ({"branches": [{"name": "A", "members": 5, "turnout": 1.2, "support": 0.5}]}, (), "between 0 and 1"),
        ({"affiliates": [{"name": "U", "p_reselect": 0.6, "p_open": 0.6, "p_abstain": 0}]}, (), "sum to 1"),
        ({"affiliates": [{"name": "U", "p_reselect": 1.5, "p_open": -0.5, "p_abstain": 0}]}, (), "between 0 and 1"),
        ({}, ("--trials", "0"), "--trials must be from 1"),
        ({}, ("--trials", "lots"), "--trials must be a whole number"),
        ({}, ("--seed", "-3"), "--seed must be at least 0"),
    ],
)
def test_bad_input_exits_with_status_2_and_one_line(scenario_file, content, args, message):
    status, out, err = simulate(scenario_file(content), *args)
    assert status == 2
    assert message in err
    assert err.startswith("simulate: ") and err.count("\n") <= 1
    assert out == ""


def test_a_missing_file_exits_with_status_2(tmp_path):
    status, _, err = simulate(str(tmp_path / "nowhere.json"))
    assert status == 2
    assert "no such file" in err


def test_the_real_command_line_exits_2_without_a_traceback(scenario_file):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    completed = subprocess.run(
        [sys.executable, "manage.py", "simulate", scenario_file({"rules": "nonsense"})],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.strip().startswith("simulate: invalid forecast scenario: unknown rule set")


def test_a_directory_or_a_file_that_is_not_utf8_exits_with_status_2(tmp_path):
    status, _, err = simulate(str(tmp_path))
    assert status == 2 and "it is a directory" in err
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"branches": [{"name": "Caf\xe9"}]}')
    status, _, err = simulate(str(bad))
    assert status == 2 and "not UTF-8" in err
