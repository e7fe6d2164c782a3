"""The WSGI and ASGI handlers: Django's, with a request that a declared charset cannot break before any middleware
runs."""

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest


class CharsetSafeRequestMixin:
    """Django sets the charset a request's Content-Type declares as its encoding, and the encoding's setter decodes
    the query string at once: a codec that is no text encoding ("text/plain; charset=rot13", base64, zlib) raises
    LookupError while the request is being built, before middleware or the 500 page, and the server answers with
    its bare error. Here that charset is not used to decode anything; quizzes.middleware.UnreadableRequestMiddleware
    then refuses the request with our 400 page, as it refuses every charset other than UTF-8."""

    def _set_content_type_params(self, meta):
        try:
            super()._set_content_type_params(meta)
        except LookupError:
            self.encoding = None  # the default, UTF-8; content_params still name the declared charset


class CharsetSafeWSGIRequest(CharsetSafeRequestMixin, WSGIRequest):
    pass


class CharsetSafeWSGIHandler(WSGIHandler):
    request_class = CharsetSafeWSGIRequest


class CharsetSafeASGIRequest(CharsetSafeRequestMixin, ASGIRequest):
    pass


class CharsetSafeASGIHandler(ASGIHandler):
    request_class = CharsetSafeASGIRequest
