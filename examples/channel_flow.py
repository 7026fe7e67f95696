#!/usr/bin/env python3
"""2-D channel flow (Navier-Stokes) — 'CFD Python: 12 steps to Navier-Stokes', Step 12.

Periodic boundary in x, no-slip walls at y = 0 and y = 2, a constant source
term F driving the flow, pressure from a Poisson equation with periodic
boundary conditions. The outer loop runs until the relative change of the sum
of u drops below 0.001, exactly as the lesson does (``--max-steps`` caps it).

The numerical code is the lesson's, written against a module parameter ``np``
so the same function body runs with NumPy and with legate.numpy:

    python3 examples/channel_flow.py --module numpy
    bin/legate examples/channel_flow.py                 # legate.numpy
    bin/legate examples/channel_flow.py --check         # both, compared

``--check`` exits 0 and prints "check passed" when both modules agree, 1 on a
mismatch, 3 when legate.numpy cannot be imported.
"""

import sys

import example_util  # examples/, next to this file


# ---------------------------------------------------------------------------
# The lesson (Step 12), module-agnostic.
# ---------------------------------------------------------------------------

def build_up_b(np, rho, dt, dx, dy, u, v):
    b = np.zeros_like(u)
    b[1:-1, 1:-1] = (rho * (1 / dt * ((u[1:-1, 2:] - u[1:-1, 0:-2]) / (2 * dx) +
                                      (v[2:, 1:-1] - v[0:-2, 1:-1]) / (2 * dy)) -
                            ((u[1:-1, 2:] - u[1:-1, 0:-2]) / (2 * dx))**2 -
                            2 * ((u[2:, 1:-1] - u[0:-2, 1:-1]) / (2 * dy) *
                                 (v[1:-1, 2:] - v[1:-1, 0:-2]) / (2 * dx)) -
                            ((v[2:, 1:-1] - v[0:-2, 1:-1]) / (2 * dy))**2))

    # Periodic BC Pressure @ x = 2
    b[1:-1, -1] = (rho * (1 / dt * ((u[1:-1, 0] - u[1:-1, -2]) / (2 * dx) +
                                    (v[2:, -1] - v[0:-2, -1]) / (2 * dy)) -
                          ((u[1:-1, 0] - u[1:-1, -2]) / (2 * dx))**2 -
                          2 * ((u[2:, -1] - u[0:-2, -1]) / (2 * dy) *
                               (v[1:-1, 0] - v[1:-1, -2]) / (2 * dx)) -
                          ((v[2:, -1] - v[0:-2, -1]) / (2 * dy))**2))

    # Periodic BC Pressure @ x = 0
    b[1:-1, 0] = (rho * (1 / dt * ((u[1:-1, 1] - u[1:-1, -1]) / (2 * dx) +
                                   (v[2:, 0] - v[0:-2, 0]) / (2 * dy)) -
                         ((u[1:-1, 1] - u[1:-1, -1]) / (2 * dx))**2 -
                         2 * ((u[2:, 0] - u[0:-2, 0]) / (2 * dy) *
                              (v[1:-1, 1] - v[1:-1, -1]) / (2 * dx)) -
                         ((v[2:, 0] - v[0:-2, 0]) / (2 * dy))**2))

    return b


def pressure_poisson_periodic(np, p, b, dx, dy, nit):
    pn = np.empty_like(p)

    for q in range(nit):
        pn = p.copy()
        p[1:-1, 1:-1] = (((pn[1:-1, 2:] + pn[1:-1, 0:-2]) * dy**2 +
                          (pn[2:, 1:-1] + pn[0:-2, 1:-1]) * dx**2) /
                         (2 * (dx**2 + dy**2)) -
                         dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, 1:-1])

        # Periodic BC Pressure @ x = 2
        p[1:-1, -1] = (((pn[1:-1, 0] + pn[1:-1, -2]) * dy**2 +
                        (pn[2:, -1] + pn[0:-2, -1]) * dx**2) /
                       (2 * (dx**2 + dy**2)) -
                       dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, -1])

        # Periodic BC Pressure @ x = 0
        p[1:-1, 0] = (((pn[1:-1, 1] + pn[1:-1, -1]) * dy**2 +
                       (pn[2:, 0] + pn[0:-2, 0]) * dx**2) /
                      (2 * (dx**2 + dy**2)) -
                      dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, 0])

        # Wall boundary conditions, pressure
        p[-1, :] = p[-2, :]  # dp/dy = 0 at y = 2
        p[0, :] = p[1, :]    # dp/dy = 0 at y = 0

    return p


