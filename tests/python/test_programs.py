"""Small real programs, run unchanged with NumPy and legate.numpy, compared
end to end."""

import numpy as np
import pytest

from conftest import check, lnp


def _run_both(program, *args, **kwargs):
    with np.errstate(all="raise"):
        expected = program(np, *args, **kwargs)
    got = program(lnp, *args, **kwargs)
    return got, expected


# --------------------------------------------------------------------------
# Jacobi: stencil iteration with a while loop on a reduced residual
# --------------------------------------------------------------------------


def jacobi_stencil(m, n=10, tol=1e-4, max_iter=2000):
    u = m.zeros((n, n))
    u[0, :] = 1.0  # hot top boundary
    u[:, 0] = 0.5
    residual = tol + 1.0
    it = 0
    while residual > tol and it < max_iter:
        new = u.copy()
        new[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        residual = m.max(m.abs(new - u))
        u = new
        it += 1
    return it, u, residual


def test_jacobi_stencil_while_loop():
    (it_l, u_l, r_l), (it_n, u_n, r_n) = _run_both(jacobi_stencil)
    assert it_n > 20  # the loop really iterates
    assert it_l == it_n
    check(u_l, u_n, approx=True)
    assert float(r_l) == pytest.approx(float(r_n), rel=1e-9)


def jacobi_dense(m, n=12, iters=8):
    i = m.arange(n, dtype=np.float64)
    A = 1.0 / (1.0 + m.abs(i[:, None] - i[None, :]))  # diagonally dominant after scaling
    A = A + m.eye(n) * n
    b = m.sin(i) + 2.0
    d = m.full(n, n + 1.0)  # the diagonal of A
    R = A - m.eye(n) * (n + 1.0)
    x = m.zeros(n)
    for _ in range(iters):
        x = (b - m.dot(R, x)) / d
    err = m.sqrt(m.sum((m.dot(A, x) - b) ** 2))
    return x, err


def test_jacobi_dense_matrix():
    (x_l, e_l), (x_n, e_n) = _run_both(jacobi_dense)
    check(x_l, x_n, approx=True)
    assert float(e_l) == pytest.approx(float(e_n), rel=1e-6, abs=1e-13)


# --------------------------------------------------------------------------
# CFD-like step: channel flow with shifted slices and periodic columns
# --------------------------------------------------------------------------


def channel_flow(m, nx=11, ny=9, nt=6, nit=8):
    dx = 2.0 / (nx - 1)
    dy = 2.0 / (ny - 1)
    rho, nu, F, dt = 1.0, 0.1, 1.0, 0.01
    u = m.zeros((ny, nx))
    v = m.zeros((ny, nx))
    p = m.ones((ny, nx))
    b = m.zeros((ny, nx))

    for _ in range(nt):
        # source term (interior)
        b[1:-1, 1:-1] = rho * (
            1 / dt * ((u[1:-1, 2:] - u[1:-1, :-2]) / (2 * dx) + (v[2:, 1:-1] - v[:-2, 1:-1]) / (2 * dy))
            - ((u[1:-1, 2:] - u[1:-1, :-2]) / (2 * dx)) ** 2
            - 2 * ((u[2:, 1:-1] - u[:-2, 1:-1]) / (2 * dy) * (v[1:-1, 2:] - v[1:-1, :-2]) / (2 * dx))
            - ((v[2:, 1:-1] - v[:-2, 1:-1]) / (2 * dy)) ** 2
        )
        # periodic column x = 2
        b[1:-1, -1] = rho * (
            1 / dt * ((u[1:-1, 0] - u[1:-1, -2]) / (2 * dx) + (v[2:, -1] - v[:-2, -1]) / (2 * dy))
            - ((u[1:-1, 0] - u[1:-1, -2]) / (2 * dx)) ** 2
        )
        # periodic column x = 0
        b[1:-1, 0] = rho * (
            1 / dt * ((u[1:-1, 1] - u[1:-1, -1]) / (2 * dx) + (v[2:, 0] - v[:-2, 0]) / (2 * dy))
            - ((u[1:-1, 1] - u[1:-1, -1]) / (2 * dx)) ** 2
        )

        for _ in range(nit):
            pn = p.copy()
            p[1:-1, 1:-1] = (
                (pn[1:-1, 2:] + pn[1:-1, :-2]) * dy**2 + (pn[2:, 1:-1] + pn[:-2, 1:-1]) * dx**2
            ) / (2 * (dx**2 + dy**2)) - dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, 1:-1]
            p[1:-1, -1] = (
                (pn[1:-1, 0] + pn[1:-1, -2]) * dy**2 + (pn[2:, -1] + pn[:-2, -1]) * dx**2
            ) / (2 * (dx**2 + dy**2)) - dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, -1]
            p[1:-1, 0] = (
                (pn[1:-1, 1] + pn[1:-1, -1]) * dy**2 + (pn[2:, 0] + pn[:-2, 0]) * dx**2
            ) / (2 * (dx**2 + dy**2)) - dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, 0]
            p[-1, :] = p[-2, :]
            p[0, :] = p[1, :]

        un = u.copy()
        vn = v.copy()
        u[1:-1, 1:-1] = (
            un[1:-1, 1:-1]
            - un[1:-1, 1:-1] * dt / dx * (un[1:-1, 1:-1] - un[1:-1, :-2])
            - vn[1:-1, 1:-1] * dt / dy * (un[1:-1, 1:-1] - un[:-2, 1:-1])
            - dt / (2 * rho * dx) * (p[1:-1, 2:] - p[1:-1, :-2])
            + nu * (dt / dx**2 * (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, :-2])
                    + dt / dy**2 * (un[2:, 1:-1] - 2 * un[1:-1, 1:-1] + un[:-2, 1:-1]))
            + F * dt
        )
        v[1:-1, 1:-1] = (
            vn[1:-1, 1:-1]
            - un[1:-1, 1:-1] * dt / dx * (vn[1:-1, 1:-1] - vn[1:-1, :-2])
            - vn[1:-1, 1:-1] * dt / dy * (vn[1:-1, 1:-1] - vn[:-2, 1:-1])
            - dt / (2 * rho * dy) * (p[2:, 1:-1] - p[:-2, 1:-1])
            + nu * (dt / dx**2 * (vn[1:-1, 2:] - 2 * vn[1:-1, 1:-1] + vn[1:-1, :-2])
                    + dt / dy**2 * (vn[2:, 1:-1] - 2 * vn[1:-1, 1:-1] + vn[:-2, 1:-1]))
        )
        # periodic columns
        u[1:-1, -1] = un[1:-1, -1] - un[1:-1, -1] * dt / dx * (un[1:-1, -1] - un[1:-1, -2]) + F * dt \
            - dt / (2 * rho * dx) * (p[1:-1, 0] - p[1:-1, -2])
        u[1:-1, 0] = un[1:-1, 0] - un[1:-1, 0] * dt / dx * (un[1:-1, 0] - un[1:-1, -1]) + F * dt \
            - dt / (2 * rho * dx) * (p[1:-1, 1] - p[1:-1, -1])
        v[1:-1, -1] = vn[1:-1, -1] - dt / (2 * rho * dy) * (p[2:, -1] - p[:-2, -1])
        v[1:-1, 0] = vn[1:-1, 0] - dt / (2 * rho * dy) * (p[2:, 0] - p[:-2, 0])
        # walls
        u[0, :] = 0
        u[-1, :] = 0
        v[0, :] = 0
        v[-1, :] = 0
    return u, v, p, m.sum(u) / u.size


