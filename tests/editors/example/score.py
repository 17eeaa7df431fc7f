# azml: dataset1=sales.csv dialect=classic
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def azureml_main(dataframe1=None, dataframe2=None):
    totals = dataframe1.groupby("city", as_index=False)["amount"].sum()
    print("cities:", len(totals))
    figure, axes = plt.subplots(figsize=(4, 3))
    axes.bar(totals["city"], totals["amount"])
    figure.savefig("totals.png")
    return (totals,)
