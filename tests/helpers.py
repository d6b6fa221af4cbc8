"""Helpers shared by several test modules (test modules import no other test module)."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import UniqueConstraint
from django.forms import MultiWidget
from django.urls import reverse
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


# The admin ------------------------------------------------------------------------------


def our_admins() -> dict:
    """{model: its ModelAdmin} for the domain apps (the admin also lists django-axes's
    sign-in records, read-only)."""
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
    }


def admin_url(model, view, *args) -> str:
    """The English admin URL of `view` ("changelist", "add", "change"...) for `model`."""
    opts = model._meta
    with translation.override("en"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_values(form) -> dict:
    """What a browser would send back for a bound or unbound form, unchanged."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        widget = field.field.widget
        if isinstance(widget, MultiWidget):
            # A date and a time (the admin's split date-time) are sent as two fields.
            for index, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{field.html_name}_{index}"] = str(part)
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = str(value)
    return data


def change_form_data(response) -> dict:
    """The admin change page in `response` as its Save button would post it, inlines and
    their management forms included."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    return data
