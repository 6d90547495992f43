#!/usr/bin/env python3
"""Write a candidates CSV of N rows and 10 columns (about 160 bytes a row) to
stdout, for bench/validate-vs-peers.sh. About one row in 40 is wrong on
purpose (a bad e-mail, a missing last name, an unknown country), so every
tool compared has some rows to report."""
import csv
import sys

HEADER = ["position_uid", "partner_candidate_id", "first_name", "last_name", "email",
          "phone", "linkedin_url", "prospect_status", "address.country", "note"]
FIRST = ["Dana", "Yossi", "Maria", "Bobby", "Noa", "Avi", "Ruth", "Omer", "Tamar", "Eli"]
LAST = ["Levi", "Cohen", "Garcia", "Chauck", "Mizrahi", "Peretz", "Biton", "Friedman"]
STATUS = ["Sourced", "Contacted", "interested", "Not interested", ""]
COUNTRY = ["IL", "US", "GB", "de", "FR"]


def row(i):
    first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
    email = f"{first}.{last}.{i}@example.com".lower()
    last_name, country = last, COUNTRY[i % len(COUNTRY)]
    if i % 40 == 7:
        email = f"{first}.{last}.{i}-at-example.com"
    elif i % 40 == 19:
        last_name = ""
    elif i % 40 == 31:
        country = "Israel"
    return ["11.11", f"AG-{i:08d}", first, last_name, email, f"05{i % 100000000:08d}",
            f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}",
            STATUS[i % len(STATUS)], country, f"From the agency, batch {i // 1000}"]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HEADER)
    for i in range(1, n + 1):
        w.writerow(row(i))


if __name__ == "__main__":
    main()
