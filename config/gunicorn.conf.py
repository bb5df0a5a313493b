"""gunicorn settings for production (`make serve`). Each value can be overridden on the command line."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(max(2, multiprocessing.cpu_count() * 2))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
# %(U)s is the path WITHOUT the query string: a personal voting link's code never reaches the log.
# No response size (%(b)s, %(B)s): the pages after each choice differ in length, so a logged
# size beside an address and a time could tell how someone voted.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
