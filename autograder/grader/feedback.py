"""Keep hidden tests out of feedback, tracebacks included.

nbgrader's ClearHiddenTests removes the hidden block from a test cell's
source, but a failing hidden assert still shows its line (and the lines
around it) in the traceback. `ShortTracebacks` keeps only the exception's
name and message for test cells: the message names the misconception.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from grader.cells import is_test_cell


class ShortTracebacks(NbGraderPreprocessor):
    """Replace each test cell's traceback by `ExceptionName: message`."""

    def preprocess_cell(self, cell, resources, cell_index):
        if is_test_cell(cell):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
