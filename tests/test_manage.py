"""manage.py: the stateless contract commands run on any machine, without a configured secret."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = {"branches": [{"name": "A", "reselect": 3, "open": 1}], "affiliates": [{"name": "U", "vote": "open"}]}


def bare_env():
    drop = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_whatif_runs_without_a_secret_key_or_debug(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO))
    result = subprocess.run(
        [sys.executable, "manage.py", "whatif", str(scenario), "--json"],
        cwd=ROOT,
        env=bare_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "reselected"  # exactly 50%: one branch for, one affiliate against


def test_other_commands_still_require_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--plan"],
        cwd=ROOT,
        env=bare_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
