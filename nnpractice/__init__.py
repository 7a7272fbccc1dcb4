"""Support code for "Training Neural Networks in Practice".

One module per idea: `data` (datasets), `model` (a fully-connected net with
forward and backward passes), `optim` (plain SGD), `trainer` (trains a model
with any update rule), `plotting` (figures), `surfaces` (2-D test functions),
`trajectories` (optimizer paths on them), `widgets` (the trajectory
explorer), `animation` (its static races), `monitor` (records training statistics
with the student's own functions), `search` (runs hyperparameter trials
on any executor, resumable from checkpoints) and `grading` (how hidden tests
find the instructor's reference solutions). None of it solves an exercise:
later chapters pass the student's own functions in.
"""

__version__ = "0.1.0"
