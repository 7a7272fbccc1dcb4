"""Tests of nnpractice.data: bundled digits, spirals, IDX (MNIST) and CIFAR-10 loaders.

The MNIST and CIFAR-10 tests write tiny files in the real formats to tmp_path,
written here independently of the loaders, and check the values round-trip.
"""

import gzip
import hashlib
import os
import pickle
import struct

import numpy as np
import pytest

from nnpractice import data
from nnpractice.data import (DataError, load_cifar10, load_digits, load_mnist,
                             make_spirals, read_idx, train_val_split)

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
# Class counts of the bundled file, counted with awk from the CSV.
DIGITS_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


@pytest.fixture
def bundled(monkeypatch):
    """Make load_digits read the repository's data/ folder."""
    monkeypatch.delenv("NNPRACTICE_DATA", raising=False)


# ---------------------------------------------------------------------------
# Writers for the file formats (independent of the loaders)
# ---------------------------------------------------------------------------

IDX_CODES = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C,
             "float32": 0x0D, "float64": 0x0E}


def idx_bytes(array):
    """IDX encoding of array: magic, big-endian uint32 sizes, big-endian data."""
    header = bytes([0, 0, IDX_CODES[array.dtype.name], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_file(path, raw, gz=False):
    """Write bytes to path, gzipped if gz; return path."""
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def write_mnist(directory, images, labels, kind="train", sep="-", gz=False):
    """Write MNIST-style files, names spelled with sep ("-" or ".")."""
    suffix = ".gz" if gz else ""
    write_file(directory / f"{kind}-images{sep}idx3-ubyte{suffix}", idx_bytes(images), gz)
    write_file(directory / f"{kind}-labels{sep}idx1-ubyte{suffix}", idx_bytes(labels), gz)


def write_cifar_batch(path, pixels, labels):
    """Pickle a CIFAR-10 batch as the real files are: bytes keys, list of labels."""
    batch = {b"batch_label": b"test", b"data": pixels, b"labels": list(labels)}
    path.write_bytes(pickle.dumps(batch, protocol=2))


def write_cifar(directory, rows_per_batch=2, seed=0):
    """Write data_batch_1..5 and test_batch of random bytes; return their contents."""
    rng = np.random.default_rng(seed)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        pixels = rng.integers(0, 256, size=(rows_per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=rows_per_batch).tolist()
        write_cifar_batch(directory / name, pixels, labels)
        batches[name] = (pixels, labels)
    return batches


# ---------------------------------------------------------------------------
# Bundled digits
# ---------------------------------------------------------------------------

def test_bundled_file_is_the_documented_one():
    """Is data/digits.csv.gz the file whose sha256 data/README.md states?"""
    raw = (data.DATA_DIR / "digits.csv.gz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == DIGITS_SHA256


def test_digits_shapes_and_types(bundled):
    """Does the default split give 1500 train and 297 validation images of 64 pixels?"""
    X_train, y_train, X_val, y_val = load_digits()
    assert X_train.shape == (1500, 64) and X_val.shape == (297, 64)
    assert y_train.shape == (1500,) and y_val.shape == (297,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert set(np.unique(y_train)) == set(range(10))
    assert set(np.unique(y_val)) == set(range(10))


def test_digits_uncentered_values(bundled):
    """Are uncentered pixels k/16 in [0, 1], with every image of the file used once?"""
    X_train, y_train, X_val, y_val = load_digits(center=False)
    X = np.concatenate([X_train, X_val])
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))
    counts = np.bincount(np.concatenate([y_train, y_val]), minlength=10)
    assert counts.tolist() == DIGITS_CLASS_COUNTS


def test_digits_centering_uses_training_mean(bundled):
    """Does centering subtract the training mean image from both sets?"""
    raw = load_digits(center=False)
    X_train, _, X_val, _ = load_digits(center=True)
    assert np.abs(X_train.mean(axis=0)).max() < 1e-12
    mean_image = raw[0].mean(axis=0)
    np.testing.assert_allclose(X_val + mean_image, raw[2], atol=1e-12)


def test_digits_split_depends_on_seed_only(bundled):
    """Does the same seed give the same split, and another seed another split?"""
    first, again, other = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


def test_digits_num_val(bundled):
    """Does num_val set the validation size, and is an impossible one rejected?"""
    X_train, _, X_val, _ = load_digits(num_val=97)
    assert len(X_train) == 1700 and len(X_val) == 97
    with pytest.raises(ValueError):
        load_digits(num_val=0)


def test_digits_callers_cannot_corrupt_the_cache(bundled):
    """Does changing a returned array leave the next call's data unchanged?"""
    X_train, y_train, _, _ = load_digits(center=False)
    expected = X_train.copy()
    X_train[:] = -1
    y_train[:] = -1
    X_again, y_again, _, _ = load_digits(center=False)
    np.testing.assert_array_equal(X_again, expected)
    assert y_again.min() >= 0


def test_digits_missing_file_names_the_place(tmp_path, monkeypatch):
    """Does a missing file raise FileNotFoundError saying where and how to fix it?"""
    monkeypatch.setenv("NNPRACTICE_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="NNPRACTICE_DATA") as info:
        load_digits()
    assert str(tmp_path) in str(info.value)


def digits_csv(num_rows=20, label=3, pixel=5):
    """A valid-looking digits CSV: num_rows rows of 64 pixels then a label."""
    row = ",".join([str(pixel)] * 64 + [str(label)])
    return "\n".join([row] * num_rows) + "\n"


@pytest.mark.parametrize("text, problem", [
    (digits_csv().replace(",3\n", "\n"), "65 columns"),
    (digits_csv(label=10), "labels"),
    (digits_csv(label=-1), "labels"),
    (digits_csv(pixel=17), "pixel"),
    (digits_csv().replace("5", "x", 1), "CSV"),
    (digits_csv().replace("5", "0.5", 1), "CSV"),
    (digits_csv().replace("5", "nan", 1), "CSV"),
    ("", "65 columns"),
])
def test_digits_corrupt_file(tmp_path, monkeypatch, text, problem):
    """Does a corrupt digits file raise DataError naming the file and the problem?"""
    write_file(tmp_path / "digits.csv.gz", text.encode(), gz=True)
    monkeypatch.setenv("NNPRACTICE_DATA", str(tmp_path))
    with pytest.raises(DataError, match=problem) as info:
        load_digits(num_val=5)
    assert "digits.csv.gz" in str(info.value)


def test_digits_reads_a_replaced_file(tmp_path, monkeypatch):
    """Does the cache notice that the file at the same path changed?"""
    monkeypatch.setenv("NNPRACTICE_DATA", str(tmp_path))
    path = write_file(tmp_path / "digits.csv.gz", digits_csv(label=3).encode(), gz=True)
    assert set(load_digits(num_val=5)[1]) == {3}
    write_file(path, digits_csv(label=7, num_rows=30).encode(), gz=True)
    stat = path.stat()
    # Some file systems keep mtime coarse; make sure it moves.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    _, y_train, _, _ = load_digits(num_val=5)
    assert set(y_train) == {7} and len(y_train) == 25


# ---------------------------------------------------------------------------
# train_val_split
# ---------------------------------------------------------------------------

def test_split_keeps_pairs_and_covers_everything():
    """Does every example land in exactly one set, still paired with its label?"""
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 100
    X_train, y_train, X_val, y_val = train_val_split(X, y, num_val=3, seed=4)
    assert len(X_train) == 7 and len(X_val) == 3
    np.testing.assert_array_equal(X_train[:, 0] // 2 * 100, y_train)
    np.testing.assert_array_equal(X_val[:, 0] // 2 * 100, y_val)
    assert sorted(np.concatenate([y_train, y_val])) == y.tolist()


@pytest.mark.parametrize("num_val", [0, 10, -1])
def test_split_rejects_impossible_sizes(num_val):
    """Is a validation set that is empty or leaves no training data rejected?"""
    with pytest.raises(ValueError, match="num_val"):
        train_val_split(np.zeros((10, 2)), np.zeros(10), num_val)


def test_split_rejects_mismatched_lengths():
    """Are X and y of different lengths rejected?"""
    with pytest.raises(ValueError):
        train_val_split(np.zeros((10, 2)), np.zeros(9), 3)


# ---------------------------------------------------------------------------
# Spirals
# ---------------------------------------------------------------------------

def test_spirals_shapes_and_balance():
    """Are there num_per_class points of 2 coordinates in each class?"""
    X, y = make_spirals(num_per_class=50, num_classes=4)
    assert X.shape == (200, 2) and y.shape == (200,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50] * 4


def test_spirals_are_deterministic():
    """Does the same seed give the same points, and another seed other points?"""
    X1, y1 = make_spirals(seed=3)
    X2, y2 = make_spirals(seed=3)
    X3, _ = make_spirals(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_spirals_follow_the_cs231n_recipe():
    """Without noise, is the radius linspace(0, 1) and the angle linspace(4j, 4j + 4)?"""
    N = 25
    X, y = make_spirals(num_per_class=N, num_classes=3, noise=0.0)
    for j in range(3):
        points = X[y == j]
        np.testing.assert_allclose(np.hypot(points[:, 0], points[:, 1]),
                                   np.linspace(0, 1, N), atol=1e-12)
        theta = np.linspace(4 * j, 4 * j + 4, N)
        np.testing.assert_allclose(points[-1], [np.sin(theta[-1]), np.cos(theta[-1])])


# ---------------------------------------------------------------------------
# read_idx
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", list(IDX_CODES))
@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, dtype, gz):
    """Does every IDX element type come back with its exact values and shape?"""
    rng = np.random.default_rng(0)
    low = 0 if dtype == "uint8" else -100
    array = rng.integers(low, 100, size=(3, 4, 5)).astype(dtype)
    if dtype.startswith("float"):
        array = array / 7
    path = write_file(tmp_path / "x.idx", idx_bytes(array), gz)
    result = read_idx(path)
    assert result.dtype == np.dtype(dtype) and result.dtype.isnative
    assert result.shape == (3, 4, 5)
    np.testing.assert_array_equal(result, array)


def test_read_idx_is_big_endian(tmp_path):
    """Are int16 bytes 01 02 read as 258 and ff fe as -2 (big-endian)?"""
    raw = b"\x00\x00\x0b\x01" + b"\x00\x00\x00\x02" + b"\x01\x02\xff\xfe"
    result = read_idx(write_file(tmp_path / "x.idx", raw))
    assert result.tolist() == [258, -2]


def test_read_idx_detects_gzip_by_content(tmp_path):
    """Is gzip recognized from the magic bytes, whatever the file name says?"""
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    gz_without_suffix = write_file(tmp_path / "a-idx", idx_bytes(array), gz=True)
    plain_with_suffix = write_file(tmp_path / "b-idx.gz", idx_bytes(array))
    np.testing.assert_array_equal(read_idx(gz_without_suffix), array)
    np.testing.assert_array_equal(read_idx(plain_with_suffix), array)


def test_read_idx_result_is_writable(tmp_path):
    """Can the caller modify the returned array (a copy, not a view of the bytes)?"""
    path = write_file(tmp_path / "x.idx", idx_bytes(np.zeros((2, 2), np.uint8)))
    result = read_idx(path)
    result[0, 0] = 1
    assert result[0, 0] == 1


GOOD_IDX = idx_bytes(np.arange(12, dtype=np.int16).reshape(3, 4))


@pytest.mark.parametrize("raw, problem", [
    (b"\x08\x03" + GOOD_IDX[2:], "bad magic number 0x08030B02"),
    (b"\x00\x00\x07" + GOOD_IDX[3:], "unknown IDX type code 0x07"),
    (GOOD_IDX[:-1], "truncated: expected 24 bytes of data, found 23"),
    (GOOD_IDX + b"\x00", "1 trailing bytes"),
    (GOOD_IDX[:7], "truncated header"),
    (b"\x00\x00", "truncated"),
    (b"", "truncated"),
])
def test_read_idx_rejects_malformed_files(tmp_path, raw, problem):
    """Does a malformed IDX file raise DataError naming the file and the problem?"""
    path = write_file(tmp_path / "bad.idx", raw)
    with pytest.raises(DataError, match=problem) as info:
        read_idx(path)
    assert "bad.idx" in str(info.value)


def test_read_idx_rejects_broken_gzip(tmp_path):
    """Is a cut-off gzip file a DataError rather than an EOFError?"""
    raw = gzip.compress(GOOD_IDX)
    path = write_file(tmp_path / "bad.idx.gz", raw[: len(raw) // 2])
    with pytest.raises(DataError, match="gzip"):
        read_idx(path)


def test_read_idx_missing_file(tmp_path):
    """Does a missing file raise FileNotFoundError naming it?"""
    with pytest.raises(FileNotFoundError, match="nothere.idx"):
        read_idx(tmp_path / "nothere.idx")


# ---------------------------------------------------------------------------
# load_mnist
# ---------------------------------------------------------------------------

def mnist_arrays(num_images=5, seed=0):
    """Random 28x28 uint8 images and uint8 labels, like the MNIST files."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(num_images, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=num_images, dtype=np.uint8)
    return images, labels


@pytest.mark.parametrize("sep, gz", [("-", False), ("-", True), (".", False), (".", True)])
def test_mnist_round_trip(tmp_path, sep, gz):
    """Do images and labels come back exactly, whichever file naming is used?"""
    images, labels = mnist_arrays()
    write_mnist(tmp_path, images, labels, sep=sep, gz=gz)
    X, y = load_mnist(tmp_path)
    assert X.shape == (5, 784) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_array_equal(X * 255, images.reshape(5, 784))
    np.testing.assert_array_equal(y, labels)
    assert X[2, 28 * 3 + 7] == images[2, 3, 7] / 255


def test_mnist_test_set(tmp_path):
    """Does kind="t10k" read the test files, not the training files?"""
    write_mnist(tmp_path, *mnist_arrays(5, seed=0), kind="train")
    write_mnist(tmp_path, *mnist_arrays(3, seed=1), kind="t10k")
    X, y = load_mnist(tmp_path, kind="t10k")
    assert X.shape == (3, 784) and y.shape == (3,)
    with pytest.raises(ValueError, match="kind"):
        load_mnist(tmp_path, kind="test")


def test_mnist_count_mismatch(tmp_path):
    """Are 5 images with 4 labels rejected?"""
    images, labels = mnist_arrays()
    write_mnist(tmp_path, images, labels[:4])
    with pytest.raises(DataError, match="5 images"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("images, labels, problem", [
    (np.zeros((5, 28, 28), np.int16), np.zeros(5, np.uint8), "3-D uint8"),
    (np.zeros((5, 784), np.uint8), np.zeros(5, np.uint8), "3-D uint8"),
    (np.zeros((5, 28, 28), np.uint8), np.zeros((5, 1), np.uint8), "1-D uint8"),
    (np.zeros((5, 28, 28), np.uint8), np.full(5, 10, np.uint8), "labels"),
])
def test_mnist_wrong_contents(tmp_path, images, labels, problem):
    """Are valid IDX files that do not hold MNIST-like data rejected?"""
    write_mnist(tmp_path, images, labels)
    with pytest.raises(DataError, match=problem):
        load_mnist(tmp_path)


def test_mnist_missing_files_lists_names(tmp_path):
    """Does a missing MNIST file raise FileNotFoundError listing the names tried?"""
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    for name in ["train-images-idx3-ubyte", "train-images.idx3-ubyte.gz"]:
        assert name in message
    assert str(tmp_path) in message


# ---------------------------------------------------------------------------
# load_cifar10
# ---------------------------------------------------------------------------

def test_cifar_round_trip(tmp_path):
    """Is pixel (n, row, col, channel) the raw byte at channel*1024 + row*32 + col?"""
    batches = write_cifar(tmp_path, rows_per_batch=2)
    X_train, y_train, X_test, y_test = load_cifar10(tmp_path)
    assert X_train.shape == (10, 32, 32, 3) and X_test.shape == (2, 32, 32, 3)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    pixels, labels = batches["data_batch_3"]
    n, row, col, channel = 1, 5, 17, 2
    assert X_train[4 + n, row, col, channel] == pixels[n, channel * 1024 + row * 32 + col]
    assert y_train[4 + n] == labels[n]
    test_pixels, test_labels = batches["test_batch"]
    for n, row, col, channel in np.ndindex(2, 32, 32, 3):
        assert X_test[n, row, col, channel] == test_pixels[n, channel * 1024 + row * 32 + col]
    assert y_test.tolist() == test_labels
    expected_y = sum((batches[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    assert y_train.tolist() == expected_y


def test_cifar_accepts_batches_of_any_size(tmp_path):
    """Are batches of a single row loaded too?"""
    write_cifar(tmp_path, rows_per_batch=1)
    X_train, _, X_test, _ = load_cifar10(tmp_path)
    assert X_train.shape == (5, 32, 32, 3) and X_test.shape == (1, 32, 32, 3)


@pytest.mark.parametrize("missing", ["data_batch_3", "test_batch"])
def test_cifar_missing_batch(tmp_path, missing):
    """Does a missing batch raise FileNotFoundError naming it?"""
    write_cifar(tmp_path)
    (tmp_path / missing).unlink()
    with pytest.raises(FileNotFoundError, match=missing):
        load_cifar10(tmp_path)


def test_cifar_corrupt_pickle(tmp_path):
    """Do garbage and truncated pickles raise DataError naming the file?"""
    write_cifar(tmp_path)
    (tmp_path / "data_batch_2").write_bytes(b"this is not a pickle")
    with pytest.raises(DataError, match="data_batch_2"):
        load_cifar10(tmp_path)
    raw = (tmp_path / "data_batch_1").read_bytes()
    write_cifar(tmp_path)
    (tmp_path / "data_batch_1").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match="data_batch_1"):
        load_cifar10(tmp_path)


def ok_pixels(rows=2):
    """A valid b"data" array of rows black images."""
    return np.zeros((rows, 3072), np.uint8)


@pytest.mark.parametrize("batch, problem", [
    ([1, 2, 3], "dict"),
    ({b"data": ok_pixels()}, "dict"),
    ({"data": ok_pixels(), "labels": [0, 1]}, "dict"),
    ({b"data": np.zeros((2, 3071), np.uint8), b"labels": [0, 1]}, "3072 columns"),
    ({b"data": np.zeros((2, 3072), np.float32), b"labels": [0, 1]}, "uint8"),
    ({b"data": ok_pixels().tobytes(), b"labels": [0, 1]}, "uint8"),
    ({b"data": ok_pixels(), b"labels": [0, 1, 2]}, "2 images but 3 labels"),
    ({b"data": ok_pixels(), b"labels": [0, 10]}, "labels"),
    ({b"data": ok_pixels(), b"labels": ["a", "b"]}, "labels"),
])
def test_cifar_wrong_contents(tmp_path, batch, problem):
    """Is a readable pickle without CIFAR-10 contents rejected with a reason?"""
    write_cifar(tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps(batch, protocol=2))
    with pytest.raises(DataError, match=problem) as info:
        load_cifar10(tmp_path)
    assert "test_batch" in str(info.value)
