# azml: dialect=designer env=designer dataset1=scores.csv
"""legacy_py27.py migrated to the designer by `azml migrate --to designer`, with the one place
it listed (AZ701: `total / 3`, integers meant to floor) finished by hand as `total // 3`.

`azml migrate legacy_py27.py --to designer --verify --against legacy_py27_designer.py` runs both
(classic-py27 and designer twins) and finds the same table.
"""
import pandas as pd


def azureml_main(frame1):
    print("scores read:", len(frame1))
    totals = {}
    for student, group in frame1.groupby('student'):
        totals[student] = group['points'].sum()
    rows = []
    for student, total in totals.items():
        rows.append((student, total, total // 3))  # three tests: the mean, rounded down
    report = pd.DataFrame(rows, columns=['student', 'total', 'mean'])
    report = report.sort_values('total', ascending=False)
    report['rank'] = range(1, len(report) + 1)
    print("best:", report.loc[report.index[0], 'student'])
    print("highest single score:", frame1[['points']].values.max())
    return report.reset_index(drop=True),
