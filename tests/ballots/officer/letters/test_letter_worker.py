"""A letter pack made by the real database worker: the task holds the pack's id only, and
neither its arguments nor its result hold a code."""

import pytest
from django_tasks_db.models import DBTaskResult

from ballots.models import LetterPack
from ballots.officer import services
from tests.ballots.officer.delivery.delivery_checks import run_db_worker
from tests.ballots.officer.letters.conftest import page_code, pdf_pages

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_worker_makes_the_pack_from_its_id_and_stores_no_code(
    open_ballot, officer, without_email, database_tasks
):
    pack = services.letter_pack_request(ballot=open_ballot, actor=officer)

    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [pack.pk], "kwargs": {}}
    pack.refresh_from_db()
    assert pack.state == "queued"

    run_db_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"letters": 3}
    pack.refresh_from_db()
    codes = [page_code(text) for text in pdf_pages(services.letter_pack_download(pack=pack, actor=officer))]
    assert len(codes) == 3
    stored = repr(list(DBTaskResult.objects.values()))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert LetterPack.objects.get().state == "downloaded"
