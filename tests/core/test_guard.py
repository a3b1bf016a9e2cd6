from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coffeechat.core import guard
from coffeechat.core.compose import (
    DEFAULT_TEMPLATES,
    FRAMING,
    GAP,
    Name,
    Step,
    draft,
    literal_text,
)
from tests.core.test_compose import MINE, NAMES, STUCK, THEIRS

NOW = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
MEMORABLE = "She left teaching for data science after a summer bootcamp"
STEPS = ("Send Maya the article on hiring for career changers", "Introduce me to Sam Patel")
GOOD = (
    "Hi Maya,\n\nThank you for your time today. Your move from teaching into data science "
    "after that bootcamp gave me real courage.\n\nAs agreed, I will send you the article on "
    "hiring career changers, and thank you for offering to introduce me to Sam Patel.\n\n"
    "Thanks again,\nLee"
)

REQUESTS = [
    "Could you send me the slides from your talk?",
    "Could you introduce me to your manager",
    "Would you mind forwarding my details to the hiring team.",
    "Can you take a look at my cover letter",
    "Would you be able to review my portfolio site.",
    "I was wondering if you could recommend a course.",
    "I'm wondering whether you know anyone at Acme.",
    "Any chance you could put me in touch with your recruiter.",
    "Is there any chance your team is looking for interns.",
    "Please send me the name of that book.",
    "Please introduce me to whoever runs the data team.",
    "Please forward this to anyone who might be interested.",
    "Please share the salary bands if you can.",
    "Let me know if you could pass my name along.",
    "Let me know if you hear of any openings.",
    "If you could connect me with Priya that would be great.",
    "I'd really appreciate an introduction to your director.",
    "I would be grateful if you kept me in mind for future roles.",
    "It would be great if you could look over my plan.",
    "I'd love it if you could mentor me.",
    "Would it be possible to meet again next month.",
    "Do you know anyone at the Guardian who would talk to me.",
    "Do you happen to know who leads hiring there.",
    "Are you able to share the job description.",
    "Feel free to forward my CV to your colleagues.",
    "Keep me in mind if anything opens up.",
    "One more favour: a quick word with your boss would help.",
    "May I ask you to read my essay.",
    "When you get a chance, send over the reading list.",
    "At your earliest convenience, a reply would help me plan.",
    "Are you hiring at the moment",
    "Are there any openings on your team",
    "Would you be willing to be a reference",
    "I was hoping you could help me with my application.",
    "Do you think you could check with HR about the role.",
    "What did you think of my pitch?",
    "How did you find your first job in publishing?",
    "Might you have ten more minutes next week.",
    "Will you tell me if the role gets posted",
    "Could I trouble you for the contact of your editor.",
]

POLITE = [
    "Let me know if I can help you in any way.",
    "Looking forward to staying in touch.",
    "Thanks again.",
    "Thank you so much for your time.",
    "Let me know if there's anything I can do to return the favour.",
    "Let me know if there is anything I can do for you.",
    "Is there anything I can do to help?",
    "How can I help with the launch?",
    "Can I help with the conference in any way?",
    "If I can ever be useful to you, just say the word.",
    "Looking forward to hearing how the launch goes.",
    "I hope you have a lovely weekend.",
    "Please don't hesitate to reach out if I can return the favour.",
    "Feel free to reach out any time.",
    "Your story about leaving teaching stayed with me all evening.",
    "I loved hearing about your first year at the paper.",
    "Thank you for the tip about the data meetup; I signed up last night.",
    "It was kind of you to give me so much of your afternoon.",
    "I will read the book you recommended this week.",
    "Would you like me to send you the article I mentioned?",
    "Would it help if I sent the notes from the workshop?",
    "Shall I share the survey results when they are out?",
    "Best wishes for the move to Lisbon.",
    "Good luck with the product launch on Thursday.",
    "Wishing you a great trip.",
    "Thanks again, and let me know if I can ever return the favour.",
]


def test_a_good_thank_you_passes_every_check():
    problems = guard.check(
        GOOD, memorable=[MEMORABLE], next_steps=STEPS, due_at=NOW + timedelta(hours=20), now=NOW
    )
    assert problems == []


def test_our_default_draft_passes_every_check():
    drafted = draft(
        DEFAULT_TEMPLATES["thank_you"],
        first_name="Maya",
        memorable=MEMORABLE,
        steps=[Step("me", STEPS[0]), Step("them", STEPS[1])],
        value="https://example.com/hiring-guide",
        my_name="Lee",
    )
    problems = guard.check(
        drafted.body, subject=drafted.subject, memorable=[MEMORABLE], next_steps=STEPS
    )
    assert problems == []


@pytest.mark.parametrize("sentence", REQUESTS)
def test_it_catches_a_request(sentence):
    assert guard.new_requests(f"Thanks for the chat.\n{sentence}\nBest, Lee") == [sentence]


def test_it_holds_at_least_thirty_request_phrasings():
    assert len(set(REQUESTS)) >= 30


