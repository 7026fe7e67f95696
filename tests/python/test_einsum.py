"""np.einsum and np.einsum_path (python/legate/numpy/_einsum.py) against
NumPy on deferred arrays: pairwise contractions (tensordot/matmul), a
term's diagonals, transposes, sums and outer products, three operands,
ellipses, the sublist form, out=, dtype=, every kind of dtype (float16
accumulated in float32, integers and bools in their own dtype); NumPy's
errors; no fallback."""

import numpy as np
import pytest

from conftest import check, deferred, legate_only, lnp

CASES = [("ij,jk->ik", [(4, 5), (5, 6)]), ("ij,jk", [(4, 5), (5, 6)]), ("ii->i", [(5, 5)]), ("ii", [(5, 5)]),
         ("ij->ji", [(3, 4)]), ("ij->", [(3, 4)]), ("i,i->", [(7,), (7,)]), ("i,j->ij", [(3,), (4,)]),
         ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
         ("ijk,jil->kl", [(3, 4, 5), (4, 3, 2)]), ("ij,jk,kl->il", [(3, 4), (4, 5), (5, 2)]),
         ("iij->ij", [(3, 3, 4)]), ("abc,cd,bd->a", [(2, 3, 4), (4, 5), (3, 5)]),
         ("i,i,i->i", [(4,), (4,), (4,)]), ("ij,ij->ij", [(3, 4), (3, 4)]), ("ij,ij->", [(30, 40), (30, 40)]),
         ("ik,jk->ij", [(50, 60), (40, 60)])]
DTYPES = [np.float64, np.float32, np.int64, np.int8, np.complex128, np.bool_, np.float16]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sub,shapes", CASES)
@pytest.mark.parametrize("optimize", [False, True])
def test_against_numpy(sub, shapes, dtype, optimize):
    rng = np.random.default_rng(len(sub))
    ops = [(rng.standard_normal(s) * 3).astype(dtype) for s in shapes]
    want = np.asarray(np.einsum(sub, *ops, optimize=optimize))
    got = np.asarray(lnp.einsum(sub, *[deferred(o) for o in ops], optimize=optimize))
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
    tol = 2e-2 if dtype == np.float16 else 1e-4 if dtype == np.float32 else 1e-9
    scale = tol * max(1.0, float(np.abs(want.astype(np.complex128)).max(initial=0)))
    np.testing.assert_allclose(got.astype(np.complex128), want.astype(np.complex128), rtol=tol, atol=scale)


def test_sublist_form_out_dtype_and_path():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((5, 2))
    check(lnp.einsum(deferred(a), [0, 1], deferred(b), [1, 2], [0, 2]), np.einsum(a, [0, 1], b, [1, 2], [0, 2]),
          approx=True)
    o = deferred(np.zeros((3, 5)))
    r = lnp.einsum("ij,jk->ik", deferred(a), deferred(b), out=o)
    assert r is o
    check(o, a @ b, approx=True)
    check(lnp.einsum("ij,jk->ik", deferred(a), deferred(b), dtype=np.float32, casting="same_kind"),
          np.einsum("ij,jk->ik", a, b, dtype=np.float32, casting="same_kind"), approx=True, rtol=1e-5)
    want = np.einsum_path("ij,jk,kl->il", a, b, c, optimize="greedy")
    got = lnp.einsum_path("ij,jk,kl->il", deferred(a), deferred(b), deferred(c), optimize="greedy")
    assert got[0] == want[0]


@pytest.mark.parametrize("sub,shapes,kw", [("ij,jk->ik", [(3, 4), (5, 6)], {}), ("ij->k", [(3, 4)], {}),
                                           ("ij,jk->ik", [(3, 4), (4, 5)], {"dtype": np.int32}),
                                           ("ij,jk->ik", [(3, 4), (4, 5)], {"bogus": 1})])
def test_errors(sub, shapes, kw):
    ops = [np.ones(s) for s in shapes]
    with pytest.raises(Exception) as e:
        np.einsum(sub, *ops, **kw)
    with pytest.raises(e.type):
        lnp.einsum(sub, *[deferred(o) for o in ops], **kw)


@legate_only
def test_no_fallback(native):
    a = deferred(np.ones((6, 7)))
    b = deferred(np.ones((7, 8)))
    lnp.einsum("ij,jk->ik", a, b), lnp.einsum("ii->i", a[:6, :6]), lnp.einsum("ij->", a)
    lnp.einsum("ij,jk,kl->il", a, b, deferred(np.ones((8, 3))))
    lnp.tensordot(a, b, axes=1), np.einsum("ij,jk->ik", a, b)
