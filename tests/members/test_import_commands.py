"""import_members and import_affiliates on the command line: the report, exit status 2 with every
bad row on stderr (never a traceback), progress on large files, and the --create-wards switch."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from members.models import Affiliate, Member, Ward

DATA = Path(__file__).parent / "data"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_members_prints_the_summary(constituency, wards):
    out, err = run("import_members", str(DATA / "members_utf8_bom_crlf.csv"), "--constituency", "canterbury")
    assert out.strip() == "Imported 4 members: 4 created, 0 updated, 0 unchanged."
    assert Member.objects.count() == 4


def test_bad_rows_are_all_listed_on_stderr_and_the_exit_status_is_2(constituency, wards):
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_members",
            str(DATA / "members_every_error.csv"),
            "--constituency",
            "Canterbury",
            stdout=StringIO(),
            stderr=err,
        )
    assert raised.value.returncode == 2
    assert str(raised.value).startswith("Nothing was imported: 7 problems found.")
    lines = err.getvalue().splitlines()
    assert lines[0] == "line 3, column first_name: required, but empty."
    assert len(lines) == 7
    assert Member.objects.count() == 0


def test_create_wards_switch(constituency, wards):
    out, _ = run(
        "import_members", str(DATA / "members_new_wards.csv"), "--constituency", "Canterbury", "--create-wards"
    )
    assert "New wards: Little Stour & Adisham, Wincheap." in out
    assert Ward.objects.filter(constituency=constituency).count() == 5


def test_unknown_constituency_and_missing_file_exit_2(constituency):
    with pytest.raises(CommandError, match="No constituency called “Nowhere”. Known constituencies: Canterbury."):
        run("import_members", str(DATA / "members_cp1252.csv"), "--constituency", "Nowhere")
    with pytest.raises(CommandError, match="Cannot read") as raised:
        run("import_members", "/nonexistent/file.csv", "--constituency", "Canterbury")
    assert raised.value.returncode == 2


def test_import_affiliates(constituency):
    out, _ = run("import_affiliates", str(DATA / "affiliates_good.csv"), "--constituency", "Canterbury")
    assert out.strip() == "Imported 3 affiliates: 3 created, 0 updated, 0 unchanged."
    assert Affiliate.objects.count() == 3


def test_progress_goes_to_stderr_every_ten_thousand_rows(constituency, wards, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write("membership_number,first_name,last_name,ward,joined_on\n")
        for n in range(25_000):
            handle.write(f"B{n:06d},Ann,Lee,Barton,2015-01-01\n")
    out, err = run("import_members", str(path), "--constituency", "Canterbury")
    assert err.splitlines() == [
        "Checked 10,000 rows…",
        "Checked 20,000 rows…",
        "Written 10,000 rows…",
        "Written 20,000 rows…",
    ]
    assert out.strip() == "Imported 25000 members: 25000 created, 0 updated, 0 unchanged."


def test_a_real_process_exits_2_without_a_traceback(tmp_path):
    """The command as an officer runs it: a separate process, on a throwaway SQLite database of its
    own (whatever the suite runs on), so nothing it commits leaks into the other tests."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from members.models import *; c=Constituency.objects.get_or_create("
            "name='Cli Test', sitting_mp='X')[0]; Ward.objects.get_or_create(constituency=c, name='Barton')",
        ],
        env=env,
        check=True,
        timeout=60,
    )
    result = subprocess.run(
        [*manage, "import_members", str(DATA / "members_every_error.csv"), "--constituency", "Cli Test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "line 5, column ward: unknown ward “Nowhere” in Cli Test." in result.stderr
    assert "CommandError: Nothing was imported: 7 problems found." in result.stderr
