"""The quizzes in docs/quiz/ are well formed, and they cannot be passed by a rule
of thumb: not by always picking the same letter, nor by picking the longest (or,
once the longest is avoided, the shortest) option.

How a question is written, and the parser that reads it: tests/quiz_parser.py.
"""
from collections import Counter
import pytest

from common.paths import ROOT
from quiz_parser import ANSWER_CLOSE, ANSWER_OPEN, QuizFormatError, parse

QUIZ_DIR = ROOT / "docs" / "quiz"
QUIZZES = sorted(QUIZ_DIR.glob("*.md"))
LETTERS = "ABCD"
ANSWERS_PER_LETTER = (0.20, 0.30)  # each letter's share of all answers, over every quiz
MAX_SHARE_IN_ONE_QUIZ = 0.5  # no quiz has more than half of its answers on one letter
MAX_LONGEST_CORRECT = 1 / 3  # the correct option is the longest in at most a third of all questions
MAX_SHORTEST_CORRECT = 1 / 3  # ... and the shortest in at most a third


def correct_is_longest(question):
    """True when no other option is longer than the correct one (a tie counts:
    a learner who always picks the longest option would still be helped)."""
    lengths = {letter: len(text) for letter, text in question["options"].items()}
    return lengths[question["answer"]] >= max(lengths.values())


def correct_is_shortest(question):
    """True when no other option is shorter than the correct one (a tie counts)."""
    lengths = {letter: len(text) for letter, text in question["options"].items()}
    return lengths[question["answer"]] <= min(lengths.values())


def letter_shares(quizzes):
    """Each letter's share of all the answers, over every quiz."""
    answers = Counter(q["answer"] for questions in quizzes.values() for q in questions)
    total = sum(answers.values())
    return {letter: answers[letter] / total for letter in LETTERS}


def unbalanced_letters(quizzes):
    low, high = ANSWERS_PER_LETTER
    return {letter: f"{share:.0%}" for letter, share in letter_shares(quizzes).items() if not low <= share <= high}


def lopsided_quizzes(quizzes):
    """The quizzes with more than half of their answers on one letter."""
    lopsided = {}
    for name, questions in quizzes.items():
        letter, count = Counter(q["answer"] for q in questions).most_common(1)[0]
        if count > MAX_SHARE_IN_ONE_QUIZ * len(questions):
            lopsided[name] = f"{count} of {len(questions)} are {letter}"
    return lopsided


def questions_where(rule, quizzes):
    """The questions (as "page #N") for which ``rule`` holds, and the number of all questions."""
    questions = [(name, q) for name, qs in quizzes.items() for q in qs]
    return [f"{name} #{q['number']}" for name, q in questions if rule(q)], len(questions)


@pytest.fixture(scope="module")
def quizzes():
    return {path.name: parse(path.read_text(encoding="utf-8"), path.name) for path in QUIZZES}


def test_every_lesson_and_the_final_have_a_quiz():
    names = [p.name for p in QUIZZES]
    assert len(names) == 11 and "final.md" in names, names


def test_questions_are_numbered_and_have_options_a_to_d(quizzes):
    for name, questions in quizzes.items():
        assert len(questions) >= 5, f"{name}: only {len(questions)} questions"
        assert [q["number"] for q in questions] == list(range(1, len(questions) + 1)), name
        for q in questions:
            letters = "".join(q["options"])
            assert letters == LETTERS, f"{name}, question {q['number']}: options {letters}, expected {LETTERS}"


def test_each_answer_is_one_of_its_options(quizzes):
    for name, questions in quizzes.items():
        for q in questions:
            assert q["answer"] in q["options"], f"{name}, question {q['number']}: answer {q['answer']} is no option"


def test_correct_letters_are_spread_evenly_over_all_quizzes(quizzes):
    low, high = ANSWERS_PER_LETTER
    shares = {letter: f"{share:.0%}" for letter, share in letter_shares(quizzes).items()}
    off = unbalanced_letters(quizzes)
    assert not off, f"each letter should be {low:.0%}-{high:.0%} of all answers; off: {off}, all: {shares}"


