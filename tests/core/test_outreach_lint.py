from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core.outreach_lint import (
    DEFAULT_JOB_WORDS,
    EMPTY_MESSAGE,
    NOT_ENGLISH_MESSAGE,
    RULE_IDS,
    RULES,
    Options,
    Verdict,
    lint,
    read_request,
)

# Requests people answer: short, the connection first, advice not a job, about them, a question.
GOOD = [
    """Hi Maria,

Ana Silva suggested I get in touch: she said you moved from teaching into data engineering
at Acme a few years ago. I'm making a similar move and would love to hear how you approached it.

Would you have 20 minutes for a call in the next couple of weeks?

Thanks so much,
Ana""",
    "Hello Tom, we met at the PyData meetup last Thursday and you mentioned your team's move "
    "to open data. I'd love to hear more about how that came about. Could I buy you a coffee "
    "near your office one morning next week?",
    """Dear Dr. Osei,

As a fellow Leeds alumna, I have followed your research on soil health with real interest.
How did you decide to move from academia into the policy side of your work?

Would you be open to a 15-minute call sometime this month?

Best wishes,
Priya Natarajan
Environmental Scientist | priya@example.com""",
    """Hi Sam,

Jo Chen thought we should talk: you both worked on the city's cycling plan. Your write-up on
the consultation was brilliant. What made you choose transport planning after your law degree?

Would a short call next Tuesday or Wednesday suit you?

Cheers,
Lee""",
    "Hi Ruth — your colleague Ben Adeyemi passed on your name after we spoke about museum "
    "education. Your exhibition on river trade sounded wonderful. Might you have a few minutes "
    "to tell me how you found your way into curating?\n\nWarm regards,\nAisha",
    """Good morning Kofi,

I heard your talk at NHS Digital Week on patient records and it stayed with me. You described
your path from nursing into informatics, and I'd love to learn what helped you most.

Could we find 20 minutes for a chat over the next few weeks?

Kind regards,
Daniel""",
    """Hi Elena,

We both studied architecture at Delft, a few years apart. Your work on timber housing is
exactly the field you made me curious about. How did you move from design into sustainability
consulting, and would you be up for a quick coffee to tell me about it?

Thank you,
Marco""",
    "Hello Jun, my former colleague Sara Lind recommended that I write to you. She says your "
    "team runs the best user research practice she knows. Would you have half an hour in the "
    "next fortnight to share how you built it?",
    """Hi Grace,

It was lovely meeting you at the Women in Tech breakfast on Friday. You mentioned your switch
from finance into product; I'd love to hear what you wish you had known then.

Would you be free for a 20-minute call next week?

Thanks again!
Olu""",
    """Hey Max,

A friend of yours, Lena Fischer, pointed me to you when I asked about game audio. Your score
for Tidewater is wonderful. How did you get your first scoring work, and could I ask you a few
questions over a call sometime?

Best,
Jonah""",
    """Hello Ms. Alvarez,

Professor Kim suggested I reach out to you about your path in public health. How did your
fieldwork shape where you are now? Would you have 15 minutes for a call this month?

With thanks,
Hannah Brooks
+44 7700 900123""",
    """Hi Ahmed,

As fellow members of the Manchester Python user group, I think we've crossed paths at a few
talks. Your post about moving from physics into machine learning resonated with me.

Would you be open to a short video call so I can hear how you made that leap?

Many thanks,
Chloe""",
    """Hi Noor,

We met briefly at Ravi's birthday dinner, where you talked about your work in accessibility.
I'd love to hear how you got into it. Do you have 20 minutes for a call in the coming weeks?

Talk soon,
Isla""",
    "Hi Paul,\n\nOur mutual friend Dana Reyes told me you built the analytics team at Brightwave "
    "from scratch. What did you look for in the people you brought on, and what would you "
    "tell someone moving into the field now? Would you have time for a coffee next week?\n\n"
    "Thanks in advance,\nRosa",
    """Hi Yuki,

My classmate from the UX bootcamp, Tariq, mentioned you mentor people changing careers. Your
story of moving from retail into design is exactly what I'd like to hear more about.

Could we set up a 20-minute chat at a time that suits you?

Best regards,
Ben""",
    """Hi Carmen,

I saw your panel at the Fintech Forum last week and loved your point about regulation as
a design constraint. How did you end up working on compliance products?

Would you be willing to chat for 15 minutes next week?

Gratefully,
Tom""",
]


