"""No lost edits: a `version` column used as compare-and-swap.

A staff form carries the version of the row it was opened on. The service that saves it
locks the row, compares, and refuses with `StaleEdit` when someone else saved in between;
the view then answers with the conflict page, which merges the two edits field by field
(see `conflicts.py`) and saves through the same service on the current version.
"""

from django.db import models


class StaleEdit(Exception):
    """Someone saved the row after this form was opened."""

    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} {current.pk} changed since it was opened")
        self.current = current


def lock_for_edit(instance: models.Model, expected_version: int) -> models.Model:
    """The row of `instance` as saved now, locked for this transaction; `StaleEdit` when its
    version is no longer `expected_version`. Call inside `transaction.atomic()`."""
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise StaleEdit(current)
    return current


def save_as(instance: models.Model, user, **kwargs) -> None:
    """Save `instance`, recording `user` on its history row (django-simple-history)."""
    instance._history_user = user
    instance.save(**kwargs)
