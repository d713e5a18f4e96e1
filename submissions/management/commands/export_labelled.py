"""python manage.py export_labelled --out FILE.npz: the labelled drawings' 28x28 inputs, one row per digit, and the
operators of labelled expressions."""
import os
import tempfile
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand

from submissions.training_data import labelled_digits, labelled_symbols


class Command(BaseCommand):
    help = ("Write the 28x28 inputs (uint8) of every labelled drawing, one row per digit, with their labels and "
            "submission ids, to an .npz (arrays inputs, labels, submission_ids; the operators of expressions in "
            "operator_inputs, operator_labels such as '+' or '×', operator_submission_ids). A drawing counts when its "
            "current label is not excluded and has as many symbols as were read.")

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help="the .npz file to write")
        parser.add_argument("--staff-only", action="store_true",
                            help="only drawings a staff member labelled (default: the visitor's label counts too)")

    def handle(self, *args, out: Path, staff_only: bool, **options):
        inputs, labels, submission_ids = labelled_digits(include_visitor_labels=not staff_only)
        op_inputs, op_labels, op_ids = labelled_symbols(include_visitor_labels=not staff_only, digits=False)
        out.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed, so a reader never sees half a file.
        fd, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, inputs=inputs, labels=labels, submission_ids=submission_ids,
                                    operator_inputs=op_inputs, operator_labels=op_labels, operator_submission_ids=op_ids)
            os.replace(partial, out)
        except BaseException:
            os.unlink(partial)
            raise
        drawings = len(np.unique(np.concatenate([submission_ids, op_ids])))
        self.stdout.write(f"wrote {len(labels)} digit(s) and {len(op_labels)} operator(s) from {drawings} drawing(s) "
                          f"to {out}")
