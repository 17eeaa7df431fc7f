# azml: dialect=classic env=classic-py27 dataset1=scores.csv
"""A Studio (classic) script as it was written in 2016, for "Anaconda 4.0/Python 2.7.11".

It uses what Python 2 and pandas 0.18 had and later releases removed: the print statement,
dict.iteritems, integer division with /, DataFrame.sort, .ix and .as_matrix(). It runs in the
classic-py27 twin (azml env create classic-py27) and fails under any Python 3.
"""
import pandas as pd


def azureml_main(frame1):
    print "scores read:", len(frame1)
    totals = {}
    for student, group in frame1.groupby('student'):
        totals[student] = group['points'].sum()
    rows = []
    for student, total in totals.iteritems():
        rows.append((student, total, total / 3))  # three tests: the mean, rounded down
    report = pd.DataFrame(rows, columns=['student', 'total', 'mean'])
    report = report.sort('total', ascending=False)
    report['rank'] = range(1, len(report) + 1)
    print "best:", report.ix[report.index[0], 'student']
    print "highest single score:", frame1.as_matrix(columns=['points']).max()
    return report,
