"""Repair a submission's nbgrader metadata from the release, so that an accident never costs honest work.

nbgrader grades cells by their metadata (grade_id, roles, points). A student
who duplicates an answer cell by copy and paste hands in two cells with the
same grade_id, and nbgrader rejects the whole notebook; one who edits or
deletes the metadata of a cell by accident loses that cell's points. Before
grading, `repair(nb, release)` makes the submission's nbgrader cells match
the release, by grade_id and, for answer cells, by the function they define:

- a grade_id seen twice: the last answer cell keeps it (Python keeps the last
  definition); for other cells the first keeps it; the copies become
  ordinary cells, still run;
- a cell with the release's grade_id gets the release's metadata back
  (roles, points, lock, checksum);
- an answer cell whose metadata was lost is found by the function it
  defines (`def name(` or `class name`) and gets its metadata back;
- a test or locked cell deleted from the notebook is put back from the
  release, after the answer cell it follows there (the grader then restores
  its hidden tests as for any test cell);
- a grade_id the release does not know loses its nbgrader metadata.

Every repair is described in one line, for problems.csv.
"""

import copy
import re

from nnpractice_instructor.layout import grade_id, is_answer_cell, nbgrader_meta


def defines(cell, name):
    """Whether the cell's source defines a function or class called `name` at top level."""
    return cell.cell_type == "code" and re.search(rf"^(def|class)\s+{re.escape(name)}\b", cell.source, re.M)


def repair(nb, release):
    """Make nb's nbgrader metadata match the release's; returns (nb, [description of each repair]).

    Inputs:
    - nb: the submitted notebook (nbformat node); repaired in place.
    - release: the released notebook of the same chapter.
    """
    expected = {grade_id(c): c for c in release.cells if grade_id(c)}
    answers = {gid for gid, c in expected.items() if is_answer_cell(c)}
    repairs = []

    keeper = {}
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if gid is None:
            continue
        if gid not in expected:
            cell.metadata.pop("nbgrader")
            repairs.append(f"cell {index + 1}: grade_id {gid!r} is not in the release; graded as an ordinary cell")
        elif gid in keeper and gid not in answers:
            cell.metadata.pop("nbgrader")
            repairs.append(f"cell {index + 1}: a copy of {gid!r}; the first one is graded")
        else:
            if gid in keeper:
                nb.cells[keeper[gid]].metadata.pop("nbgrader")
                repairs.append(f"cell {keeper[gid] + 1}: a copy of answer {gid!r}; the last one is graded")
            keeper[gid] = index

    missing = []
    for gid, source in expected.items():
        if gid in keeper:
            cell = nb.cells[keeper[gid]]
            if nbgrader_meta(cell) != nbgrader_meta(source) or cell.cell_type != source.cell_type:
                cell.cell_type = source.cell_type
                cell.metadata["nbgrader"] = copy.deepcopy(nbgrader_meta(source))
                repairs.append(f"{gid}: nbgrader metadata restored from the release")
        elif gid in answers:
            found = [i for i, c in enumerate(nb.cells) if grade_id(c) is None and defines(c, gid)]
            if found:
                nb.cells[found[-1]].metadata["nbgrader"] = copy.deepcopy(nbgrader_meta(source))
                repairs.append(f"{gid}: answer cell found by its definition, metadata restored")
        elif nbgrader_meta(source).get("locked"):
            missing.append(gid)
    for gid in missing:  # after every index above was used: inserting shifts them
        nb.cells.insert(insert_position(nb, release, gid), copy.deepcopy(expected[gid]))
        repairs.append(f"{gid}: deleted cell put back from the release")
    for cell in nb.cells:  # code cells need these two keys; a markdown cell must not have them
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb, repairs


def insert_position(nb, release, gid):
    """Where to put back the release's cell `gid`: after the submission's copy of the nearest
    nbgrader cell that precedes it in the release (at the top if none does)."""
    order = [grade_id(c) for c in release.cells if grade_id(c)]
    present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
    for before in reversed(order[:order.index(gid)]):
        if before in present:
            return present[before] + 1
    return 0
