"""Both sides of the wire between the trusted grader and the student's kernel.

This file is run *inside* the student's kernel as plain source (it imports only the
standard library and numpy), where :func:`serve` calls the student's function on
each test case and sends back a JSON description of what happened. The trusted
grader imports the same file for :func:`encode` and :func:`decode_untrusted`.

Values cross as JSON; arrays as base64 ``.npy`` bytes read with
``allow_pickle=False``. Functions used as test inputs cross as source text (only
from the grader to the kernel). Nothing coming back from the kernel is unpickled or
evaluated, and the expected values never enter the kernel.
"""

import base64
import io
import json
import math
import time
import traceback
import warnings

import numpy as np

RESULT_MIME = "application/vnd.calcml.outcomes+json"
MAX_ITEMS = 10_000  # containers longer than this are not described element by element


def encode(value):
    """A JSON-able description of ``value`` (arrays, numbers, strings, containers)."""
    if value is None or isinstance(value, bool):
        return {"t": "const", "v": value}
    if getattr(value, "_calcml_fn", False):
        return {"t": "fn", "src": str(value.source)}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.hasobject:
            return {"t": "opaque", "type": "numpy array of Python objects", "repr": _repr(value)}
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        kind = "ndarray" if isinstance(value, np.ndarray) else "npscalar"
        return {"t": kind, "npy": base64.b64encode(buf.getvalue()).decode("ascii")}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value[:10_000]}
    if isinstance(value, (list, tuple)) and len(value) <= MAX_ITEMS:
        return {"t": type(value).__name__ if type(value) in (list, tuple) else "tuple",
                "v": [encode(v) for v in value]}
    if isinstance(value, dict) and len(value) <= MAX_ITEMS and all(
            isinstance(k, str) for k in value):
        return {"t": "dict", "v": {k: encode(v) for k, v in value.items()}}
    return {"t": "opaque", "type": type(value).__name__, "repr": _repr(value)}


def _repr(value):
    try:
        return repr(value)[:300]
    except Exception:  # a hostile __repr__
        return "<unprintable>"


class Opaque:
    """Stands for a returned value the grader cannot compare (its type and repr)."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


def decode_untrusted(obj, depth=0):
    """Rebuild a value sent by the kernel: plain data only, never code."""
    if depth > 20 or not isinstance(obj, dict):
        raise ValueError("malformed value")
    t = obj.get("t")
    if t == "const" and obj.get("v") in (None, True, False):
        return obj["v"]
    if t in ("ndarray", "npscalar"):
        raw = base64.b64decode(str(obj["npy"]), validate=True)
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
        return arr if t == "ndarray" else arr[()]
    if t == "int":
        text = str(obj["v"])
        if len(text) > 4000:
            raise ValueError("integer too large")
        return int(text)
    if t == "float":
        return float(str(obj["v"]))
    if t == "str":
        return str(obj["v"])
    if t in ("list", "tuple"):
        items = [decode_untrusted(v, depth + 1) for v in list(obj["v"])[:MAX_ITEMS]]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {str(k): decode_untrusted(v, depth + 1) for k, v in dict(obj["v"]).items()}
    if t == "opaque":
        return Opaque(str(obj.get("type"))[:100], str(obj.get("repr"))[:300])
    raise ValueError(f"unknown value type {t!r}")


def _decode_trusted(obj):
    """Rebuild a test input sent by the grader (inside the kernel)."""
    t = obj["t"]
    if t == "fn":
        fn = eval(obj["src"], {"np": np, "math": math})  # the grader's own source text
        return fn
    if t in ("list", "tuple"):
        items = [_decode_trusted(v) for v in obj["v"]]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {k: _decode_trusted(v) for k, v in obj["v"].items()}
    return decode_untrusted(obj)


def _arrays(value, path):
    """(path, array) for every numpy array inside ``value``."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _arrays(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _arrays(v, f"{path}[{k!r}]")


def serve(namespace, name, request):
    """Call ``namespace[name]`` on every case of ``request``; display the outcomes."""
    from IPython.display import display

    req = json.loads(request)
    fn = namespace.get(name)
    outcomes = []
    if not callable(fn):
        display({RESULT_MIME: {"missing": True, "type": type(fn).__name__}}, raw=True)
        return
    for case in req["cases"]:
        args = [_decode_trusted(a) for a in case["args"]]
        kwargs = {k: _decode_trusted(v) for k, v in case["kwargs"].items()}
        names = list(req["params"])
        snapshots = []
        for i, a in enumerate(args):
            label = names[i] if i < len(names) else f"argument {i}"
            snapshots += [(p, a_, a_.tobytes(), a_.shape) for p, a_ in _arrays(a, label)]
        for k, v in kwargs.items():
            snapshots += [(p, a_, a_.tobytes(), a_.shape) for p, a_ in _arrays(v, k)]
        out = {}
        old = np.seterr(over="warn", divide="warn", invalid="warn", under="ignore")
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out["value"] = encode(fn(*args, **kwargs))
            except Exception as exc:  # the student's exception is data here
                frames = traceback.extract_tb(exc.__traceback__)[1:][-3:]
                out["error"] = f"{type(exc).__name__}: {exc}"[:1000]
                out["where"] = [f"line {f.lineno}: {f.line}"[:200] for f in frames]
        out["seconds"] = time.perf_counter() - start
        np.seterr(**old)
        out["warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught][:5]
        out["mutated"] = [p for p, a, raw, shape in snapshots
                          if a.shape != shape or a.tobytes() != raw]
        outcomes.append(out)
    display({RESULT_MIME: {"outcomes": outcomes}}, raw=True)
