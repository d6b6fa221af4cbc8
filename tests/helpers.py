"""Helpers shared by several test modules (test modules import no other test module)."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import UniqueConstraint
from django.utils import translation

# Constraint checks ----------------------------------------------------------------------

# Every app whose models carry named constraints.
DOMAIN_APPS = ["plans", "commitments", "meetings", "consultations", "audit"]


def domain_models():
    """The concrete models of the four domain apps, without django-simple-history's copies."""
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if not any(field.name == "history_id" for field in model._meta.fields):
                yield model


def named_constraints() -> dict:
    """{constraint name: (model, constraint)} for every constraint of the domain models."""
    return {
        constraint.name: (model, constraint)
        for model in domain_models()
        for constraint in model._meta.constraints
    }


@contextmanager
def violates(name: str):
    """The write inside the block is refused by the database because of constraint `name`."""
    model, constraint = named_constraints()[name]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    if connection.vendor == "sqlite" and isinstance(constraint, UniqueConstraint):
        # SQLite reports a unique index by its columns, not by its name.
        table = model._meta.db_table
        columns = [model._meta.get_field(field).column for field in constraint.fields]
        expected = "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)
        assert expected in message, message
    else:
        assert name in message, message


def check_choices(name: str, instance, field: str, values) -> None:
    """`field` of `instance` takes every value in `values` and nothing else."""
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    invalid = "zz"  # short enough for every column, so only the check constraint refuses it
    assert invalid not in values
    with violates(name):
        rows.update(**{field: invalid})
    for value in values:
        rows.update(**{field: value})
        assert rows.get().serializable_value(field) == value


def validation_errors(instance) -> dict[str, list[str]]:
    """The messages `full_clean()` gives staff (forms, the admin) for `instance`, in English."""
    with translation.override("en"):
        try:
            instance.full_clean()
        except ValidationError as error:
            return error.message_dict
    raise AssertionError(f"{instance!r} passed full_clean()")
