"""Does every number the prose states about an experiment match what the executed notebook prints?

Each claim pairs a pattern in a chapter's markdown (the number as the text states it) with a pattern
in the text output of the executed solution notebook (the number as the experiment prints it). Both
patterns capture one number. The markdown is read with its whitespace collapsed, so a claim may span
a line break. A claim passes when every occurrence in the markdown agrees with the single printed value:
to the printed precision by default, within `rtol` when the text rounds, or within `decades` (orders of
magnitude) when the text says "about 1e-10".

When an experiment changes, run the chapter, then correct the prose and this table together.
"""

import math
import re
from dataclasses import dataclass

import pytest

from nnpractice_instructor.course import read

NUMBER = r"([-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)"
POWER = r"10\^\{([-+]?\d+)\}"  # a LaTeX power of ten, $10^{-5}$


@dataclass(frozen=True)
class Claim:
    """One number stated in the markdown of `chapter` and printed by one of its experiments.

    - chapter: the assignment folder name.
    - text: regex on the markdown (whitespace collapsed), one group capturing the stated number
      (a decimal, scientific notation, or the exponent of a LaTeX power of ten when power=True).
    - output: regex on the printed output (stdout of every code cell), one group capturing the number.
    - rtol: relative tolerance (0: the stated number must equal the printed one as printed).
    - decades: if set, the stated number only gives the order of magnitude: |log10 ratio| <= decades.
    - power: the text's group is an exponent of 10.
    """

    chapter: str
    text: str
    output: str
    rtol: float = 0.0
    decades: float | None = None
    power: bool = False


CH01, CH02, CH03 = "01_gradient_checks", "02_optimizers", "03_babysitting"
CH04, CH05, CH06 = "04_regularization_dropout", "05_lr_schedules", "06_hyperparameter_search"

