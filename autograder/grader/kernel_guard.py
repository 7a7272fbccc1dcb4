"""Code that runs INSIDE the grading kernel, before any student code.

`install(nonce, assignment, remove_references)` is sent to the kernel as
source (see guard.py) and executed in the first cell. It:
- takes a snapshot of the namespaces a check relies on (every loaded
  numpy, nnpractice, math, operator, functools and builtins module) and of
  IPython's input/AST transformers and event callbacks;
- loads the reference solutions into memory, hands them out to hidden tests
  through nnpractice.grading, and (in a sandbox) deletes the copy on disk;
- stores a guard object in builtins under a per-run random name.

The guard's methods are called by lines the grader adds around test cells:
`reset()` before a test cell, `start(names)` as its first line, and
`end(grade_id)` as its last line, which prints a witness token only if the
cell ran to its end with the machinery intact.
"""


def install(nonce, assignment, remove_references):
    import builtins
    import importlib
    import pkgutil
    import shutil
    import sys
    import types

    import numpy
    import numpy.linalg
    import numpy.random
    import numpy.testing
    from IPython import get_ipython

    import nnpractice
    import nnpractice.grading as grading

    for info in pkgutil.iter_modules(nnpractice.__path__):  # snapshot the whole support package
        try:
            importlib.import_module(f"nnpractice.{info.name}")
        except Exception:  # a module that needs a display or widgets is simply not watched
            pass

    shell = get_ipython()
    watched_prefixes = ("numpy", "nnpractice", "math", "operator", "functools", "builtins")
    volatile = {"_", "__", "___"}  # the interpreter's own "last result" names

    def watched_modules():
        return {name: module for name, module in list(sys.modules.items())
                if name.split(".")[0] in watched_prefixes and isinstance(module, types.ModuleType)}

    folder = grading.references_dir()
    loaded = grading.load_reference(assignment)
    if remove_references:
        shutil.rmtree(folder, ignore_errors=True)

    allowed_files = set()

    def guarded(function):
        """Let only test cells call a reference function, never student code."""
        def call(*args, **kwargs):
            caller = sys._getframe(1).f_code.co_filename
            if caller not in allowed_files:
                raise PermissionError("reference solutions are only available to the grader's tests")
            return function(*args, **kwargs)
        return call

    proxy = types.SimpleNamespace(**{name: guarded(value) for name, value in vars(loaded).items()
                                     if callable(value) and not name.startswith("_")
                                     and getattr(value, "__module__", None) == loaded.__name__})
    proxy_attributes = dict(vars(proxy))

    def provide(name):
        if name != assignment:
            raise grading.ReferenceNotFound(f"only {assignment} is graded here")
        return proxy

    grading._provider = provide

    # dict(vars(module)) keeps the identity of every attribute at this moment
    snapshot = {name: (module, {k: v for k, v in vars(module).items() if k not in volatile})
                for name, module in watched_modules().items()}
    hooks = {
        "input_transformers_cleanup": list(shell.input_transformers_cleanup),
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
    }
    events = {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()}
    trace, profile = sys.gettrace(), sys.getprofile()

    def changes():
        """What differs from the snapshot (an empty list when nothing does)."""
        found = []
        for name, (module, attributes) in snapshot.items():
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}] replaced")
            current = vars(module)
            for key, value in attributes.items():
                if current.get(key, changes) is not value:
                    found.append(f"{name}.{key}")
        for name, original in hooks.items():
            if list(getattr(shell, name)) != original:
                found.append(f"IPython {name}")
        for name, original in events.items():
            if list(shell.events.callbacks.get(name, [])) != original:
                found.append(f"IPython event {name}")
        if vars(proxy) != proxy_attributes:
            found.append("reference solutions")
        if sys.gettrace() is not trace or sys.getprofile() is not profile:
            found.append("sys.settrace/setprofile")
        return found

    def restore():
        for name, (module, attributes) in snapshot.items():
            sys.modules[name] = module
            current = vars(module)
            for key, value in attributes.items():
                if current.get(key, restore) is not value:
                    setattr(module, key, value)
        for name, original in hooks.items():
            getattr(shell, name)[:] = original
        for name, original in events.items():
            shell.events.callbacks[name][:] = original
        vars(proxy).clear()
        vars(proxy).update(proxy_attributes)
        sys.settrace(trace)
        sys.setprofile(profile)
        grading._provider = provide

    class Guard:
        """Handle the grader's added lines use; its name in builtins is random."""

        def __init__(self):
            self.tested = {}

        def reset(self):
            restore()

        def start(self, names):
            restore()
            allowed_files.add(sys._getframe(1).f_code.co_filename)
            namespace = shell.user_ns
            self.tested = {name: namespace.get(name) for name in names}

        def end(self, grade_id):
            found = changes()
            namespace = shell.user_ns
            found += [f"{name} rebound during the test" for name, value in self.tested.items()
                      if namespace.get(name) is not value]
            restore()
            if found:
                print(f"{nonce}:tampered:{grade_id}:{', '.join(sorted(set(found))[:5])}")
            else:
                print(f"{nonce}:ok:{grade_id}")

    setattr(builtins, f"_nnpg_{nonce}", Guard())
