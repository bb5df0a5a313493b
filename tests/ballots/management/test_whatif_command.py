"""The ``whatif`` management command: the readable table, ``--json`` output that parses and
matches DESIGN.md's contract, ``--rules`` overriding the file, reading standard input, and
every bad-input path ending with exit status 2 and a one-line message, never a traceback.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]

RULES_EXAMPLE = {
    "rules": "labour-2021",
    "options": {"member_counting": "branch", "affiliate_counting": "unit", "tied_branch": "exclude"},
    "branches": [
        {"name": "A", "reselect": 30, "open": 20},
        {"name": "B", "reselect": 10, "open": 25},
        {"name": "C", "reselect": 12, "open": 12},
        {"name": "D", "reselect": 0, "open": 0},
    ],
    "affiliates": [
        {"name": "U1", "vote": "reselect", "members": 120},
        {"name": "U2", "vote": "open", "members": 300},
        {"name": "U3", "vote": "open", "members": 40},
        {"name": "U4", "vote": "abstain"},
    ],
}


def whatif(*args, stdin=None):
    """Run the command in-process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    try:
        call_command("whatif", *args, **options)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def scenario_file(tmp_path):
    def write(data, name="scenario.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    return write


# ---------------------------------------------------------------- readable table


def test_the_table_shows_sections_units_outcome_and_explanation(scenario_file):
    status, out, err = whatif(scenario_file(RULES_EXAMPLE))
    assert status == 0
    assert err == ""
    assert "Rule set: labour-2021" in out
    assert "member_counting=branch, affiliate_counting=unit, tied_branch=exclude" in out
    members_row = next(line for line in out.splitlines() if line.startswith("members"))
    assert members_row.split() == ["members", "50.000%", "2", "1", "1", "1", "2", "50.000%", "25.000%"]
    assert "Open share: 58.333% (7/12)" in out
    assert "Outcome:    OPEN SELECTION" in out
    assert "more than 50%" in out
    assert "U4    affiliates  none" in out


def test_the_table_under_2018_says_which_section_reached_one_third(scenario_file):
    status, out, _ = whatif(scenario_file(RULES_EXAMPLE), "--rules", "labour-2018")
    assert status == 0
    assert "Reaches 1/3" in out
    assert "at least 33.333% (1/3)" in out
    assert "Not applied under labour-2018: member_counting=branch, affiliate_counting=unit" in out


def test_the_table_says_when_no_valid_votes_were_cast():
    status, out, _ = whatif("-", stdin="{}")
    assert status == 0
    assert "No valid votes were cast." in out
    assert "Outcome:    RESELECTED" in out


# ------------------------------------------------------------------------- JSON


def test_json_output_is_one_object_matching_the_contract(scenario_file):
    status, out, _ = whatif(scenario_file(RULES_EXAMPLE), "--json")
    assert status == 0
    data = json.loads(out)
    for key in ("rules", "options", "outcome", "open_share", "reselect_share", "sections", "explanation"):
        assert key in data
    assert data["rules"] == "labour-2021"
    assert data["options"] == RULES_EXAMPLE["options"]
    assert data["outcome"] == "open_selection"
    assert data["open_share"] == pytest.approx(175 / 3)
    assert data["reselect_share"] == pytest.approx(125 / 3)
    assert data["open_share_exact"] == "7/12"
    members, affiliates = data["sections"]
    assert (members["name"], members["units"], members["open_share"]) == ("members", 2, 25)
    assert (affiliates["name"], affiliates["units"], affiliates["units_open"]) == ("affiliates", 3, 2)
    assert data["explanation"].startswith("Counted under Labour rules of 2021: members and affiliates 50/50. ")


def test_json_shares_are_null_under_2018_and_percent_of_all_units_before_2018(scenario_file):
    path = scenario_file(RULES_EXAMPLE)
    data_2018 = json.loads(whatif(path, "--json", "--rules", "labour-2018")[1])
    assert data_2018["rules"] == "labour-2018"
    assert data_2018["open_share"] is None
    assert data_2018["reselect_share"] is None
    assert data_2018["options"] == {"tied_branch": "exclude"}
    assert [s["open_fraction"] for s in data_2018["sections"]] == [50, pytest.approx(200 / 3)]
    data_pre = json.loads(whatif(path, "--json", "--rules", "labour-pre-2018")[1])
    assert data_pre["open_share"] == 60
    assert data_pre["reselect_share"] == 40


def test_rules_and_options_may_be_left_out_of_the_file():
    scenario = {"branches": [{"name": "A", "reselect": 1, "open": 2}], "affiliates": []}
    data = json.loads(whatif("-", "--json", stdin=json.dumps(scenario))[1])
    assert data["rules"] == "labour-2021"
    assert data["options"]["tied_branch"] == "exclude"
    assert data["outcome"] == "open_selection"


def test_rules_flag_overrides_the_rules_named_in_the_file(scenario_file):
    scenario = dict(RULES_EXAMPLE, rules="labour-2018")
    data = json.loads(whatif(scenario_file(scenario), "--json", "--rules", "labour-2021")[1])
    assert data["rules"] == "labour-2021"


def test_standard_input_is_read_when_the_file_is_a_dash():
    status, out, _ = whatif("-", "--json", stdin=json.dumps(RULES_EXAMPLE))
    assert status == 0
    assert json.loads(out)["outcome"] == "open_selection"


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes("\ufeff".encode() + json.dumps(RULES_EXAMPLE).encode())
    assert whatif(str(path), "--json")[0] == 0


# -------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "is not valid JSON"),
        ("{", "is not valid JSON"),
        ("[1, 2]", "one JSON object"),
        ('"scenario"', "one JSON object"),
        ('{"branches": [{"name": "A", "reselect": -1, "open": 2}]}', "branch 'A'"),
        ('{"branches": [{"name": "A", "reselect": 1.5, "open": 2}]}', "whole number"),
        ('{"branches": [{"name": "A"}]}', "neither vote counts"),
        ('{"branches": [{"name": "A", "outcome": "x"}]}', "outcome 'x'"),
        ('{"branches": [{"name": "A", "outcome": "open"}, {"name": "A", "outcome": "open"}]}', "duplicate branch"),
        ('{"affiliates": [{"name": "U1", "vote": "maybe"}]}', "affiliate 'U1'"),
        ('{"rules": "labour-1997"}', "unknown rule set 'labour-1997'"),
        ('{"options": {"quorum": "yes"}}', "unknown option 'quorum'"),
        ('{"options": {"tied_branch": "coin"}}', "tied_branch='coin'"),
        (
            '{"options": {"member_counting": "individual"}, "branches": [{"name": "Barton", "outcome": "open"}]}',
            "branch 'Barton' gives only its outcome",
        ),
        (
            '{"options": {"affiliate_counting": "weighted"}, "affiliates": [{"name": "GMB", "vote": "open"}]}',
            "affiliate 'GMB'",
        ),
    ],
)
def test_bad_input_exits_2_with_a_one_line_message(text, fragment):
    status, out, err = whatif("-", stdin=text)
    assert status == 2
    assert out == ""
    assert err.startswith("whatif: ")
    assert fragment in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_rules_flag_exits_2_naming_it(scenario_file):
    status, _, err = whatif(scenario_file(RULES_EXAMPLE), "--rules", "labour-1997")
    assert status == 2
    assert "--rules: unknown rule set 'labour-1997'" in err
    assert "labour-2021" in err


