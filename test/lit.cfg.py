# lit configuration of kiln's IR, pass and interpreter tests.
import os

import lit.formats

config.name = "kiln"
config.test_format = lit.formats.ShTest(not config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")
config.excludes = ["unit", "install", "lit.cfg.py", "lit.site.cfg.py"]

# kiln's tools first, then FileCheck, not, ... of LLVM 19.
config.environment["PATH"] = os.pathsep.join(
    [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
# One thread for BLAS keeps the interpreter's runs deterministic and light.
config.environment["OPENBLAS_NUM_THREADS"] = "1"
