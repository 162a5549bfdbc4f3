"""``gradkit.cuda``'s graph capture: ``CUDAGraph``, the ``graph(g)`` context,
``graph_pool_handle``, ``make_graphed_callables``, and ``graphed(step, sample_inputs)``, which
captures a whole fixed-shape training step (forward, backward, optimizer) and replays it.

On CUDA, capture is CuPy's stream capture (``backends/_cuda_graphs``): the captured work is
recorded, not run, and ``replay()`` launches it again on the same memory, so new data goes in
by copying into the static inputs and results are read from the static outputs. Host reads
(``.item()``, ``bool()``, bounds checks) cannot happen inside a capture: gradkit skips its
bounds checks there and refuses the rest with a RuntimeError. Written against CuPy 14; not yet
run on a GPU.

Without CUDA the same calls run eagerly, so a script stays portable: the ``graph(g)`` block
runs as ordinary code, ``make_graphed_callables`` returns the callables as they are, and a
``graphed`` step replays by calling the step again on its static inputs (a graph captured
from a ``with graph(g)`` block has no callable to re-run on the CPU, so its ``replay()``
raises saying so)."""
from __future__ import annotations

from . import cuda as _cuda

_pool_ids = iter(range(1, 1 << 62))


def graph_pool_handle():
    """A token that graphs captured with ``pool=`` it share a memory pool under (CuPy's
    stream-ordered pool is shared already: the token only groups the graphs)."""
    return (0, next(_pool_ids))


class CUDAGraph:
    def __init__(self, keep_graph: bool = False):
        self._capture = None  # the CUDA capture, once begun
        self._step = None  # on the CPU: what replay() runs again
        self._captured_on_cpu = False
        self._pool = None

    def capture_begin(self, pool=None, capture_error_mode: str = "global", _stream=None):
        if self._capture is not None or self._captured_on_cpu:
            raise RuntimeError("This CUDAGraph instance already owns a captured graph. To capture a new graph, "
                               "create a new instance.")
        self._pool = pool if pool is not None else graph_pool_handle()
        if not _cuda.is_available():
            self._captured_on_cpu = True  # the block runs eagerly
            return
        from .backends._cuda_graphs import Capture

        backend = _cuda._backend()
        handle = None if _stream is None else _stream._stream
        self._capture = _cuda._device_call(lambda b: Capture(b, b.current_device_index(), handle), backend)
        _cuda._device_call(lambda b: self._capture.begin(), backend)

    def capture_end(self):
        if self._capture is not None:
            _cuda._device_call(lambda b: self._capture.end(), _cuda._backend())

    def replay(self):
        if self._capture is not None and self._capture.graph is not None:
            _cuda._device_call(lambda b: self._capture.replay(), _cuda._backend())
        elif self._step is not None:
            self._step()
        elif self._captured_on_cpu:
            raise RuntimeError("Without CUDA a graph(g) block runs eagerly and records nothing, so there is nothing "
                               "for replay() to launch: capture the step as a callable with "
                               "gradkit.cuda.graphed(step, sample_inputs), which replays on the CPU by calling it.")
        else:
            raise RuntimeError("Called CUDAGraph::replay without a preceding successful capture.")

    def reset(self):
        self._capture = None
        self._step = None
        self._captured_on_cpu = False

    def pool(self):
        """The pool token of this graph (pass it as ``pool=`` to capture another beside it)."""
        if self._pool is None:
            raise RuntimeError("Called CUDAGraph::pool without a preceding successful capture.")
        return self._pool

    def enable_debug_mode(self):
        pass

    def debug_dump(self, debug_path):
        raise RuntimeError("gradkit's CUDA graphs (CuPy) have no debug dump")


class graph:
    """``with gradkit.cuda.graph(g):`` captures the block's CUDA work into ``g`` (on a side
    stream, after a device synchronize, as PyTorch's context does). Without CUDA the block
    runs eagerly."""
    default_capture_stream = None

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode: str = "global"):
        self.cuda_graph = cuda_graph
        self.pool = pool
        self.capture_stream = stream
        self.capture_error_mode = capture_error_mode

    def __enter__(self):
        if _cuda.is_available():
            _cuda.synchronize()
            import gc

            gc.collect()
        self.cuda_graph.capture_begin(self.pool, self.capture_error_mode, _stream=self.capture_stream)

    def __exit__(self, exc_type, exc_value, traceback):
        self.cuda_graph.capture_end()
        return False


def _copy_into(static, values):
    from .autograd.grad_mode import no_grad

    with no_grad():
        for s, v in zip(static, values):
            s.copy_(v)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


class GraphedStep:
    """A step captured by ``graphed``: call it with new inputs (copied into the static
    inputs, then one replay), or copy into ``static_inputs`` and ``graph.replay()`` as
    PyTorch's recipe does; results are in ``static_outputs`` (the same tensors every replay)."""

    def __init__(self, step, static_inputs, graph_, static_outputs):
        self.step = step
        self.static_inputs = static_inputs
        self.graph = graph_
        self.static_outputs = static_outputs

    def __call__(self, *inputs):
        _copy_into(self.static_inputs, inputs)
        self.graph.replay()
        return self.static_outputs if len(self.static_outputs) != 1 else self.static_outputs[0]


