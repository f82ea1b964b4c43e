// Bundled examples for `jaxray-cli demo NAME`: each traces a function written
// with the C++ API and prints its source, its jaxpr and its result.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace jxr::cli {

struct Demo {
  std::string name;
  std::string summary;
  std::function<void()> run;  // prints to stdout
};

const std::vector<Demo>& demos();

}  // namespace jxr::cli
