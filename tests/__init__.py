"""FaceReps' tests; their shared helpers (tests.support) get pytest's assertion messages like the tests."""

import pytest

pytest.register_assert_rewrite("tests.support")
