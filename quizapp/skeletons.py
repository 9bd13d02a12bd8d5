"""Pages that are the same for many visitors but for a few strings: kept once with those strings cut out.

A learner's page in a live session and a new quiz attempt's page differ from the next learner's or the next
attempt's only in a token (in the page's URLs), a CSRF token and the questions' option orders (each field is
held per order by quizzes/fragments.py). So the first such page is kept as a ``Skeleton`` with those values
cut out, and the next visitor's page is the skeleton with their own values put back: the same bytes as a
fresh render, at a fraction of its CPU (``serve``). Users: classroom/learner_pages.py and quizzes/routes.py,
which keep their skeletons in a ``caches.SourcedLRU``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import g
from flask_wtf.csrf import generate_csrf

# Stand-ins for the holes: no rendered page contains a NUL (a page that does is never cut).
MARK = "\x00"


@dataclass(frozen=True)
class Skeleton:
    """A rendered page with some of its strings cut out, each hole named."""

    parts: tuple[str, ...]  # the text around the holes
    holes: tuple[str, ...]  # a hole's name between each two parts

    @classmethod
    def cut(cls, html: str, once: dict[str, str], anywhere: dict[str, str]) -> "Skeleton | None":
        """``html`` with each value of ``once`` (which must occur exactly once: a field, a CSRF token) and
        every occurrence of each value of ``anywhere`` (a token) cut out and named by its key; None when a
        value is not where it should be, so nothing is kept."""
        if MARK in html or any(html.count(value) != 1 for value in once.values()) or any(not value for value in anywhere.values()):
            return None
        cut = html
        for name, value in (*once.items(), *anywhere.items()):
            cut = cut.replace(value, f"{MARK}{name}{MARK}")
        pieces = cut.split(MARK)  # text, hole, text, hole, …, text
        skeleton = cls(tuple(pieces[0::2]), tuple(pieces[1::2]))
        # One value inside another (a code inside a CSRF token) would cut the wrong place: the skeleton must
        # give back exactly the page it was cut from.
        return skeleton if skeleton.fill({**once, **anywhere}) == html else None

    def fill(self, values: dict[str, str]) -> str:
        """The page with ``values`` (by hole name) in the holes."""
        out = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            out += (values[hole], part)
        return "".join(out)


def fill_kept(cache, key, sources, token: str, values: dict[str, str | None]) -> str | None:
    """The page for ``key`` from the skeleton ``cache`` keeps, with this visitor's ``token``, CSRF token and
    ``values`` in its holes; None when no skeleton is kept."""
    skeleton = cache.get(key, sources)
    if skeleton is None:
        return None
    csrf = generate_csrf() if "csrf" in skeleton.holes else ""
    return skeleton.fill({"token": token, "csrf": csrf, **{name: value or "" for name, value in values.items()}})


def serve(cache, key, sources, token: str, values: dict[str, str | None], render: Callable[[], str]) -> str:
    """The page for ``key`` with this visitor's ``token`` (wherever it stands), CSRF token and ``values``
    (each exactly once; None: not on this page) in its holes, from the skeleton ``cache`` keeps; else
    ``render()``, cut into a skeleton for the next visitor."""
    kept = fill_kept(cache, key, sources, token, values)
    if kept is not None:
        return kept
    html = render()
    once = {name: value for name, value in values.items() if value}
    if g.get("csrf_token") and g.csrf_token in html:  # a form's token is this visitor's: a hole too
        once["csrf"] = g.csrf_token
    skeleton = Skeleton.cut(html, once, {"token": token})
    if skeleton is not None:
        cache.put(key, sources, skeleton)
    return html
