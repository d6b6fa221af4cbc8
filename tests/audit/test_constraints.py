"""The database refuses audit rows that break an invariant."""

from django.test import TestCase

from tests.factories import make_audit_event
from tests.helpers import check_choices


class AuditEventConstraintTests(TestCase):
    def test_auditevent_action_valid(self):
        event = make_audit_event()
        check_choices("auditevent_action_valid", event, "action", ["refused", "import"])
