"""The targets of issue 15, one per figure `make bench` prints, in the order it prints them.

A req/s figure is a ratio to a bare Flask hello-world served by gunicorn with the same settings in the same
run (interleaved, so a busy moment on the shared machine slows both); the others are absolute.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A bound on one figure: ``key`` names it in the history file, ``label`` in the table."""

    key: str
    label: str
    bound: float
    higher_is_better: bool
    unit: str = ""  # "" for a ratio to hello-world

    def verdict(self, value: float | None) -> str:
        """PASS, FAIL, or "n/a" when the figure could not be measured (an error says why)."""
        if value is None:
            return "n/a"
        return "PASS" if (value >= self.bound if self.higher_is_better else value <= self.bound) else "FAIL"

    def describe(self) -> str:
        """The target as the table shows it: "≥ 0.60", "≤ 250 ms"."""
        sign = "≥" if self.higher_is_better else "≤"
        return f"{sign} {self.bound:.2f}" if not self.unit else f"{sign} {self.bound:g} {self.unit}"

    def format(self, value: float | None) -> str:
        """The figure as the table shows it."""
        if value is None:
            return "n/a"
        if not self.unit:
            return f"{value:.3f}"
        return f"{value:.2f} {self.unit}" if value < 10 else f"{value:.0f} {self.unit}"


def ratio(key: str, label: str, bound: float) -> Target:
    return Target(f"ratio_{key}", label, bound, higher_is_better=True)


RATIOS = (
    ratio("lesson_en", "lesson page (en)", 0.60),
    ratio("lesson_ja", "lesson page (ja)", 0.60),
    ratio("lesson_ar", "lesson page (ar)", 0.60),
    ratio("home", "home page", 0.60),
    ratio("course", "course page", 0.60),
    ratio("help", "help page", 0.50),
    ratio("quiz_get", "quiz page (GET)", 0.30),
    ratio("learner_page", "learner page in a session", 0.30),
    ratio("state_poll", "state poll (304)", 0.70),
    ratio("answer_sqlite", "classroom answer POST (SQLite)", 0.35),
    ratio("answer_postgres", "classroom answer POST (PostgreSQL)", 0.35),
    ratio("quiz_post", "whole-quiz POST", 0.25),
)

OTHERS = (
    Target("memory_worker_mb", "memory per worker after load (PSS, largest)", 60, higher_is_better=False, unit="MB"),
    Target("memory_per_language_mb", "memory per added language (PSS per worker)", 1, higher_is_better=False, unit="MB"),
    Target("start_s", "start: gunicorn until its first 200", 1.5, higher_is_better=False, unit="s"),
    Target("page_max_kb", "largest page over the wire (gzip)", 30, higher_is_better=False, unit="KB"),
    Target("burst_sqlite_p95_ms", "burst: answer p95 (SQLite)", 250, higher_is_better=False, unit="ms"),
    Target("burst_postgres_p95_ms", "burst: answer p95 (PostgreSQL)", 250, higher_is_better=False, unit="ms"),
)

TARGETS = RATIOS + OTHERS
BY_KEY = {target.key: target for target in TARGETS}
