"""Code that runs INSIDE the grading kernel, before any student code.

`install(nonce)` is sent to the kernel as source (see guard.py) and
executed in the first cell. It:
- takes a snapshot of the namespaces a test cell relies on (every loaded
  numpy, nnpractice, math, operator, functools and builtins module) and of
  IPython's input/AST transformers and event callbacks;
- erases the install cell from IPython's history;
- stores a guard object in builtins under a per-run random name.

The hidden checks are not decided here but in the grader's process
(judge.py): this guard is a second line, which turns patching the
kernel's machinery into a failed test cell rather than a confusing one.

The guard's methods are called by lines the grader adds around test cells:
`reset()` before a test cell, `start(names)` as its first line, and
`end(grade_id)` as its last line, which prints a witness token only if the
cell ran to its end with the machinery intact.
"""


def install(nonce):
    import builtins
    import importlib
    import linecache
    import pkgutil
    import sys
    import types

    import numpy
    import numpy.linalg
    import numpy.random
    import numpy.testing  # noqa: F401 (loaded so that the snapshot watches it)
    from IPython import get_ipython

    import nnpractice

    # Snapshot the whole support package. A module that cannot be imported here fails
    # this cell, and with it the grading of this notebook, loudly (never silently unwatched).
    for info in pkgutil.iter_modules(nnpractice.__path__):
        importlib.import_module(f"nnpractice.{info.name}")

    shell = get_ipython()
    watched_prefixes = ("numpy", "nnpractice", "math", "operator", "functools", "builtins")
    volatile = {"_", "__", "___"}  # the interpreter's own "last result" names

    def watched_modules():
        return {name: module for name, module in list(sys.modules.items())
                if name.split(".")[0] in watched_prefixes and isinstance(module, types.ModuleType)}

    forget_this_cell(shell, linecache)

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
        sys.settrace(trace)
        sys.setprofile(profile)

    class Guard:
        """Handle the grader's added lines use; its name in builtins is random."""

        def __init__(self):
            self.tested = {}

        def reset(self):
            restore()

        def start(self, names):
            restore()
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


def forget_this_cell(shell, linecache):
    """Erase the install cell (which names the guard) from the kernel's history."""
    for name in ("In", "_ih"):
        history = shell.user_ns.get(name)
        if isinstance(history, list):
            history[:] = ["" for _ in history]
    for name in ("_i", "_ii", "_iii"):
        shell.user_ns[name] = ""
    for name in [key for key in shell.user_ns if key.startswith("_i") and key[2:].isdigit()]:
        shell.user_ns[name] = ""
    manager = shell.history_manager
    for name in ("input_hist_parsed", "input_hist_raw"):
        entries = getattr(manager, name, None)
        if isinstance(entries, list):
            entries[:] = ["" for _ in entries]
    for filename in [f for f in linecache.cache if "ipykernel" in f or f.startswith("<ipython-input")]:
        linecache.cache.pop(filename, None)
