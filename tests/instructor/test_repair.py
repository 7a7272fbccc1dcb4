"""Does a submission whose nbgrader metadata was damaged get it back from the release, and only that?"""

import copy

from nnpractice_instructor.course import read, submission
from nnpractice_instructor.layout import grade_id, nbgrader_meta
from nnpractice_instructor.repair import repair
from tests.hostile import ASSIGNMENT

RELEASE = read("notebooks", ASSIGNMENT)


def ids(nb):
    return [grade_id(c) for c in nb.cells if grade_id(c)]


def index_of(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)


def test_an_intact_submission_is_left_alone():
    """Is a notebook whose metadata matches the release returned unchanged, with no repair?"""
    nb = submission(ASSIGNMENT)
    before = copy.deepcopy(nb)
    nb, repairs = repair(nb, RELEASE)
    assert repairs == [] and nb == before


def test_a_duplicated_answer_cell_keeps_one_grade_id_the_last():
    """With an answer cell pasted twice, does the last copy keep the grade_id and the first become ordinary?"""
    nb = submission(ASSIGNMENT)
    first = index_of(nb, "rel_error")
    nb.cells.insert(first + 1, copy.deepcopy(nb.cells[first]))
    nb, repairs = repair(nb, RELEASE)
    assert ids(nb) == ids(RELEASE)
    assert grade_id(nb.cells[first]) is None and grade_id(nb.cells[first + 1]) == "rel_error"
    assert any("copy of answer 'rel_error'" in r for r in repairs), repairs


def test_a_duplicated_test_cell_keeps_the_first():
    """With a test cell pasted twice, is the first one graded and the copy ordinary?"""
    nb = submission(ASSIGNMENT)
    index = index_of(nb, "test_rel_error")
    nb.cells.insert(index + 1, copy.deepcopy(nb.cells[index]))
    nb, repairs = repair(nb, RELEASE)
    assert ids(nb) == ids(RELEASE) and grade_id(nb.cells[index]) == "test_rel_error"
    assert len(repairs) == 1


def test_edited_metadata_is_restored_and_points_cannot_be_raised():
    """Are a test cell's roles and points, edited to be ungraded and worth 100, put back as released?"""
    nb = submission(ASSIGNMENT)
    nb.cells[index_of(nb, "test_rel_error")].metadata["nbgrader"].update(grade=False, points=100)
    nb, repairs = repair(nb, RELEASE)
    assert nbgrader_meta(nb.cells[index_of(nb, "test_rel_error")]) == \
        nbgrader_meta(RELEASE.cells[index_of(RELEASE, "test_rel_error")])
    assert repairs == ["test_rel_error: nbgrader metadata restored from the release"]


def test_an_answer_cell_without_metadata_is_found_by_its_definition():
    """Is an answer cell stripped of its metadata found by `def kinks_crossed(` and restored?"""
    nb = submission(ASSIGNMENT)
    cell = nb.cells[index_of(nb, "kinks_crossed")]
    cell.metadata.pop("nbgrader")
    nb, repairs = repair(nb, RELEASE)
    assert grade_id(cell) == "kinks_crossed" and "def kinks_crossed(" in cell.source
    assert repairs == ["kinks_crossed: answer cell found by its definition, metadata restored"]


def test_a_deleted_test_cell_is_put_back_after_its_answer():
    """Is a deleted test cell put back from the release, right after the answer it tests?"""
    nb = submission(ASSIGNMENT)
    del nb.cells[index_of(nb, "test_kinks_crossed")]
    nb, repairs = repair(nb, RELEASE)
    assert ids(nb) == ids(RELEASE)
    assert index_of(nb, "test_kinks_crossed") == index_of(nb, "kinks_crossed") + 1
    assert repairs == ["test_kinks_crossed: deleted cell put back from the release"]


def test_an_unknown_grade_id_becomes_an_ordinary_cell():
    """Does a cell with a grade_id the release does not know lose its nbgrader metadata?"""
    nb = submission(ASSIGNMENT)
    extra = copy.deepcopy(nb.cells[index_of(nb, "test_rel_error")])
    extra.metadata["nbgrader"]["grade_id"] = "test_bonus"
    nb.cells.append(extra)
    nb, repairs = repair(nb, RELEASE)
    assert ids(nb) == ids(RELEASE) and "nbgrader" not in nb.cells[-1].metadata
    assert len(repairs) == 1 and "test_bonus" in repairs[0]


def test_one_release_repairs_a_whole_class_and_is_never_changed():
    """The grading command reads the release once per run (run.released) and repairs every submission
    from it: does repairing leave it as it was, and are the cells put back copies, not the release's own?"""
    release = copy.deepcopy(RELEASE)
    before = copy.deepcopy(release)
    repaired = []
    for _ in range(2):
        nb = submission(ASSIGNMENT)
        nb.cells.pop(index_of(nb, "test_rel_error"))
        nb.cells[index_of(nb, "kinks_crossed")].metadata["nbgrader"]["points"] = 99
        nb, repairs = repair(nb, release)
        assert repairs == ["kinks_crossed: nbgrader metadata restored from the release",
                           "test_rel_error: deleted cell put back from the release"], repairs
        repaired.append(nb)
    assert release == before
    assert repaired[0].cells[index_of(repaired[0], "kinks_crossed")].metadata["nbgrader"] is not \
        repaired[1].cells[index_of(repaired[1], "kinks_crossed")].metadata["nbgrader"]
    put_back = [nb.cells[index_of(nb, "test_rel_error")] for nb in repaired]
    assert put_back[0] is not put_back[1] and all(c is not release.cells[index_of(release, "test_rel_error")]
                                                  for c in put_back)