@pytest.mark.parametrize("text", GOOD, ids=[f"good-{i}" for i in range(len(GOOD))])
def test_a_good_request_passes_every_rule(text):
    report = lint(text)
    assert report.ok, [(r.rule.id, r.detail) for r in report.failed]
    assert all(result.verdict is Verdict.PASS for result in report.results), report.results
    assert report.english


def verdict(text: str, rule_id: str, **settings) -> Verdict:
    return lint(text, Options(**settings)).result(rule_id).verdict


GOOD_OPENING = "Ana Silva suggested I get in touch about your move into data engineering. "
GOOD_QUESTION = " Would you have 20 minutes for a call next week?"


# Word limit


def test_the_word_limit_fails_a_long_request_and_says_by_how_much():
    text = GOOD_OPENING + "I really want to hear about it. " * 20 + GOOD_QUESTION
    result = lint(text).result("word-limit")
    assert result.verdict is Verdict.FAIL
    assert "over the limit of 100" in result.detail


@pytest.mark.parametrize(("words", "expected"), [(100, Verdict.PASS), (101, Verdict.FAIL)])
def test_the_word_limit_counts_exactly(words, expected):
    text = " ".join(["word"] * (words - 1)) + " end?"
    assert verdict(text, "word-limit") is expected


def test_the_word_limit_is_a_setting():
    text = GOOD_OPENING + "Tell me more. " * 30 + GOOD_QUESTION
    assert verdict(text, "word-limit") is Verdict.FAIL
    assert verdict(text, "word-limit", max_words=200) is Verdict.PASS
    assert verdict(GOOD[0], "word-limit", max_words=30) is Verdict.FAIL


def test_the_greeting_and_signature_do_not_count_towards_the_limit():
    body = " ".join(["word"] * 99) + " end?"
    text = f"Hi Maria,\n\n{body}\n\nKind regards,\nAna Silva\nData Analyst | ana@example.com"
    assert lint(text).words == 100
    assert verdict(text, "word-limit") is Verdict.PASS


# No job words


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("I am looking for a new job in analytics.", "job"),
        ("Is your team hiring this spring?", "hiring"),
        ("I have attached my CV for context.", "cv"),
        ("I'd like to apply for the analyst position.", "apply for"),
        ("Are there any vacancies in your department?", "vacancies"),
        ("I saw there are openings on your team.", "openings"),
        ("Could you pass on a referral?", "referral"),
        ("Please find my résumé attached.", "my résumé"),
        ("I'm sure you could refer me to the right person.", "refer me"),
    ],
)
def test_job_words_are_caught(sentence, word):
    result = lint(GOOD_OPENING + sentence + GOOD_QUESTION).result("no-job-words")
    assert result.verdict is Verdict.FAIL
    assert f"'{word}'" in result.detail


@pytest.mark.parametrize(
    "sentence",
    [
        "You have been a role model for many women in engineering.",
        "If you are in a position to share advice, I'd be grateful.",
        "We could resume the thread we started at the conference.",
        "I'm curious how your team applies research to product work.",
        "Which mobile application did your team launch last year?",
        "I enjoyed your talk on repositioning a brand.",
    ],
)
def test_words_that_only_look_like_job_words_pass(sentence):
    assert verdict(GOOD_OPENING + sentence + GOOD_QUESTION, "no-job-words") is Verdict.PASS


def test_the_job_word_list_is_a_setting():
    text = GOOD_OPENING + "I'm after a gig in audio." + GOOD_QUESTION
    assert verdict(text, "no-job-words") is Verdict.PASS
    assert verdict(text, "no-job-words", job_words=("gig", "contract")) is Verdict.FAIL
    assert verdict(GOOD_OPENING + "Any jobs?" + GOOD_QUESTION, "no-job-words", job_words=("gig",))
    assert "cv" in DEFAULT_JOB_WORDS


def test_an_empty_job_word_list_cannot_judge():
    result = lint(GOOD[0], Options(job_words=())).result("no-job-words")
    assert result.verdict is Verdict.CANNOT_JUDGE
    assert "empty" in result.detail


# The shared connection comes first


@pytest.mark.parametrize(
    "text",
    [
        "Hi Maria, I am a data analyst looking to move into engineering. Ana Silva suggested "
        "I write. Would you have 20 minutes next week?",
        "Hello, my name is Tom and I recently finished a bootcamp. How did you get started?",
        "Dear Sir, I came across your profile on LinkedIn. Would you have time for a call?",
        "Hi Jo,\n\nI'm changing careers after ten years in retail and I admire your work. "
        "We met at the meetup in May. Could we talk?",
        "Hi, I have been following your blog for years. Would you share some advice?",
    ],
)
def test_a_request_that_opens_with_yourself_fails_the_connection_rule(text):
    result = lint(text).result("connection-first")
    assert result.verdict is Verdict.FAIL
    assert "does not say how you are connected" in result.detail


