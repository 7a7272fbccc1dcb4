"""Which configuration keys does an update rule read? Found by running it on a config that logs reads.

The explorer uses this to recompute, after a slider moved, only the rules
that read the slider's key: the momentum slider does not change SGD's path.

`ReadLog` is a dict that records the keys looked up in it (by `[]`, `get`,
`setdefault`, `in`, `pop`); anything that sees every key at once (iterating,
`keys()`, `items()`, `values()`, `len()`, `|`, copies, which call `items()`)
records that the rule may read every key. `keys_read(rule, surface, start,
config)` runs a few steps of the rule with such a config and returns the keys
it read, or None when that cannot be known (the rule saw every key, or raised).
"""

import numpy as np

EVERY_KEY = object()  # recorded when a rule saw the whole config


class ReadLog(dict):
    """A dict that adds every key looked up in it to `reads` (a set, shared with copies made for later steps)."""

    def __init__(self, items=(), reads=None):
        super().__init__(items)
        self.reads = set() if reads is None else reads

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.reads.add(key)
        return super().get(key, default)

    def setdefault(self, key, default=None):
        self.reads.add(key)
        return super().setdefault(key, default)

    def pop(self, key, *default):
        self.reads.add(key)
        return super().pop(key, *default)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)

    def _every_key(self):
        self.reads.add(EVERY_KEY)

    def __iter__(self):
        self._every_key()
        return super().__iter__()

    def __len__(self):
        self._every_key()
        return super().__len__()

    def keys(self):
        self._every_key()
        return super().keys()

    def items(self):
        self._every_key()
        return super().items()

    def values(self):
        self._every_key()
        return super().values()

    def copy(self):
        self._every_key()
        return ReadLog(super().items(), self.reads)

    def __or__(self, other):
        self._every_key()
        return dict(super().items()) | other

    def __ror__(self, other):
        self._every_key()
        return other | dict(super().items())


def keys_read(rule, surface, start, config, steps=3):
    """The keys of `config` that `rule` reads in its first `steps` steps from `start` on `surface`.

    Returns a frozenset of keys, or None when the rule saw every key at once
    or raised (a stub, a bug): then nothing is known and the caller must
    assume the rule reads everything. `config` is not modified.
    """
    reads = set()
    w = np.array(start, dtype=float)
    state = ReadLog(config, reads)
    try:
        with np.errstate(all="ignore"):
            for _ in range(steps):
                w, state = rule(w, surface.grad(w), state)
                state = ReadLog(dict.items(state) if isinstance(state, dict) else (), reads)
    except Exception:  # noqa: BLE001 (a stub or a student's bug: known to read nothing for sure)
        return None
    if EVERY_KEY in reads:
        return None
    return frozenset(key for key in reads if key in config)
