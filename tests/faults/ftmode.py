# SPDX-License-Identifier: MIT
# The fault suite's servers read their behaviour from a file the scenario
# rewrites: "ok" (also when the file is missing) or a fault's name.


def mode(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return "ok"
