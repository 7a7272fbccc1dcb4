"""Datasets for the course: bundled digits, generated spirals, and loaders for local files.

Everything here works offline; nothing is ever downloaded.

- load_digits: the 8x8 handwritten digits bundled in data/digits.csv.gz
  (1,797 images, 10 classes), split into train and validation sets.
- make_spirals: the CS231n toy problem, points on interleaved spirals that no
  linear classifier can separate.
- load_mnist / read_idx: MNIST in its original IDX files, if you have them.
- load_cifar10: CIFAR-10 in its "python version" pickles, if you have them.

Loaders that split data return X_train, y_train, X_val, y_val, with X float64
(float64 so that gradient checks are accurate) and y int64 class labels.

The data folder is data/ next to the package, or the folder named by the
environment variable NNPRACTICE_DATA when it is set.
"""

import functools
import gzip
import io
import os
import pickle
import warnings
import zlib
from pathlib import Path

import numpy as np


class DataError(ValueError):
    """A data file exists but is corrupt or not in the expected format."""


def data_dir():
    """Folder holding the bundled data, read from the environment at each call.

    Returns a pathlib.Path: $NNPRACTICE_DATA if that variable is set and not
    empty, else the data/ folder of the repository."""
    override = os.environ.get("NNPRACTICE_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data"


DATA_DIR = data_dir()

_DIGITS_FILE = "digits.csv.gz"
_GZIP_MAGIC = b"\x1f\x8b"


# ---------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------

def train_val_split(X, y, num_val, seed=0):
    """Split a dataset into training and validation sets by a seeded shuffle.

    Inputs:
    - X: array of shape (N, ...), the examples.
    - y: array of shape (N,), the labels; y[i] belongs to X[i].
    - num_val: int in [1, N - 1], number of examples for the validation set.
    - seed: int, seed of the permutation; the same seed gives the same split.

    Returns (X_train, y_train, X_val, y_val): new arrays (copies), with
    N - num_val training and num_val validation examples."""
    N = len(X)
    if len(y) != N:
        raise ValueError(f"X has {N} examples but y has {len(y)}")
    if not 1 <= num_val <= N - 1:
        raise ValueError(f"num_val must be in [1, {N - 1}], got {num_val}")
    order = np.random.default_rng(seed).permutation(N)
    val_idx, train_idx = order[:num_val], order[num_val:]
    return X[train_idx], y[train_idx], X[val_idx], y[val_idx]


# ---------------------------------------------------------------------------
# Bundled digits
# ---------------------------------------------------------------------------

def load_digits(num_val=297, seed=0, center=True):
    """Load the bundled 8x8 handwritten digits, split into train and validation.

    Inputs:
    - num_val: int, number of validation images; the remaining 1797 - num_val
      images are for training (1500 with the default).
    - seed: int, seed of the shuffle that makes the split.
    - center: bool; if True, subtract the mean image of the TRAINING set from
      both sets (the validation set must not influence preprocessing).

    Returns (X_train, y_train, X_val, y_val):
    - X_train: float64 array of shape (N_train, 64), row-major 8x8 images with
      pixels scaled to [0, 1] (before centering).
    - y_train: int64 array of shape (N_train,), labels 0..9.
    - X_val, y_val: the same for the validation set.

    Raises FileNotFoundError if data/digits.csv.gz is missing, DataError if it
    is corrupt."""
    path = data_dir() / _DIGITS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"digits file not found: looked for {path}. It ships with the course "
            f"in data/; if you moved it, set NNPRACTICE_DATA to its folder.")
    pixels, labels = _read_digits(str(path), path.stat().st_mtime_ns)
    X = pixels / 16.0
    # Fancy indexing in the split copies, so callers never touch the cache.
    X_train, y_train, X_val, y_val = train_val_split(X, labels, num_val, seed)
    if center:
        mean_image = X_train.mean(axis=0)
        X_train -= mean_image
        X_val -= mean_image
    return X_train, y_train, X_val, y_val


@functools.lru_cache(maxsize=4)
def _read_digits(path, mtime_ns):
    """Parse and check the digits file once per (path, modification time).

    Inputs:
    - path: str, the file (gzipped or plain CSV).
    - mtime_ns: int, its modification time; part of the cache key so that
      an edited file is read again.

    Returns (pixels, labels): read-only int64 arrays of shapes (N, 64), (N,)."""
    rows = _parse_csv(_read_bytes(path), path)
    if rows.ndim != 2 or rows.shape[1] != 65:
        raise DataError(f"{path}: expected 65 columns (64 pixels, 1 label), "
                        f"found shape {rows.shape}")
    pixels, labels = rows[:, :64], rows[:, 64]
    if pixels.min() < 0 or pixels.max() > 16:
        raise DataError(f"{path}: pixel values must be in 0..16, found "
                        f"{pixels.min()}..{pixels.max()}")
    if labels.min() < 0 or labels.max() > 9:
        raise DataError(f"{path}: labels must be in 0..9, found "
                        f"{labels.min()}..{labels.max()}")
    pixels, labels = pixels.copy(), labels.copy()
    pixels.flags.writeable = False
    labels.flags.writeable = False
    return pixels, labels


