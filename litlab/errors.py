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
