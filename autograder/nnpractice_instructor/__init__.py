"""The instructor's side of the course "Training Neural Networks in Practice".

Students get the support package `nnpractice` and the release; everything
that knows about grading or reference solutions lives here. One idea a module:

- `layout`: every course fact, once (paths, chapters, cell roles, markers, limits);
- `course`: notebooks, their cells, and scratch copies of the course;
- `references`: the hidden references, built from the solution notebooks;
- `release`: `nnpractice-release`, references plus `nbgrader generate_assignment`;
- the grading pipeline, one step a module like nbgrader's preprocessors:
  `collect` (LMS folders and zips into nbgrader's layout), `run` (nbgrader
  autograde per submission, in parallel, each in a folder of its own),
  `kernels` (kernels on IPC sockets), `sandbox` (every kernel in bubblewrap),
  `judge` and `probe` (hidden checks observed in the kernel, decided here),
  `guard` and `kernel_guard` (guarded execution), `report` (the gradebook into CSV files and analytics),
  `feedback` (feedback without hidden tests), `grade` (`nnpractice-grade`);
- `startup` and `nbgrader_cli`: the course's processes (and its nbgrader runs)
  import with the garbage collector out of the way;
- `selfcheck`: `nnpractice-check`, the grading pipeline on a reader's notebooks;
- `site`, `bundle`, `animation`: the reading edition, the student bundle, the
  optimizer races as GIFs.
"""
