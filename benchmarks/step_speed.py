"""How long one optimizer step takes: ``optimizers`` against ``torch.optim`` on the CPU.

Prints, for ``Adam`` and ``SGD(momentum=0.9)`` on 2, 1e5 and 1e7 float32 parameters, the median time of one
step of this package's pure ``step`` and of ``torch.optim`` (its default CPU implementation, the single-tensor
loop, and ``fused=True``), and the ratios ``torch default / ours`` (above 1: we are faster) and
``torch fused / ours``. Torch's columns are skipped, with a message, when torch is not installed.

Both sides take the same steps from the same point with the same constant gradient. Our step is pure: it
returns new arrays and leaves ``x``, ``g`` and the state alone (checked here once, outside the timing);
torch's steps work in place. NumPy runs element-wise work on one thread; torch uses ``torch.get_num_threads()``
threads (printed), which matters at 1e7 parameters.

Usage::

    .venv/bin/python benchmarks/step_speed.py            # about 20 seconds
    .venv/bin/python benchmarks/step_speed.py --quick    # fewer repeats, rougher numbers
    .venv/bin/python benchmarks/step_speed.py --sizes 2 1000
    .venv/bin/python benchmarks/step_speed.py --cpu-time  # CPU time, torch on one thread: for a busy machine
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import optimizers as opt

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

CONFIGS = {
    "Adam": (lambda: opt.Adam(lr=1e-3), lambda params, **kw: torch.optim.Adam(params, lr=1e-3, **kw)),
    "SGD(momentum=0.9)": (
        lambda: opt.SGD(lr=1e-3, momentum=0.9),
        lambda params, **kw: torch.optim.SGD(params, lr=1e-3, momentum=0.9, **kw),
    ),
}


CLOCK = time.perf_counter  # wall time; --cpu-time switches to the process's CPU time


def median_step_times(steps: dict, *, budget: float) -> dict:
    """Median seconds per call of each function in ``steps``, measured in interleaved rounds.

    Each round times one block of calls of every function in turn (a block lasts at least ~2 ms, so that the
    clock's own overhead does not count), so a load that comes and goes on a shared machine hits all of them
    alike. Rounds continue for ``budget`` seconds (at least 5, at most 500 rounds).
    """
    per_block = {}
    for name, step in steps.items():
        step()  # warm up: first-touch allocation, lazy state
        t0 = CLOCK()
        step()
        per_block[name] = max(1, int(2e-3 / max(CLOCK() - t0, 1e-7)))
    times = {name: [] for name in steps}
    deadline = time.perf_counter() + budget
    rounds = 0
    while rounds < 5 or (rounds < 500 and time.perf_counter() < deadline):
        for name, step in steps.items():
            n = per_block[name]
            t0 = CLOCK()
            for _ in range(n):
                step()
            times[name].append((CLOCK() - t0) / n)
        rounds += 1
    return {name: float(np.median(ts)) for name, ts in times.items()}


def problem(n: int):
    rng = np.random.default_rng(0)
    return rng.standard_normal(n).astype(np.float32), (0.1 * rng.standard_normal(n)).astype(np.float32)


def our_step(make, n: int):
    x0, g = problem(n)
    optimizer = make()
    box = list(optimizer.step(x0, g, optimizer.init(x0)))
    check_pure(optimizer, box[0], g, box[1])

    def step():
        box[0], box[1] = optimizer.step(box[0], g, box[1])

    return step


def check_pure(optimizer, x, g, state) -> None:
    """Our step must return new float32 arrays and leave every input as it was."""
    before = (x.copy(), g.copy(), {k: np.copy(v) for k, v in state.items()})
    x1, state1 = optimizer.step(x, g, state)
    assert x1 is not x and x1.dtype == np.float32 and not np.shares_memory(x1, x)
    assert np.array_equal(x, before[0]) and np.array_equal(g, before[1])
    for k, v in state.items():
        assert np.array_equal(v, before[2][k]), k
        assert state1[k] is not v and (np.ndim(v) == 0 or not np.shares_memory(state1[k], v)), k


def torch_step(make, n: int, **kwargs):
    x0, g = problem(n)
    p = torch.tensor(x0)
    p.grad = torch.tensor(g)
    return make([p], **kwargs).step


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    return f"{seconds * 1e3:8.2f} ms"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[2, 1e5, 1e7], help="numbers of parameters")
    parser.add_argument("--quick", action="store_true", help="a smaller time budget per measurement")
    parser.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time the process's CPU time, not wall time: steadier on a shared machine; torch then "
                             "runs on one thread (CPU time adds up all threads)")
    args = parser.parse_args(argv)
    budget = 0.5 if args.quick else 2.0
    global CLOCK
    if args.cpu_time:
        CLOCK = time.process_time
        args.torch_threads = 1

    print(f"NumPy {np.__version__}, Python {platform.python_version()}, {platform.machine()}")
    if torch is None:
        print("torch is not installed: torch columns skipped (pip install torch to compare)")
    else:
        if args.torch_threads:
            torch.set_num_threads(args.torch_threads)
        print(f"torch {torch.__version__} with {torch.get_num_threads()} threads; "
              "'torch' is its default CPU implementation (single-tensor loop), 'fused' is fused=True")
    clock = "CPU time" if args.cpu_time else "wall time"
    print(f"median {clock} of one step, float32 parameters; ratio = torch time / our time (> 1: ours is faster)")
    header = f"{'optimizer':<18} {'params':>9} {'ours':>11}"
    if torch is not None:
        header += f" {'torch':>11} {'fused':>11} {'torch/ours':>10} {'fused/ours':>10}"
    print(header)
    for name, (make_ours, make_theirs) in CONFIGS.items():
        for size in args.sizes:
            n = int(size)
            steps = {"ours": our_step(make_ours, n)}
            if torch is not None:
                steps["torch"] = torch_step(make_theirs, n)
                steps["fused"] = torch_step(make_theirs, n, fused=True)
            t = median_step_times(steps, budget=budget)
            size_text = f"{n:>9.0e}" if n >= 1000 else f"{n:>9d}"
            line = f"{name:<18} {size_text} {fmt_time(t['ours'])}"
            if torch is not None:
                line += (f" {fmt_time(t['torch'])} {fmt_time(t['fused'])}"
                         f" {t['torch'] / t['ours']:10.2f} {t['fused'] / t['ours']:10.2f}")
            print(line, flush=True)
            del steps


if __name__ == "__main__":
    main()
