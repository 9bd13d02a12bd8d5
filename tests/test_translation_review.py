"""The review sample (`flask translate sample`) is fixed: the same catalogs give the same strings to anyone who
asks, shared out over the kinds of text a reader meets, and a blind copy leaves the English out."""

import json

from quizapp.translating.review import SHARES, kind_of

from .support import TRANSLATED


def sample_of(runner, tag, *options):
    result = runner.invoke(args=["translate", "sample", tag, *options])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_the_sample_is_the_same_each_time_and_shared_over_every_kind(runner):
    tag = TRANSLATED[0]
    first, second = sample_of(runner, tag), sample_of(runner, tag)
    assert first == second
    assert len(first) == 60
    kinds = [row["kind"] for row in first]
    assert {kind: kinds.count(kind) for kind in SHARES} == SHARES
    assert len({(row["context"], row["english"]) for row in first}) == 60  # no string twice


def test_another_seed_draws_another_sample_and_a_blind_one_hides_the_english(runner):
    tag = TRANSLATED[0]
    assert sample_of(runner, tag) != sample_of(runner, tag, "--seed", "another")
    blind = sample_of(runner, tag, "--blind")
    assert blind and all("english" not in row and row["translation"] for row in blind)


def test_quiz_prompts_and_options_are_not_feedback():
    assert kind_of("courses", "c/l/quiz", "i18n: course c, lesson l: feedback for option a") == "quiz feedback"
    assert kind_of("courses", "c/l/quiz", "i18n: course c, lesson l: question q, prompt") is None
    assert kind_of("courses", "c/l", "paragraph 3") == "lesson"
    assert kind_of("courses", "help", "") == "help"
    assert kind_of("messages", None, "") == "interface"
