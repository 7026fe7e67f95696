"""float16 accumulation as NumPy (issue 17): NumPy's float16 sums and
products add and multiply in float32 and round to float16 once per inner
loop; its float16 dot and matmul accumulate float32 sums of float32
products.  On deferred arrays (above the eager threshold, or any size in
test mode, where tiles hold 3 elements) the result must not depend on the
tiling: partial results of tiles and of k blocks stay float32.

var/std of float16 follow NumPy's own steps: the mean, deviations and
squares stay float16 (NumPy's _var), so a mean whose sum overflows float16
gives inf as in NumPy.

Known difference (docs/design.md): a reduction over an axis that is not
the innermost one (``sum(axis=0)`` of a C-ordered 2-D array) adds row by
row in float16 in NumPy; here it accumulates in float32 like the others.
The values below keep such sums exact in float16."""

import os

import numpy as np
import pytest

from conftest import both, check, lnp

TEST_MODE = os.environ.get("LEGATE_NUMPY_TEST") == "1"
# above the default eager threshold (65536 elements)
N = 70000
# float16 300s whose sum overflows (test mode: fewer elements, as quick)
N300 = 300 if TEST_MODE else N
# (test mode: 3-element tiles, so fewer elements keep the suite quick)
NT = 3000 if TEST_MODE else N
F16 = np.float16


def _tenths(n, seed=0):
    """Values in [0, 0.1): their float16 sums round at every step."""
    i = np.arange(n, dtype=np.int64) + seed
    return ((i * 37 % 101) / 1000.0).astype(F16)


@pytest.mark.parametrize(
    "name, fn, make",
    [
        ("ones(70000).sum() is inf", lambda m, x: x.sum(), lambda: np.ones(N, F16)),
        ("ones(3000).sum()", lambda m, x: x.sum(), lambda: np.ones(3000, F16)),
        ("add.reduce", lambda m, x: m.add.reduce(x), lambda: np.ones(3000, F16)),
        ("sum of -1 and 1", lambda m, x: x.sum(),
         lambda: np.where(np.arange(NT) % 2 == 0, 1, -1).astype(F16)),
        ("prod of 1 + 2**-10", lambda m, x: x.prod(),
         lambda: np.full(5000, 1 + 2.0 ** -10, F16)),
        ("prod overflows", lambda m, x: x.prod(), lambda: np.full(NT, 1.01, F16)),
        ("mean", lambda m, x: x.mean(), lambda: np.full(N300, 300.0, F16)),
        ("std of 300s is inf", lambda m, x: x.std(), lambda: np.full(N300, 300.0, F16)),
        ("var of 300s is inf", lambda m, x: x.var(), lambda: np.full(N300, 300.0, F16)),
        ("var of 3000 halves", lambda m, x: x.var(), lambda: np.full(3000, 0.5, F16)),
        ("std of small values", lambda m, x: m.std(x, ddof=1), lambda: _tenths(3000)),
        ("var keepdims", lambda m, x: x.var(axis=1, keepdims=True),
         lambda: _tenths(3 * 1000).reshape(3, 1000)),
        ("std axis 1", lambda m, x: x.std(axis=1), lambda: _tenths(7 * 500).reshape(7, 500)),
        ("var dtype float32", lambda m, x: x.var(dtype=np.float32),
         lambda: np.full(N300, 300.0, F16)),
        ("mean axis 0", lambda m, x: x.mean(axis=0), lambda: _tenths(N).reshape(-1, 7)),
    ],
)
def test_float16_reductions_accumulate_in_float32(name, fn, make):
    x = make()
    if TEST_MODE or x.size >= N:
        both(fn, x, approx=True)
        return
    # a deferred array: a view of a larger one
    n, shape = x.size, x.shape
    padded = np.concatenate([x.ravel(), np.zeros(N, x.dtype)])
    both(lambda m, p: fn(m, p[:n].reshape(shape)), padded, approx=True)


def test_sum_of_small_values_rounds_once():
    # tile-wise float16 partials drifted from NumPy's float32 sum
    both(lambda m, x: x.sum(), _tenths(20000), approx=True)
    both(lambda m, x: x.reshape(-1, 100).sum(axis=1), _tenths(N), approx=True)
    both(lambda m, x: x.reshape(100, -1).sum(axis=-1), _tenths(N), approx=True)


def test_sum_of_ones_has_no_float16_partials():
    # in test mode's 3-element tiles the float16 partials of 3000 ones summed
    # to 3316 (and 70000 ones stopped growing at 8192: the case above)
    check(lnp.ones(3000, dtype=F16).sum(), np.float16(3000))
    check(lnp.ones((1000, 3), dtype=F16).sum(axis=0), np.full(3, 1000, F16))


def test_sum_to_float16_of_a_float32_array_rounds_the_inputs_first():
    # NumPy casts the inputs to the loop dtype (float16), then adds them in
    # float32
    x = (np.arange(N) % 1000 / 997.0).astype(np.float32)
    both(lambda m, v: v[:5000].sum(dtype=np.float16), x, approx=True)
    both(lambda m, v: m.add.reduce(v[:5000] + 1, dtype=np.float16), x, approx=True)


def test_column_sums_exact_in_float16():
    # sum(axis=0): NumPy adds rows in float16; with small integers that is
    # exact and equals the float32 accumulation
    x = (np.arange(N) % 3).astype(F16).reshape(-1, 10)
    both(lambda m, v: v[:1000].sum(axis=0), x)


@pytest.mark.parametrize("k", [300, 5000])
def test_float16_dot_accumulates_in_float32_over_k_blocks(k):
    """k is split over tiles (3 in test mode, blocks of 512 otherwise): the
    blocks' partial products used to be rounded to float16 between blocks."""
    rows = 4 if TEST_MODE else N // k + 1  # A above the eager threshold
    a = _tenths(rows * k).reshape(rows, k) * F16(3)
    b = _tenths(k * 3, seed=5).reshape(k, 3) * F16(3)
    both(lambda m, x, y: m.dot(x, y), a, b, approx=True)
    both(lambda m, x, y: x @ y, a, b, approx=True)
    both(lambda m, x, y: m.matmul(x, y[:, 0]), a, b, approx=True)
    both(lambda m, x, y: m.inner(x, y.T), a, b, approx=True)
    # vectors: a scalar result
    both(lambda m, x, y: m.dot(x.ravel(), x.ravel()[::-1]), a, b, approx=True)


def test_float16_dot_of_large_values_overflows_as_numpy():
    # 300 * 300 * 5 = 450000 > 65504: inf in float16 as in NumPy
    rows = 4 if TEST_MODE else N // 5 + 1
    both(lambda m, x, y: m.dot(x, y), np.full((rows, 5), 300.0, F16),
         np.full((5, 2), 300.0, F16))
    # 600 * 30 * 0.1: the float32 sum rounds once
    rows = 4 if TEST_MODE else N // 600 + 1
    both(lambda m, x, y: m.dot(x, y), np.full((rows, 600), 30.0, F16),
         np.full((600, 2), 0.1, F16), approx=True)