def test_no_quiz_puts_more_than_half_its_answers_on_one_letter(quizzes):
    lopsided = lopsided_quizzes(quizzes)
    assert not lopsided, f"more than half of a quiz's answers on one letter: {lopsided}"


def test_the_correct_option_is_rarely_the_longest(quizzes):
    longest, total = questions_where(correct_is_longest, quizzes)
    assert len(longest) <= MAX_LONGEST_CORRECT * total, (
        f"the correct option is the longest in {len(longest)} of {total} questions "
        f"(at most {MAX_LONGEST_CORRECT:.0%} allowed): {', '.join(longest)}")


def test_the_correct_option_is_not_often_the_shortest_either(quizzes):
    shortest, total = questions_where(correct_is_shortest, quizzes)
    assert len(shortest) <= MAX_SHORTEST_CORRECT * total, (
        f"the correct option is the shortest in {len(shortest)} of {total} questions "
        f"(at most {MAX_SHORTEST_CORRECT:.0%} allowed): {', '.join(shortest)}")


# The checks themselves, on small made-up quizzes.

def _quiz(*questions):
    """A quiz page from (options, answer) pairs; options is a list of texts for A, B, ..."""
    parts = ["# A quiz", "", "Intro.", ""]
    for n, (options, answer) in enumerate(questions, start=1):
        parts += [f"### {n}. Question {n}?", ""]
        parts += [f"- **{letter}.** {text}" for letter, text in zip(LETTERS, options)]
        parts += ["", ANSWER_OPEN, "", f"**{answer}.** Because.", "", ANSWER_CLOSE, ""]
    return "\n".join(parts)


def test_the_parser_reads_options_and_the_marked_answer():
    questions = parse(_quiz((["one", "two", "three", "four"], "C"), (["a", "bb", "c", "d"], "A")))
    assert [q["answer"] for q in questions] == ["C", "A"]
    assert questions[0]["options"] == {"A": "one", "B": "two", "C": "three", "D": "four"}
    assert correct_is_longest(questions[0]) and not correct_is_longest(questions[1])
    assert correct_is_shortest(questions[1]) and not correct_is_shortest(questions[0])


@pytest.mark.parametrize("broken, message", [
    (lambda t: t.replace("**C.** Because.", "Because."), "must start with"),
    (lambda t: t.replace("**C.** Because.", "**C.** Because, or **D.**"), "exactly one answer"),
    (lambda t: t.replace("</details>", "", 1), "not closed"),
    (lambda t: t.replace("### 2.", f"{ANSWER_OPEN}\n\n**D.** Also.\n\n{ANSWER_CLOSE}\n\n### 2."), "2 answer blocks"),
    (lambda t: t.replace("- **B.** two", "- **B**. two"), "not written as"),
])
def test_the_parser_refuses_a_malformed_answer(broken, message):
    text = _quiz((["one", "two", "three", "four"], "C"), (["a", "bb", "c", "d"], "A"))
    with pytest.raises(QuizFormatError, match=message):
        parse(broken(text))


def test_the_checks_catch_a_quiz_that_can_be_gamed():
    always_b = {"q.md": parse(_quiz(*[(["a", "the longest option", "c", "d"], "B")] * 4))}
    assert unbalanced_letters(always_b) == {"A": "0%", "B": "100%", "C": "0%", "D": "0%"}
    assert lopsided_quizzes(always_b) == {"q.md": "4 of 4 are B"}
    assert questions_where(correct_is_longest, always_b) == (["q.md #1", "q.md #2", "q.md #3", "q.md #4"], 4)
    even = {"q.md": parse(_quiz(*[(["aaa", "bbb", "ccc", "the longest"], letter) for letter in "ABCABCDD"]))}
    assert unbalanced_letters(even) == {} and lopsided_quizzes(even) == {}
    assert questions_where(correct_is_longest, even) == (["q.md #7", "q.md #8"], 8)
    assert questions_where(correct_is_shortest, even) == ([f"q.md #{n}" for n in range(1, 7)], 8)