CLAIMS = [
    # chapter 01, 1.4: finite differences against h
    Claim(CH01, r"at the default \$h = 10\^\{-5\}\$ the error is " + NUMBER,
          r"relative error at h=1e-5 \(float32, centered\): " + NUMBER),
    Claim(CH01, r"at exactly \$h = 10\^\{-5\}\$ the printout shows " + NUMBER,
          r"relative error at h=1e-5 \(float64, centered\): " + NUMBER),
    Claim(CH01, r"the centered difference reaches about \$" + POWER,
          r"centered, float64: best h = \S+, error " + NUMBER, decades=0.5, power=True),
    Claim(CH01, r"In float32 the best it can do is around \$" + POWER,
          r"centered, float32: best h = \S+, error " + NUMBER, decades=1.0, power=True),
    Claim(CH01, r"only with a large \$h \\approx " + POWER,
          r"centered, float32: best h = " + NUMBER, decades=0.01, power=True),
    # chapter 01, 1.7: the initial loss
    Claim(CH01, r"\$\\ln 10 \\approx " + NUMBER, r"initial loss " + NUMBER, rtol=1e-3),
    # chapter 01, 1.8: habits of a careful check
    Claim(CH01, r"halved data gradient of `W2` gives a relative error of " + NUMBER,
          r"reg = 0: W2 with its data gradient halved, relative error " + NUMBER),
    Claim(CH01, r"with \$\\lambda = 10\^\{3\}\$ the same bug shows only " + NUMBER,
          r"reg = 1000: W2 with its data gradient halved, relative error " + NUMBER),
    Claim(CH01, r"with \$\\lambda = 10\^\{5\}\$ only " + NUMBER,
          r"reg = 100000: W2 with its data gradient halved, relative error " + NUMBER),
    Claim(CH01, r"nearly invisible at initialization, a worst error of " + NUMBER,
          r"at initialization: worst relative error of the buggy gradient " + NUMBER),
    Claim(CH01, r"after one epoch of training it is " + NUMBER,
          r"after one epoch: worst relative error of the buggy gradient " + NUMBER),
    Claim(CH01, r"is stored with an error of " + NUMBER,
          r"loss scaled by 1: a gradient of 1e-7 is stored with relative error " + NUMBER),
    Claim(CH01, r"\(and divided afterwards\), with " + NUMBER,
          r"loss scaled by 1024: a gradient of 1e-7 is stored with relative error " + NUMBER),
    # chapter 02, 2.1: SGD at the saddle; saddles and minima
    Claim(CH02, r"after 100 steps \$y\$ is " + NUMBER, r"saddle: y = " + NUMBER + " after 100 steps"),
    Claim(CH02, r"and the loss, " + NUMBER + ", is still above", r"; loss " + NUMBER + " after 100 steps"),
    Claim(CH02, r"take over: y = " + NUMBER, r"after 100 steps, " + NUMBER + " after 200;"),
    Claim(CH02, r"and loss " + NUMBER + " after 200 steps", r"loss \S+ after 100 steps, " + NUMBER + " after 200"),
    Claim(CH02, r"half the critical points are minima \(fraction " + NUMBER,
          r"dimension  1: fraction of local minima among random critical points " + NUMBER),
    Claim(CH02, r"in two already only " + NUMBER,
          r"dimension  2: fraction of local minima among random critical points " + NUMBER),
    Claim(CH02, r"in five " + NUMBER, r"dimension  5: fraction of local minima among random critical points " + NUMBER),
    # chapter 02, 2.3: the two forms of momentum under a schedule
    Claim(CH02, r"the first step at the new rate is " + NUMBER + " long in the course's form",
          r"rate / 10 after 50 steps: .* step 51 has length " + NUMBER + r" \(course form\)"),
    Claim(CH02, r"against " + NUMBER + " in the other form",
          r"rate / 10 after 50 steps: .* and " + NUMBER + r" \(other form\)"),
    # chapter 02, 2.5: Adagrad with and without the root
    Claim(CH02, r"With the root, the loss after 200 steps is " + NUMBER,
          r"adagrad: loss after 200 steps, loss scaled x0.01: \S+ x1: " + NUMBER),
    Claim(CH02, r"same rule ends at " + NUMBER,
          r"without the root: loss after 200 steps, loss scaled x0.01: " + NUMBER),
    Claim(CH02, r"same rule ends at \S+ " + NUMBER + " or",
          r"without the root: loss after 200 steps, loss scaled x0.01: \S+ x1: " + NUMBER),
    Claim(CH02, r"same rule ends at \S+ \S+ or " + NUMBER,
          r"without the root: loss after 200 steps, .* x100: " + NUMBER),
    # chapter 02, 2.7: Adam's first step
    Claim(CH02, r"per coordinate, about " + NUMBER + r" times \*\*too large\*\*",
          r"first step without it: \S+ " + NUMBER + " times too large"),
    # chapter 02, 2.10: the rules on the digits
    Claim(CH02, r"\(best: " + NUMBER + " for Nesterov",
          r"nesterov_momentum: final loss \S+ best val accuracy " + NUMBER),
    Claim(CH02, r" " + NUMBER + " for Adam,", r" adam: final loss \S+ best val accuracy " + NUMBER),
    Claim(CH02, r" " + NUMBER + r" for plain SGD\)", r" sgd: final loss \S+ best val accuracy " + NUMBER),
    # chapter 03
    Claim(CH03, r"the median ratio is " + NUMBER, r"lr = 1e-8: median update/weight ratio " + NUMBER),
    Claim(CH03, r"change of the loss is " + NUMBER + " with batches of 5",
          r"batch   5: .* step-to-step change of the loss " + NUMBER),
    Claim(CH03, r" " + NUMBER + " with 50 and", r"batch  50: .* step-to-step change of the loss " + NUMBER),
    Claim(CH03, r" " + NUMBER + r" with 500\.", r"batch 500: .* step-to-step change of the loss " + NUMBER),
    Claim(CH03, r"its initial loss is " + NUMBER + " instead of", r"tanh, N\(0, 1\)\s+initial loss\s+" + NUMBER,
          rtol=0.01),
    Claim(CH03, r"`dead` " + NUMBER + ", then 1.0",
          r"ReLU, biases -1\s+initial loss\s+\S+\n\s+layer 1: .* dead " + NUMBER),
    # chapter 04, 4.8 and 4.9
    Claim(CH04, r"The scaled pass gives a validation accuracy of " + NUMBER,
          r"scaled pass: val accuracy " + NUMBER),
    Claim(CH04, r"The scaled pass gives a validation accuracy of \S+ and a loss of " + NUMBER,
          r"scaled pass: val accuracy \S+ val loss " + NUMBER),
    Claim(CH04, r"A single random mask does worse \(" + NUMBER, r"average of 1 masks: val accuracy " + NUMBER),
    Claim(CH04, r"A single random mask does worse \(\S+ " + NUMBER,
          r"average of 1 masks: val accuracy \S+ val loss " + NUMBER),
    Claim(CH04, r"Averaging 10 masks already brings the loss down to " + NUMBER,
          r"average of 10 masks: val accuracy \S+ val loss " + NUMBER),
    Claim(CH04, r"1,000 masks give an accuracy of " + NUMBER, r"average of 1000 masks: val accuracy " + NUMBER),
    Claim(CH04, r"1,000 masks give an accuracy of \S+ and a loss of " + NUMBER,
          r"average of 1000 masks: val accuracy \S+ val loss " + NUMBER),
    Claim(CH04, r"reached its minimum \(" + NUMBER, r"no regularization .* val loss: min " + NUMBER),
    Claim(CH04, r"then climbed \(to " + NUMBER, r"no regularization .* val loss: min \S+ final " + NUMBER),
    # chapter 05
    Claim(CH05, r"by up to " + NUMBER + " in the second half", r" constant: .* in the second half " + NUMBER),
    Claim(CH05, r"against at most " + NUMBER + " under any decaying schedule",
          r"1/t \(k = 0.2\): .* in the second half " + NUMBER),
    Claim(CH05, r"the final training loss, " + NUMBER + ", is worse",
          r"x0.5 every  1 epochs: final training loss " + NUMBER),
    Claim(CH05, r"the constant rate's " + NUMBER, r" constant: final training loss " + NUMBER),
    Claim(CH05, r"epochs ends at " + NUMBER, r"x0.5 every  3 epochs: final training loss " + NUMBER),
    Claim(CH05, r"epochs ends at \S+ and " + NUMBER, r"x0.5 every 10 epochs: final training loss " + NUMBER),
    Claim(CH05, r"validation accuracies of " + NUMBER, r"x0.5 every  3 epochs: .* val accuracy " + NUMBER),
    Claim(CH05, r"validation accuracies of \S+ and " + NUMBER, r"x0.5 every 10 epochs: .* val accuracy " + NUMBER),
    # chapter 06, 6.11
    Claim(CH06, r"has a standard error of " + NUMBER,
          r"validation set of +297: .* standard error of an accuracy of 0.9: " + NUMBER),
]

