"""Micro-benchmark: drawing Today's steps with a macro (as templates/today/_step.html does) or an include.

Jinja renders an include by looking the template up and building a new context each time; a macro is
a call. Today draws one per step (about 20 for three programs) and a tick answer redraws one. Prints
the median time per page for each way over 2,000 renders of 20 steps. Run: python bench/templates.py
"""

import statistics
import time

from jinja2 import DictLoader, Environment

STEP = (
    "<li id='step-{{ step.id }}'><label><input type=checkbox {{ 'checked' if step.done }}> "
    "{{ step.title }}</label></li>"
)
TEMPLATES = {
    "macro_step.html": "{% macro item(step) %}" + STEP + "{% endmacro %}",
    "include_step.html": STEP,
    "by_macro.html": (
        "{% from 'macro_step.html' import item %}<ul>{% for step in steps %}{{ item(step) }}{% endfor %}</ul>"
    ),
    "by_include.html": "<ul>{% for step in steps %}{% include 'include_step.html' %}{% endfor %}</ul>",
}


def main():
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    steps = [{"id": f"s{i}", "title": f"Step {i}", "done": i % 2 == 0} for i in range(20)]
    for name in ("by_macro.html", "by_include.html"):
        template = env.get_template(name)
        times = []
        for _ in range(2000):
            start = time.perf_counter()
            template.render(steps=steps)
            times.append(time.perf_counter() - start)
        print(f"{name}: {statistics.median(times) * 1e6:.0f} µs per page of 20 steps")


if __name__ == "__main__":
    main()
