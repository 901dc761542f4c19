"""An upload handler that refuses a file above a size limit while the request's body is being read, so that a
page's form post of a too-large file is answered without receiving the whole body (docs/evidence.md).

A view puts it first among the request's handlers before anything reads the body, which means the view is
`csrf_exempt` and checks the token itself with `csrf_protect` inside (Django's pattern for changing upload handlers):

    limited = LimitedUploadHandler(request, limit=...)
    request.upload_handlers.insert(0, limited)

When the body the request declares cannot hold a file within the limit (the limit plus `allowance` for the form's
framing and other fields), the parse stops at the first file, the fields before it (the CSRF token among them) kept;
otherwise it stops as soon as a file's bytes pass the limit. Either way the rest of the body is not read
(`StopUpload(connection_reset=True)`), `request.FILES` holds no file and `limited.refused` is True: the view answers
with the field's error.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    """Stop reading an upload whose declared body or file bytes pass the limit; `refused` says it did."""

    def __init__(self, request=None, *, limit: int, allowance: int = 64 * 1024):
        super().__init__(request)
        self.limit, self.allowance = limit, allowance
        self.refused = self.declared_too_large = False
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Note a body declared too large for a file within the limit (the parse goes on to the first file)."""
        self.declared_too_large = content_length > self.limit + self.allowance

    def new_file(self, *args, **kwargs):
        """A file starts: stop here if the declared body was too large; else count its bytes from zero."""
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.declared_too_large:
            self._stop()

    def receive_data_chunk(self, raw_data, start):
        """Count the file's bytes and pass them on to the next handler; stop once they pass the limit."""
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        """The next handler makes the file."""
        return None

    def _stop(self):
        self.refused = True
        raise StopUpload(connection_reset=True)
