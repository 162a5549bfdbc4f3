"""L-BFGS (PyTorch's ``torch.optim.LBFGS``), optionally with a strong-Wolfe line search.

The search direction and line search follow PyTorch's algorithm step for step, and keep
its scalars (curvatures, step lengths, directional derivatives) as 0-d tensors of the
parameters' dtype, so that float32 problems round where PyTorch's round and the parameter
trajectories agree to float32 rounding.
"""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from ..ops.shape import cat
from .optimizer import Optimizer, _to_scalar

__all__ = ["LBFGS"]


def _cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1``,
    ``g2``, clamped to ``bounds`` (default: between the two points); the middle of the
    bounds when the cubic has no real minimizer."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square.sqrt()
        # measured from the farther point, so the expression stays well conditioned
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, lo), hi)
    return (lo + hi) / 2.0


def _loss_value(loss):
    # the loss as a Python float, read without the warning about reading a tensor that
    # requires grad (the closure's loss always does)
    return float(loss.detach()) if isinstance(loss, Tensor) else float(loss)


class _Bracket:
    """The two ends of an interval of step lengths that holds a strong-Wolfe point: step,
    loss, gradient and directional derivative at each end."""

    def __init__(self, steps, losses, grads, slopes):
        self.steps, self.losses, self.grads, self.slopes = steps, losses, grads, slopes

    def low_high(self):
        return (0, 1) if self.losses[0] <= self.losses[-1] else (1, 0)

    def set(self, i, step, loss, grad, slope):
        self.steps[i], self.losses[i], self.grads[i], self.slopes[i] = step, loss, grad, slope


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step length ``t`` along ``d`` from ``x`` that meets the strong Wolfe conditions
    (sufficient decrease ``c1``, curvature ``c2``), by bracketing then zooming with cubic
    interpolation. Returns ``(loss, flat_grad, t, evaluations)``."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new])
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = _Bracket([t], [f_new], [g_new], [gtd_new])
            done = True
            break
        if gtd_new >= 0:
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new])
            break
        # still descending: extrapolate, at least 1% beyond t and at most 10x t
        t_next = _cubic_minimizer(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                  bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.clone(), gtd_new
        t = t_next
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:
        # out of evaluations while bracketing: the interval from 0 to the last step
        bracket = _Bracket([0, t], [f, f_new], [g, g_new], [gtd, gtd_new])

    insufficient_progress = False
    low, high = bracket.low_high()
    while not done and ls_iter < max_ls:
        steps = bracket.steps
        if abs(steps[1] - steps[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimizer(steps[0], bracket.losses[0], bracket.slopes[0],
                             steps[1], bracket.losses[1], bracket.slopes[1])
        # a trial too near an end of the bracket makes little progress: after two such
        # trials in a row (or one outside the bracket) move it a tenth of the width inside
        top, bottom = max(steps), min(steps)
        margin = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < margin:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket.losses[low]:
            bracket.set(high, t, f_new, g_new.clone(), gtd_new)
            low, high = bracket.low_high()
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (steps[high] - steps[low]) >= 0:
                bracket.set(high, steps[low], bracket.losses[low], bracket.grads[low], bracket.slopes[low])
            bracket.set(low, t, f_new, g_new.clone(), gtd_new)

    return bracket.losses[low], bracket.grads[low], bracket.steps[low], evals


class LBFGS(Optimizer):
    r"""L-BFGS: quasi-Newton steps from the last ``history_size`` pairs of parameter and
    gradient changes. ``step(closure)`` runs up to ``max_iter`` iterations (at most
    ``max_eval`` closure calls); the closure clears the gradients, computes the loss,
    calls ``backward()`` and returns the loss.

    Args:
        params (iterable): the tensors to optimize (one parameter group only).
        lr (float): step length (default 1; the first iteration scales it by
            ``min(1, 1 / |grad|_1)``).
        max_iter (int): iterations per ``step`` (default 20).
        max_eval (int): closure calls per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad (float): stop when every gradient element is at most this in size.
        tolerance_change (float): stop when the loss or the parameters change less.
        history_size (int): correction pairs kept (default 100).
        line_search_fn (str): ``"strong_wolfe"``, or ``None`` for fixed steps of ``lr``.

    All the parameters must share one device; the state is kept for the first one.
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._numel_cache = None

    def _numel(self):
        if self._numel_cache is None:
            self._numel_cache = sum(p.numel() for p in self._params)
        return self._numel_cache

    def _gather_flat_grad(self):
        flat = [p.new_zeros(p.numel()) if p.grad is None else p.grad.reshape(-1) for p in self._params]
        return cat(flat, 0)

    def _add_grad(self, step_size, update):
        """Moves the parameters by ``step_size * update`` (``update`` is flat)."""
        offset = 0
        for p in self._params:
            numel = p.numel()
            p.add_(update[offset:offset + numel].view_as(p), alpha=step_size)
            offset += numel

    def _clone_param(self):
        return [p.clone() for p in self._params]

    def _set_param(self, params_data):
        for p, data in zip(self._params, params_data):
            p.copy_(data)

    def _directional_evaluate(self, closure, x, t, d):
        """Loss and flat gradient at ``x + t * d``; the parameters are put back to ``x``."""
        self._add_grad(t, d)
        with enable_grad():
            loss = _loss_value(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure):
        """Runs up to ``max_iter`` L-BFGS iterations; returns the closure's first loss.

        Args:
            closure (Callable): reevaluates the model and returns the loss (required).
        """
        with no_grad():
            return self._optimize(closure)

    def _optimize(self, closure):
        group = self.param_groups[0]
        lr = _to_scalar(group["lr"])
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        # L-BFGS's state is global; it is filed under the first parameter so that
        # state_dict / load_state_dict carry it like any other optimizer's
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = _loss_value(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return orig_loss

        d = state.get("d")
        t = state.get("t")
        old_dirs = state.get("old_dirs")
        old_stps = state.get("old_stps")
        ro = state.get("ro")
        H_diag = state.get("H_diag")
        prev_flat_grad = state.get("prev_flat_grad")
        prev_loss = state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            if state["n_iter"] == 1:
                d = flat_grad.neg()
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                d, H_diag = self._quasi_newton_direction(state, flat_grad, prev_flat_grad, d, t, H_diag, old_dirs,
                                                         old_stps, ro, history_size)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            # the first iteration has no curvature yet: a step no longer than lr in the l1 sense
            t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr if state["n_iter"] == 1 else lr

            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction (any more)
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def evaluate(x, step, direction):
                    return self._directional_evaluate(closure, x, step, direction)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(evaluate, x_init, t, d, loss, flat_grad, gtd,
                                                                  max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = flat_grad.abs().max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    # the last iteration's loss is not evaluated: the next step() starts with it
                    with enable_grad():
                        loss = _loss_value(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = flat_grad.abs().max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if d.mul(t).abs().max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"] = d
        state["t"] = t
        state["old_dirs"] = old_dirs
        state["old_stps"] = old_stps
        state["ro"] = ro
        state["H_diag"] = H_diag
        state["prev_flat_grad"] = prev_flat_grad
        state["prev_loss"] = prev_loss
        return orig_loss

    @staticmethod
    def _quasi_newton_direction(state, flat_grad, prev_flat_grad, d, t, H_diag, old_dirs, old_stps, ro,
                                history_size):
        """Stores the newest correction pair (when its curvature is positive) and returns
        ``(-H @ flat_grad, H_diag)`` by the two-loop recursion over the stored pairs, ``H_diag``
        being the scale of the initial inverse Hessian."""
        y = flat_grad.sub(prev_flat_grad)
        s = d.mul(t)
        ys = y.dot(s)
        if ys > 1e-10:
            if len(old_dirs) == history_size:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            H_diag = ys / y.dot(y)

        num_old = len(old_dirs)
        if "al" not in state:
            state["al"] = [None] * history_size
        al = state["al"]
        q = flat_grad.neg()
        for i in range(num_old - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            q.add_(old_dirs[i], alpha=-al[i])
        r = q * H_diag
        for i in range(num_old):
            be_i = old_dirs[i].dot(r) * ro[i]
            r.add_(old_stps[i], alpha=al[i] - be_i)
        return r, H_diag
