"""gunicorn's settings for Kizuna, shared by `make run` and deploy/kizuna.service.

HOST, PORT, WORKERS and THREADS come from the environment (the Makefile's variables of the same names).
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "3"))
# Threads: a learner's page polls every few seconds; a thread waiting on the network costs little.
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# The access log keeps learners anonymous: no address, no query, no referrer or user agent, and token
# paths by their shape (quizapp/logs.py). It goes to standard output (journald under systemd).
accesslog = "-"
logger_class = "quizapp.logs.AnonymousLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms'
