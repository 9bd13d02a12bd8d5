"""`make bench`: Kizuna's performance against the targets of issue 15, in one run of at most ten minutes on
two cores, with a verdict per figure (docs/PERFORMANCE.md explains each measure and keeps the last recorded
figures; bench/history.csv keeps every recorded run).

- ``__main__``        the run: databases, servers, each measure in turn, the table, --record
- ``hello``           the baseline: a bare Flask hello-world under the same gunicorn settings
- ``pages``           req/s of each route under wrk as a ratio to hello-world, CPU per request, page sizes
- ``wrk``, ``requests.lua``   wrk driven by a file of requests (unique answers and attempts included)
- ``memory``          PSS per worker after load; per added language, with copies of a catalog
- ``classroom_burst`` 1,000 learners in 33 live sessions, asyncio browsers (``client``)
- ``fixtures``        teachers, sessions, learners and a CSRF-carrying cookie, put in through the app
- ``targets``, ``report``     the targets, the table, docs/PERFORMANCE.md and bench/history.csv
"""
