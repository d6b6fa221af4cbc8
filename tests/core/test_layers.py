"""The layers of DESIGN.md hold: import-linter checks the imports (`make lint`); this checks
what it cannot see, a model named by string through `apps.get_model` outside migrations."""

import re
from pathlib import Path

from django.conf import settings

PACKAGES = ["core", "plans", "commitments", "meetings", "consultations", "audit", "imports"]
PACKAGES += ["public", "workspace", "demo", "ogp_portal"]
GET_MODEL = re.compile(r"\bget_model\(")


def test_no_module_reaches_another_app_by_model_name():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for package in PACKAGES
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if GET_MODEL.search(line)
    ]
    assert found == [], f"register the fact from AppConfig.ready() instead: {found}"


def test_every_layer_package_is_an_installed_app():
    assert set(PACKAGES) - {"ogp_portal"} <= set(settings.INSTALLED_APPS)
    assert "ogp_portal" not in settings.INSTALLED_APPS
