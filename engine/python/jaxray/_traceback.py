"""Tracebacks that end in the user's code, as JAX's do.

An error raised while a transformation runs a user's function passes through
jaxray's own frames (flattening, the engine's callbacks); the public entry
points drop those frames so that the traceback shows the user's lines only.
JAXRAY_TRACEBACK_FILTERING=off keeps every frame, for debugging jaxray itself.
"""
import functools
import os
import types

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _user_frames(tb):
    kept = []
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE):
            kept.append(tb)
        tb = tb.tb_next
    filtered = None
    for t in reversed(kept):
        filtered = types.TracebackType(filtered, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return filtered


def api_boundary(fun):
    @functools.wraps(fun)
    def boundary(*args, **kwargs):
        try:
            return fun(*args, **kwargs)
        except Exception as e:
            if os.environ.get("JAXRAY_TRACEBACK_FILTERING", "on") == "off":
                raise
            # Re-raising adds this frame back; outer boundaries drop it again.
            raise e.with_traceback(_user_frames(e.__traceback__))
    return boundary