def test_a_named_connection_in_the_first_sentence_passes():
    text = "Hi Maria, Ana Silva and I worked together at Brightwave. How did you start?"
    assert verdict(text, "connection-first", connection="Ana Silva") is Verdict.PASS
    # Her first name alone is enough, in any case.
    text = "Hi Maria, ana says hello and thinks we should talk. How did you start?"
    assert verdict(text, "connection-first", connection="Ana Silva") is Verdict.PASS


def test_a_named_connection_later_in_the_request_fails_and_says_whom_to_lead_with():
    text = "Hi Maria, I'm moving into data. Ana Silva gave me your name. How did you start?"
    result = lint(text, Options(connection="Ana Silva")).result("connection-first")
    assert result.verdict is Verdict.FAIL
    assert "Open with Ana Silva" in result.detail


def test_a_short_pleasantry_before_the_connection_is_forgiven():
    text = "Hi Maria, I hope you are well! We met at PyCon in April. How did you start?"
    assert verdict(text, "connection-first") is Verdict.PASS


# Ends with a question


@pytest.mark.parametrize(
    "text",
    [
        GOOD_OPENING + "I look forward to hearing from you.",
        GOOD_OPENING + "Let me know if you have 20 minutes next week.\n\nBest,\nAna",
        GOOD_OPENING + "Would you have time for a call? I am free most afternoons.",
        GOOD_OPENING + "I would love to hear about your path.\n\nThanks!\nAna",
        GOOD_OPENING + "Please get back to me when you can",
    ],
)
def test_a_request_that_does_not_close_on_a_question_fails(text):
    result = lint(text).result("ends-with-question")
    assert result.verdict is Verdict.FAIL
    assert "is not a question. Close with one" in result.detail


@pytest.mark.parametrize(
    "ending",
    [
        "Would you have 20 minutes?",
        "Would you have 20 minutes?\n\nBest, Ana",
        "Would you have 20 minutes? Thanks so much for reading!",
        "Would you have 20 minutes?\nLooking forward to hearing from you,\nAna Silva",
        "Would you have 20 minutes (a call is fine)?",
        "Would you have 20 minutes?\n\n— Ana\nana@example.com\nhttps://example.com/ana",
        "Would you have 20 minutes?\n\nSent from my phone",
    ],
)
def test_sign_offs_and_signatures_after_the_question_are_set_aside(ending):
    assert verdict(GOOD_OPENING + ending, "ends-with-question") is Verdict.PASS


# More about them than about me


@pytest.mark.parametrize(
    "text",
    [
        "Ana suggested I write. I am a data analyst and I have worked in retail for years. "
        "My goal is to move into engineering and I think my skills fit. Can you help?",
        "We met at PyCon. I'm moving into design, I've built a portfolio, and I'd love my "
        "work to count. Could I call you?",
        "Ana suggested I get in touch. I, me, my: all about me. Would you?",
    ],
)
def test_a_request_mostly_about_the_writer_fails(text):
    result = lint(text).result("about-them")
    assert result.verdict is Verdict.FAIL
    assert "about you ('I', 'me', 'my'): " in result.detail and "you come first" in result.detail


def test_a_tie_passes_and_thank_you_does_not_count():
    assert verdict("Ana suggested I write. Would you have time?", "about-them") is Verdict.PASS
    text = "Ana suggested I write to ask about my move. Thank you! Would you have time?"
    assert verdict(text, "about-them") is Verdict.FAIL


# The interest stated broadly


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("I am hoping for a role at Acme.", "a role at"),
        ("I'm interested in the Senior Data Engineer role.", "the Senior Data Engineer role"),
        ("Could you tell me about your Head of Product position?", "your Head of Product"),
        ("Can you refer me to your recruiter?", "refer me"),
        ("It is job ID 48213 on your site.", "job ID 48213"),
        ("Could you put in a good word for me?", "put in a good word"),
        ("Would you forward my CV to the hiring manager?", "forward my CV"),
        ("I'd like to ask about the position you posted last week.", "position you posted"),
        ("It is listed as req #R-1234.", "req #R-1234"),
        ("I hope for a position at a firm like yours.", "a position at"),
    ],
)
def test_narrow_asks_are_caught(sentence, found):
    result = lint(GOOD_OPENING + sentence + GOOD_QUESTION).result("broad-interest")
    assert result.verdict is Verdict.FAIL
    assert found in result.detail


