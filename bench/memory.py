"""Memory: each gunicorn worker's PSS (proportional set size: pages shared with the master or other workers,
as a preloaded app's are, count in part) after it has served every page, and what one more language costs,
measured by serving the app with copies of a catalog declared as further languages.
"""

import shutil
import statistics
from pathlib import Path

from quizapp.i18n import read_languages

from . import wrk
from .fixtures import ROOT
from .wrk import Request

MB = 1024 * 1024
# Languages CLDR knows that Kizuna does not ship: the copies of a catalog are declared under these tags.
SPARE_TAGS = ("fr", "de", "ko", "zh", "it", "pt", "nl", "ru")
COPIED = "ja"  # the catalog copied: a complete one, in a script unlike the source's


def worker_pss_mb(server) -> list[float]:
    """PSS of each of the server's workers now, in MB."""
    return [pss / MB for pss in server.memory()["workers"]]


def translations_with_copies(target: Path, count: int) -> tuple[Path, list[str]]:
    """A copy of translations/ that declares ``count`` more offered languages, each a copy of COPIED's
    catalogs; (the folder, the added tags)."""
    shutil.copytree(ROOT / "translations", target)
    declared = read_languages(target / "languages.yml")
    added = [tag for tag in SPARE_TAGS if tag not in declared][:count]
    for tag in added:
        shutil.copytree(target / COPIED, target / tag)
    lines = [f"{tag}: {language.state}" for tag, language in declared.items()] + [f"{tag}: offered" for tag in added]
    (target / "languages.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target, added


def pages_in(library, languages, quiz_token: str) -> list[Request]:
    """The pages that load a language's catalogs and cached views: home, help, every course, lesson and quiz."""
    requests = []
    for tag in languages:
        requests += [Request(f"/{tag}/"), Request(f"/{tag}/help")]
        for course in library.courses.values():
            requests.append(Request(f"/{tag}/courses/{course.id}/"))
            for lesson in course.lessons:
                requests.append(Request(f"/{tag}/courses/{course.id}/{lesson.id}/"))
                if lesson.quiz is not None:
                    requests.append(Request(f"/{tag}/courses/{course.id}/{lesson.id}/quiz/{quiz_token}"))
    return requests


def load_every_page(server, requests, workers: int, most_seconds: int, connections: int, workdir: Path, name: str) -> tuple[int, int]:
    """Serve every page over and over (wrk cycles through them in order), one second at a time, until each
    has been asked for twice per worker, so that every worker has most likely built every page's caches, or
    for ``most_seconds``; (requests served, responses with an error status)."""
    path = wrk.write_requests(workdir / f"{name}.requests", requests)
    served = failed = seconds = 0
    while served < 2 * workers * len(requests) and seconds < most_seconds:
        run = wrk.run(server.url, path, 1, connections, [])
        served, failed, seconds = served + run.requests, failed + run.bad_status, seconds + 1
    return served, failed


def mean_mb(values) -> float:
    return statistics.fmean(values) if values else 0.0