def test_a_missing_file_exits_2(tmp_path):
    status, _, err = whatif(str(tmp_path / "nowhere.json"))
    assert status == 2
    assert "no such file" in err


def test_a_directory_exits_2(tmp_path):
    status, _, err = whatif(str(tmp_path))
    assert status == 2
    assert "is a directory" in err


def test_a_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"branches": [{"name": "Saint Étienne", "outcome": "open"}]}'.encode("latin-1"))
    status, _, err = whatif(str(path))
    assert status == 2
    assert "not UTF-8" in err


def test_a_file_that_cannot_be_opened_exits_2(tmp_path):
    if os.geteuid() == 0:
        # root reads any file, so make one that cannot be opened for another reason.
        path = tmp_path / "loop"
        path.symlink_to(path)
    else:
        path = tmp_path / "secret.json"
        path.write_text("{}")
        path.chmod(0)
    status, _, err = whatif(str(path))
    assert status == 2
    assert err.startswith(f"whatif: cannot read {path}")


# ------------------------------------------------------ as run from the shell


def run_manage(*args, stdin=""):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings_test")
    return subprocess.run(
        [sys.executable, "manage.py", "whatif", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_from_the_shell_bad_input_gives_exit_status_2_and_no_traceback():
    completed = run_manage("-", stdin='{"branches": [{"name": "A", "reselect": -3, "open": 1}]}')
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip() == "whatif: invalid scenario: branch 'A': reselect votes cannot be negative (-3)"
    assert "Traceback" not in completed.stderr


def test_from_the_shell_json_output_parses(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(RULES_EXAMPLE), encoding="utf-8")
    completed = run_manage(str(path), "--json")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["open_share_exact"] == "7/12"


def test_bad_input_with_the_json_flag_still_exits_2_with_a_message_not_json():
    status, out, err = whatif("-", "--json", stdin='{"branches": [{"name": "A"}]}')
    assert status == 2
    assert out == ""
    assert err.startswith("whatif: invalid scenario: branch 'A'")
