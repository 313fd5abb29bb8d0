"""The worker process: jobs answered in order, refusals raised again here, and a worker that
cannot take a job (unsendable, dead, closed) giving it back for the caller to do."""

from __future__ import annotations

import operator
import os
import signal
import struct
from collections.abc import Iterator

import pytest

from dailypapers.config import Keyword
from dailypapers.errors import StoreError
from dailypapers.offload import Job, Offload, WorkerGone
from dailypapers.store import json_file


@pytest.fixture
def offload() -> Iterator[Offload]:
    worker = Offload()
    yield worker
    worker.close()


def test_jobs_are_answered_in_the_order_given(offload: Offload) -> None:
    jobs = [offload.submit(operator.mul, n, n) for n in range(20)]
    assert [job.result() for job in jobs] == [n * n for n in range(20)]


def test_a_refused_store_is_raised_here_as_it_was_raised_there(offload: Offload) -> None:
    job = offload.submit(json_file.loads, b"{", "data/x.json", Keyword("X", "x"))
    with pytest.raises(StoreError) as caught:
        job.result()
    assert caught.value.path == "data/x.json"
    assert str(caught.value).startswith("data/x.json: ")


def test_what_a_job_prints_does_not_reach_the_answers(offload: Offload) -> None:
    printed = offload.submit(print, "stray output on stdout")
    after = offload.submit(operator.add, 2, 3)
    assert printed.result() is None
    assert after.result() == 5


def test_a_job_that_cannot_be_sent_is_given_back_without_a_worker(offload: Offload) -> None:
    job = offload.submit(lambda: 1)
    with pytest.raises(WorkerGone):
        job.result()
    assert offload._proc is None


def test_a_worker_that_dies_gives_back_what_it_held_and_takes_nothing_more(
    offload: Offload,
) -> None:
    done = offload.submit(operator.add, 1, 1)
    dying = offload.submit(os._exit, 1)
    held = offload.submit(operator.add, 2, 2)
    assert done.result() == 2
    for job in (dying, held, offload.submit(operator.add, 3, 3)):
        with pytest.raises(WorkerGone):
            job.result()


def test_closing_stops_the_worker_and_gives_back_what_it_held() -> None:
    offload = Offload()
    offload.submit(operator.add, 1, 1).result()
    proc = offload._proc
    assert proc is not None
    offload.close()
    assert proc.poll() is not None
    with pytest.raises(WorkerGone):
        offload.submit(operator.add, 1, 1).result()


def test_answers_out_of_step_give_back_what_the_worker_held_instead_of_hanging() -> None:
    offload, held = Offload(), Job[int]()
    offload._pending.append(held)
    read, write = os.pipe()
    os.write(write, struct.pack("<Q", 2**62))  # a length no answer has
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        offload._read(stream)
    with pytest.raises(WorkerGone):
        held.result()


def test_a_worker_that_gives_no_answer_in_time_is_killed_and_gives_back_what_it_held(
    offload: Offload,
) -> None:
    assert offload.submit(operator.add, 1, 1).result() == 2
    proc = offload._proc
    assert proc is not None
    os.kill(proc.pid, signal.SIGSTOP)  # alive, but it will answer nothing
    held = [offload.submit(operator.add, n, n) for n in range(3)]
    with pytest.raises(WorkerGone):
        offload.answer(held[0], patience=0.2)
    assert proc.poll() is not None
    for job in held[1:]:
        with pytest.raises(WorkerGone):
            job.result()


def test_an_answer_in_time_is_the_jobs_result(offload: Offload) -> None:
    assert offload.answer(offload.submit(operator.mul, 6, 7), patience=60) == 42
