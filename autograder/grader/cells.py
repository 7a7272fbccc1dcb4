"""The roles nbgrader gives to notebook cells, read from their metadata."""


def nbgrader_meta(cell):
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.metadata.get("nbgrader", {})


def is_answer_cell(cell):
    """A cell students complete (nbgrader's "autograded answer")."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test_cell(cell):
    """A cell of tests that earns points (nbgrader's "autograder tests")."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")
