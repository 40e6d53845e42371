"""Package list for setuptools: ``hpint/`` plus ``integrations/`` installed as ``hpint.integrations``.

Everything else about the build is in pyproject.toml; this file only computes what TOML cannot express.
"""

from setuptools import find_packages, setup

engine = find_packages(where=".", include=["hpint", "hpint.*"])
integrations = ["hpint.integrations"] + [
    f"hpint.integrations.{name}" for name in find_packages(where="integrations")
]
package_dir = {"hpint": "hpint", "hpint.integrations": "integrations"}
package_dir.update(
    {name: name.replace("hpint.integrations", "integrations").replace(".", "/") for name in integrations}
)

setup(packages=engine + integrations, package_dir=package_dir)