CHAPTERS = sorted({claim.chapter for claim in CLAIMS})


def to_number(text, power=False):
    """The float a captured string stands for: '5.0e-03', '20,000', or an exponent of 10 if power."""
    value = float(text.replace(",", ""))
    return 10.0 ** value if power else value


def printed_precision(text):
    """Half a unit in the last printed digit of `text`, relative to its value (0 if the value is 0)."""
    mantissa, _, exponent = text.lower().replace(",", "").partition("e")
    decimals = len(mantissa.partition(".")[2])
    unit = 10.0 ** (-decimals) * 10.0 ** int(exponent or 0)
    value = abs(float(text.replace(",", "")))
    return 0.5 * unit / value if value else 0.0


def agree(claim, stated, printed, printed_text):
    """Whether a stated number agrees with the printed one under the claim's tolerance."""
    if claim.decades is not None:
        if stated <= 0 or printed <= 0:
            return False
        return abs(math.log10(stated / printed)) <= claim.decades
    tolerance = max(claim.rtol, printed_precision(printed_text)) * abs(printed)
    return abs(stated - printed) <= tolerance * (1 + 1e-9)


def check_claim(claim, markdown, output):
    """Problems (list of str, empty if none) of one claim against a chapter's markdown and output.

    Inputs:
    - claim: a Claim.
    - markdown: the chapter's markdown cells joined (whitespace is collapsed here).
    - output: the text the chapter's code cells printed.
    """
    stated = re.findall(claim.text, " ".join(markdown.split()))
    if not stated:
        return [f"{claim.chapter}: the text no longer states /{claim.text}/"]
    printed = re.findall(claim.output, output)
    if len(printed) != 1:
        return [f"{claim.chapter}: /{claim.output}/ printed {len(printed)} times, expected once"]
    printed_value = to_number(printed[0])
    problems = []
    for text in stated:
        value = to_number(text, claim.power)
        if not agree(claim, value, printed_value, printed[0]):
            problems.append(f"{claim.chapter}: the text states {text} (/{claim.text}/), "
                            f"the notebook prints {printed[0]}")
    return problems


