"""Read the gradebook into CSV files and class analytics.

Writes into the output folder:
- grades.csv: one row per student, assignment and exercise (status, score,
  max, and the failing check's message, which names the likely mistake);
- totals.csv: one row per student, a column per assignment and the total;
- problems.csv: submissions that could not be graded as handed in, whether
  they were graded all the same (status), and why;
- pass_rates.csv and histogram.png: per-exercise pass rates and the grade
  distribution, to see which idea the class missed.
"""

import csv
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
from nbgrader.api import MissingEntry  # noqa: E402

from nnpractice_instructor.layout import (AUTOGRADED, error_message, exercise_of, grade_id,  # noqa: E402
                                          is_answer_cell, is_test_cell, stderr_text)
from nnpractice_instructor.run import open_gradebook  # noqa: E402


def failure_messages(course, student, assignment):
    """{exercise: why its test cell failed} of an autograded notebook: the error ('Name: message'),
    or what it wrote to stderr, for which nbgrader gives a test cell 0 points."""
    path = Path(course) / AUTOGRADED / student / assignment / f"{assignment}.ipynb"
    if not path.exists():
        return {}
    nb = nbformat.read(path, as_version=4)
    broken = syntax_errors(nb)
    messages = {}
    for cell in nb.cells:
        if not is_test_cell(cell):
            continue
        error, stderr = error_message(cell), stderr_text(cell).strip()
        exercise = exercise_of(grade_id(cell))
        if exercise in broken and (error or stderr):
            messages[exercise] = broken[exercise]
        elif error.startswith("NotImplementedError"):
            messages[exercise_of(grade_id(cell))] = "not implemented yet (NotImplementedError)"
        elif error:
            messages[exercise_of(grade_id(cell))] = error[:300]
        elif stderr:
            messages[exercise_of(grade_id(cell))] = f"wrote to stderr, which scores 0: {stderr.splitlines()[0]}"[:300]
    return messages


def syntax_errors(nb):
    """{exercise: 'cell N (name): SyntaxError: message (line L)'} of answer cells Python cannot parse."""
    from IPython.core.inputtransformer2 import TransformerManager
    transform = TransformerManager().transform_cell
    errors = {}
    for index, cell in enumerate(nb.cells):
        if not is_answer_cell(cell):
            continue
        try:
            compile(transform(cell.source), f"cell {index + 1}", "exec")
        except SyntaxError as error:
            errors[grade_id(cell)] = (f"cell {index + 1} ({grade_id(cell)}): {type(error).__name__}: {error.msg} "
                                      f"(line {error.lineno})")
    return errors


def status_of(score, max_score, graded):
    """A grades.csv status: "passed", "partial", "failed", or "not graded" (no graded submission)."""
    if not graded:
        return "not graded"
    return "passed" if score == max_score else ("partial" if score > 0 else "failed")


def student_names(gradebook, students):
    """{student id: name}: the gradebook's first and last name, else the id itself."""
    names = {}
    for student in students:
        try:
            record = gradebook.find_student(student)
            names[student] = " ".join(n for n in (record.first_name, record.last_name) if n) or student
        except MissingEntry:
            names[student] = student
    return names


def read_grades(course, assignments, students):
    """[{student, name, assignment, exercise, status, score, max_score, message}] from the gradebook."""
    rows = []
    with open_gradebook(course) as gradebook:
        names = student_names(gradebook, students)
        for assignment in assignments:
            cells = gradebook.find_assignment(assignment).notebooks[0].grade_cells
            for student in students:
                try:
                    notebook = gradebook.find_submission_notebook(assignment, assignment, student)
                    scores, graded = {grade.name: grade.score for grade in notebook.grades}, True
                except MissingEntry:
                    scores, graded = {}, False
                messages = failure_messages(course, student, assignment)
                for cell in sorted(cells, key=lambda c: c.name):
                    exercise = exercise_of(cell.name)
                    score = float(scores.get(cell.name) or 0.0)
                    rows.append({"student": student, "name": names[student], "assignment": assignment,
                                 "exercise": exercise,
                                 "status": status_of(score, float(cell.max_score), graded),
                                 "score": score, "max_score": float(cell.max_score),
                                 "message": messages.get(exercise, "")})
    return rows


def write_csv(path, rows, fields):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def write_reports(course, out, assignments, students, problems):
    """Write every report into `out`; returns the grade rows."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = read_grades(course, assignments, students)
    write_csv(out / "grades.csv", rows, ["student", "name", "assignment", "exercise", "status", "score",
                                        "max_score", "message"])

    totals = defaultdict(lambda: defaultdict(float))
    names = {}
    for row in rows:
        totals[row["student"]][row["assignment"]] += row["score"]
        names[row["student"]] = row["name"]
    total_rows = [{"student": s, "name": names.get(s, s), **{a: totals[s][a] for a in assignments},
                   "total": sum(totals[s].values())} for s in students]
    write_csv(out / "totals.csv", total_rows, ["student", "name", *assignments, "total"])
    write_csv(out / "problems.csv", [{"student": p.student, "assignment": p.assignment, "status": p.status,
                                      "reason": p.reason} for p in problems],
              ["student", "assignment", "status", "reason"])

    passed = defaultdict(list)
    for row in rows:
        passed[row["assignment"], row["exercise"]].append(row["status"] == "passed")
    rates = [{"assignment": a, "exercise": e, "pass_rate": sum(v) / len(v), "students": len(v)}
             for (a, e), v in passed.items()]
    write_csv(out / "pass_rates.csv", rates, ["assignment", "exercise", "pass_rate", "students"])
    plot_analytics(out / "histogram.png", total_rows, rates)
    return rows


def plot_analytics(path, total_rows, rates):
    """Grade histogram and per-exercise pass rates, side by side, saved as PNG."""
    fig, (ax_hist, ax_rates) = plt.subplots(1, 2, figsize=(12, 4 + 0.15 * len(rates)))
    ax_hist.hist([row["total"] for row in total_rows], bins=20, color="tab:blue")
    ax_hist.set_xlabel("total points")
    ax_hist.set_ylabel("students")
    ax_hist.set_title(f"grades ({len(total_rows)} students)")
    labels = [f"{r['assignment'][:2]} {r['exercise']}" for r in rates]
    ax_rates.barh(labels, [r["pass_rate"] for r in rates], color="tab:green")
    ax_rates.set_xlim(0, 1)
    ax_rates.invert_yaxis()
    ax_rates.set_xlabel("fraction of students with full points")
    ax_rates.set_title("which ideas the class got")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
