"""The bank as flat rows: one per question, with the answer as plain text (export_bank). Teachers' own questions
are rows too (`owner` names the teacher), each citation with its source's author, title and, for a source whose
text is stored, the paragraph its quote stands in."""

from quizzes.bank.types import question_type
from quizzes.models import Question


def export_row(question: Question) -> dict:
    citations = [
        {
            "source_file": c.source.file_name,
            "evidence": c.quote,
            "author": c.source.author,
            "title": c.source.title,
            "paragraph": c.paragraph,
        }
        for c in question.citations.all()
    ]
    first = citations[0] if citations else {"source_file": "", "evidence": ""}
    return {
        "id": question.key or str(question.pk),
        "source_file": first["source_file"],
        "type": question.type,
        "prompt": question.prompt,
        "answer": question_type(question.type).export_answer(question),
        "evidence": first["evidence"],
        "citations": citations,
        "explanation": question.explanation,
        "topics": [t.slug for t in question.topics.all()],
        "difficulty": question.difficulty,
        "skill": question.skill,
        "status": question.status,
        "owner": question.owner.username if question.owner_id else "",
    }


def export_rows(questions=None) -> list[dict]:
    questions = questions if questions is not None else Question.objects.all()
    questions = questions.with_answers().prefetch_related("topics").select_related("owner")
    return [export_row(q) for q in questions.order_by("key", "id")]