@pytest.mark.parametrize("sentence", POLITE)
def test_it_does_not_flag_a_polite_closing_or_a_specific_thanks(sentence):
    assert guard.new_requests(sentence) == []


def test_it_holds_at_least_twenty_polite_phrasings():
    assert len(set(POLITE)) >= 20


def test_a_new_request_problem_quotes_the_sentence_and_says_why():
    body = GOOD + "\nCould you also look at my cover letter?"
    problems = guard.check(body, memorable=[MEMORABLE], next_steps=STEPS)
    assert [p.code for p in problems] == [guard.NEW_REQUEST]
    assert "Could you also look at my cover letter?" in problems[0].explanation
    assert "asks for nothing" in problems[0].explanation


def test_asking_for_what_they_already_offered_is_not_a_new_request():
    sentence = "Could you introduce me to Sam Patel when you have a moment?"
    assert guard.new_requests(sentence, agreed_steps=STEPS) == []
    assert guard.new_requests(sentence) == [sentence]


def test_a_request_typed_after_a_recapped_step_on_the_same_line_is_still_new():
    line = f"- From me: {STEPS[0]} (by 28 November) Could you also send me the salary bands?"
    assert guard.new_requests(line, agreed_steps=STEPS) == [
        "Could you also send me the salary bands?"
    ]


def test_a_question_in_the_subject_line_counts():
    problems = guard.check(GOOD, subject="Quick question?", memorable=[MEMORABLE], next_steps=STEPS)
    assert [p.code for p in problems] == [guard.NEW_REQUEST]


@given(
    polite=st.sampled_from(POLITE),
    body=st.sampled_from([GOOD, "Thank you for the chat.", "Hi Maya,\nThanks for today."]),
)
def test_appending_a_polite_closing_never_adds_a_new_request(polite, body):
    before = guard.new_requests(body, STEPS)
    after = guard.new_requests(f"{body}\n{polite}", STEPS)
    assert after == before


@given(request=st.sampled_from(REQUESTS), polite=st.sampled_from(POLITE))
def test_a_polite_closing_never_hides_a_request_in_the_same_message(request, polite):
    assert request in guard.new_requests(f"{polite}\n{request}")


@given(st.text(max_size=300))
def test_the_guard_reads_any_text_without_failing(text):
    problems = guard.check(text, subject=text[:40], memorable=[MEMORABLE], next_steps=STEPS)
    assert all(p.code and p.explanation for p in problems)


# --- Deadline --------------------------------------------------------------------------------


def codes(problems: list[guard.Problem]) -> list[str]:
    return [p.code for p in problems]


def test_it_is_quiet_while_the_deadline_is_far():
    assert codes(guard.check(GOOD, due_at=NOW + timedelta(hours=5), now=NOW)) == []


def test_it_warns_when_the_deadline_is_close():
    problems = guard.check(GOOD, due_at=NOW + timedelta(hours=3), now=NOW)
    assert codes(problems) == [guard.DEADLINE_CLOSE]
    assert "3 h left" in problems[0].explanation


def test_it_says_how_late_an_overdue_thank_you_is_and_to_send_it_anyway():
    problems = guard.check(GOOD, due_at=NOW - timedelta(hours=3), now=NOW)
    assert codes(problems) == [guard.OVERDUE]
    assert "3 h overdue" in problems[0].explanation
    assert "Send it anyway" in problems[0].explanation


# --- Something specific ----------------------------------------------------------------------


def test_a_generic_thank_you_mentions_nothing_specific():
    body = "Hi Maya,\nThank you for your time and your advice. It was great to meet you.\nLee"
    problems = guard.check(body, memorable=[MEMORABLE])
    assert codes(problems) == [guard.NOTHING_SPECIFIC]
    assert MEMORABLE in problems[0].explanation


@pytest.mark.parametrize(
    "mention",
    [
        "Your jump from teaching into data science stuck with me.",
        "I keep thinking about your summer bootcamp and leaving teaching.",
        "The data-science bootcamp story was inspiring.",
    ],
)
def test_a_paraphrase_of_a_memorable_note_counts_as_specific(mention):
    assert guard.check(mention, memorable=[MEMORABLE]) == []


def test_citing_any_one_of_several_memorable_notes_is_enough():
    notes = [MEMORABLE, "Their team ships a podcast about rural broadband"]
    assert guard.check("Loved hearing about the rural broadband podcast.", memorable=notes) == []


def test_without_memorable_notes_any_detail_of_the_chat_is_specific_enough():
    body = "Thanks for your time. Your move from teaching into data science stayed with me."
    assert guard.check(body, memorable=[]) == []


def test_a_draft_of_nothing_but_template_sentences_is_not_specific_even_without_notes():
    template = DEFAULT_TEMPLATES["thank_you"]
    body = "Hi Maya,\n\nThank you for taking the time to talk with me.\n\nAll the best,\nLee"
    problems = guard.check(
        body, memorable=[], boilerplate=[literal_text(template), "Maya Okafor", "Lee"]
    )
    assert codes(problems) == [guard.NOTHING_SPECIFIC]
    assert "only the template" in problems[0].explanation