def graphed(step, sample_inputs, warmup: int = 3, pool=None) -> GraphedStep:
    """Captures ``step(*static_inputs)`` (a whole training step: forward, backward and
    optimizer) for replay, after ``warmup`` eager calls on the sample inputs (side-stream
    warm-up, as PyTorch's recipe: optimizers make their state, allocations settle). The
    sample inputs become the static inputs. The step's tensors must keep their shapes, and
    it must not read values back to the host (``.item()``) inside."""
    static_inputs = tuple(sample_inputs)
    g = CUDAGraph()
    if not _cuda.is_available():
        for _ in range(warmup):
            step(*static_inputs)
        holder = GraphedStep(step, static_inputs, g, None)

        def replay_on_cpu():
            # a capture runs nothing: the outputs appear at the first replay and are refilled
            # in place after that, so whoever holds them sees each replay's values
            outputs = _as_tuple(step(*static_inputs))
            if holder.static_outputs is None:
                holder.static_outputs = tuple(o.detach() if hasattr(o, "detach") else o for o in outputs)
            else:
                _copy_into(holder.static_outputs, outputs)

        g._captured_on_cpu = True
        g._step = replay_on_cpu
        return holder
    from ._cuda_streams import Stream, current_stream, stream

    side = Stream()
    side.wait_stream(current_stream())
    with stream(side):
        for _ in range(warmup):
            step(*static_inputs)
    current_stream().wait_stream(side)
    with graph(g, pool=pool):
        outputs = _as_tuple(step(*static_inputs))
    return GraphedStep(step, static_inputs, g, outputs)


def make_graphed_callables(callables, sample_args, num_warmup_iters: int = 3, allow_unused_input: bool = False,
                           pool=None):
    """PyTorch's partial-network capture: each callable (a function or a Module) becomes one
    whose forward and backward replay captured graphs. Without CUDA the callables come back as
    they are (the eager computation is the same)."""
    just_one = not isinstance(callables, tuple)
    if just_one:
        callables, sample_args = (callables,), (sample_args,)
    if not _cuda.is_available():
        return callables[0] if just_one else callables
    graphed_ = tuple(_graph_callable(fn, _as_tuple(args), num_warmup_iters, allow_unused_input, pool)
                     for fn, args in zip(callables, sample_args))
    return graphed_[0] if just_one else graphed_


def _graph_callable(fn, sample_args, num_warmup_iters, allow_unused_input, pool):
    """The forward and backward of ``fn`` captured as two graphs, behind an autograd Function
    (PyTorch's construction): inputs and parameters that need gradients get them from the
    backward graph's static outputs."""
    from . import autograd
    from ._cuda_streams import Stream, current_stream, stream
    from .ops.creation import empty_like

    params = tuple(p for p in getattr(fn, "parameters", lambda: ())() if p.requires_grad)
    diff_inputs = tuple(a for a in sample_args if getattr(a, "requires_grad", False)) + params
    side = Stream()
    side.wait_stream(current_stream())
    with stream(side):
        for _ in range(num_warmup_iters):
            outputs = _as_tuple(fn(*sample_args))
            wanted = tuple(o for o in outputs if o.requires_grad)
            autograd.grad(wanted, diff_inputs, tuple(empty_like(o) for o in wanted), allow_unused=allow_unused_input)
    current_stream().wait_stream(side)
    fwd, bwd = CUDAGraph(), CUDAGraph()
    with graph(fwd, pool=pool):
        static_outputs = _as_tuple(fn(*sample_args))
    wanted = tuple(o for o in static_outputs if o.requires_grad)
    static_grad_outputs = tuple(empty_like(o) for o in wanted)
    with graph(bwd, pool=fwd.pool()):
        static_grad_inputs = autograd.grad(wanted, diff_inputs, static_grad_outputs, allow_unused=allow_unused_input)
    n_args = len(sample_args)

    class Graphed(autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):
            _copy_into(sample_args, inputs[:n_args])
            fwd.replay()
            return tuple(o.detach() for o in static_outputs)

        @staticmethod
        def backward(ctx, *grads):
            _copy_into(static_grad_outputs, [g for g, o in zip(grads, static_outputs) if o.requires_grad])
            bwd.replay()
            found = iter(g.detach() if g is not None else None for g in static_grad_inputs)
            result = [next(found) if getattr(a, "requires_grad", False) else None for a in sample_args]
            return tuple(result) + tuple(next(found) for _ in params)

    def functionalized(*user_args):
        out = Graphed.apply(*(tuple(user_args) + params))
        return out[0] if len(out) == 1 else out

    if hasattr(fn, "forward"):
        fn.forward = functionalized
        return fn
    return functionalized
