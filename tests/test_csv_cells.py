"""/export.csv: a label a spreadsheet could read as a formula gets a leading apostrophe, also when it starts with a
carriage return, a line break or blanks an import may trim before the formula."""
import base64
import csv
import io
import json

import pytest


def b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


@pytest.mark.parametrize("label", ["\r=1+1", "\r\n=HYPERLINK(\"x\")", "\n=1+1", " =1+1", "\x0b@SUM(A1)",
                                   "\u00a0-2+3", "\t+1", "=1", "\r"])
def test_a_formula_like_label_is_text_in_the_csv(client, label):
    state = {"surface": "rosenbrock", "steps": 2, "optimizers": [{"optimizer": "adam", "label": label}]}
    r = client.get("/export.csv?state=" + b64(state))
    assert r.status_code == 200, r.text[:300]
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    assert rows[0][2] == "label" and len(rows) == 4
    for row in rows[1:]:
        assert row[2] == "'" + label


@pytest.mark.parametrize("label", ["Adam lr=0.1", "a-b", "SGD → Adam @40", "1e-3"])
def test_plain_labels_stay_as_they_are(client, label):
    state = {"surface": "rosenbrock", "steps": 1, "optimizers": [{"optimizer": "adam", "label": label}]}
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?state=" + b64(state)).text, newline="")))
    assert rows[1][2] == label
