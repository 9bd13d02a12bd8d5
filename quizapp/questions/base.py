"""The common interface of question types: what a type *is*, apart from how a page shows it.

A question type is one small class that knows how to read its definition from a quiz file (and what is
wrong with it), in which order its options are shown, which submitted values are impossible (tampering
rather than a mistake), how an answer is stored and scored, and how many answers add up for a report.

Definitions depend on ``content.models`` and ``content.schema`` alone: no Flask, no WTForms. The parser
(and Babel's extractor) use them without a web app; how a type appears on a page (its form field and
template partials) is its widget in ``quizapp/quizzes/widgets/``.
"""

from collections import Counter
from dataclasses import dataclass

from ..content.models import Option, Question, Text
from ..content.schema import ANY_SOURCE, Field, check_record

COMMON_FIELDS = [Field("id", "id"), Field("type", "text")]
# What a scored question asks of the learner (docs/AUTHORING.md, "Quiz rules"): to apply an idea to a
# described situation, to judge why something is so or which conclusion follows, or to remember a fact.
KINDS = ("scenario", "reasoning", "recall")
# Optional for check_record: a scored type without it, or an unscored type with it, is reported by
# check_kind with a message that says what to write, rather than as a bare missing or unknown key.
KIND_FIELD = Field("kind", "text", required=False)
EXPLAINED_FIELDS = [Field("explanation", "text"), Field("source", "id")]
OPTIONAL_EXPLANATION = [Field("explanation", "text", required=False), Field("source", "id", required=False)]


class QuestionType:
    """Base class: subclasses set ``name``, ``label``, ``fields`` and override what differs."""

    name = ""
    scored = True  # scored types need a `kind` (KINDS) and count in the quiz rules; unscored ones refuse it
    shuffled = False  # options shown in a per-attempt order (scales and myth/fact keep theirs)
    counts_choices = False  # answers are option ids worth counting (distributions, most chosen wrong)
    keeps_text = False  # the learner writes their own words (stored apart from the answer, with consent)
    fields: list[Field] = []
    prompt_key = "prompt"

    # -- reading a quiz file ---------------------------------------------------------------------------

    def parse(self, raw, ctx: str, path, errors, sources: set) -> Question | None:
        """Build the question from its mapping in the quiz file, reporting every problem."""
        fields = COMMON_FIELDS + [KIND_FIELD] + self.fields
        values = check_record(raw, fields, f"question '{raw.get('id', '?')}'", errors, raw.line)
        if values is None:
            return None
        kind = self.check_kind(raw, values, errors)
        if any(f.required and f.name not in values for f in fields):
            return None
        question_id = values["id"]

        def text(key: str, label: str, value=None, line=None, context=None) -> Text:
            return Text(
                (value if value is not None else values[key]).strip(),
                context or ctx,
                f"quiz {question_id}: {label}",
                path,
                line or raw.line_of(key),
            )

        options = self.parse_options(raw, values, text, errors)
        if options is None:
            return None
        if "source" in values and sources is not ANY_SOURCE and values["source"] not in sources:
            known = ", ".join(sorted(sources)) or "none declared"
            errors.add(raw.line_of("source"), f"question '{question_id}' cites source '{values['source']}', which the lesson does not list; declared sources: {known}")
        question = Question(
            id=question_id,
            type=self.name,
            prompt=text(self.prompt_key, self.prompt_key),
            options=tuple(options),
            explanation=text("explanation", "explanation") if "explanation" in values else None,
            source=values.get("source"),
            line=raw.line,
            kind=kind,
        )
        self.check(question, raw, errors)
        return question

    def check_kind(self, raw, values, errors) -> str | None:
        """The question's ``kind``: required on a scored type, one of KINDS; refused on an unscored one."""
        kind, question_id = values.get("kind"), values.get("id", "?")
        if not self.scored:
            if "kind" in raw:
                errors.add(raw.line_of("kind"), f"question '{question_id}' is a {self.name} question, which is not scored: remove 'kind' (it is only for scored types)")
            return None
        expected = " | ".join(KINDS)
        if "kind" not in raw:
            errors.add(raw.line, f"question '{question_id}' needs 'kind: {expected}' beside its type (what the question asks the learner to do)")
        elif kind is not None and kind not in KINDS:
            errors.add(raw.line_of("kind"), f"'kind' of question '{question_id}' must be one of: {', '.join(KINDS)}; found '{kind}'")
        return kind if kind in KINDS else None

    def parse_options(self, raw, values, text, errors) -> list[Option] | None:
        """The question's options (none by default)."""
        return []

    def check(self, question: Question, raw, errors) -> None:
        """Rules specific to the type (e.g. how many options are correct)."""

    # -- taking the quiz -------------------------------------------------------------------------------

    def display_order(self, question: Question, rng) -> list[Option]:
        """The options as this attempt shows them; pinned options ("none of these") keep their place."""
        options = list(question.options)
        if not self.shuffled:
            return options
        movable = [option for option in options if not option.pinned]
        rng.shuffle(movable)
        shuffled = iter(movable)
        return [option if option.pinned else next(shuffled) for option in options]

    def tampered(self, question: Question, values: list[str]) -> bool:
        """True when the submitted raw values cannot come from our form (unknown ids, too many)."""
        ids = {option.id for option in question.options}
        return len(values) > 1 or any(value not in ids for value in values)

    def answer(self, data):
        """The answer to store (JSON-serialisable), from what the learner submitted."""
        return data

    def score(self, question: Question, answer) -> float | None:
        """A score from 0 to 1, or None for questions that are not scored."""
        raise NotImplementedError

    def right_answer(self, question: Question) -> list[Option]:
        """The options that make up the right answer, in order (empty when there is none)."""
        return [option for option in question.options if option.correct]

    def chosen(self, question: Question, answer) -> list[Option]:
        """The options the learner chose, in the order they gave them."""
        if answer is None:
            return []
        ids = answer if isinstance(answer, list) else [str(answer)]
        return [option for option in (question.option(i) for i in ids) if option is not None]

    def describe(self, question: Question) -> str:
        """A one-line description for `courses check --verbose`."""
        return f"{self.name}, {len(question.options)} options"

    # -- adding answers up -----------------------------------------------------------------------------

    def summarise(self, question: Question, answers) -> "Summary":
        """What many answers add up to, for the live screens, the session report and `courses stats`.

        ``answers`` are (stored answer, score) pairs. A type counts chosen options only when its answers
        are option ids (``counts_choices``) and averages only when it is a scale (``average``).
        """
        answers = list(answers)
        fully_right = sum(1 for _value, score in answers if score == 1.0) if self.scored else None
        counts = None
        if self.counts_choices:
            counts = Counter()
            for value, _score in answers:
                counts.update(str(v) for v in (value if isinstance(value, list) else [value]) if v is not None)
        return Summary(len(answers), fully_right, counts, self.average([value for value, _score in answers]))

    def average(self, values) -> float | None:
        """The mean answer, for types whose answers are positions on a scale; None for the others."""
        return None


