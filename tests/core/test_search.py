"""Search text without a database: query words, the FTS5 query, highlighting made safe."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat.core.search import (
    END,
    LONGEST_QUERY,
    LONGEST_WORD,
    MOST_WORDS,
    START,
    clean_query,
    folded,
    fts5_highlight,
    fts5_query,
    fts5_snippet,
    marked_html,
    marked_plain,
    owner_token,
    query_terms,
    search_words,
)


def test_words_are_runs_of_letters_and_digits_lower_cased():
    assert search_words("  Ada  LOVELACE, data-analyst (2024)!") == (
        "ada",
        "lovelace",
        "data",
        "analyst",
        "2024",
    )


def test_query_syntax_typed_by_a_user_is_just_words():
    assert search_words('"ada" NEAR(x y) OR * AND NOT -z') == (
        "ada",
        "near",
        "x",
        "y",
        "or",
        "and",
        "not",
        "z",
    )


def test_punctuation_alone_has_no_words():
    assert search_words(" ?!* \"' () _ ") == ()


def test_accented_words_keep_their_accents_for_the_index_to_fold():
    assert search_words("José Ørsted") == ("josé", "ørsted")


def test_a_pasted_essay_becomes_a_short_query():
    words = search_words("word " * 1000 + "x" * 500)
    assert len(words) == MOST_WORDS
    assert search_words("y" * 500) == ("y" * LONGEST_WORD,)


def test_the_fts5_query_quotes_every_word_and_prefixes_the_last():
    assert fts5_query(("ada", "lov")) == '{title context body} : ("ada" AND "lov"*)'
    assert owner_token(7) == "u7"


def test_an_fts5_query_can_look_in_names_only_but_never_in_the_owner_column():
    assert fts5_query(("ada",), columns=("title",)) == '{title} : ("ada"*)'
    assert fts5_query(("ada",), columns=("title", "context")) == '{title context} : ("ada"*)'
    with pytest.raises(ValueError):
        fts5_query(("u7",), columns=("owner",))
    with pytest.raises(ValueError):
        fts5_query(("ada",), columns=())


def test_a_query_loses_control_and_invisible_characters_and_extra_space():
    assert clean_query("  ada\x00lov\telace\x1b[31m \u200b\r\n x\x7f ") == "ada lov elace [31m x"
    assert clean_query(f"{START}ada{END}") == "ada"
    assert clean_query("José Ørsted 李") == "José Ørsted 李"


def test_a_query_is_cut_to_a_sane_length():
    assert clean_query("x" * 100_000) == "x" * LONGEST_QUERY
    assert len(clean_query("ab " * 100_000)) <= LONGEST_QUERY


def test_query_terms_are_distinct_words_and_few():
    assert query_terms("  Ada  ada LOVE\x00lace ") == ("Ada", "LOVE", "lace")
    assert query_terms("") == ()
    assert len(query_terms(" ".join(f"w{n}" for n in range(1000)))) == MOST_WORDS


@given(st.text())
def test_a_cleaned_query_is_clean_and_cleaning_it_again_changes_nothing(text):
    cleaned = clean_query(text)
    assert len(cleaned) <= LONGEST_QUERY
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(ch in cleaned for ch in "\x00\t\n\r\x7f" + START + END)
    assert clean_query(cleaned) == cleaned


def test_the_text_for_postgresql_has_no_nul_or_markers():
    assert clean_query(f"  a\x00b {START}c{END}\n d ") == "a b c d"


def test_matches_become_mark_elements_and_everything_else_is_escaped():
    text = f"<script>alert(1)</script> and {START}Ada{END} & {START}<b>{END}"
    assert marked_html(text) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; and <mark>Ada</mark> &amp; <mark>&lt;b&gt;</mark>"
    )


def test_stray_markers_are_dropped():
    assert marked_html(f"a{START}b c{END}{END}d{START}") == "a<mark>b c</mark>d"


@given(st.text())
def test_no_text_makes_markup_of_its_own(text):
    html = marked_html(text).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in html and ">" not in html and '"' not in html
    assert START not in html and END not in html


def test_terminal_output_marks_matches_its_own_way():
    assert marked_plain(f"{START}Ada{END} Lovelace", lambda w: f"[{w}]") == "[Ada] Lovelace"


def test_folding_keeps_the_length_and_drops_accents_and_address_punctuation():
    assert folded("José Ørsted ada@example.com") == "Jose Orsted ada example com"
    assert len(folded("ÀÉÎÕÜ ñ ç")) == len("ÀÉÎÕÜ ñ ç")


@given(st.text(max_size=200))
def test_the_words_of_any_text_make_a_valid_looking_query(text):
    words = search_words(text)
    if words:
        query = fts5_query(words)
        # Only the quotes we put there: one pair per word.
        assert query.count('"') == 2 * len(words)


def test_folding_hides_markup_from_postgresqls_parser():
    assert folded("<b>x</b> &amp;") == " b x  b   amp;"


# --- Marks drawn as FTS5 draws them (issue 18: asking FTS5 meant reading every match again) ----

PIECES = [
    "ada",
    "Ada",
    "ADA",
    "adam",
    "lovelace",
    "Lovelace.",
    "José",
    "jose",
    "Zoë",
    "Łukasz",
    "Øster",
    "straße",
    "naïve",
    "café",
    "x²",
    "a_b",
    "l'amour",
    "e-mail",
    "ada@example.com",
    "don't",
    "l",
    "la",
    "on",
    "onboarding",
    "ÉCOLE",
    "İstanbul",
    "ﬁne",
    "ǅemal",
    "42",
    "..",
    "—",
]
SEPARATORS = [" ", "  ", ". ", ": ", ", ", "\n", " - ", ".", "\t", "(", ")", " · "]
QUERY_WORDS = [
    "ada",
    "jose",
    "zoe",
    "l",
    "la",
    "on",
    "lukasz",
    "oster",
    "cafe",
    "ecole",
    "e",
    "x",
    "naive",
    "istanbul",
    "fine",
    "42",
    "example",
    "lovelace",
]


def _texts(most: int):
    piece = st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)).map("".join)
    return st.lists(piece, max_size=most).map(lambda parts: "".join(parts).strip())


@pytest.fixture(scope="module")
def fts5():
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    yield database
    database.close()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=_texts(5),
    body=_texts(60),
    words=st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3).map(tuple),
)
def test_highlights_and_snippets_are_what_fts5_makes(fts5, title, body, words):
    fts5.execute("DELETE FROM t")
    fts5.execute("INSERT INTO t (title, body) VALUES (?, ?)", (title, body))
    match = fts5_query(words, columns=("title",)).replace("{title}", "{title body}")
    row = fts5.execute(
        "SELECT highlight(t, 0, ?, ?), snippet(t, 1, ?, ?, '…', 24) FROM t WHERE t MATCH ?",
        (START, END, START, END, match),
    ).fetchone()
    if row is None:
        return  # FTS5 marks rows that match only
    assert (fts5_highlight(title, words), fts5_snippet(body, words, 24, "…")) == row


def test_a_snippet_is_the_best_window_of_words_cut_with_an_ellipsis():
    body = " ".join(f"w{n}" for n in range(60)) + ". Ada came late: ada again"
    assert (
        fts5_snippet(body, ("ada",), 5, "…") == f"…{START}Ada{END} came late: {START}ada{END} again"
    )
    assert fts5_snippet("short text", ("zzz",), 24, "…") == "short text"
    assert fts5_snippet("one two three", (), 2, "…") == "one two…"