def test_channel_flow_periodic():
    (u_l, v_l, p_l, s_l), (u_n, v_n, p_n, s_n) = _run_both(channel_flow)
    check(u_l, u_n, approx=True)
    check(v_l, v_n, approx=True)
    check(p_l, p_n, approx=True)
    check(s_l, s_n, approx=True)
    assert float(s_n) != 0.0


# --------------------------------------------------------------------------
# Black-Scholes on 100 options
# --------------------------------------------------------------------------


def black_scholes(m, n=100):
    i = m.arange(n, dtype=np.float64)
    S = 10.0 + (i * 7.0) % 40.0  # stock price
    K = 12.0 + (i * 13.0) % 30.0  # strike
    T = 0.25 + (i % 8) * 0.5  # years
    R = 0.02
    V = 0.3

    def cnd(d):
        A1, A2, A3, A4, A5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
        RSQRT2PI = 0.39894228040143267793994605993438
        K_ = 1.0 / (1.0 + 0.2316419 * m.abs(d))
        c = RSQRT2PI * m.exp(-0.5 * d * d) * (K_ * (A1 + K_ * (A2 + K_ * (A3 + K_ * (A4 + K_ * A5)))))
        return m.where(d > 0, 1.0 - c, c)

    sqrtT = m.sqrt(T)
    d1 = (m.log(S / K) + (R + 0.5 * V * V) * T) / (V * sqrtT)
    d2 = d1 - V * sqrtT
    expRT = m.exp(-R * T)
    call = S * cnd(d1) - K * expRT * cnd(d2)
    put = K * expRT * (1.0 - cnd(d2)) - S * (1.0 - cnd(d1))
    return call, put, call.sum(), m.max(put)


