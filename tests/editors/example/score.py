# azml: dataset1=sales.csv bundle=lib/ dialect=classic
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from summary import totals_by_city


def azureml_main(dataframe1=None, dataframe2=None):
    cities = dataframe1.groupby("city").size()
    totals = totals_by_city(dataframe1)
    print("cities:", len(cities))
    figure, axes = plt.subplots(figsize=(4, 3))
    axes.bar(totals["city"], totals["amount"])
    figure.savefig("totals.png")
    return (totals,)
