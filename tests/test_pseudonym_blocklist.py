"""The pseudonym blocklist refuses words, not letters that happen to spell one inside an innocent name."""

import pytest

from quizapp.classroom.blocklist import Blocklist
from quizapp.classroom.service import pseudonym_blocklist

from .classroom_helpers import create_session, login, make_teacher


@pytest.mark.parametrize(
    "name",
    ["Skillful Otter", "Nazira", "Ishita", "Maricela", "Computadora", "Scunthorpe Fan", "Killer Whale", "Otter 42", "Ｐａｎｄａ ７", "ばか"],
)
def test_a_name_that_only_contains_the_letters_of_a_blocked_word_passes(name):
    assert not pseudonym_blocklist().refuses(name)


@pytest.mark.parametrize(
    "name",
    [
        "kill", "Kill!", "(nazi)", "...Nazi...", "«Nazi»", "NAZIS", "Hitler's fan", "Otter_nazi",  # alone, in punctuation
        "Shithead", "bullshit", "motherfucker", "suicidal",  # the entries that run on into longer words
        "sh1t", "5hit", "sh!t", "k1ll", "ki11", "Ｆｕｃｋ", "Maricón", "maricon", "MARICONES",  # look-alikes, accents
        "s h i t", "s.h.i.t", "s-h-1-t", "f u c k",  # spelt out
        "お前死ね", "يا كلب", "كَلْب",  # scripts without spaces between words; vowel signs
    ],
)
def test_a_blocked_word_is_refused_however_it_is_written(name):
    assert pseudonym_blocklist().refuses(name)


def test_every_entry_of_the_shipped_blocklist_is_refused_on_its_own():
    entries = pseudonym_blocklist().entries
    assert len(entries) > 20
    for entry in entries:
        assert pseudonym_blocklist().refuses(entry.word), entry
        assert not Blocklist([entry]).refuses(f"x{entry.word}x") or (entry.before and entry.after), entry


def test_a_star_lets_a_word_run_on_only_where_it_stands():
    assert Blocklist.from_lines(["shit*"]).refuses("Shithead") and not Blocklist.from_lines(["shit*"]).refuses("bullshit")
    assert Blocklist.from_lines(["*shit"]).refuses("bullshit") and not Blocklist.from_lines(["*shit"]).refuses("Shithead")
    assert Blocklist.from_lines(["*shit*"]).refuses("Ishita")
    assert not Blocklist.from_lines(["shit"]).refuses("Shithead") and Blocklist.from_lines(["shit"]).refuses("shits")


def test_joining_with_a_name_that_merely_contains_a_blocked_word_works(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    teacher = app.test_client()
    login(teacher)
    _live, code = create_session(teacher, names="pseudonyms")
    for name in ("Skillful Otter", "Nazira"):
        response = app.test_client().post(f"/en/join/{code}", data={"language": "en", "pseudonym": name})
        assert response.status_code == 303, name
    refused = app.test_client().post(f"/en/join/{code}", data={"language": "en", "pseudonym": "(Nazi)"})
    assert refused.status_code == 422 and "another name" in refused.get_data(as_text=True)
