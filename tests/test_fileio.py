"""Staged files: a render's per-keyword files land all together, or not at all."""

from __future__ import annotations

import gc
import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from dailypapers import fileio
from dailypapers.fileio import Staging


def test_staged_files_land_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("old", encoding="utf-8")
    with Staging() as staging:
        assert staging.write(target, ["new"])
        assert target.read_text(encoding="utf-8") == "old"
        assert staging.current(target).read_text(encoding="utf-8") == "new"
        assert staging.commit() == [target]
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


def test_leaving_without_a_commit_removes_the_staged_files_and_the_folders_made(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("mine", encoding="utf-8")
    with pytest.raises(RuntimeError), Staging() as staging:
        staging.write(kept, ["replaced"])
        staging.write(tmp_path / "site" / "feeds" / "a.xml", ["<feed/>"])
        raise RuntimeError("a corrupt store further on")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.md"]
    assert kept.read_text(encoding="utf-8") == "mine"


def test_a_file_whose_bytes_would_not_change_is_not_staged(tmp_path: Path) -> None:
    target = tmp_path / "same.md"
    target.write_text("same", encoding="utf-8")
    with Staging() as staging:
        assert not staging.write(target, ["sa", "me"])
        assert staging.current(target) == target
        assert staging.commit() == []


def test_a_file_filled_elsewhere_is_staged_like_a_written_one(tmp_path: Path) -> None:
    target = tmp_path / "site" / "a.xml"
    with Staging() as staging:
        tmp = staging.reserve(target)
        digest = fileio.fill(tmp, "<feed/>")
        assert digest == fileio.content_digest(b"<feed/>")
        assert staging.adopt(target, tmp, digest)
        assert staging.digests[target] == digest
        assert staging.commit() == [target]
    assert target.read_text(encoding="utf-8") == "<feed/>"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.xml"]


def test_a_reserved_file_never_adopted_is_removed_with_the_folders_made(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), Staging() as staging:
        tmp = staging.reserve(tmp_path / "site" / "feeds" / "a.xml")
        fileio.fill(tmp, "<feed/>")
        raise RuntimeError("a corrupt store further on")
    assert list(tmp_path.iterdir()) == []


def test_filling_a_reserved_file_the_render_gave_up_does_not_make_it_again(
    tmp_path: Path,
) -> None:
    with Staging() as staging:
        tmp = staging.reserve(tmp_path / "a.xml")
    with pytest.raises(FileNotFoundError):
        fileio.fill(tmp, "<feed/>")
    assert list(tmp_path.iterdir()) == []


def test_ahead_gives_each_result_in_order_however_far_ahead_the_worker_is() -> None:
    assert list(fileio.Ahead(lambda n: n * n, range(100), window=3)) == [n * n for n in range(100)]


def test_ahead_raises_the_workers_error_at_the_item_that_raised_it() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise ValueError("item 2")
        return n

    got = []
    with pytest.raises(ValueError, match="item 2"):
        for value in fileio.Ahead(work, range(5)):
            got.append(value)
    assert got == [0, 1]


def test_closing_ahead_stops_the_worker_within_its_window() -> None:
    done: list[int] = []
    results = fileio.Ahead(done.append, range(10_000), window=4)
    next(results)
    results.close()
    for worker in threading.enumerate():
        if worker.name == "dailypapers-ahead":
            worker.join(timeout=10)
            assert not worker.is_alive()
    assert len(done) < 10


def test_ahead_starts_working_before_it_is_first_read() -> None:
    # Checks begun before the store loads must be under way while it loads.
    started = threading.Event()
    results = fileio.Ahead(lambda n: started.set() or n, range(3))
    assert started.wait(timeout=30)
    assert list(results) == [0, 1, 2]


def test_dropping_an_unread_ahead_stops_its_worker() -> None:
    done: list[int] = []
    results = fileio.Ahead(done.append, range(10_000), window=4)
    workers = [t for t in threading.enumerate() if t.name == "dailypapers-ahead"]
    del results
    gc.collect()
    for worker in workers:
        worker.join(timeout=10)
        assert not worker.is_alive()
    assert len(done) < 10


@pytest.mark.parametrize("last", [b"x", b"y"])
def test_a_write_is_a_change_only_when_some_byte_differs_even_past_the_first_megabyte(
    tmp_path: Path, last: bytes
) -> None:
    target = tmp_path / "index.html"
    body = b"a" * (3 << 20)
    target.write_bytes(body + b"x")
    changed = fileio.write_atomic_blocks(target, [body, last], durable=False)
    assert changed == (last != b"x")
    assert target.read_bytes() == body + last


def test_a_write_is_a_change_when_the_old_file_goes_on_after_the_new_ends(
    tmp_path: Path,
) -> None:
    target = tmp_path / "all.bib"
    body = b"a" * (1 << 20)
    target.write_bytes(body + b"more")
    assert fileio.write_atomic_blocks(target, [body], durable=False)
    assert target.read_bytes() == body


def test_a_spool_a_killed_render_left_is_removed_when_the_next_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    left = tmp_path / f"{fileio.SPOOL_PREFIX}killed{fileio.SPOOL_SUFFIX}"
    left.write_bytes(b"segments")
    live = fileio.shared_spool()
    try:
        assert not left.exists()
        with fileio.shared_spool() as other:  # a second render's: the live one stays
            assert Path(live.name).exists()
            Path(other.name).unlink()
    finally:
        live.close()
        Path(live.name).unlink()


def test_a_write_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    target = tmp_path / "docs" / "README.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "README.md"
    link.symlink_to(Path("docs") / "README.md")
    assert fileio.write_atomic(link, ["new\n"])
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"


def test_a_write_over_anything_but_a_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        fileio.write_atomic(fifo, ["text\n"])
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert list(tmp_path.iterdir()) == [fifo]


def test_reading_a_fifo_in_a_files_place_is_refused_without_waiting_for_a_writer(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "store.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        fileio.read_regular(fifo)


def test_reading_a_folder_in_a_files_place_names_the_path_not_a_descriptor(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "keywords.yaml"
    folder.mkdir()
    with pytest.raises(OSError, match="not a regular file") as raised:
        fileio.read_regular(folder)
    assert raised.value.filename == str(folder)
