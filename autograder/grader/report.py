"""Read the gradebook into CSV files and class analytics.

Writes into the output folder:
- grades.csv: one row per student, assignment and exercise (score, max,
  and the failing check's message, which names the likely mistake);
- totals.csv: one row per student, a column per assignment and the total;
- problems.csv: submissions that could not be graded as handed in, and why;
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
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402


def failure_messages(course, student, assignment):
    """{exercise: 'Error: message'} of the failing test cells of an autograded notebook."""
    path = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    if not path.exists():
        return {}
    messages = {}
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        for output in cell.get("outputs", []):
            if output.output_type == "error" and grade_id.startswith("test_"):
                messages[grade_id.removeprefix("test_")] = f"{output.ename}: {output.evalue}"[:300]
    return messages


def read_grades(course, assignments, students):
    """[{student, assignment, exercise, score, max_score, message}] from the gradebook."""
    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in assignments:
            cells = gradebook.find_assignment(assignment).notebooks[0].grade_cells
            for student in students:
                try:
                    notebook = gradebook.find_submission_notebook(assignment, assignment, student)
                    scores = {grade.name: grade.score for grade in notebook.grades}
                except MissingEntry:
                    scores = {}
                messages = failure_messages(course, student, assignment)
                for cell in sorted(cells, key=lambda c: c.name):
                    exercise = cell.name.removeprefix("test_")
                    score = float(scores.get(cell.name) or 0.0)
                    rows.append({"student": student, "assignment": assignment, "exercise": exercise,
                                 "score": score, "max_score": float(cell.max_score),
                                 "message": messages.get(exercise, "" if score else "not graded")})
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
    write_csv(out / "grades.csv", rows, ["student", "assignment", "exercise", "score", "max_score", "message"])

    totals = defaultdict(lambda: defaultdict(float))
    for row in rows:
        totals[row["student"]][row["assignment"]] += row["score"]
    total_rows = [{"student": s, **{a: totals[s][a] for a in assignments},
                   "total": sum(totals[s].values())} for s in students]
    write_csv(out / "totals.csv", total_rows, ["student", *assignments, "total"])
    write_csv(out / "problems.csv", [vars(p) for p in problems], ["student", "assignment", "reason"])

    passed = defaultdict(list)
    for row in rows:
        passed[row["assignment"], row["exercise"]].append(row["score"] == row["max_score"])
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
