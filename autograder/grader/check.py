"""Check your own work: `python -m grader.check [NOTEBOOK_OR_FOLDER]` (or `make check`, `nnpractice-check`).

Grades your notebooks with the instructor's hidden tests, points and
feedback (see grader/selfcheck.py), on temporary copies: your notebooks are
never modified. Prints a table per notebook and, for a folder (default:
notebooks/), the course-wide progress. Exits 1 if a notebook could not be graded.
"""

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grader.selfcheck import COURSE, check, notebooks_in, progress, table


def main(argv=None, prog="python -m grader.check"):
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(COURSE / "notebooks"),
                        help="a chapter's notebook, or a folder of chapters (default: notebooks/)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks checked at the same time")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed to each cell")
    args = parser.parse_args(argv)

    paths = notebooks_in(args.path)
    if not paths:
        print(f"no chapter notebook found at {args.path}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    if len(paths) == 1:
        results = [check(paths[0], args.timeout)]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(check, paths, [args.timeout] * len(paths)))
    for result in results:
        print(table(result), end="\n\n")
    if len(results) > 1 or Path(args.path).is_dir():
        print(progress(results))
    print(f"checked {len(results)} notebook(s) in {time.perf_counter() - start:.1f} s; your files were not modified")
    return 1 if any(r.problem for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
