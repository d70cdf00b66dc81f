"""Safety screening: what a set of yes/no answers means for starting a device (pure rules)."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Verdict:
    """What the yes answers of a screening mean: the questions by outcome and the earliest start day."""

    blocked: tuple  # questions answered yes whose outcome is block
    clinician: tuple  # ... ask a clinician first
    skipped: tuple  # ... skip an area
    waits: tuple  # ... wait some days
    earliest_start: date

    @property
    def skip_areas(self) -> tuple[str, ...]:
        return tuple(sorted({area for question in self.skipped for area in question.areas}))


def read_answers(device, form) -> tuple[dict, list]:
    """Every question's answer ('yes' or 'no') from a form; the ids of unanswered questions."""
    answers, missing = {}, []
    for question in device.questions:
        value = form.get(f"q_{question.id}")
        if value in ("yes", "no"):
            answers[question.id] = value
        else:
            missing.append(question.id)
    return answers, missing


def unanswered(device, missing) -> dict:
    """A problem for every unanswered question, each naming it (the summary links to each one)."""
    texts = {question.id: question.text for question in device.questions}
    return {f"q_{question_id}": f"Answer yes or no: “{texts[question_id]}”" for question_id in missing}


def carried_over(device, screening) -> dict:
    """An earlier screening's answers as form values, when it answered this version of the questions."""
    if not is_current(device, screening):
        return {}
    return {
        f"q_{question.id}": screening.answers[question.id]
        for question in device.questions
        if screening.answers.get(question.id) in ("yes", "no")
    }


def evaluate(device, answers: dict, today: date) -> Verdict:
    """What the answers mean: blocks, clinician checks, skipped areas and the earliest start day."""
    said_yes = [question for question in device.questions if answers.get(question.id) == "yes"]

    def with_outcome(outcome):
        return tuple(question for question in said_yes if question.outcome == outcome)

    waits = with_outcome("wait")
    wait_days = max((question.wait_days for question in waits), default=0)
    return Verdict(
        with_outcome("block"),
        with_outcome("clinician"),
        with_outcome("skip_area"),
        waits,
        today + timedelta(days=wait_days),
    )


def is_current(device, screening) -> bool:
    """True when the stored screening answered this version of the device's questions."""
    return screening is not None and screening.questions_version == device.questions_version


def said(device, screening):
    """What the user's stored answers mean now (None without answers to this version of the questions)."""
    if not is_current(device, screening):
        return None
    return evaluate(device, screening.answers, screening.answered_on)