def markdown_of(nb):
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def output_of(nb):
    """Everything the code cells wrote to stdout, and their text results."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif out.output_type == "execute_result":
                parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.xdist_group("executed")
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_stated_numbers_match_the_executed_notebook(chapter, executed_solution):
    """Does every number the chapter's prose states agree with what its experiments print?"""
    nb = executed_solution(chapter)
    markdown, output = markdown_of(nb), output_of(nb)
    problems = [p for claim in CLAIMS if claim.chapter == chapter for p in check_claim(claim, markdown, output)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_claim_is_still_in_the_text(chapter):
    """Does the chapter's markdown still state every number the table expects (no execution needed)?"""
    markdown = " ".join(markdown_of(read("solutions", chapter)).split())
    missing = [claim.text for claim in CLAIMS if claim.chapter == chapter and not re.search(claim.text, markdown)]
    assert not missing, f"{chapter}: no longer stated: {missing}"


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: f"{c.chapter[:2]}:{c.text[:40]}")
def test_a_changed_number_is_caught(claim):
    """Does the check reject the text when its number is changed, and accept it unchanged?"""
    markdown = " ".join(markdown_of(read("solutions", claim.chapter)).split())
    match = re.search(claim.text, markdown)
    assert match, f"{claim.chapter}: /{claim.text}/ not in the text"
    stated_text = match.group(1)
    stated = to_number(stated_text, claim.power)
    # The printed value the text is right about, and one it is wrong about.
    factor = 10.0 ** (2 * claim.decades) if claim.decades is not None else 1.5
    assert agree(claim, stated, stated, f"{stated:.6e}"), "the check rejects a number equal to the printed one"
    assert not agree(claim, stated, stated * factor if stated else 1.0, f"{stated * factor:.6e}"), \
        f"the check accepts {stated_text} against a printed value {factor}x larger"


def test_check_claim_reports_a_changed_digit():
    """Does check_claim fail a text whose stated number differs from the printed one in its last digit?"""
    claim = Claim("chapter", r"the error is " + NUMBER, r"error at h=1e-5: " + NUMBER)
    output = "error at h=1e-5: 5.0e-03\n"
    assert check_claim(claim, "At the default h the error is 5.0e-03, about half a percent.", output) == []
    problems = check_claim(claim, "At the default h the error is 5.1e-03, about half a percent.", output)
    assert problems and "5.1e-03" in problems[0]
    assert check_claim(claim, "the error is several percent", output), "a claim the text no longer states passes"
    assert check_claim(claim, "the error is 5.0e-03", output + output), "an ambiguous printout passes"


def test_rounding_to_the_printed_precision():
    """Does a stated 0.5% match a printed 5.0e-03, and a stated 2.302 match a printed 2.3026 only with rtol?"""
    exact = Claim("c", NUMBER, NUMBER)
    assert agree(exact, 5.0e-3, 5.0e-3, "5.0e-03")
    assert not agree(exact, 5.1e-3, 5.0e-3, "5.0e-03")
    assert not agree(exact, 2.302, 2.3026, "2.3026")
    assert agree(Claim("c", NUMBER, NUMBER, rtol=1e-3), 2.302, 2.3026, "2.3026")
    about = Claim("c", POWER, NUMBER, decades=0.5, power=True)
    assert agree(about, to_number("-10", power=True), 7.1e-11, "7.1e-11")
    assert not agree(about, to_number("-8", power=True), 7.1e-11, "7.1e-11")
