"""Hostile CSV files for the members and affiliates importers.

Random bytes, wrong encodings, huge fields, control characters, formulas and markup: every
case ends in a report of bad rows with nothing written, or in a correct import whose names
are stored exactly as given (never run, never escaped twice). Never an exception, never a
partial write.
"""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.imports import affiliate_import, header_read, member_import
from members.membership_numbers import membership_number_normalise
from members.models import Affiliate, AuditEvent, Member, Ward
from tests.factories import ConstituencyFactory, WardFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            '=HYPERLINK("http://x","y")',
            "+44 1227",
            "-1",
            "@SUM(1)",
            "<b>bold</b>",
            "<script>x</script>",
            "O'Brien",
            "Zoë",
            "\u202eevil",
            "tab\tin",
            "new\nline",
            "\x00nul",
            " spaced ",
            "x" * 5000,
            "",
        ]
    ),
)
DATES = st.one_of(st.sampled_from(["2015-01-01", "01/02/2016", "31/02/2019", "2999-01-01", "yesterday", ""]), HOSTILE)
STATUSES = st.one_of(st.sampled_from(["active", "Arrears", "LAPSED", "", "gone"]), HOSTILE)
WARD = st.sampled_from(["Barton", "barton ", "Westgate", "Nowhere"])


@st.composite
def member_rows(draw):
    count = draw(st.integers(min_value=0, max_value=6))
    numbers = draw(
        st.lists(st.one_of(st.from_regex(r"L[0-9]{5}", fullmatch=True), HOSTILE), min_size=count, max_size=count)
    )
    return [
        [
            number,
            draw(HOSTILE),
            draw(HOSTILE),
            draw(st.one_of(st.just(""), st.emails(), HOSTILE)),
            draw(WARD),
            draw(DATES),
            draw(STATUSES),
        ]
        for number in numbers
    ]


def _csv_bytes(header, rows, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def _snapshot():
    return (
        sorted(Member.objects.values_list("membership_number", "first_name", "last_name", "ward_id", "status")),
        sorted(Affiliate.objects.values_list("name", "kind", "affiliated_members")),
        Ward.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def place(db):
    constituency = ConstituencyFactory(name="Fuzzshire")
    WardFactory(constituency=constituency, name="Barton")
    WardFactory(constituency=constituency, name="Westgate")
    return constituency


@FUZZ
@given(rows=member_rows(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), create_wards=st.booleans())
def test_member_import_writes_all_rows_exactly_or_nothing(place, rows, encoding, create_wards):
    header = ["Membership_Number", " first_name", "LAST_NAME", "email", "ward", "joined_on", "status"]
    before = _snapshot()
    data = _csv_bytes(header, rows, encoding)
    report = member_import(constituency=place, file=data, create_wards=create_wards)
    if report.errors:
        assert _snapshot() == before, "a failed import must write nothing"
        physical_lines = data.count(b"\n") + data.count(b"\r") + 1
        for error in report.errors:
            assert error.reason.strip()
            # Line numbers are the file's physical lines (a quoted cell may hold a line break).
            assert 0 <= error.line <= physical_lines
        return
    assert report.created + report.updated + report.unchanged == len(rows)
    # What the file says, read in the encoding the importer detected (a cp1252 file whose bytes
    # happen to be valid UTF-8 is read as UTF-8, as any reader must).
    as_read = list(csv.reader(io.StringIO(data.decode(report.encoding), newline="")))[1:]
    for number, first, last, *_ in as_read:
        member = Member.objects.get(membership_number=membership_number_normalise(number))
        # Formulas and markup are data: stored as given (spaces trimmed), shown escaped, exported neutralised.
        assert member.first_name == " ".join(first.split()) or member.first_name == first.strip()
        assert member.last_name == " ".join(last.split()) or member.last_name == last.strip()


@FUZZ
@given(data=st.binary(max_size=400))
def test_member_import_of_random_bytes_reports_or_imports_without_an_exception(place, data):
    before = _snapshot()
    report = member_import(constituency=place, file=data)
    if report.errors:
        assert _snapshot() == before


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            HOSTILE,
            st.one_of(st.sampled_from(["trade_union", "cooperative", "Socialist_Society", "x"]), HOSTILE),
            DATES,
            st.one_of(st.integers(-5, 10**12).map(str), HOSTILE),
            HOSTILE,
            st.one_of(st.emails(), HOSTILE),
        ),
        max_size=5,
    ),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
)
def test_affiliate_import_writes_all_rows_or_nothing(place, rows, encoding):
    header = ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"]
    before = _snapshot()
    report = affiliate_import(constituency=place, file=_csv_bytes(header, [list(row) for row in rows], encoding))
    if report.errors:
        assert _snapshot() == before
    else:
        assert Affiliate.objects.filter(constituency=place).count() >= len(rows) > 0 or not rows


NAMES = st.one_of(
    st.sampled_from(
        [
            "=1+1",
            "+44",
            "-x",
            "@me",
            "<b>Bold</b>",
            "<script>alert(1)</script>",
            "O'Brien",
            "Zoë",
            "Ñuñez",
            "D\u00e9j\u00e0",
            "Smith, Jr",
            '"Quoted"',
        ]
    ),
    st.text(
        # No control or space characters: a name of only those (U+0085, U+00A0) is empty once stripped.
        alphabet=st.characters(
            min_codepoint=33, max_codepoint=0x2FF, exclude_characters=',"\\', exclude_categories=("Cc", "Zs")
        ),
        min_size=1,
        max_size=40,
    ),
)


