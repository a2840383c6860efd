"""indexer/storage/positioned.py: a file's position counted from what was written, never asked of the OS."""
from __future__ import annotations

import io
from array import array
from pathlib import Path

from indexer.storage.positioned import PositionedFile


def test_the_count_follows_every_kind_of_write(tmp_path: Path) -> None:
    with (tmp_path / "f").open("wb") as raw:
        raw.write(b"head")
        counted = PositionedFile(raw)
        assert counted.tell() == 4  # starts where the file is
        counted.write(b"abc")
        counted.write(bytearray(b"de"))
        counted.write(memoryview(b"fghij")[1:3])
        array("f", [1.0, 2.0, 3.0]).tofile(counted)  # as Whoosh's StructFile.write_array writes
        counted.write(array("i", [7]))
        assert counted.tell() == raw.tell() == 4 + 3 + 2 + 2 + 12 + 4
    assert (tmp_path / "f").stat().st_size == 27


def test_a_seek_is_asked_of_the_file_and_counting_goes_on_from_there(tmp_path: Path) -> None:
    with (tmp_path / "f").open("w+b") as raw:
        counted = PositionedFile(raw)
        counted.write(b"0123456789")
        assert counted.seek(2) == 2 and counted.tell() == 2
        counted.write(b"xy")
        assert counted.tell() == raw.tell() == 4
        assert counted.seek(0, io.SEEK_END) == 10 and counted.tell() == 10
    assert (tmp_path / "f").read_bytes() == b"01xy456789"


def test_everything_else_is_the_files_own(tmp_path: Path) -> None:
    with (tmp_path / "f").open("wb") as raw:
        counted = PositionedFile(raw)
        assert counted.fileno() == raw.fileno()
        assert counted.name == raw.name
        counted.write(b"x")
        counted.flush()
        assert (tmp_path / "f").read_bytes() == b"x"
        counted.close()
        assert raw.closed
