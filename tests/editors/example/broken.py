# azml: dataset1=sales.csv
def azureml_main(dataframe1=None, dataframe2=None):
    cities = dataframe1["town"].unique()
    return (cities,)