def run(np, nx=41, ny=41, nit=50, max_steps=None, rho=1, nu=.1, F=1, dt=.01):
    """Run the channel flow; returns (u, v, p, stepcount) as arrays of ``np``."""
    dx = 2 / (nx - 1)
    dy = 2 / (ny - 1)

    # initial conditions
    u = np.zeros((ny, nx))
    un = np.zeros((ny, nx))

    v = np.zeros((ny, nx))
    vn = np.zeros((ny, nx))

    p = np.ones((ny, nx))
    pn = np.ones((ny, nx))

    b = np.zeros((ny, nx))

    udiff = 1
    stepcount = 0

    while udiff > .001:
        if max_steps is not None and stepcount >= max_steps:
            break
        un = u.copy()
        vn = v.copy()

        b = build_up_b(np, rho, dt, dx, dy, u, v)
        p = pressure_poisson_periodic(np, p, b, dx, dy, nit)

        u[1:-1, 1:-1] = (un[1:-1, 1:-1] -
                         un[1:-1, 1:-1] * dt / dx *
                         (un[1:-1, 1:-1] - un[1:-1, 0:-2]) -
                         vn[1:-1, 1:-1] * dt / dy *
                         (un[1:-1, 1:-1] - un[0:-2, 1:-1]) -
                         dt / (2 * rho * dx) *
                         (p[1:-1, 2:] - p[1:-1, 0:-2]) +
                         nu * (dt / dx**2 *
                               (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, 0:-2]) +
                               dt / dy**2 *
                               (un[2:, 1:-1] - 2 * un[1:-1, 1:-1] + un[0:-2, 1:-1])) +
                         F * dt)

        v[1:-1, 1:-1] = (vn[1:-1, 1:-1] -
                         un[1:-1, 1:-1] * dt / dx *
                         (vn[1:-1, 1:-1] - vn[1:-1, 0:-2]) -
                         vn[1:-1, 1:-1] * dt / dy *
                         (vn[1:-1, 1:-1] - vn[0:-2, 1:-1]) -
                         dt / (2 * rho * dy) *
                         (p[2:, 1:-1] - p[0:-2, 1:-1]) +
                         nu * (dt / dx**2 *
                               (vn[1:-1, 2:] - 2 * vn[1:-1, 1:-1] + vn[1:-1, 0:-2]) +
                               dt / dy**2 *
                               (vn[2:, 1:-1] - 2 * vn[1:-1, 1:-1] + vn[0:-2, 1:-1])))

        # Periodic BC u @ x = 2
        u[1:-1, -1] = (un[1:-1, -1] - un[1:-1, -1] * dt / dx *
                       (un[1:-1, -1] - un[1:-1, -2]) -
                       vn[1:-1, -1] * dt / dy *
                       (un[1:-1, -1] - un[0:-2, -1]) -
                       dt / (2 * rho * dx) *
                       (p[1:-1, 0] - p[1:-1, -2]) +
                       nu * (dt / dx**2 *
                             (un[1:-1, 0] - 2 * un[1:-1, -1] + un[1:-1, -2]) +
                             dt / dy**2 *
                             (un[2:, -1] - 2 * un[1:-1, -1] + un[0:-2, -1])) + F * dt)

        # Periodic BC u @ x = 0
        u[1:-1, 0] = (un[1:-1, 0] - un[1:-1, 0] * dt / dx *
                      (un[1:-1, 0] - un[1:-1, -1]) -
                      vn[1:-1, 0] * dt / dy *
                      (un[1:-1, 0] - un[0:-2, 0]) -
                      dt / (2 * rho * dx) *
                      (p[1:-1, 1] - p[1:-1, -1]) +
                      nu * (dt / dx**2 *
                            (un[1:-1, 1] - 2 * un[1:-1, 0] + un[1:-1, -1]) +
                            dt / dy**2 *
                            (un[2:, 0] - 2 * un[1:-1, 0] + un[0:-2, 0])) + F * dt)

        # Periodic BC v @ x = 2
        v[1:-1, -1] = (vn[1:-1, -1] - un[1:-1, -1] * dt / dx *
                       (vn[1:-1, -1] - vn[1:-1, -2]) -
                       vn[1:-1, -1] * dt / dy *
                       (vn[1:-1, -1] - vn[0:-2, -1]) -
                       dt / (2 * rho * dy) *
                       (p[2:, -1] - p[0:-2, -1]) +
                       nu * (dt / dx**2 *
                             (vn[1:-1, 0] - 2 * vn[1:-1, -1] + vn[1:-1, -2]) +
                             dt / dy**2 *
                             (vn[2:, -1] - 2 * vn[1:-1, -1] + vn[0:-2, -1])))

        # Periodic BC v @ x = 0
        v[1:-1, 0] = (vn[1:-1, 0] - un[1:-1, 0] * dt / dx *
                      (vn[1:-1, 0] - vn[1:-1, -1]) -
                      vn[1:-1, 0] * dt / dy *
                      (vn[1:-1, 0] - vn[0:-2, 0]) -
                      dt / (2 * rho * dy) *
                      (p[2:, 0] - p[0:-2, 0]) +
                      nu * (dt / dx**2 *
                            (vn[1:-1, 1] - 2 * vn[1:-1, 0] + vn[1:-1, -1]) +
                            dt / dy**2 *
                            (vn[2:, 0] - 2 * vn[1:-1, 0] + vn[0:-2, 0])))

        # Wall BC: u,v = 0 @ y = 0,2
        u[0, :] = 0
        u[-1, :] = 0
        v[0, :] = 0
        v[-1, :] = 0

        udiff = (np.sum(u) - np.sum(un)) / np.sum(u)
        stepcount += 1

    return u, v, p, stepcount


