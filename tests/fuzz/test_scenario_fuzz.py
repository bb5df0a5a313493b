"""Hostile and random scenario JSON: every input ends in a result or one clear CountingError.

hypothesis feeds `scenario_from_dict` (what the `whatif` command, the simulator's upload and
the results all parse with) arbitrary JSON values, near-valid scenarios with wrong types,
huge numbers, control characters, formulas and markup, and the `whatif` command random bytes.
"""

import io
import json
import math
import sys

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots import counting

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=SUM(A1)", "+1", "-2+3", "@cmd", "<script>alert(1)</script>", "\x00", "\u202e", "A" * 10_000]),
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    HOSTILE_TEXT,
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4),
    max_leaves=20,
)

BRANCH = st.fixed_dictionaries(
    {"name": st.one_of(HOSTILE_TEXT, JSON_SCALARS)},
    optional={
        "reselect": JSON_SCALARS,
        "open": JSON_SCALARS,
        "outcome": st.one_of(st.sampled_from(["reselect", "open", "tied", "maybe"]), JSON_SCALARS),
    },
)
AFFILIATE = st.fixed_dictionaries(
    {"name": st.one_of(HOSTILE_TEXT, JSON_SCALARS)},
    optional={
        "vote": st.one_of(st.sampled_from(["reselect", "open", "abstain", "none", "yes"]), JSON_SCALARS),
        "members": JSON_SCALARS,
    },
)
NEAR_VALID = st.fixed_dictionaries(
    {},
    optional={
        "rules": st.one_of(st.sampled_from([*counting.RULE_SETS, "labour-1900"]), JSON_SCALARS),
        "options": st.one_of(
            st.dictionaries(
                st.sampled_from(["member_counting", "affiliate_counting", "tied_branch", "colour"]),
                st.one_of(
                    st.sampled_from(["branch", "individual", "unit", "weighted", *counting.TIE_OPTIONS]), JSON_SCALARS
                ),
                max_size=3,
            ),
            ANY_JSON,
        ),
        "branches": st.one_of(st.lists(BRANCH, max_size=6), ANY_JSON),
        "affiliates": st.one_of(st.lists(AFFILIATE, max_size=6), ANY_JSON),
    },
)


def _count_or_clear_error(data):
    try:
        scenario = counting.scenario_from_dict(data)
        result = counting.count(scenario)
    except counting.CountingError as error:
        assert str(error).strip(), "a CountingError must say what is wrong"
        return None
    assert result.outcome in {"reselected", "open_selection"}
    rendered = json.dumps(result.to_dict())
    assert "NaN" not in rendered and "Infinity" not in rendered
    for share in (result.open_share, result.reselect_share):
        assert share is None or 0 <= share <= 1
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_JSON)
def test_any_json_value_gives_a_result_or_a_clear_error(data):
    _count_or_clear_error(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEAR_VALID)
def test_near_valid_scenarios_give_a_result_or_a_clear_error(data):
    result = _count_or_clear_error(data)
    if result is not None and result.open_share is not None:
        assert not math.isnan(float(result.open_share))


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_whatif_command_never_shows_a_traceback_on_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "scenario.json"
    path.write_bytes(data)
    stdout, stderr = io.StringIO(), io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = stderr
    try:
        call_command("whatif", str(path), stdout=stdout, stderr=stderr)
        exit_code = 0
    except SystemExit as exit_:
        exit_code = exit_.code
    finally:
        sys.stderr = real_stderr
    assert exit_code in (0, 2)
    assert "Traceback" not in stdout.getvalue() + stderr.getvalue()
    if exit_code == 2:
        assert stderr.getvalue().strip()
