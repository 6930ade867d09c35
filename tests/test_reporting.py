"""A checked number prints as 'value (check ✓)', and the sanitize rule hides the value only."""

import configparser
import re
from pathlib import Path

from unet_helpers.reporting import at_least, at_most, between

SANITIZE = configparser.ConfigParser()
SANITIZE.read(Path(__file__).parent / "sanitize.cfg", encoding="utf-8")


def sanitized(text):
    for section in SANITIZE.sections():
        text = re.sub(SANITIZE[section]["regex"], SANITIZE[section]["replace"], text)
    return text


def test_checked_numbers_print_the_value_and_the_check():
    assert at_least(0.9461, 0.85) == "0.946 (≥ 0.85 ✓)"
    assert at_least(0.8, 0.85) == "0.800 (≥ 0.85 ✗)"
    assert at_most(-1170.2, 0, digits=1) == "-1,170.2 (≤ 0 ✓)"
    assert between(0.503, 0.45, 0.55) == "0.503 (between 0.45 and 0.55 ✓)"
    assert between(0.6, 0.45, 0.55) == "0.600 (between 0.45 and 0.55 ✗)"


def test_the_sanitize_rule_keeps_the_check_and_hides_the_number():
    here = "held-out Dice " + at_least(0.946, 0.85) + ", loss " + at_most(-1170.2, 0, 1)
    there = "held-out Dice " + at_least(0.951, 0.85) + ", loss " + at_most(-1168.9, 0, 1)
    assert sanitized(here) == sanitized(there) == \
        "held-out Dice NUMBER (≥ 0.85 ✓), loss NUMBER (≤ 0 ✓)"
    failing = "held-out Dice " + at_least(0.8, 0.85) + ", loss " + at_most(-1170.2, 0, 1)
    assert sanitized(failing) != sanitized(here)
    assert sanitized("64 x 64 x 1, 31,055,297 parameters") == "64 x 64 x 1, 31,055,297 parameters"
