"""``flask translate sample LANG``: the fixed random sample a language's review back-translates.

A language is offered only after someone who did not translate it back-translates a sample of its strings
into English without seeing the English, and every difference in meaning is fixed (docs/TRANSLATING.md,
"Review before offering"). The sample is the same for anyone who asks for it with the same catalogs: it is
drawn with a seed made of the language's tag, from entries sorted by context and text, in fixed shares of the
kinds of text a reader meets (interface, lesson text, quiz feedback, facilitator notes, help wording,
survey), so a review can be repeated and checked.
"""

import json
import random
from dataclasses import asdict, dataclass

import click
from flask import current_app
from flask.cli import with_appcontext

from ..catalogs import project_catalogs

SEED = "kizuna-review"
# How many of each kind a sample of 60 holds (scaled for other sizes).
SHARES = {"interface": 12, "lesson": 12, "quiz feedback": 12, "notes": 12, "help": 8, "survey": 4}


@dataclass(frozen=True)
class SampledString:
    number: int
    kind: str
    context: str
    english: str
    translation: str


def kind_of(domain: str, context: str | None, comment: str) -> str | None:
    """Which kind of text an entry is (None: not sampled, such as a quiz prompt or an option's text)."""
    if domain == "messages":
        return "interface"
    context = context or ""
    if context == "help":
        return "help"
    if context.startswith("surveys/") or context == "scale":
        return "survey"
    if context.endswith("/notes"):
        return "notes"
    if context.endswith("/quiz"):
        return "quiz feedback" if "feedback" in comment or "explanation" in comment else None
    return "lesson" if context.count("/") == 1 else None


def review_sample(catalogs, tag: str, size: int = 60, seed: str = SEED) -> list[SampledString]:
    """The fixed sample for ``tag``: translated entries of each kind, drawn with ``seed`` and the tag."""
    pools: dict[str, list[tuple[str, str, str]]] = {kind: [] for kind in SHARES}
    for domain in ("messages", "courses"):
        catalog = catalogs._read(catalogs.po_path(tag, domain), locale=tag)
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            english = message.id[0] if isinstance(message.id, tuple) else message.id
            translation = message.string[0] if isinstance(message.string, tuple) else message.string
            kind = kind_of(domain, message.context, " ".join(message.auto_comments))
            if kind and translation:
                pools[kind].append((message.context or "", english, translation))
    rng = random.Random(f"{seed}:{tag}")
    total = sum(SHARES.values())
    sample = []
    for kind, share in SHARES.items():
        pool = sorted(pools[kind])
        count = min(len(pool), round(size * share / total))
        sample += [(kind, *entry) for entry in rng.sample(pool, count)]
    return [SampledString(number, *row) for number, row in enumerate(sample, 1)]


@click.command("sample")
@click.argument("tag")
@click.option("--size", default=60, show_default=True, help="How many strings (shared out by kind).")
@click.option("--seed", default=SEED, show_default=True, help="Another seed draws another fixed sample.")
@click.option("--blind", is_flag=True, help="Leave the English out: what the back-translator works from.")
@with_appcontext
def translate_sample(tag, size, seed, blind):
    """Print TAG's review sample as JSON lines: number, kind, context, English and translation."""
    library = current_app.extensions["quizapp.content"].library
    catalogs = project_catalogs(current_app.config, library, languages=[tag])
    for row in review_sample(catalogs, tag, size, seed):
        record = asdict(row)
        if blind:
            del record["english"]
        click.echo(json.dumps(record, ensure_ascii=False))
