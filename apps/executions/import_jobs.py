"""History imports too large to make the browser wait for run as background jobs.

The import page streams what was uploaded into ImportChunk rows (1 MiB each, checked as UTF-8 as
it goes, never read whole) and queues the job on commit; the Celery task decodes the documents and
runs the same `execution_import` as a small upload does, telling the job what it is doing; the
job's page follows it and ends at the execution. With no REDIS_URL (tasks eager, in-process) the
job runs on a daemon thread of the server process, as a "Pull now" does, so no request waits.
The chunks are deleted when the job ends; what was submitted (file names and sizes, the name and
definition chosen) stays on the job.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, Protocol

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role, Workspace
from apps.accounts.scoping import allows, role_in
from apps.executions.models import ImportChunk, ImportJob
from apps.executions.services import Document, ExecutionImportError, execution_import
from apps.simulations import embedded
from config.celery import app as celery_app

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
PROGRESS_MAX_LENGTH = 1000
BACKGROUND_BYTES_DEFAULT = 1024 * 1024
MAX_UPLOAD_BYTES_DEFAULT = 64 * 1024 * 1024
QUEUED_STALE_SECONDS = 600  # a queued job nobody started (its process restarted) is given up
INTERRUPTED = (
    "The import was interrupted (its worker or server process stopped) and nothing was "
    "imported. Import the files again."
)


class ImportJobError(ValueError):
    """What was uploaded cannot be imported at all (e.g. it is not UTF-8): says which and where."""


class Upload(Protocol):
    """What the form hands over for one file: Django's UploadedFile has all of it."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class PastedText:
    """The text pasted into the form, as an upload."""

    text: str
    name: str = "pasted text"

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8", "surrogatepass"))

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        step = max(1, (chunk_size or CHUNK_BYTES) // 4)  # a character is at most 4 bytes
        for start in range(0, len(self.text), step):
            yield self.text[start : start + step].encode("utf-8", "surrogatepass")


def size_text(size: int) -> str:
    """A byte count for people: 67108864 -> "64 MiB", 1572864 -> "1.5 MiB", 2048 -> "2 KiB"."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def max_upload_bytes() -> int:
    """The most one import may upload, in all (larger requests are refused with a 413)."""
    return int(getattr(settings, "STEPSCOPE_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES_DEFAULT))


def background_bytes() -> int:
    """Uploads larger than this in all are imported by a job; smaller ones while the page waits."""
    return int(getattr(settings, "STEPSCOPE_IMPORT_BACKGROUND_BYTES", BACKGROUND_BYTES_DEFAULT))


def runs_in_background(total_bytes: int) -> bool:
    return total_bytes > background_bytes()


def not_utf8_message(name: str, error: UnicodeDecodeError, offset: int = 0) -> str:
    return f"{name} is not UTF-8 text (byte {offset + error.start}: {error.reason})."


def _name(upload: Upload, index: int) -> str:
    return str(upload.name or f"file {index + 1}")


def _store(job: ImportJob, index: int, upload: Upload) -> int:
    """Copy one upload into the job's chunks, checking that it is UTF-8; returns its size."""
    name = _name(upload, index)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = seq = 0
    for data in upload.chunks(CHUNK_BYTES):
        try:
            decoder.decode(data)
        except UnicodeDecodeError as error:
            raise ImportJobError(not_utf8_message(name, error, offset)) from None
        ImportChunk.objects.create(job=job, document=index, seq=seq, data=data)
        offset, seq = offset + len(data), seq + 1
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise ImportJobError(not_utf8_message(name, error, offset)) from None
    return offset


def import_job_create(
    *,
    workspace: Workspace,
    uploads: Sequence[Upload],
    definition: str | None = None,
    name: str | None = None,
    user: Any = None,
) -> ImportJob:
    """Keep the uploads and queue their import (on commit). Raises ImportJobError, keeping
    nothing, when one of them is not UTF-8 text."""
    requested_by = user if getattr(user, "is_authenticated", False) else None
    files = [{"name": _name(upload, index), "size": 0} for index, upload in enumerate(uploads)]
    with transaction.atomic():
        job = ImportJob.objects.create(
            workspace=workspace,
            requested_by=requested_by,
            files=files,
            definition=str(definition or "")[:200],
            name=(name or "")[:200],
            progress="Waiting for its turn",
        )
        for index, upload in enumerate(uploads):
            files[index]["size"] = _store(job, index, upload)
        job.files, job.total_bytes = files, sum(item["size"] for item in files)
        job.save(update_fields=["files", "total_bytes"])
        transaction.on_commit(partial(_queue, job.pk))
    return job


def _queue(job_id: int) -> None:
    """Queue the job's task. Eager tasks (the embedded mode) would run inside the request, so
    there the job runs on a daemon thread of this process instead and the page follows it."""
    from apps.executions.tasks import run_import_job  # the task module imports this one

    if celery_app.conf.task_always_eager:
        embedded.call_later(0, run_import_job.delay, job_id)
        return
    run_import_job.delay(job_id)


def _documents(job: ImportJob) -> list[Document]:
    """The uploaded documents as text, read back chunk by chunk."""
    documents: list[Document] = []
    for index, item in enumerate(job.files):
        parts = ImportChunk.objects.filter(job=job, document=index).order_by("seq")
        raw = b"".join(parts.values_list("data", flat=True).iterator(chunk_size=8))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:  # checked on upload; kept in case of a damaged row
            raise ExecutionImportError(not_utf8_message(item["name"], error)) from None
        documents.append((item["name"], text))
    return documents


def _record(job_id: int, text: str, found: int | None = None) -> None:
    changes: dict[str, Any] = {"progress": text[:PROGRESS_MAX_LENGTH]}
    if found is not None:
        changes["events_found"] = found
    ImportJob.objects.filter(pk=job_id).update(**changes)


def _run(job: ImportJob) -> dict[str, Any]:
    """Import the job's documents; the fields to save on the job."""
    user = job.requested_by
    if user is not None and not allows(role_in(user, job.workspace), Role.DEBUGGER):
        raise ExecutionImportError(
            f"{user.get_username()} no longer has the debugger role in {job.workspace.name}."
        )
    count, size = len(job.files), size_text(job.total_bytes)
    _record(job.pk, f"Reading {count} file{'s' if count != 1 else ''} ({size})")
    result = execution_import(
        workspace=job.workspace,
        documents=_documents(job),
        definition=job.definition or None,
        name=job.name or None,
        user=user,
        audited=True,
        progress=partial(_record, job.pk),
    )
    return {
        "status": ImportJob.Status.DONE,
        "execution": result.execution,
        "events_added": result.added,
        "progress": f"Imported {result.added:,} new events into {result.execution.name}",
    }


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job (once: a duplicate delivery finds it no longer queued, does nothing)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("workspace", "requested_by").get(pk=job_id)
    try:
        changes = _run(job)
    except ExecutionImportError as error:
        changes = {"status": ImportJob.Status.FAILED, "error": str(error)}
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        changes = {
            "status": ImportJob.Status.FAILED,
            "error": f"The import took longer than {limit} seconds and was stopped; nothing "
            "was imported. Import fewer files at once, or ask whoever runs Stepscope to raise "
            "STEPSCOPE_TASK_TIME_LIMIT.",
        }
    except Exception as error:  # shown on the page; the log has the traceback
        logger.exception("import job %s failed", job_id)
        changes = {
            "status": ImportJob.Status.FAILED,
            "error": f"The import stopped on an unexpected error ({type(error).__name__}) and "
            "nothing was imported. The server log has the details.",
        }
    _finish(job_id, changes)
    job.refresh_from_db()
    return job


def _finish(job_id: int, changes: dict[str, Any], *, unless_ended: bool = False) -> None:
    """Save how the job ended and let its chunks go (`unless_ended`: if it has not ended yet)."""
    jobs = ImportJob.objects.filter(pk=job_id)
    if unless_ended:
        jobs = jobs.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
    with transaction.atomic():
        if jobs.update(finished_at=timezone.now(), **changes):
            ImportChunk.objects.filter(job_id=job_id).delete()


def import_job_give_up_if_stale(*, job: ImportJob) -> ImportJob:
    """A job whose process stopped stays queued or running: after the task's time limit (or
    QUEUED_STALE_SECONDS queued), say it was interrupted and let its chunks go."""
    now = timezone.now()
    running_limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stale = (
        job.status == ImportJob.Status.RUNNING
        and job.started_at is not None
        and job.started_at < now - running_limit
    ) or (
        job.status == ImportJob.Status.QUEUED
        and job.created_at < now - timedelta(seconds=QUEUED_STALE_SECONDS)
    )
    if stale:
        _finish(
            job.pk, {"status": ImportJob.Status.FAILED, "error": INTERRUPTED}, unless_ended=True
        )
        job.refresh_from_db()
    return job


def import_job_get(*, pk: int) -> ImportJob:
    return ImportJob.objects.select_related("workspace", "execution", "requested_by").get(pk=pk)
