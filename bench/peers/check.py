#!/usr/bin/env python3
"""A plain Python checker for bench/validate-vs-peers.sh: reads the CSV with
csv.DictReader, checks the required fields and the e-mail pattern, and prints
how many rows passed and failed. It is the baseline a recruiter's own script
would be."""
import csv
import re
import sys

REQUIRED = ["position_uid", "partner_candidate_id", "first_name", "last_name"]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def main():
    ok = bad = 0
    with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
        for rec in csv.DictReader(f):
            email = (rec.get("email") or "").strip().lower()
            if any(not (rec.get(k) or "").strip() for k in REQUIRED) or (email and not EMAIL.match(email)):
                bad += 1
            else:
                ok += 1
    print(f"valid {ok} invalid {bad}")


if __name__ == "__main__":
    main()