def test_black_scholes():
    got, expected = _run_both(black_scholes)
    for g, e in zip(got, expected):
        check(g, e, approx=True)
    # put-call parity holds on the legate results too
    call, put = np.asarray(got[0]), np.asarray(got[1])
    i = np.arange(100.0)
    S, K, T = 10.0 + (i * 7.0) % 40.0, 12.0 + (i * 13.0) % 30.0, 0.25 + (i % 8) * 0.5
    np.testing.assert_allclose(call - put, S - K * np.exp(-0.02 * T), rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------
# heat equation in 3-D with a convergence check every few steps
# --------------------------------------------------------------------------


def heat3d(m, n=7, steps=12):
    u = m.zeros((n, n, n), dtype=np.float32)
    u[n // 2, n // 2, n // 2] = 100.0
    total = []
    for s in range(steps):
        lap = (
            u[:-2, 1:-1, 1:-1] + u[2:, 1:-1, 1:-1] + u[1:-1, :-2, 1:-1]
            + u[1:-1, 2:, 1:-1] + u[1:-1, 1:-1, :-2] + u[1:-1, 1:-1, 2:]
            - 6.0 * u[1:-1, 1:-1, 1:-1]
        )
        u[1:-1, 1:-1, 1:-1] += np.float32(0.1) * lap
        if s % 4 == 3:
            total.append(float(u.sum()))
    return u, total


def test_heat3d_float32():
    (u_l, t_l), (u_n, t_n) = _run_both(heat3d)
    check(u_l, u_n, approx=True)
    assert t_l == pytest.approx(t_n, rel=1e-5)


# --------------------------------------------------------------------------
# k-means-ish: distances, argmin, masked means
# --------------------------------------------------------------------------


def kmeans_step(m, iters=3):
    i = m.arange(60, dtype=np.float64)
    pts_x = m.sin(i * 0.7) * 3 + (i % 3) * 4
    pts_y = m.cos(i * 1.3) * 2 + (i % 3) * -3
    cx = m.array([0.0, 4.0, 8.0])
    cy = m.array([0.0, -3.0, -6.0])
    for _ in range(iters):
        d = (pts_x[:, None] - cx[None, :]) ** 2 + (pts_y[:, None] - cy[None, :]) ** 2
        label = m.argmin(d, axis=1)
        onehot = (label[:, None] == m.arange(3)[None, :]).astype(np.float64)
        cnt = onehot.sum(axis=0)
        cx = (onehot * pts_x[:, None]).sum(axis=0) / cnt
        cy = (onehot * pts_y[:, None]).sum(axis=0) / cnt
    return label, cx, cy


def test_kmeans_step():
    (l_l, cx_l, cy_l), (l_n, cx_n, cy_n) = _run_both(kmeans_step)
    check(l_l, l_n)
    check(cx_l, cx_n, approx=True)
    check(cy_l, cy_n, approx=True)
