"""The packages the designer preinstalls, and how its docs say to add others (CONTRACT.md §8).

Source S9: the designer component reference (MicrosoftDocs azure-ai-docs,
``articles/machine-learning/component-reference/execute-python-script.md``, ms.date 06/15/2021),
sections "Supported Python packages" and "Preinstalled Python packages". Studio (classic) shipped
about 200 Anaconda packages that no source lists one by one, and had no pip (S1, S2): it has no
list here.
"""

from __future__ import annotations

from functools import cache

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import BUILTIN_TWINS

PACKAGES_SOURCE = (
    "S9: the designer component reference, 'Preinstalled Python packages' (MicrosoftDocs "
    "azure-ai-docs, articles/machine-learning/component-reference/execute-python-script.md, "
    "ms.date 06/15/2021)"
)

_DESIGNER_LIST = """
adal==1.2.2 applicationinsights==0.11.9 attrs==19.3.0 azure-common==1.1.25 azure-core==1.3.0
azure-graphrbac==0.61.1 azure-identity==1.3.0 azure-mgmt-authorization==0.60.0
azure-mgmt-containerregistry==2.8.0 azure-mgmt-keyvault==2.2.0 azure-mgmt-resource==8.0.1
azure-mgmt-storage==8.0.0 azure-storage-blob==1.5.0 azure-storage-common==1.4.2
azureml-core==1.1.5.5 azureml-dataprep-native==14.1.0 azureml-dataprep==1.3.5
azureml-defaults==1.1.5.1 azureml-designer-classic-modules==0.0.118 azureml-designer-core==0.0.31
azureml-designer-internal==0.0.18 azureml-model-management-sdk==1.0.1b6.post1
azureml-pipeline-core==1.1.5 azureml-telemetry==1.1.5.3 backports.tempfile==1.0
backports.weakref==1.0.post1 boto3==1.12.29 botocore==1.15.29 cachetools==4.0.0
certifi==2019.11.28 cffi==1.12.3 chardet==3.0.4 click==7.1.1 cloudpickle==1.3.0
configparser==3.7.4 contextlib2==0.6.0.post1 cryptography==2.8 cycler==0.10.0 dill==0.3.1.1
distro==1.4.0 docker==4.2.0 docutils==0.15.2 dotnetcore2==2.1.13 flask==1.0.3 fusepy==3.0.1
gensim==3.8.1 google-api-core==1.16.0 google-auth==1.12.0 google-cloud-core==1.3.0
google-cloud-storage==1.26.0 google-resumable-media==0.5.0 googleapis-common-protos==1.51.0
gunicorn==19.9.0 idna==2.9 imbalanced-learn==0.4.3 isodate==0.6.0 itsdangerous==1.1.0
jeepney==0.4.3 jinja2==2.11.1 jmespath==0.9.5 joblib==0.14.0 json-logging-py==0.2
jsonpickle==1.3 jsonschema==3.0.1 kiwisolver==1.1.0 liac-arff==2.4.0 lightgbm==2.2.3
markupsafe==1.1.1 matplotlib==3.1.3 more-itertools==6.0.0 msal-extensions==0.1.3 msal==1.1.0
msrest==0.6.11 msrestazure==0.6.3 ndg-httpsclient==0.5.1 nimbusml==1.6.1 numpy==1.18.2
oauthlib==3.1.0 pandas==0.25.3 pathspec==0.7.0 pip==20.0.2 portalocker==1.6.0 protobuf==3.11.3
pyarrow==0.16.0 pyasn1-modules==0.2.8 pyasn1==0.4.8 pycparser==2.20 pycryptodomex==3.7.3
pyjwt==1.7.1 pyopenssl==19.1.0 pyparsing==2.4.6 pyrsistent==0.16.0 python-dateutil==2.8.1
pytz==2019.3 requests-oauthlib==1.3.0 requests==2.23.0 rsa==4.0 ruamel.yaml==0.15.89
s3transfer==0.3.3 scikit-learn==0.22.2 scipy==1.4.1 secretstorage==3.1.2
setuptools==46.1.1.post20200323 six==1.14.0 smart-open==1.10.0 urllib3==1.25.8
websocket-client==0.57.0 werkzeug==0.16.1 wheel==0.34.2
"""
DESIGNER_PREINSTALLED: tuple[str, ...] = tuple(_DESIGNER_LIST.split())
"""The designer's documented preinstalled packages, ``name==version`` (S9), in its order."""

_IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "attrs": ("attr", "attrs"), "backports.tempfile": ("backports",),
    "backports.weakref": ("backports",), "dotnetcore2": ("dotnetcore2",), "fusepy": ("fuse",),
    "googleapis-common-protos": ("google",), "imbalanced-learn": ("imblearn",),
    "json-logging-py": ("json_logging",), "liac-arff": ("arff",),
    "matplotlib": ("matplotlib", "mpl_toolkits", "pylab"), "ndg-httpsclient": ("ndg",),
    "protobuf": ("google",), "pycryptodomex": ("Cryptodome",), "pyjwt": ("jwt",),
    "pyopenssl": ("OpenSSL",), "python-dateutil": ("dateutil",), "ruamel.yaml": ("ruamel",),
    "scikit-learn": ("sklearn",), "setuptools": ("setuptools", "pkg_resources"),
    "websocket-client": ("websocket",), "pyyaml": ("yaml",), "pillow": ("PIL",),
}  # fmt: skip
"""Distributions whose import names are not the distribution's name."""

_NAMESPACES = {"azure-": "azure", "azureml-": "azureml", "google-": "google"}

INSTALL_PATTERN = (
    "import importlib.util\n"
    "if importlib.util.find_spec({module!r}) is None:\n"
    "    import os\n"
    '    os.system(f"pip install {distribution}")'
)
"""S9: "To install packages that aren't in the preinstalled list ... add the following code to
your script", guarded by ``importlib.util.find_spec`` "for better performance, especially for
inference"; each Execute Python Script component installs its own."""


def import_names(distribution: str) -> tuple[str, ...]:
    """The top-level modules a distribution installs (``scikit-learn`` -> ``sklearn``)."""
    key = distribution.lower()
    if key in _IMPORT_NAMES:
        return _IMPORT_NAMES[key]
    for prefix, namespace in _NAMESPACES.items():
        if key.startswith(prefix):
            return (namespace,)
    return (key.replace("-", "_"),)


@cache
def preinstalled_modules(dialect: Dialect, env: str | None = None) -> dict[str, str] | None:
    """Top-level module -> ``name==version`` of what the dialect preinstalls, with the pins of
    the built-in twin ``env``; None where no list is documented (classic)."""
    if dialect is not Dialect.DESIGNER:
        return None
    pins = list(DESIGNER_PREINSTALLED)
    spec = BUILTIN_TWINS.get(env or "")
    if spec is not None and spec.dialect is dialect:
        pins.extend(pin.requirement for pin in spec.packages)
    out: dict[str, str] = {}
    for pin in pins:
        for module in import_names(pin.split("==")[0]):
            out.setdefault(module, pin)
    return out


def install_advice(module: str, distribution: str) -> str:
    """The documented way to install ``distribution`` from the script, as one line of text."""
    return (
        f'`os.system(f"pip install {distribution}")` guarded by '
        f"`importlib.util.find_spec({module!r}) is None`"
    )
