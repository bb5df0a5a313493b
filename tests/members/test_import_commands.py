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
from tests.factories import MemberFactory

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
    assert lines[0] == "line 3, column First name: required, but empty."
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
    assert out.strip() == "Imported 25,000 members: 25,000 created, 0 updated, 0 unchanged."


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
    assert "line 5, column Ward: unknown ward “Nowhere” in Cli Test." in result.stderr
    assert "CommandError: Nothing was imported: 7 problems found." in result.stderr


def test_columns_not_used_are_named_before_the_summary(constituency, wards):
    out, _ = run("import_members", str(DATA / "members_real_export.csv"), "--constituency", "Canterbury")
    lines = out.splitlines()
    assert lines[0] == "Columns not used (map them with --map to use them): Notes."
    assert lines[-1].startswith("Imported 4 members: 4 created")
    assert Member.objects.count() == 4


def test_map_and_value_options_read_an_unusual_export(constituency, wards, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Ref,Given,Family,Area,Start,Grade,Notes\nA1,Ann,Lee,Barton,01/02/2015,Gold,x\n")
    out, _ = run(
        "import_members", str(path), "--constituency", "Canterbury",
        "--map", "Ref=membership_number", "--map", "Given=first_name", "--map", "Family=Surname",
        "--map", "Area=ward", "--map", "Start=joined_on", "--map", "Grade=status", "--map", "Notes=",
        "--value", "status:Gold=active",
    )  # fmt: skip
    assert "Columns read as you mapped them: “Ref” as Membership number" in out
    assert "Columns not used" in out and "Notes" in out
    assert Member.objects.get().status == "active"


def test_a_dry_run_prints_counts_changes_and_missing_members_and_writes_nothing(constituency, wards):
    run("import_members", str(DATA / "members_real_export.csv"), "--constituency", "Canterbury")
    member = Member.objects.get(membership_number="L100002")
    member.first_name = "Amy"
    member.save()
    MemberFactory(membership_number="GONE1", first_name="Gail", last_name="One", ward=wards[0])
    out, _ = run("import_members", str(DATA / "members_real_export.csv"), "--constituency", "Canterbury", "--dry-run")
    assert "Changes:\n  line 3, Amir Khan (L100002): First name “Amy” → “Amir”\n" in out
    assert "Members of the constituency not in the file (--missing lapse marks them lapsed):\n  GONE1 Gail One\n" in out
    assert out.splitlines()[-1].startswith(
        "Nothing has been imported yet. The file has 4 members: 0 would be created, 1"
    )
    assert Member.objects.get(membership_number="L100002").first_name == "Amy"


def test_missing_lapse_marks_members_not_in_the_file_lapsed(constituency, wards):
    MemberFactory(membership_number="GONE1", ward=wards[0], status="active")
    out, _ = run(
        "import_members", str(DATA / "members_real_export.csv"), "--constituency", "Canterbury", "--missing", "lapse"
    )
    assert "1 member not in the file marked lapsed." in out
    assert Member.objects.get(membership_number="GONE1").status == "lapsed"


def test_repeating_errors_are_summarised_once_on_stderr(constituency, wards, tmp_path):
    path = tmp_path / "gold.csv"
    rows = "".join(f"G{n},Ann,Lee,Barton,2015-01-01,Gold\n" for n in range(302))
    path.write_text("membership_number,first_name,last_name,ward,joined_on,status\n" + rows)
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 302 problems found."):
        call_command("import_members", str(path), "--constituency", "Canterbury", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines()[0].startswith("“Gold” in Status on 302 rows: lines 2-303: not a status")


@pytest.mark.parametrize(
    ("option", "value"), [("--map", "no equals sign"), ("--value", "Gold=active"), ("--map", "Ref=shoe_size")]
)
def test_malformed_map_and_value_options_exit_2_with_a_plain_message(constituency, wards, option, value):
    with pytest.raises(CommandError) as raised:
        run("import_members", str(DATA / "members_cp1252.csv"), "--constituency", "Canterbury", option, value)
    assert raised.value.returncode == 2
    assert "Traceback" not in str(raised.value)


def test_import_affiliates_reads_a_real_export_and_takes_a_dry_run(constituency):
    out, _ = run(
        "import_affiliates", str(DATA / "affiliates_real_export.csv"), "--constituency", "Canterbury", "--dry-run"
    )
    assert "3 would be created" in out
    assert Affiliate.objects.count() == 0
