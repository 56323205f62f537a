"""config/secret_key.py: the key kept in var/ when DJANGO_SECRET_KEY is unset."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from config.env import SettingError
from config.secret_key import check_length, load_or_create, read_key_file


def test_the_key_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"  # the folder is made too
    key = load_or_create(path)
    assert len(key) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_the_key_is_private_whatever_the_umask(tmp_path: Path) -> None:
    before = os.umask(0)
    try:
        load_or_create(tmp_path / "secret_key")
    finally:
        os.umask(before)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o666])
def test_a_wider_mode_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "secret_key"
    load_or_create(path)
    path.chmod(mode)
    with pytest.raises(SettingError, match=f"its mode is {mode:04o}: others may read it"):
        load_or_create(path)


def test_a_narrower_mode_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    key = load_or_create(path)
    path.chmod(0o400)
    assert read_key_file(path) == key


def test_an_empty_or_short_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")
    path.chmod(0o600)
    with pytest.raises(SettingError, match="is empty"):
        load_or_create(path)
    path.write_text("too-short\n")
    with pytest.raises(SettingError, match="9 characters long"):
        load_or_create(path)


def test_a_key_put_in_the_file_by_hand_is_used(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("  " + "x" * 40 + "\n")
    path.chmod(0o600)
    assert load_or_create(path) == "x" * 40


def test_check_length() -> None:
    assert check_length("y" * 32, "DJANGO_SECRET_KEY") == "y" * 32
    with pytest.raises(SettingError, match="DJANGO_SECRET_KEY is 31 characters long"):
        check_length("y" * 31, "DJANGO_SECRET_KEY")


def _start(path: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    results.put(load_or_create(Path(path)))  # type: ignore[attr-defined]


def test_processes_starting_at_once_agree_on_one_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    path = tmp_path / "secret_key"
    count = 8
    barrier = context.Barrier(count)
    results = context.Queue()
    processes = [
        context.Process(target=_start, args=(str(path), barrier, results)) for _ in range(count)
    ]
    for process in processes:
        process.start()
    keys = {results.get(timeout=30) for _ in range(count)}
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert keys == {path.read_text().strip()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