@dataclass(frozen=True)
class Summary:
    """Many learners' answers to one question, added up."""

    answers: int
    fully_right: int | None  # answers that scored 1; None when the type is not scored
    counts: Counter | None  # times each option id was chosen; None when answers are not option ids
    average: float | None  # mean scale position; None unless the type is a scale

    def percent_right(self) -> float | None:
        """The share of answers fully right, in percent (None when not scored or nobody answered)."""
        if self.fully_right is None or not self.answers:
            return None
        return 100.0 * self.fully_right / self.answers


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the UI catalog without translating it here: definitions have
    no request, hence no language. Widgets translate it when a page shows it."""
    return message


def option_records(raw, key: str, values, text, errors, extra_fields, kind_label: str) -> list[Option] | None:
    """Parse a list of option-like records (options or items) with unique ids and feedback."""
    options, seen = [], set()
    items = values.get(key)
    if items is None:
        return None
    fields = [Field("id", "id"), Field("text", "text"), Field("feedback", "text")] + extra_fields
    for index, item in enumerate(items):
        record = check_record(item, fields, f"{kind_label} of question '{values['id']}'", errors, items.line_of(index))
        if not record or any(f.required and f.name not in record for f in fields):
            continue
        if record["id"] in seen:
            errors.add(item.line_of("id"), f"duplicate {kind_label} id '{record['id']}' in question '{values['id']}'")
            continue
        seen.add(record["id"])
        options.append(
            Option(
                id=record["id"],
                text=text("text", f"{kind_label} {record['id']}", record["text"], item.line_of("text")),
                feedback=text("feedback", f"feedback for {kind_label} {record['id']}", record["feedback"], item.line_of("feedback")),
                correct=record.get("correct", False),
                pinned=record.get("pinned", False),
            )
        )
    return options
