"""The parser of the quiz pages in docs/quiz/, for tests/test_quizzes.py.

Each question is written as

    ### N. The question?

    - **A.** an option
    - **B.** another option
    ...

    <details markdown="1"><summary>Answer</summary>

    **B.** Why B is right.

    </details>

``parse`` reads a page into questions, or raises QuizFormatError saying where it is malformed.
"""
import re

QUESTION = re.compile(r"^### (\d+)\. (.+)$")
OPTION = re.compile(r"^- \*\*([A-Z])\.\*\* (.+)$")
ANSWER_OPEN = '<details markdown="1"><summary>Answer</summary>'
ANSWER_CLOSE = "</details>"
MARKED = re.compile(r"\*\*([A-Z])\.\*\*")


class QuizFormatError(AssertionError):
    pass


def parse(text, name="quiz"):
    """The questions of one quiz page: a list of dicts with number, question,
    options (letter -> text, in order) and answer (the marked letter)."""
    reader = _QuizReader(name)
    for line_no, line in enumerate(text.splitlines(), start=1):
        reader.line_no = line_no
        reader.read(line)
    if reader.answer_lines is not None:
        raise QuizFormatError(f"{name}: an answer block is never closed")
    for question in reader.questions:
        if len(question["answers"]) != 1:
            raise QuizFormatError(f"{name}, question {question['number']}: {len(question['answers'])} answer "
                                  "blocks, expected exactly one")
        question["answer"] = question.pop("answers")[0]
    return reader.questions


class _QuizReader:
    """A quiz page read line by line: the questions so far, and the lines of the answer block it is in (if any)."""

    def __init__(self, name):
        self.name, self.line_no = name, 0
        self.questions = []
        self.answer_lines = None  # a list while inside an answer block

    @property
    def current(self):
        return self.questions[-1] if self.questions else None

    def fail(self, message):
        raise QuizFormatError(f"{self.name}, line {self.line_no}: {message}")

    def fail_question(self, message):
        self.fail(f"question {self.current['number']}: {message}")

    def read(self, line):
        if self.answer_lines is not None:
            self.read_answer_line(line)
        elif question := QUESTION.match(line):
            self.questions.append({"number": int(question.group(1)), "question": question.group(2).strip(),
                                   "options": {}, "answers": []})
        elif option := OPTION.match(line):
            self.add_option(option.group(1), option.group(2).strip())
        elif line.strip() == ANSWER_OPEN:
            if self.current is None:
                self.fail("an answer before the first question")
            self.answer_lines = []
        elif line.lstrip().startswith("- **"):
            self.fail(f"an option not written as '- **X.** text': {line!r}")

    def add_option(self, letter, text):
        if self.current is None:
            self.fail("an option before the first question")
        if self.current["answers"]:
            self.fail_question("an option after its answer")
        if letter in self.current["options"]:
            self.fail_question(f"option {letter} twice")
        self.current["options"][letter] = text

    def read_answer_line(self, line):
        if QUESTION.match(line) or OPTION.match(line):
            self.fail_question(f"its answer block is not closed by {ANSWER_CLOSE}")
        if line.strip() != ANSWER_CLOSE:
            self.answer_lines.append(line)
            return
        body = "\n".join(self.answer_lines).strip()
        self.answer_lines = None
        first = MARKED.match(body)
        if not first:
            self.fail_question("the answer must start with **X.**")
        if len(MARKED.findall(body)) != 1:
            self.fail_question("mark exactly one answer (**X.**) in its block")
        if not body[first.end():].strip():
            self.fail_question("the answer has no explanation")
        self.current["answers"].append(first.group(1))