def _parse_csv(raw, path):
    """Parse comma-separated integers into a 2-D int64 array.

    Inputs:
    - raw: bytes, the text of the file.
    - path: str, the file name, for error messages.

    Returns an int64 array of shape (rows, columns); DataError if impossible."""
    try:
        text = raw.decode("ascii")
        with warnings.catch_warnings():
            # An empty file only warns; the column check reports it instead.
            warnings.simplefilter("ignore", UserWarning)
            # Parse floats and check them below: how integer parsing treats
            # "0.5" differs between numpy versions.
            rows = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)
    except ValueError as err:  # UnicodeDecodeError is a ValueError too
        raise DataError(f"{path}: not a CSV of integers ({err})") from err
    if not np.array_equal(rows, np.round(rows)):
        raise DataError(f"{path}: not a CSV of integers (found fractions or NaN)")
    return rows.astype(np.int64)


# ---------------------------------------------------------------------------
# Spirals
# ---------------------------------------------------------------------------

def make_spirals(num_per_class=100, num_classes=3, noise=0.2, seed=0):
    """Generate the CS231n spiral dataset: one noisy spiral arm per class.

    Inputs:
    - num_per_class: int >= 1, number of points in each class.
    - num_classes: int >= 1, number of classes (spiral arms).
    - noise: float, standard deviation of the noise added to each angle.
    - seed: int, seed of the noise.

    Returns (X, y):
    - X: float64 array of shape (num_per_class * num_classes, 2), points in
      the unit disc; the radius grows linearly from 0 to 1 along each arm.
    - y: int64 array of shape (num_per_class * num_classes,), class j for
      rows j * num_per_class to (j + 1) * num_per_class - 1."""
    if num_per_class < 1 or num_classes < 1:
        raise ValueError("num_per_class and num_classes must be at least 1")
    rng = np.random.default_rng(seed)
    N, K = num_per_class, num_classes
    X = np.zeros((N * K, 2))
    y = np.zeros(N * K, dtype=np.int64)
    for j in range(K):
        rows = slice(N * j, N * (j + 1))
        radius = np.linspace(0.0, 1.0, N)
        theta = np.linspace(j * 4, (j + 1) * 4, N) + noise * rng.standard_normal(N)
        X[rows] = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
        y[rows] = j
    return X, y


# ---------------------------------------------------------------------------
# Files on disk: gzip, IDX (MNIST)
# ---------------------------------------------------------------------------

