"""Plausible wrong answers to the exercises, kept as test data.

One module per assignment, named after it without the number
(01_gradient_checks -> gradient_checks.py). Each function is one
misconception; its name is `<exercise>__<what is wrong>` and its one-line
docstring says the mistake. The tests prove that the hidden tests of the
exercise reject every one of them.
"""

import importlib
import inspect


def mutants_of(assignment):
    """[(exercise, mutant_name, function)] for one assignment."""
    module = importlib.import_module(f"tests.mutants.{assignment.split('_', 1)[1]}")
    found = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if "__" in name and function.__module__ == module.__name__:
            exercise, _ = name.split("__", 1)
            found.append((exercise, name, function))
    return found
