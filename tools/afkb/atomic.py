"""Write files and directories so that a failure leaves the previous version intact."""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from afkb.errors import AfkbError

if TYPE_CHECKING:
    from collections.abc import Iterator


def umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode the umask gives a new file."""
    return 0o666 & ~umask()


def _mode_for(path: Path) -> int:
    """The mode a rewrite of ``path`` gets: the existing file's, else what the umask gives a new file."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return new_file_mode()
    if not stat.S_ISREG(status.st_mode):
        raise AfkbError(f"{path}: exists and is not a regular file; not replaced")
    return stat.S_IMODE(status.st_mode)


def _write_beside(path: Path, data: bytes, mode: int) -> Path:
    """``data`` written and synced to a new temporary file in ``path``'s directory, with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    An existing file keeps its mode; a new one gets the umask's. Anything at ``path`` that is
    not a regular file (a symbolic link, a FIFO, a device) is refused, never replaced.
    """
    tmp = _write_beside(path, data, _mode_for(path))
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


STALE_AFTER_SECONDS = 600


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Remove ``.<name>.*.tmp`` files this module left in ``directory`` when a process was killed
    mid-write. Only files older than ten minutes go: a running writer's file is seconds old."""
    removed = []
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in directory.glob(".*.tmp"):
        try:
            status = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(status.st_mode) and status.st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def create_exclusive(path: Path, text: str) -> None:
    """Create a new file; never overwrite one (raises FileExistsError)."""
    tmp = _write_beside(path, text.encode("utf-8"), new_file_mode())
    try:
        os.link(tmp, path)  # fails if path exists
    finally:
        tmp.unlink(missing_ok=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


SITE_MARKER = ".afkb-site"
LEGACY_SITE_FILE = Path("assets/afkb/afkb.css")  # in every site built before the marker existed


def _is_replaceable(target: Path) -> bool:
    """Only an empty directory or a site that afkb built may be replaced by a build."""
    if not target.is_dir():  # target is resolved: never a symbolic link here
        return False
    if (target / SITE_MARKER).is_file() or (target / LEGACY_SITE_FILE).is_file():
        return True
    return not any(target.iterdir())


@contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for building into ``target``; a second build fails at once."""
    lock_path = target.parent / f".{target.name}.lock"
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AfkbError(
                f"another build into {target} is running (lock {lock_path}); try again when it ends"
            ) from None
        yield


@contextmanager
def replace_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh staging directory; on success it replaces ``target`` by renames.

    ``target`` must be missing, empty, or a site an earlier build wrote (it holds
    ``.afkb-site``): any other directory, such as a checkout or ``docs/``, is refused untouched.
    Builds into one target are serialised by a lock, so one never removes another's staging
    directory. On failure the staging directory is removed and ``target`` is untouched. On
    Linux the swap is one atomic exchange, so a reader or a kill at any moment
    sees either the whole old tree or the whole new one; elsewhere it is two renames.
    """
    target = target.resolve()
    if target.exists() and not _is_replaceable(target):
        raise AfkbError(f"{target}: not replaced: it is not empty and not a site built by afkb (no {SITE_MARKER} file)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target):
        for stale in target.parent.glob(f".{target.name}.building-*"):  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        try:
            staging.chmod(0o777 & ~umask())
            yield staging
            (staging / SITE_MARKER).write_text("A site built by afkb; `afkb build` may replace this directory.\n")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if target.is_dir() and _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # now holds the old tree
            return
        old = target.parent / f".{target.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
