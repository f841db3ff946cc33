"""Hypothesis profiles: "ci" (chosen when CI is set) is broad but bounded and
reproducible; "dev" is quick for the edit-test loop; "thorough" hunts for rare cases.
Choose one with HYPOTHESIS_PROFILE."""

import os

from hypothesis import HealthCheck, Phase, settings

# The Spark test needs a JVM and pyspark, which .ci/run installs only where Java is present;
# it runs there with ALIPROTECT_SPARK=1 (see CONTRIBUTING.md), and is not collected elsewhere.
collect_ignore_glob = [] if os.environ.get("ALIPROTECT_SPARK") == "1" else ["spark/*"]

settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)  # HYPOTHESIS_PROFILE=thorough
# For mutation testing only ([tool.mutmut] in pyproject.toml passes --hypothesis-profile=mutation):
# few examples, derandomized so that every mutant meets the same ones, and a failure is not shrunk
# (a mutant needs only the verdict, and shrinking the failure it causes can take minutes).
settings.register_profile(
    "mutation",
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
