# azml: dialect=designer
def azureml_main(dataframe1=None, dataframe2=None):
    # The designer does not unpack a list: it fails to convert it to one table.
    return [dataframe1, dataframe2]
