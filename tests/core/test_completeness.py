"""One rule of "a commitment is complete" (`Commitment.template_gaps`): the stage-4 gate
and the final plan document agree on every commitment, in both directions."""

from django.test import TestCase
from django.utils import translation

from commitments.models import OGP_VALUE_FIELDS, Commitment, Milestone
from plans.gates import gate_problems
from plans.pdf import PlanData, missing_parts
from tests.factories import make_complete_commitment, make_plan


class CompletenessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()
        cls.commitment = make_complete_commitment(cls.plan, number=1)

    def verdicts(self) -> tuple[list[str], list[str]]:
        """(the stage-4 gate's problems, the document's lines about commitments)."""
        with translation.override("en"):
            gate = gate_problems(self.plan, 4)
            document = [
                line
                for line in missing_parts(PlanData(self.plan, public_only=False))
                if line.startswith("Commitment")
            ]
        return gate, document

    def test_complete_for_the_gate_is_complete_for_the_document(self):
        self.assertEqual(self.verdicts(), ([], []))

    def test_every_gap_the_gate_names_the_document_names_too(self):
        gaps = {
            "causes of the problem (English)": {"causes_en": ""},
            "results expected (Arabic)": {"results_ar": ""},
            "start and end dates": {"ends_on": None},
            "at least one OGP value": dict.fromkeys(OGP_VALUE_FIELDS, False),
        }
        for gap, change in gaps.items():
            with self.subTest(gap=gap):
                Commitment.objects.filter(pk=self.commitment.pk).update(**change)
                gate, document = self.verdicts()
                self.assertEqual(len(gate), 1)
                self.assertIn(gap, gate[0])
                self.assertEqual(document, gate)
                Commitment.objects.filter(pk=self.commitment.pk).update(
                    **{field: getattr(self.commitment, field) for field in change}
                )
                self.assertEqual(self.verdicts(), ([], []))

    def test_a_milestone_gap_is_named_by_both(self):
        Milestone.objects.filter(commitment=self.commitment).update(title_en="")
        gate, document = self.verdicts()
        self.assertEqual(
            gate, ["Commitment 1 is missing: the title of milestone 1 in both languages."]
        )
        self.assertEqual(document, gate)
        Milestone.objects.filter(commitment=self.commitment).delete()
        gate, document = self.verdicts()
        self.assertEqual(gate, ["Commitment 1 is missing: at least one milestone."])
        self.assertEqual(document, gate)

    def test_arabic_reader_gets_the_sentence_in_arabic(self):
        Commitment.objects.filter(pk=self.commitment.pk).update(causes_en="")
        commitment = Commitment.objects.prefetch_related("milestones").get(pk=self.commitment.pk)
        with translation.override("ar"):
            problem = commitment.template_problem()
        self.assertNotIn("is missing", problem)
        self.assertIn("1", problem)
