"""Spreadsheet import and export in the staff workspace: upload, preview, confirm (the
sheets themselves: `core.sheets` and each app's `resources.py`)."""

import functools
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit import trail as audit
from audit.models import AuditAction
from core.access import workspace_view
from core.concurrency import StaleEdit
from core.numbers import query_int
from core.sheets import (
    FORMATS,
    KEPT_PREVIEWS,
    SESSION_KEY,
    SHEETS,
    Sheet,
    Table,
    find_table,
    json_safe,
    require,
    sheet_or_404,
)
from core.spreadsheets import (
    SheetProblem,
    csv_bytes,
    read_upload,
    xlsx_bytes,
)
from plans.models import ActionPlan

# Session store ---------------------------------------------------------------------------


def store_table(request, *, sheet: Sheet, plan, table: Table, filename: str) -> str:
    token = secrets.token_urlsafe(12)
    stored = dict(request.session.get(SESSION_KEY, {}))
    for old in sorted(stored, key=lambda key: stored[key]["stored_at"])[: -KEPT_PREVIEWS + 1]:
        del stored[old]
    stored[token] = {
        "kind": sheet.kind,
        "plan": plan.pk if plan else None,
        "filename": filename,
        "columns": table.columns,
        "rows": [{key: json_safe(value) for key, value in row.items()} for row in table.rows],
        "row_numbers": table.row_numbers,
        "ignored": table.ignored_headers,
        "user": request.user.pk,
        "stored_at": timezone.now().isoformat(),
    }
    request.session[SESSION_KEY] = stored
    return token


def load_table(request, token: str) -> dict:
    stored = request.session.get(SESSION_KEY, {}).get(token)
    if not stored or stored["user"] != request.user.pk:
        raise Http404
    return stored


def drop_table(request, token: str) -> None:
    stored = dict(request.session.get(SESSION_KEY, {}))
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored


# Views -----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"), queryset=ActionPlan.objects.order_by("-number"), required=False
    )
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        if sheet.needs_plan:
            self.fields["plan"].required = True
            self.fields["plan"].initial = self.fields["plan"].queryset.first()
        else:
            del self.fields["plan"]


def sheets_for(user, perms_attr: str) -> list[Sheet]:
    return [sheet for sheet in SHEETS.values() if user.has_perms(getattr(sheet, perms_attr))]


def list_context(user) -> dict:
    importable = sheets_for(user, "import_permissions")
    exportable = sheets_for(user, "export_permissions")
    if not importable and not exportable:
        raise PermissionDenied
    return {
        "sheets": [
            {
                "sheet": sheet,
                "can_import": sheet in importable and sheet.can_import,
                "can_export": sheet in exportable,
            }
            for sheet in SHEETS.values()
            if sheet in importable or sheet in exportable
        ],
        "plans": ActionPlan.objects.order_by("-number"),
        "formats": FORMATS,
    }


@require_http_methods(["GET"])
@workspace_view()
def import_list(request):
    """Every import and export the user may use, with its templates."""
    return render(request, "manage/imports/import_list.html", list_context(request.user))


@require_http_methods(["GET", "POST"])
@workspace_view()
def import_upload(request, kind):
    sheet = sheet_or_404(kind)
    require(request.user, sheet.import_permissions)
    if not sheet.can_import:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan = form.cleaned_data.get("plan")
        try:
            table = find_table(sheet, read_upload(upload))
        except SheetProblem as problem:
            form.add_error("file", str(problem))
        else:
            token = store_table(request, sheet=sheet, plan=plan, table=table, filename=upload.name)
            return redirect("manage:import_preview", token=token)
    return render(
        request,
        "manage/imports/import_upload.html",
        {"sheet": sheet, "form": form, "formats": FORMATS},
        status=400 if request.method == "POST" else 200,
    )


def choices_from(post) -> dict:
    return {
        key: value
        for key, value in post.items()
        if key.startswith(("pair-", "map-", "proposed-", "opt-"))
    }