def test_the_gap_left_in_the_draft_is_a_problem_debrief_or_not():
    drafted = draft(DEFAULT_TEMPLATES["thank_you"], first_name="Maya", signature="Lee")
    problems = guard.check(drafted.body, subject=drafted.subject)
    assert codes(problems) == [guard.GAP_LEFT]
    assert GAP in problems[0].explanation


def test_filling_the_gap_clears_it():
    drafted = draft(DEFAULT_TEMPLATES["thank_you"], first_name="Maya", signature="Lee")
    body = drafted.body.replace(GAP, "Your move from teaching into data science stayed with me.")
    assert guard.check(body, boilerplate=[literal_text(DEFAULT_TEMPLATES["thank_you"])]) == []


def test_a_short_bracketed_reference_is_not_a_gap():
    assert guard.gaps("See the article [1] on data science [PDF].") == []


def test_a_draft_from_the_capture_passes_the_guard():
    template = DEFAULT_TEMPLATES["thank_you"]
    drafted = draft(
        template,
        first_name="Maya",
        memorable="Hearing how you moved into data science after the bootcamp stayed with me",
        steps=[Step("me", STEPS[0], "by Friday"), Step("them", STEPS[1])],
        names=[Name("Tom Lee", "Acme")],
        signature="Lee",
    )
    problems = guard.check(
        drafted.body,
        subject=drafted.subject,
        memorable=["Hearing how you moved into data science after the bootcamp stayed with me"],
        next_steps=STEPS,
        boilerplate=[literal_text(template), *FRAMING, "Maya Okafor", "Lee"],
    )
    assert problems == []


# --- Next steps ------------------------------------------------------------------------------


def test_it_names_each_agreed_step_the_message_leaves_out():
    body = "Your move from teaching into data science after the bootcamp stayed with me."
    problems = guard.check(body, memorable=[MEMORABLE], next_steps=STEPS)
    assert codes(problems) == [guard.STEPS_MISSING]
    assert STEPS[0] in problems[0].explanation and STEPS[1] in problems[0].explanation


def test_a_recapped_step_in_other_words_counts():
    body = (
        "This week I'll send over the hiring article for career changers. "
        "Thank you for offering to introduce me to Sam."
    )
    assert guard.check(body, next_steps=STEPS) == []


# --- Attachments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "I have attached my CV for your reference.",
        "Please find my résumé attached.",
        "My updated resume is below.",
        "Here is a link to my portfolio.",
        "I'm enclosing a short writing sample.",
        "See the attachment for my curriculum vitae.",
    ],
)
def test_it_flags_a_document_they_did_not_ask_for(sentence):
    problems = guard.check(sentence)
    assert codes(problems) == [guard.UNASKED_ATTACHMENT]
    assert "did not ask" in problems[0].explanation


def test_a_document_is_fine_when_a_next_step_asks_for_it():
    steps = ["Send Maya my CV so she can pass it to the hiring manager"]
    assert guard.unasked_attachments("I have attached my CV as promised.", steps) == []
    assert guard.unasked_attachments("Here is my portfolio.", ["Share my portfolio"]) == []


def test_the_verb_resume_is_not_a_resume():
    assert guard.unasked_attachments("I hope we can resume this conversation in spring.") == []


# --- Length ----------------------------------------------------------------------------------


def test_it_counts_words_and_flags_a_long_message():
    body = "word " * 151
    problems = guard.check(body)
    assert codes(problems) == [guard.TOO_LONG]
    assert "151 words" in problems[0].explanation


def test_a_message_at_the_limit_is_not_too_long():
    assert guard.check("word " * 150) == []


def test_contractions_and_hyphenated_words_count_once():
    assert guard.word_count("Don't over-think it, it's fine.") == 5


def test_a_draft_from_any_capture_passes_unless_the_gap_is_left():
    template = DEFAULT_TEMPLATES["thank_you"]
    boilerplate = [literal_text(template), *FRAMING, "Maya Okafor", "Lee Chen"]
    for stuck, mine, theirs, names in itertools.product(STUCK, MINE, THEIRS, NAMES):
        steps = [*THEIRS[theirs], *MINE[mine]]
        drafted = draft(
            template,
            first_name="Maya",
            memorable=STUCK[stuck],
            steps=steps,
            names=NAMES[names],
            signature="Lee Chen",
        )
        problems = guard.check(
            drafted.body,
            subject=drafted.subject,
            memorable=[STUCK[stuck]] if STUCK[stuck] else [],
            next_steps=[step.text for step in steps],
            boilerplate=boilerplate,
        )
        expected = [guard.GAP_LEFT] if stuck == "nothing" else []
        assert codes(problems) == expected, (stuck, mine, theirs, names, drafted.body)
