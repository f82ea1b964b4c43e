"""Builds the `jaxray` package for pip with the project's CMake build.

CMake assembles the whole package (the pybind11 extension and the pure-Python
modules) in <build>/python/jaxray; this copies it, with the engine library
the extension loads through its $ORIGIN run path, into the wheel.

JAXRAY_BUILD_DIR=<dir> reuses an existing CMake build directory (only its
`jaxray_python` target is built, its configuration is left as it is);
otherwise a Release build is configured under setuptools' temporary directory
with the tests, benchmarks and CLI off. JAXRAY_BUILD_JOBS sets the parallelism.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("JAXRAY_BUILD_DIR") or os.path.join(os.path.abspath(self.build_temp), "cmake")
        if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
            subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                            "-DJAXRAY_BUILD_TESTS=OFF", "-DJAXRAY_BUILD_BENCH=OFF", "-DJAXRAY_BUILD_APP=OFF",
                            f"-DPython_EXECUTABLE={sys.executable}"], check=True)
        jobs = os.environ.get("JAXRAY_BUILD_JOBS", str(os.cpu_count() or 2))
        subprocess.run(["cmake", "--build", build_dir, "--target", "jaxray_python", "-j", jobs], check=True)

        package = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        shutil.copytree(os.path.join(build_dir, "python", "jaxray"), package, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        for lib in glob.glob(os.path.join(build_dir, "lib", "libjaxray_engine.so*")):
            shutil.copy2(lib, package)


# setuptools' own files stay in the build directory (build/ is ignored by
# git), not the source tree; CMake assembles the package, so setuptools
# discovers none in the tree.
SCRATCH = os.path.join(os.environ.get("JAXRAY_BUILD_DIR") or os.path.join(ROOT, "build"), "pip")
os.makedirs(SCRATCH, exist_ok=True)
setup(packages=[], ext_modules=[Extension("jaxray._jaxray", sources=[])], cmdclass={"build_ext": CMakeBuild},
      options={"build": {"build_base": SCRATCH}, "egg_info": {"egg_base": SCRATCH}})
