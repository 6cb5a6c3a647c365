"""Domain exceptions. The CLI and UI turn each into one clear line; nothing else leaks out."""


class LitlabError(Exception):
    """Base class for every error litlab reports to a user."""


class UnknownFormat(LitlabError):
    """A file's content matches no registered reader."""


class MissingColumns(UnknownFormat):
    """A tabular export lacks the columns litlab needs to read records from it."""


class InputNotFound(LitlabError):
    """A path given by the user does not exist."""


class UnknownBackend(LitlabError):
    """A registry lookup for a name nobody registered."""


class ModelNotAvailable(LitlabError):
    """A model cannot be loaded offline from the name or path given."""


class SchemaTooNew(LitlabError):
    """The database was written by a newer litlab than this one."""


class NotACorpus(LitlabError):
    """The database file belongs to another tool (tables, but no litlab schema)."""


class DatabaseLocked(LitlabError):
    """Another process holds the DuckDB file."""


class RecordNotFound(LitlabError):
    """A record id that is not in the corpus."""


class UploadRejected(LitlabError):
    """An uploaded file of the wrong type, empty, or over the size limit."""


class JobRefused(LitlabError):
    """A background job that cannot start (nothing to do, or the same job already queued)."""


class DiskFull(LitlabError):
    """A write failed because the disk (or quota) is full."""


class ReadOnlyStorage(LitlabError):
    """A write failed because the file or its file system is read-only."""


def from_system_error(exc: BaseException) -> LitlabError | None:
    """The domain error an OS or DuckDB failure stands for, or None if it is a bug.

    DuckDB reports failed writes as its own exceptions with the OS message inside."""
    import errno

    message = str(exc)
    number = getattr(exc, "errno", None)
    if number in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in message:
        return DiskFull("the disk is full: free some space and run the command again (what "
                        "was committed before is kept; the failed step left nothing half-done)")
    if number == errno.EROFS or "Read-only file system" in message:
        return ReadOnlyStorage(f"cannot write: the file system is read-only ({message.splitlines()[0][:160]})")
    return None
