"""The sign-in backend: Django's ModelBackend, with the user's region read in the same query.

Every page needs the user's region (the scope of what it reads, the region in the top bar): loading it with the
user saves one query on every request of a signed-in browser. Sessions signed in before this backend existed name
``django.contrib.auth.backends.ModelBackend``, which stays in AUTHENTICATION_BACKENDS after this one so that they
keep working (with the extra query) until they end; it is never asked to check a password (below).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied


class RegionModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            # a wrong password ends here: the ModelBackend after this one would only hash it a second time
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("region").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