@require_http_methods(["GET", "POST"])
@workspace_view()
def import_preview(request, token):
    stored = load_table(request, token)
    sheet = sheet_or_404(stored["kind"])
    require(request.user, sheet.import_permissions)
    plan = ActionPlan.objects.filter(pk=stored["plan"]).first() if stored["plan"] else None
    if sheet.needs_plan and plan is None:
        raise Http404
    table = Table(stored["columns"], stored["rows"], stored["row_numbers"], stored["ignored"])
    choices = choices_from(request.POST) if request.method == "POST" else {}
    preview = sheet.analyse(table, plan=plan, user=request.user, choices=choices)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "confirm":
        if preview.has_errors:
            messages.error(
                request, _("Nothing was imported. Correct the file and import it again.")
            )
            status = 400
        elif preview.needs_review:
            messages.warning(
                request, _("Your choices changed the proposed pairings. Check them, then confirm.")
            )
        elif preview.needs_acknowledgement and not request.POST.get("acknowledge"):
            messages.warning(
                request,
                _(
                    "Read what the import changes beyond the rows, tick the box that says "
                    "so, then confirm."
                ),
            )
        else:
            try:
                with transaction.atomic():
                    sheet.apply(preview, plan=plan, user=request.user, now=timezone.now())
                    audit.record(
                        AuditAction.IMPORT,
                        request,
                        obj=plan,
                        detail=f"{sheet.kind}: {stored['filename']}",
                    )
            except (ValidationError, StaleEdit) as error:
                messages.error(
                    request, _("Nothing was imported. Correct the file and import it again.")
                )
                details = getattr(error, "messages", None) or [str(error)]
                preview.problems.extend(details)
                status = 400
            else:
                counts = preview.counts()
                drop_table(request, token)
                messages.success(
                    request,
                    _(
                        "Imported “%(file)s”: %(created)s new, %(updated)s changed, "
                        "%(unchanged)s unchanged, %(flagged)s not applied."
                    )
                    % {
                        "file": stored["filename"],
                        "created": counts["create"],
                        "updated": counts["update"],
                        "unchanged": counts["unchanged"],
                        "flagged": counts["flagged"],
                    },
                )
                return redirect("manage:import_upload", kind=sheet.kind)
    return render(
        request,
        "manage/imports/import_preview.html",
        {
            "sheet": sheet,
            "plan": plan,
            "preview": preview,
            "counts": preview.counts(),
            "filename": stored["filename"],
            "ignored": stored["ignored"],
            "token": token,
            "columns": [sheet.column(name) for name in stored["columns"]],
        },
        status=status,
    )


def bad_request(request, sheet, message):
    """A bad query parameter: the import and export page again, with what was wrong."""
    messages.error(request, message)
    return render(
        request, "manage/imports/import_list.html", list_context(request.user), status=400
    )


def chosen_format(request, sheet):
    value = request.GET.get("format", "xlsx")
    if value not in FORMATS:
        return None
    return value


def chosen_plan(request, sheet):
    """The plan of `?plan=<number>` (default: the newest); None if the parameter is bad."""
    if not sheet.needs_plan:
        return False
    value = request.GET.get("plan")
    plans = ActionPlan.objects.order_by("-number")
    if value in (None, ""):
        return plans.first()
    number = query_int(value)
    return None if number is None else plans.filter(number=number).first()


def file_response(sheet, *, headers, rows, file_format, name, extra_sheets=()):
    language = translation.get_language() or "ar"
    if file_format == "csv":
        content = csv_bytes(headers, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        content = xlsx_bytes(
            [(sheet.title, headers, rows), *extra_sheets], right_to_left=language.startswith("ar")
        )
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def columns_sheet(columns) -> tuple:
    """The second sheet of a template: what every column means and accepts."""
    headers = [
        _("Column"),
        _("Field name"),
        _("Meaning"),
        _("Required"),
        _("Allowed values"),
        _("Date format"),
        _("Example"),
    ]
    rows = [
        [
            str(column.label),
            column.name,
            str(column.help),
            _("yes") if column.required else _("no"),
            column.allowed(),
            "YYYY-MM-DD" if column.kind == "date" else "",
            column.example,
        ]
        for column in columns
    ]
    return (_("Columns"), headers, rows)


def sheet_file_view(permissions: str):
    """For a view that sends one sheet's file: the sheet named by the URL's `kind` (404 if
    none), for a user with the sheet's `permissions` (the name of its import or export
    permissions; 403 otherwise), and the format of `?format=` (a bad one: the list page
    again). The view is called with the sheet and the format."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, kind):
            sheet = sheet_or_404(kind)
            require(request.user, getattr(sheet, permissions))
            file_format = chosen_format(request, sheet)
            if file_format is None:
                return bad_request(request, sheet, _("Choose the file format: XLSX or CSV."))
            return view(request, sheet, file_format)

        return wrapped

    return decorator


@require_http_methods(["GET"])
@workspace_view()
@sheet_file_view("import_permissions")
def import_template(request, sheet, file_format):
    columns = sheet.columns
    return file_response(
        sheet,
        headers=[str(column.label) for column in columns],
        rows=[],
        file_format=file_format,
        name=f"template-{sheet.kind}",
        extra_sheets=[columns_sheet(columns)],
    )


@require_http_methods(["GET"])
@workspace_view()
@sheet_file_view("export_permissions")
def export(request, sheet, file_format):
    plan = chosen_plan(request, sheet)
    if plan is None:
        return bad_request(request, sheet, _("There is no plan with this number."))
    columns = sheet.export_columns(request.user)
    rows = sheet.export_rows(plan=plan or None, user=request.user)
    name = sheet.kind if not plan else f"{sheet.kind}-plan-{plan.number}"
    return file_response(
        sheet,
        headers=[str(column.label) for column in columns],
        rows=[[row.get(column.name) for column in columns] for row in rows],
        file_format=file_format,
        name=name,
        extra_sheets=[columns_sheet(columns)],
    )


def import_url(sheet) -> str:
    return reverse("manage:import_upload", kwargs={"kind": sheet.kind})