def stable_dt(nx, ny, nu=.1):
    """A time step that keeps the explicit diffusion term stable on an
    nx x ny grid over [0, 2]^2 (diffusion number 1/4 per direction); the
    lesson's dt=.01 is fine at 41x41 but blows up on large grids."""
    dx = 2 / (nx - 1)
    dy = 2 / (ny - 1)
    return min(.01, 0.25 * min(dx, dy)**2 / nu)


def summarize(np, result):
    """Plain-Python summary of a result; forces completion of deferred work."""
    u, v, p, stepcount = result
    return {
        "steps": int(stepcount),
        "sum_u": float(np.sum(u)),
        "max_u": float(np.max(u)),
        "sum_v": float(np.sum(v)),
        "max_abs_v": float(np.max(np.abs(v))),
        "mean_p": float(np.sum(p)) / p.size,
    }


def compare(ref, res, rtol=1e-7, atol=1e-9):
    """Compare two results (first from NumPy); returns a list of problems."""
    import numpy
    problems = []
    if int(ref[3]) != int(res[3]):
        problems.append("step count differs: numpy %d, other %d" % (ref[3], res[3]))
    for name, a, b in zip("uvp", ref[:3], res[:3]):
        a = numpy.asarray(a)
        b = numpy.asarray(b)
        if a.shape != b.shape:
            problems.append("%s: shape %s vs %s" % (name, a.shape, b.shape))
        elif not numpy.allclose(a, b, rtol=rtol, atol=atol):
            err = numpy.max(numpy.abs(a - b))
            problems.append("%s: max abs difference %.3e (rtol=%g atol=%g)"
                            % (name, err, rtol, atol))
    return problems


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------

def report(label, summary, elapsed):
    print("[%s] steps=%d  sum(u)=%.10g  max(u)=%.10g  sum(v)=%.6g  "
          "max|v|=%.6g  mean(p)=%.10g  time=%.4f s"
          % (label, summary["steps"], summary["sum_u"], summary["max_u"],
             summary["sum_v"], summary["max_abs_v"], summary["mean_p"], elapsed))


def add_arguments(ap):
    positive_int = example_util.positive_int
    ap.add_argument("--nx", type=positive_int, default=41)
    ap.add_argument("--ny", type=positive_int, default=41)
    ap.add_argument("--nit", type=positive_int, default=50,
                    help="pseudo-time iterations of the pressure Poisson solve")
    ap.add_argument("--max-steps", type=positive_int, default=None,
                    help="cap on time steps (default: none, run to convergence)")
    ap.add_argument("--dt", default=".01",
                    help="time step, a number or 'auto' (default .01, the "
                         "lesson's; large grids need a smaller one to stay "
                         "stable: 'auto' picks one)")


def main(argv=None):
    ap, args = example_util.parse_args(__doc__, add_arguments, argv)
    if args.nx < 3 or args.ny < 3:
        ap.error("--nx and --ny must be at least 3")
    if args.dt == "auto":
        args.dt = stable_dt(args.nx, args.ny)
    else:
        try:
            args.dt = float(args.dt)
        except ValueError:
            ap.error("--dt expects a number or 'auto', got %r" % args.dt)
        if not args.dt > 0:
            ap.error("--dt must be positive")

    print("channel flow: nx=%d ny=%d nit=%d dt=%g max_steps=%s"
          % (args.nx, args.ny, args.nit, args.dt, args.max_steps))
    return example_util.run_or_check(
        args, lambda np: run(np, args.nx, args.ny, args.nit, args.max_steps, dt=args.dt),
        summarize, compare, report)


if __name__ == "__main__":
    sys.exit(main())
