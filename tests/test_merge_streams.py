"""book/_ext/merge_streams.py: a cell's printed text, once, however the kernel split it into messages."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from merge_streams import merge_streams  # noqa: E402


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def test_a_line_split_between_messages_is_joined_exactly():
    # print(0.5, 0.25) writes "0.5", " ", "0.25" and "\n": a flush may fall anywhere in between
    pieces = [stream("lr 0.5"), stream(" "), stream("0.25\nnext line\n")]
    assert merge_streams(pieces) == [stream("lr 0.5 0.25\nnext line\n")]


def test_every_split_gives_the_same_text():
    text = "a = 1 b = 2\nrate 0.9200\n\nend\n"
    for cut in range(1, len(text)):
        assert merge_streams([stream(text[:cut]), stream(text[cut:])]) == [stream(text)]


def test_the_input_is_not_modified_and_other_outputs_keep_their_place():
    first = stream("x\n")
    result = {"output_type": "execute_result", "data": {"text/plain": "3"}}
    outputs = [first, result, stream("y\n"), stream("warn\n", "stderr")]
    merged = merge_streams(outputs)
    assert first == stream("x\n") and len(outputs) == 4
    assert merged == [stream("x\ny\n"), result, stream("warn\n", "stderr")]


def test_progress_bars_show_their_last_state_and_stdout_comes_first():
    bar = [stream("[#   ] 1/4\r", "stderr"), stream("[####] 4/4\n", "stderr"), stream("done\n")]
    assert merge_streams(bar) == [stream("done\n"), stream("[####] 4/4\n", "stderr")]
    assert merge_streams([stream("ab\bc\n")]) == [stream("ac\n")]
