"""The RQ backend: the batch is enqueued on the real Redis and a burst worker sends it.

Skipped, saying why, only when Redis is not running and this is not CI: under CI it must run.
"""

import os

import django_rq
import pytest
import redis
from django_tasks_rq.backend import Job
from rq import SimpleWorker

from ballots.officer import services
from tests.ballots.officer.delivery.delivery_checks import assert_every_member_has_exactly_one_working_code_the_latest

# A database of its own on the local Redis, so nothing else's keys are touched.
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_tasks(settings):
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running at 127.0.0.1:6379: CI must start it (redis-server).")
        pytest.skip("Redis is not running at 127.0.0.1:6379: start redis-server to run the RQ backend's test.")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_TEST_URL}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    yield queue
    queue.empty()


def test_the_rq_backend_queues_the_batch_and_a_burst_worker_sends_it(open_ballot, officer, smtp_server, rq_tasks):
    services.voting_codes_email_queue(ballot=open_ballot, actor=officer)

    assert rq_tasks.count == 1
    (job,) = rq_tasks.jobs
    assert job.args == (open_ballot.pk,)
    assert smtp_server.count() == 0

    worker = django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
    assert worker.work(burst=True)

    assert smtp_server.count() == 9
    assert_every_member_has_exactly_one_working_code_the_latest(open_ballot, smtp_server)
    assert Job.fetch(job.id, connection=rq_tasks.connection).return_value() == {"sent": 9, "failed": 0, "busy": 0}