def _read_bytes(path):
    """Return the bytes of a file, gunzipped if it starts with the gzip magic.

    Inputs:
    - path: str or Path of the file; its suffix does not matter.

    Returns bytes. Raises FileNotFoundError, or DataError for broken gzip."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    raw = path.read_bytes()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise DataError(f"{path}: corrupt gzip data ({err})") from err


# IDX type byte -> element type; IDX data is big-endian (">").
_IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path):
    """Read an IDX file, the format of the MNIST distribution files.

    Layout: 2 zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), a byte ndim, then ndim sizes as
    big-endian uint32, then the data, big-endian, row-major.

    Inputs:
    - path: str or Path of the file, plain or gzipped (detected from the
      first bytes, not from the name).

    Returns a numpy array of the sizes in the header, in native byte order.

    Raises FileNotFoundError if the file is missing, DataError if the header
    is invalid or the data is truncated or followed by extra bytes."""
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path}: truncated: only {len(raw)} bytes, no IDX header")
    magic = int.from_bytes(raw[:4], "big")
    if raw[0] != 0 or raw[1] != 0:
        raise DataError(f"bad magic number 0x{magic:08X} in {path}: not an IDX file")
    if raw[2] not in _IDX_TYPES:
        raise DataError(f"bad magic number 0x{magic:08X} in {path}: "
                        f"unknown IDX type code 0x{raw[2]:02X}")
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DataError(f"{path}: truncated header: {ndim} dimensions need "
                        f"{header_size} bytes, found {len(raw)}")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - header_size
    if found < expected:
        raise DataError(f"{path}: truncated: expected {expected} bytes of data, "
                        f"found {found}")
    if found > expected:
        raise DataError(f"{path}: {found - expected} trailing bytes after the "
                        f"{expected} bytes of data")
    data = np.frombuffer(raw, dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # a writable native copy


def load_mnist(directory, kind="train"):
    """Load MNIST (or a dataset in the same files) from local IDX files.

    Looks in directory for {kind}-images-idx3-ubyte and
    {kind}-labels-idx1-ubyte, also spelled {kind}-images.idx3-ubyte, each
    optionally gzipped with a .gz suffix. The course never downloads them.

    Inputs:
    - directory: str or Path, the folder holding the files.
    - kind: "train" (60,000 images in MNIST) or "t10k" (10,000 test images).

    Returns (X, y):
    - X: float64 array of shape (N, 784), row-major 28x28 images scaled to
      [0, 1] (N, H * W for other image sizes).
    - y: int64 array of shape (N,), labels 0..9.

    Raises FileNotFoundError listing the names tried, DataError if the files
    are malformed or disagree on the number of images."""
    if kind not in ("train", "t10k"):
        raise ValueError(f'kind must be "train" or "t10k", got {kind!r}')
    images_path = _find_file(directory, [f"{kind}-images-idx3-ubyte",
                                         f"{kind}-images.idx3-ubyte"])
    labels_path = _find_file(directory, [f"{kind}-labels-idx1-ubyte",
                                         f"{kind}-labels.idx1-ubyte"])
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"{images_path}: expected 3-D uint8 images, found "
                        f"{images.ndim}-D {images.dtype}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(f"{labels_path}: expected 1-D uint8 labels, found "
                        f"{labels.ndim}-D {labels.dtype}")
    if len(images) != len(labels):
        raise DataError(f"{len(images)} images in {images_path} but "
                        f"{len(labels)} labels in {labels_path}")
    if labels.size and labels.max() > 9:
        raise DataError(f"{labels_path}: labels must be in 0..9, found {labels.max()}")
    X = images.reshape(len(images), -1).astype(np.float64) / 255.0
    return X, labels.astype(np.int64)


def _find_file(directory, names):
    """Return the first of names (each also tried with .gz) found in directory.

    Inputs:
    - directory: str or Path, the folder to look in.
    - names: list of str, file names in order of preference.

    Returns a Path. Raises FileNotFoundError listing every name tried."""
    directory = Path(directory)
    tried = [name + suffix for name in names for suffix in ("", ".gz")]
    for name in tried:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"none of {', '.join(tried)} found in {directory}")


# ---------------------------------------------------------------------------
# CIFAR-10
# ---------------------------------------------------------------------------

_CIFAR_TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
_CIFAR_TEST_BATCH = "test_batch"


def load_cifar10(directory):
    """Load CIFAR-10 from the "python version" of the dataset, if you have it.

    WARNING: the batches are Python pickles, and unpickling a file can run
    arbitrary code. Only load files you trust (e.g. the official archive
    cifar-10-python.tar.gz, checked against its published md5 sum).

    Inputs:
    - directory: str or Path, the cifar-10-batches-py folder holding
      data_batch_1 ... data_batch_5 and test_batch.

    Returns (X_train, y_train, X_test, y_test):
    - X_train: float64 array of shape (N_train, 32, 32, 3), pixel values
      0..255 (not scaled, as in CS231n), indexed (image, row, column, channel
      in RGB order). 50,000 images in the real dataset.
    - y_train: int64 array of shape (N_train,), labels 0..9.
    - X_test, y_test: the same for test_batch (10,000 images).

    Raises FileNotFoundError naming a missing batch, DataError naming a
    batch that is not a valid CIFAR-10 pickle."""
    directory = Path(directory)
    for name in _CIFAR_TRAIN_BATCHES + [_CIFAR_TEST_BATCH]:
        if not (directory / name).is_file():
            raise FileNotFoundError(f"CIFAR-10 batch {name} not found in {directory}")
    train = [_load_cifar_batch(directory / name) for name in _CIFAR_TRAIN_BATCHES]
    X_train = np.concatenate([X for X, _ in train])
    y_train = np.concatenate([y for _, y in train])
    X_test, y_test = _load_cifar_batch(directory / _CIFAR_TEST_BATCH)
    return X_train, y_train, X_test, y_test


def _load_cifar_batch(path):
    """Load and check one CIFAR-10 batch (see load_cifar10; trusted files only).

    Inputs:
    - path: Path of a pickled dict with b"data", a uint8 array of shape
      (N, 3072) holding each image as 1024 red, 1024 green, 1024 blue values
      (each row-major 32x32), and b"labels", a list of N ints.

    Returns (X, y): float64 (N, 32, 32, 3) and int64 (N,)."""
    batch = _unpickle(path)
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise DataError(f"{path}: expected a dict with keys b'data' and b'labels'")
    data, labels = batch[b"data"], np.asarray(batch[b"labels"])
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2:
        raise DataError(f"{path}: b'data' must be a 2-D uint8 array")
    if data.shape[1] != 3 * 32 * 32:
        raise DataError(f"{path}: b'data' must have 3072 columns, found {data.shape[1]}")
    if labels.ndim != 1 or len(labels) != len(data):
        raise DataError(f"{path}: {len(data)} images but {labels.size} labels")
    if len(labels) and (not np.issubdtype(labels.dtype, np.integer)
                        or labels.min() < 0 or labels.max() > 9):
        raise DataError(f"{path}: labels must be integers in 0..9")
    # Each row is channel-first (3, 32, 32); move the channel last.
    X = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)
    return X, labels.astype(np.int64)


def _unpickle(path):
    """Unpickle a Python 2 era CIFAR-10 file; DataError naming path if broken."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f, encoding="bytes")
    # The pickle docs list these as what a corrupt stream may raise.
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, KeyError, TypeError, ValueError) as err:
        raise DataError(f"{path}: not a readable pickle ({type(err).__name__}: "
                        f"{err})") from err