@FUZZ
@given(
    names=st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=6), encoding=st.sampled_from(["utf-8", "utf-8-sig"])
)
def test_formulas_and_markup_in_names_are_imported_as_plain_text(place, names, encoding):
    rows = [[f"F{n:05d}", first, last, "", "Westgate", "2015-01-01", "active"] for n, (first, last) in enumerate(names)]
    report = member_import(
        constituency=place,
        file=_csv_bytes(
            ["membership_number", "first_name", "last_name", "email", "ward", "joined_on", "status"], rows, encoding
        ),
    )
    assert not report.errors, report.errors
    for number, first, last, *_ in rows:
        member = Member.objects.get(membership_number=number)
        assert (member.first_name, member.last_name) == (first.strip(), last.strip())


# --- the options of issue 12: mappings, dry runs, missing members, fingerprints ------------------

COLUMN_MAPS = st.one_of(
    st.none(),
    st.dictionaries(
        st.one_of(st.sampled_from(["Ref", "Notes", "status", "Surname", "ward", ""]), st.text(max_size=10)),
        st.one_of(
            st.sampled_from(["membership_number", "last_name", "email", "", "ignore", "address"]), st.text(max_size=8)
        ),
        max_size=3,
    ),
)
VALUE_MAPS = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["status", "kind", "ward"]),
        st.dictionaries(
            st.text(max_size=8), st.sampled_from(["active", "lapsed", "In arrears", "other", "x"]), max_size=2
        ),
        max_size=2,
    ),
)
PREFIXES = st.sampled_from([b"", b"\xef\xbb\xbf", b"PK\x03\x04", b"%PDF", b"\xff\xfe", b"Membership No.,Surname\r\n"])


@FUZZ
@given(
    data=st.binary(max_size=400),
    prefix=PREFIXES,
    column_map=COLUMN_MAPS,
    value_map=VALUE_MAPS,
    dry_run=st.booleans(),
    missing=st.sampled_from(["leave", "lapse", "other"]),
    create_wards=st.booleans(),
)
def test_any_bytes_with_any_options_give_a_report_never_an_exception(
    place, data, prefix, column_map, value_map, dry_run, missing, create_wards
):
    before = _snapshot()
    report = member_import(
        constituency=place,
        file=prefix + data,
        column_map=column_map,
        value_map=value_map,
        dry_run=dry_run,
        missing=missing,
        create_wards=create_wards,
    )
    assert report.summary()
    list(report.errors_csv_rows())
    [str(group) for group in report.error_groups]
    if report.errors or dry_run:
        assert _snapshot() == before, "a refused import or a dry run must write nothing"
    assert len(report.errors) <= report.errors_total
    header_read(kind="members", file=prefix + data, column_map=column_map)
    header_read(kind="affiliates", file=prefix + data, column_map=column_map)
    affiliate_import(constituency=place, file=prefix + data, column_map=column_map, value_map=value_map, dry_run=True)


REAL_HEADER = ["Membership No.", "Forename", "SURNAME", "Email Address", "Branch", "Join Date", "Membership Status",
               "Address Line 1", "Town", "Post Code", "Notes"]  # fmt: skip
REAL_STATUSES = st.one_of(st.sampled_from(["Current", "In Arrears", "Lapsed", "Resigned", "Gold", ""]), HOSTILE)
REAL_DATES = st.one_of(st.sampled_from(["01/03/2015", "3 March 2021", "3/3/21", "31.12.2019", "2015-01-01"]), DATES)


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"L[0-9]{4}", fullmatch=True),
            HOSTILE,
            HOSTILE,
            st.one_of(st.just(""), st.emails()),
            WARD,
            REAL_DATES,
            REAL_STATUSES,
            HOSTILE,
            HOSTILE,
            st.one_of(st.sampled_from(["CT1 2AB", "ct2  7xy", ""]), HOSTILE),
            HOSTILE,
        ),
        max_size=5,
    ),
    encoding=st.sampled_from(["utf-8-sig", "cp1252"]),
    missing=st.sampled_from(["leave", "lapse"]),
    gold=st.booleans(),
)
def test_a_real_shaped_export_previews_then_confirms_exactly_what_was_previewed(place, rows, encoding, missing, gold):
    data = _csv_bytes(REAL_HEADER, [list(row) for row in rows], encoding)
    value_map = {"status": {"gold": "active"}} if gold else None
    before = _snapshot()
    preview = member_import(constituency=place, file=data, dry_run=True, missing=missing, value_map=value_map)
    assert _snapshot() == before
    if preview.errors:
        return
    assert preview.ignored_columns == ["Notes"]
    report = member_import(
        constituency=place, file=data, missing=missing, value_map=value_map, expected_fingerprint=preview.fingerprint
    )
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (preview.created, preview.updated, preview.unchanged)
    assert report.changes == preview.changes
    stale = member_import(constituency=place, file=data, missing="lapse" if missing == "leave" else "leave",
                          value_map=value_map, expected_fingerprint=preview.fingerprint)  # fmt: skip
    assert not stale.ok
