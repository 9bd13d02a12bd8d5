"""Bounded caches: what a worker keeps of the work it has done (pages, skeletons, fields, views) has a ceiling,
so a worker that has served every page in every language holds a few MB of it, not everything it ever made.

And pages are kept from their second use on (``min_uses``, PAGE_CACHE_MIN_USES, like nginx's
``proxy_cache_min_uses``): most of what a worker could keep is asked for once (a library of courses × ten
languages × help countries × progress states, a teacher looking through every language, a crawler, the
benchmark's sweep of 680 pages), while what a class uses is asked for dozens of times. Keeping everything
filled a worker with 12 MB of pages, fields and forms nobody asked for again; a page asked for twice is
rendered once more, then kept. So wait: the page cache and its finished responses, the quiz pages'
skeletons, the question fields (fragments) and the form classes. A quiz page's fields by option order are
kept once its skeleton is (quizzes/routes.py). A learner's page in a live session and its fields are kept
from their first use: a whole class asks for them at once (classroom/learner_pages.py).
"""

from collections import OrderedDict
from threading import Lock


class LRU:
    """A bounded, thread-safe map that drops the least recently used entry, counting hits and misses: the
    page cache, the finished responses FastPath replays, the lesson and quiz views (content/repository.py)."""

    def __init__(self, size: int, min_uses: int = 1):
        self.size = size
        self.min_uses = min_uses
        self._items: OrderedDict = OrderedDict()
        # Keys offered but not kept yet, by their hash (a collision only keeps an entry one use early), with
        # the times each was offered: as bounded as the entries.
        self._offered: OrderedDict = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key, item) -> None:
        """Keep ``item`` under ``key``, from the ``min_uses``-th time it is offered."""
        with self._lock:
            if key not in self._items and not self._used_enough(hash(key)):
                return
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _used_enough(self, marker: int) -> bool:
        if self.min_uses <= 1:
            return True
        uses = self._offered.pop(marker, 0) + 1
        if uses >= self.min_uses:
            return True
        self._offered[marker] = uses
        while len(self._offered) > self.size:
            self._offered.popitem(last=False)
        return False

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._offered.clear()


class SourcedLRU(LRU):
    """An LRU whose keys hold the ids of the objects an entry was made from (the course files, a catalog):
    each entry keeps those objects, so a key whose ids were reused by new objects (a reloaded library or
    catalog) is never mistaken for it. The field fragments and the page skeletons."""

    def get(self, key, sources):
        item = super().get(key)
        if item is None:
            return None
        if any(a is not b for a, b in zip(item[0], sources, strict=True)):
            self.hits, self.misses = self.hits - 1, self.misses + 1  # a stale entry: a miss, made again
            return None
        return item[1]

    def put(self, key, sources, value) -> None:
        super().put(key, (sources, value))