@pytest.mark.parametrize(
    "sentence",
    [
        "I'd love to learn how you moved into product management.",
        "What do you enjoy most about your current role?",
        "How has your role changed since the team grew?",
        "I'm curious what an informational interview with you might cover.",
        "I left teaching 10 years ago and my first analyst job 2 years later.",
        "I'd love to hear about the role at Acme you took after your PhD.",
    ],
)
def test_broad_interests_pass(sentence):
    assert verdict(GOOD_OPENING + sentence + GOOD_QUESTION, "broad-interest") is Verdict.PASS


# Switches, empty requests, other languages


def test_a_rule_switched_off_says_so_and_does_not_fail():
    text = "I am looking for a job. Thanks."
    report = lint(text, Options(skip=frozenset({"no-job-words", "ends-with-question"})))
    assert report.result("no-job-words").verdict is Verdict.OFF
    assert report.result("ends-with-question").verdict is Verdict.OFF
    assert {result.rule.id for result in report.failed} == {"connection-first", "about-them"}


def test_an_unknown_rule_or_a_word_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="No rule is called typo; the rules are word-limit"):
        Options(skip=frozenset({"typo"}))
    with pytest.raises(ValueError, match="at least 1"):
        Options(max_words=0)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\t"])
def test_an_empty_request_is_not_judged_and_says_why(text):
    report = lint(text)
    assert report.empty and report.ok
    assert {result.verdict for result in report.results} == {Verdict.CANNOT_JUDGE}
    assert all(result.detail == EMPTY_MESSAGE for result in report.results)


def test_a_greeting_and_sign_off_alone_are_not_a_request():
    report = lint("Hi Maria,\n\nBest,\nAna")
    assert report.empty
    assert "only a greeting or a sign-off" in report.results[0].detail


SPANISH = """Hola Lucía:

Pedro Gómez me sugirió que te escribiera. Estoy cambiando de la docencia al análisis de datos
y me encantaría saber cómo hiciste tú ese cambio.

¿Tendrías veinte minutos para una llamada la semana que viene?

Un saludo,
Ana"""

FRENCH = """Bonjour Claire,

Je travaille depuis dix ans dans l'enseignement et je souhaite rejoindre le secteur des
données. Votre parcours m'inspire beaucoup. Auriez-vous un moment pour en discuter

Cordialement,
Marc"""


def test_a_request_in_another_language_is_held_only_to_what_can_be_judged():
    report = lint(SPANISH, Options(connection="Pedro Gómez"))
    assert not report.english
    assert report.result("word-limit").verdict is Verdict.PASS
    assert report.result("connection-first").verdict is Verdict.PASS  # the name is there
    assert report.result("ends-with-question").verdict is Verdict.CANNOT_JUDGE  # "Un saludo"
    for rule_id in ("no-job-words", "about-them", "broad-interest"):
        assert report.result(rule_id).verdict is Verdict.CANNOT_JUDGE
        assert report.result(rule_id).detail == NOT_ENGLISH_MESSAGE
    assert report.ok


def test_another_language_never_fails_a_rule_that_looks_for_english_words():
    report = lint(FRENCH)
    assert not report.english
    assert report.ok
    assert report.result("connection-first").verdict is Verdict.CANNOT_JUDGE
    # The word limit still judges.
    assert lint(FRENCH, Options(max_words=10)).result("word-limit").verdict is Verdict.FAIL


def test_another_script_reads_as_not_english():
    assert not lint("Привет! Анна посоветовала мне написать вам. Удобно ли созвониться?").english
    assert not lint("安娜建议我联系您。下周有空喝杯咖啡吗？").english


@pytest.mark.parametrize("text", GOOD)
def test_good_requests_read_as_english(text):
    assert read_request(text).english


def test_every_rule_has_an_id_a_name_and_an_explanation():
    assert [rule.id for rule in RULES] == list(RULE_IDS)
    assert len(set(RULE_IDS)) == len(RULE_IDS) == 6
    for rule in RULES:
        assert rule.name and len(rule.why) > 60


@given(st.text())
def test_the_linter_never_crashes(text):
    report = lint(text)
    assert len(report.results) == len(RULES)


@given(
    st.lists(
        st.sampled_from(["Hi", "Ana", "suggested", "I", "you", "?", ".", "\n", "Best,", "job"]),
        max_size=40,
    )
)
def test_the_linter_never_crashes_on_request_like_text(tokens):
    lint(" ".join(tokens), Options(connection="Ana Silva"))
