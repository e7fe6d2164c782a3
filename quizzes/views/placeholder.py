"""Temporary: answers 404 for teacher pages whose views are being built."""

from django.http import Http404


def not_built_yet(request, *args, **kwargs):
    raise Http404("This page is not built yet.")
